"""From a figure to its cases in a real browser: a category bar on 事件办结 opens 事件明细 holding as many
cases as the bar counts, a row opens the case record, 返回列表 goes back to the same list.

Waits on the page's own state (idle script, URL, heading); one "must not happen" at the end: an
exception or error box on any of the three screens.
"""
from __future__ import annotations

from tests.browser.helpers import MAIN, click_top_bar, errors, js, open, query, rerun_after, shot, title, wait_until
from tests.browser.test_pages import MARKER_X, ROW_HEIGHT, VIEW, heading_is_not

CATEGORY_CHART = "各类别结案率与按期结案率"

# The category chart's top bar as Plotly holds it: customdata = [category code, 上报, 立案, 结案]. Bars
# are drawn bottom-up, so the top one is the last point of a trace.
PLOT = f"""[...document.querySelectorAll('.js-plotly-plot')]
    .find(p => (p.layout?.title?.text ?? '').includes({js(CATEGORY_CHART)}))"""
TOP_BAR = f"() => {{ const custom = {PLOT}.data[0].customdata; return custom[custom.length - 1]; }}"


def total_shown(page) -> str:
    return page.locator(f"{MAIN} strong").filter(has_text="共 ").first.inner_text()


def url_has(name: str, present: bool = True) -> str:
    return f"() => new URLSearchParams(location.search).has({js(name)}) === {js(present)}"


def click_first_row(page) -> None:
    canvas = page.locator(f'{MAIN} [data-testid="stDataFrame"] [data-testid="data-grid-canvas"]').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + MARKER_X, box["y"] + ROW_HEIGHT * 1.5)


def test_figure_to_list_to_record_and_back(new_page):
    page = new_page()
    open(page, f"/events?{VIEW}")
    page.locator(f'{MAIN} [data-testid="stPlotlyChart"]').filter(has_text=CATEGORY_CHART).first.scroll_into_view_if_needed()
    wait_until(page, f"() => !!({PLOT})?.data")
    code, reported, _filed, _closed = page.evaluate(TOP_BAR)
    assert reported > 0

    rerun_after(page, lambda: click_top_bar(page, CATEGORY_CHART), heading_is_not(title(page)), url_has("category"))
    assert title(page).startswith("事件明细 · ") and query(page)["category"] == str(code)
    assert {k: query(page)[k] for k in ("period", "from", "to", "asof")} == dict(p.split("=") for p in VIEW.split("&"))
    assert total_shown(page) == f"共 {reported:,} 件"  # the list holds what the bar counted
    shot(page, "cases-from-a-category-bar")
    listed_title = title(page)

    rerun_after(page, lambda: click_first_row(page), url_has("case"), heading_is_not(listed_title))
    assert title(page).startswith("事件 ") and query(page)["case"].isdigit()
    shot(page, "case-record")

    back = page.locator(f'{MAIN} [data-testid="stButton"] button').filter(has_text="返回列表")
    rerun_after(page, back.click, url_has("case", False), heading_is_not(title(page)))
    wait_until(page, f"() => document.querySelector({js(MAIN + ' h1')})?.innerText.trim() === {js(listed_title)}")
    assert query(page)["category"] == str(code) and total_shown(page) == f"共 {reported:,} 件"
    assert not errors(page)  # must not happen
