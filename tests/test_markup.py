"""Text from the URL and the database reaches the pages as text, never as Markdown or chart markup.

Each test performs the attack: a crafted link (?area=, ?week=) or a platform whose area, category and
worker names and codes carry links, images, bare addresses, colours, icons, math and pseudo-HTML
(tests/markup.py EVIL), and checks every string the page sent to be rendered (tests/markup.py models
Streamlit's Markdown; tests/browser/test_markup.py looks at the same in a real browser).
"""
import json
from pathlib import Path

import pytest
import streamlit

from tests.markup import BUNDLE_PATTERNS, EVIL, chart_strings, foreign_markup, markdown_sources, markup_in, shown
from ui.format import md_escape

HOSTILE = [EVIL, "https://evil.example", "HTTP://EVIL.EXAMPLE/x", "见 www.evil.example", "联系 a.b@evil.example",
           "[点此](javascript:alert(1))", "![](https://evil.example/p.png)", "<https://evil.example>",
           ":red[红]", ":material/home:", "$x$", "a\\]\\(b", "&lt;b&gt;", "行一\n# 行二\r\n- 行三"]


def test_markdown_model_is_streamlits():
    """The patterns tests/markup.py models are the ones Streamlit's frontend runs: an upgrade that
    changes them fails here, and md_escape must be checked against the new ones."""
    bundle = "".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in (Path(streamlit.__file__).parent / "static").rglob("StreamlitMarkdown*.js"))
    assert bundle, "Streamlit's Markdown bundle not found"
    for pattern in BUNDLE_PATTERNS:
        assert pattern in bundle, pattern


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_leaves_nothing_to_render(text):
    assert markup_in(text) or "&" in text or "\n" in text or "\\" in text  # the model sees the raw text's markup
    escaped = md_escape(text)
    assert markup_in(escaped) == []
    assert shown(escaped) == " ".join(text.splitlines())  # shown as written, one line


def _one(alerts, words: str) -> str:
    (source,) = [a.value for a in alerts if words in shown(a.value)]
    return source


@pytest.mark.parametrize("user", [None, "s1"])
def test_a_crafted_area_in_the_link_is_refused_in_plain_text(open_page, user):
    at = open_page(user=user, check=False, area=EVIL)
    assert not at.exception and not at.metric
    source = _one(at.error, "无权查看区域")
    assert markup_in(source) == []
    assert shown(source) == f"无权查看区域 {EVIL}，或该区域不存在。请改用有权限区域的链接，或去掉链接中的 area= 参数后重新打开。"


def test_a_crafted_week_in_the_link_is_named_in_plain_text(open_page):
    at = open_page("views/weekly.py", link=True, week=EVIL)
    source = _one(at.warning, "周次应写作")
    assert markup_in(source) == [] and EVIL in shown(source)


# ---- a platform with hostile names and codes ----

def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture
def hostile_platform(fixture_copy) -> str:
    """The fixture city with EVIL in every area, category, worker and department name, and as an
    unmapped source and survey-answer code."""
    evil = _sql(" " + EVIL)
    return fixture_copy(f"UPDATE areas SET name = name || {evil}",
                        f"UPDATE event_categories SET name = name || {evil}",
                        f"UPDATE workers SET name = name || {evil}",
                        f"UPDATE departments SET name = name || {evil}",
                        f"UPDATE events SET source = {_sql(EVIL)} WHERE id = 1",
                        f"UPDATE surveys SET result = {_sql(EVIL)} WHERE id = 6")


PAGES = [  # page, user, URL parameters
    (None, None, {}), ("views/safety.py", None, {}), ("views/events.py", None, {}),
    ("views/satisfaction.py", None, {}), ("views/weekly.py", None, {}), ("views/events.py", None, {"area": "G1"}),
    ("views/workers.py", "root", {"worker": "101"}), ("views/quality.py", "root", {}), (None, "wall", {}),
    ("views/cases.py", None, {"measure": "dept_handled", "department": "CG"}),
]


def open_hostile(open_page, hostile_platform, page, user, params):
    at = open_page(page, user=user, url=hostile_platform, link=True, **params)
    if user == "root":  # names in clear too (the admin may unmask)
        next(t for t in at.toggle if t.label.startswith("显示个人信息")).set_value(True).run()
    return at


@pytest.mark.parametrize("page, user, params", PAGES)
def test_hostile_names_reach_markdown_as_text(open_page, hostile_platform, page, user, params):
    at = open_hostile(open_page, hostile_platform, page, user, params)
    sources = markdown_sources(at)
    assert any("evil.example" in shown(s) for s in sources)  # the names are on the page …
    assert [(s, foreign_markup(s)) for s in sources if foreign_markup(s)] == []  # … as text only


CHART_PAGES = [  # the pages whose charts name areas or categories
    (None, {}), ("views/safety.py", {}), ("views/events.py", {}), ("views/satisfaction.py", {}),
    ("views/weekly.py", {}), ("views/events.py", {"area": "S1"}),
]


@pytest.mark.parametrize("page, params", CHART_PAGES)
def test_hostile_names_reach_charts_as_text(open_page, hostile_platform, page, params):
    """Plotly reads <a href>, <b> and <br> in any label, tick or hover as its own markup: a name is
    sent with <, > and & as entities, which Plotly shows as the characters."""
    at = open_page(page, url=hostile_platform, link=True, **params)
    strings = chart_strings(at)
    assert any("&lt;a href=" in s for s in strings)  # the names are on the charts …
    assert [s for s in strings if "<a " in s or "<b>" in s or "</a>" in s] == []  # … as text only


def test_hostile_names_reach_the_map_as_text(open_page, hostile_platform):
    """deck.gl puts a tooltip's "html" into the page as HTML, its "text" as text: only "text" is used,
    and the name is in it as stored (the circles' labels are WebGL text)."""
    at = open_page("views/safety.py", url=hostile_platform, link=True, area="C1")
    (el,) = at.get("deck_gl_json_chart")
    deck, tooltip = json.loads(el.proto.json), json.loads(el.proto.tooltip)
    assert set(tooltip) == {"text", "style"} and tooltip["text"] == "{label}"
    labels = [row["label"] for layer in deck["layers"] for row in layer.get("data", []) if "label" in row]
    assert labels and all(EVIL in label for label in labels)
