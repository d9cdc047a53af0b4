"""Hostile text, and what Streamlit's Markdown and Plotly would make of a page's strings.

`markup_in(source)` models what Streamlit's Markdown renderer turns into something other than text:
links and images (`[…](…)`, `![…](…)`), raw HTML and `<scheme:…>` autolinks, colour and other
directives (`:red[…]`), math (`$…$`), Streamlit's `:material/…:` icons (rewritten in the source
before parsing, so an escaped colon does not stop them) and GFM's bare-address links (found in the
text after escapes are resolved, so `https\\://` still links). The two patterns of the last are the
ones in Streamlit's own bundle; `test_markdown_model_is_streamlits` checks they still are, and
tests/browser/test_markup.py checks the same pages in a real browser.
"""
from __future__ import annotations

import json
import re

# What an area, category or worker may be called on a hostile platform, or what a crafted link
# carries: a phishing link, a tracking image, bare addresses, a colour, an icon, math, pseudo-HTML.
EVIL = ('<a href="https://evil.example/login">登录已过期，请点此重新登录</a>'
        '[登录已过期，请点此重新登录](https://evil.example/login)![](https://evil.example/pixel.png)'
        ' https://evil.example/x www.evil.example x@evil.example :red[红] :material/home: $x^2$ <b>粗</b>')

# GFM autolink literals as remark-gfm finds them (mdast-util-gfm-autolink-literal, in Streamlit's
# bundle); without the look-behind of the e-mail pattern, so the model finds at least what it finds.
# JavaScript's \w is ASCII.
BARE_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A)
BARE_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A)
BUNDLE_PATTERNS = (r"/(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)/gi",
                   r"/(?<=^|\s|\p{P}|\p{S})([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/gu",
                   "replaceAll(`:material/`,`:material_`)")
PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _resolve(source: str) -> tuple[str, list[bool]]:
    """The text after Markdown's backslash escapes, and for each character whether it was escaped."""
    text, escaped, i = [], [], 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and source[i + 1] in PUNCTUATION:
            text.append(source[i + 1])
            escaped.append(True)
            i += 2
        else:
            text.append(source[i])
            escaped.append(False)
            i += 1
    return "".join(text), escaped


def markup_in(source: str) -> list[str]:
    """What Streamlit would render from `source` as something other than its text (empty: plain)."""
    text, escaped = _resolve(source)
    bare = lambda i: not escaped[i]  # noqa: E731
    found = []
    for i, c in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if c == "]" and nxt == "(" and bare(i) and bare(i + 1):
            found.append("link or image")
        elif c == "<" and bare(i) and re.match(r"[A-Za-z/!?]", nxt):
            found.append("HTML or <autolink>")
        elif c == "$" and bare(i):
            found.append("math")
        elif c == ":" and bare(i) and (m := re.match(r"[A-Za-z-]+\[", text[i + 1:])) and bare(i + m.end()):
            found.append(f"directive :{m.group(0)}")
    if ":material/" in source:
        found.append("icon")
    found += [f"bare link {m.group(0)}" for p in (BARE_URL, BARE_EMAIL) for m in p.finditer(text)]
    return found


# The dashboard's own Markdown that the model would otherwise report: st.badge's directive, the
# wall's coloured "登录已关闭" and its 预警 panel's dots (EVIL's other markup still catches a name
# that escaped unescaped).
OWN = ("directive :gray-badge[", "directive :green-badge[", "directive :red-badge[", "directive :orange-badge[",
       "directive :orange[", "directive :green[", "directive :red[")


def foreign_markup(source: str) -> list[str]:
    """markup_in, less the dashboard's own."""
    return [m for m in markup_in(source) if m not in OWN]


def shown(source: str) -> str:
    """What a reader sees of escaped Markdown: escapes resolved, word joiners invisible."""
    return _resolve(source)[0].replace("\u2060", "")


def markdown_sources(at) -> list[str]:
    """Every string an AppTest run sent to be rendered as Markdown: headings, text, captions, alerts,
    metric labels and help, button and expander labels, st.table cells and index labels."""
    out = [e.value for kind in (at.title, at.header, at.subheader, at.markdown, at.caption, at.error,
                                at.warning, at.info, at.success) for e in kind]
    out += [m.label for m in at.metric] + [m.help or "" for m in at.metric]
    out += [b.label for b in at.button] + [e.label for e in at.expander]
    for t in at.table:
        frame = t.value
        out += [str(v) for v in frame.to_numpy().ravel()] + [str(v) for v in frame.index]
    return out


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def chart_strings(at) -> list[str]:
    """Every string of every Plotly chart's spec as sent to the browser, which Plotly reads as its
    pseudo-HTML (<a href>, <b>, <br>, &…; entities)."""
    return [s for el in at.get("plotly_chart") for s in _strings(json.loads(el.proto.spec))]
