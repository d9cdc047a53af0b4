"""Number formatting for cards, tables and captions (pure; "无数据" for missing values)."""
from __future__ import annotations

import re

import pandas as pd

from metrics import stats
from metrics.formats import NO_DATA, count, hours, index, missing, overdue, pct  # noqa: F401 — the pages' formats


# Table columns (st.dataframe's printf formats, sprintf-js) written as metrics.formats writes the same
# numbers on cards, bars and labels: counts with thousands separators, rates (in percent) and the
# index to one decimal, changes in pp signed. Tables name their columns in Chinese, and the same name
# means the same thing on every page, so the format follows the name.
TABLE_FORMATS = {"count": "%,d", "rate": "%.1f%%", "index": "%.1f", "pp": "%+.1f", "hours": "%.1f", "score": "%.2f"}
COLUMN_KINDS = {
    **dict.fromkeys(("上报数", "立案数", "结案数", "超期未结", "有效评价数", "不满意数", "走访户次", "巡查天数",
                     "户数/专职网格员", "排名", "名次", "岗位内排名", "街道内排名", "应结案件", "承办事件数", "派遣次数"), "count"),
    **dict.fromkeys(("结案率", "按期结案率", "网格内化解率", "群众满意率", "满意率", "上期满意率", "有效上报率",
                     "按时核实率", "网格按期结案率", "网格满意率", "本周按期结案率", "上周按期结案率", "退单率", "多次派遣率"), "rate"),
    **dict.fromkeys(("平安指数", "上周平安指数", "本周平安指数", "指数变化"), "index"),
    **dict.fromkeys(("环比(pp)", "同比(pp)", "变化(pp)", "按期率环比(pp)", "退单率环比(pp)"), "pp"),
    **dict.fromkeys(("办结时长中位数（小时）", "办结时长P90（小时）", "响应时长（小时）"), "hours"), "综合得分": "score",
}


def column_format(name: str) -> str | None:
    """The printf format of a table column by its (Chinese) name; None for text and unknown columns."""
    kind = COLUMN_KINDS.get(name)
    return None if kind is None else TABLE_FORMATS[kind]


def table_text(name: str, v) -> str:
    """A cell as the table shows it (the printf format applied the way sprintf-js applies it), for
    tests and exports that must read the same as the page."""
    fmt_ = column_format(name)
    if fmt_ is None or missing(v):
        return "" if missing(v) else str(v)
    if fmt_ == "%,d":
        return f"{int(round(float(v))):,}"
    return fmt_ % float(v)


DELTA_COLOR = {"up": "normal", "down": "inverse", "none": "off"}  # st.metric's delta_color per good direction


def delta(current, previous, kind: str) -> str | None:
    """Change as text: 'pp' for rates (+1.2pp), 'pct' for counts (+3.4%), 'points' for the index (+2.1).

    None when there is nothing to compare (no data on either side, or a count from zero)."""
    if kind == "points":
        return None if missing(current) or missing(previous) else f"{current - previous:+.1f}"
    v = stats.change(current, previous, is_rate=(kind == "pp"))
    return None if v is None else f"{v:+.1f}{'pp' if kind == 'pp' else '%'}"


def unchanged(delta_text: str | None) -> bool:
    """A change that rounds to nothing (+0, +0.0pp, -0.0%): shown without arrow or colour."""
    return delta_text is not None and not any(c in "123456789" for c in delta_text)


MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:&")
# Escapes alone do not stop Streamlit's Markdown from making links: remark-gfm finds bare addresses
# (https://…, www.…, name@host.…) in the text *after* escapes are resolved, and Streamlit rewrites
# ":material/" into an icon before parsing. An invisible WORD JOINER (U+2060) where such a pattern
# would start breaks each of them and changes nothing a reader sees.
_LINK_STARTS = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?=@)|(?<=:)(?=material/)")
WORD_JOINER = "\u2060"


def md_escape(text) -> str:
    """Database or URL text made safe for Streamlit's Markdown (titles, captions, messages, labels,
    table cells): every character that could start a link, emphasis, colour or icon is escaped, bare
    addresses are not turned into links, and line breaks become spaces (a name is one line), so the
    text shows exactly as stored and never as markup."""
    text = _LINK_STARTS.sub(WORD_JOINER, " ".join(str(text).splitlines()))
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in text)


def md_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for st.table, which renders every cell and index label as Markdown: text escaped."""
    escape = lambda v: md_escape(v) if isinstance(v, str) else v  # noqa: E731
    out = frame.map(escape)
    out.index = out.index.map(escape)
    return out
