"""The dashboard in a real browser: pages load cleanly, clicks drill in, links restore the view.

Each scenario waits on the page's own state (script idle, URL, heading), never a fixed time, and
ends with one "must not happen" assertion (no exception or error box; for the refusal, no
exception). Screenshots go to artifacts/browser/.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from tests.browser.helpers import MAIN, captions, click_top_bar, errors, js, kpis, nav_links, open, period_selection, \
    query, rerun_after, shot, title, wait_until

# Used when st.navigation shows no menu (it hides it while the app has a single page). Once the
# app has several pages the list is read from the sidebar instead; add pages here only if needed.
PAGES = [("总览", "/")]

# The pinned view used throughout: the week 2026-11-09 … 11-15 of the demo city, as of its last hour.
VIEW = "period=custom&from=2026-11-09&to=2026-11-16&asof=2026-11-16T10:00"

ROW_HEIGHT = 35  # Streamlit's glide-data-grid rows (and header); the row checkbox sits in the marker column
MARKER_X = 17


def pages_in_navigation(page) -> list[tuple[str, str]]:
    open(page, f"/?{VIEW}")
    return nav_links(page) or PAGES


def heading_is_not(text: str) -> str:
    """The page has a heading again, and another one (between a page switch and the new page's run
    there is none, which is not the page arrived at)."""
    return (f"() => {{ const h = (document.querySelector({js(MAIN + ' h1')})?.innerText ?? '').trim(); "
            f"return h !== '' && h !== {js(text)}; }}")


def area_is_not(code: str | None) -> str:
    return f"() => new URLSearchParams(location.search).get('area') !== {js(code)}"


def click_table_row(page, row: int = 0) -> None:
    """Tick the row's selection checkbox in the ranking table (a canvas: click by position)."""
    canvas = page.locator(f'{MAIN} [data-testid="stDataFrame"] [data-testid="data-grid-canvas"]').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # the grid's scroller lies over the canvas and takes the click, so click the spot, not the element
    page.mouse.click(box["x"] + MARKER_X, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)


def click_ranking_bar(page) -> None:
    """Click the top bar (the best-ranked child) of the ranking chart."""
    click_top_bar(page, "平安指数")


def click_map_centre(page) -> None:
    """Click the middle of the 平安指数 map, where the view (fitted to the polygons) shows an area."""
    canvas = page.locator(f'{MAIN} [data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


CLICKS = {"table": click_table_row, "chart": click_ranking_bar}


def drill_into_child(page, how: str) -> None:
    before = title(page)
    rerun_after(page, lambda: CLICKS[how](page), area_is_not(None), heading_is_not(before))


def test_every_page_loads_without_errors(page):
    problems = []
    for name, path in pages_in_navigation(page):
        open(page, f"{path}?{VIEW}")
        shot(page, "page-" + (path.strip("/") or "overview"))
        if not any("数据截至" in c for c in captions(page)):
            problems.append(f"{name} ({path}): no 数据截至 caption; captions: {captions(page)}")
        problems += [f"{name} ({path}) shows an error: {e[:300]}" for e in errors(page)]
    assert not problems, "\n".join(problems)  # must not happen: an error box or a page without its caption


@pytest.mark.parametrize("how", list(CLICKS))
def test_drilling_by_click_changes_url_and_numbers(page, demo_city, how):
    top_code, top_name = demo_city["top"]
    streets = demo_city["streets"]
    open(page, f"/?{VIEW}")
    city_title, city_kpis = title(page), kpis(page)
    assert city_title == f"总览 · {top_name}" and "area" not in query(page)
    assert len(city_kpis) == 9, city_kpis

    drill_into_child(page, how)
    area = query(page)["area"]
    assert area in streets, f"area={area} is not one of the district's streets {sorted(streets)}"
    assert title(page) == f"总览 · {streets[area]}"
    street_kpis = kpis(page)
    assert street_kpis[0] != city_kpis[0], (street_kpis, city_kpis)
    assert {k: v for k, v in query(page).items() if k != "area"} == dict(parse_qsl(VIEW))
    shot(page, f"drill-{how}-{area}")

    crumb = page.locator(f'{MAIN} [data-testid="stButton"] button').first
    assert crumb.inner_text().strip() == top_name
    rerun_after(page, crumb.click, area_is_not(area), heading_is_not(title(page)))
    assert query(page).get("area") in (None, top_code)  # the crumb names the district itself
    assert title(page) == city_title
    assert kpis(page) == city_kpis
    assert not errors(page)  # must not happen


def test_clicking_a_map_polygon_drills_in(page, demo_city):
    top_code, top_name = demo_city["top"]
    open(page, f"/safety?{VIEW}")
    wait_until(page, f"() => (document.querySelector({js(MAIN + ' h1')})?.innerText ?? '').trim() === "
                     f"{js('平安指数 · ' + top_name)}")
    rerun_after(page, lambda: click_map_centre(page), area_is_not(None), heading_is_not(title(page)))
    area = query(page)["area"]
    assert area in demo_city["streets"] and title(page) == f"平安指数 · {demo_city['streets'][area]}"
    shot(page, f"drill-map-{area}")
    assert not errors(page)  # must not happen


def test_saved_url_restores_the_same_view(page, new_page, demo_city):
    open(page, f"/?{VIEW}")
    drill_into_child(page, "table")
    saved = page.url
    seen = {"title": title(page), "kpis": kpis(page), "period": period_selection(page), "query": query(page)}
    assert seen["period"] == {"preset": "自定义", "dates": ["2026-11-09", "2026-11-15"]}, seen["period"]

    fresh = new_page()  # a new browser context: nothing shared but the link
    open(fresh, saved)
    again = {"title": title(fresh), "kpis": kpis(fresh), "period": period_selection(fresh), "query": query(fresh)}
    assert again == seen
    shot(fresh, "saved-url")
    assert not errors(fresh)  # must not happen


def test_unknown_area_is_refused(page):
    open(page, f"/?{VIEW}&area=NOPE404")
    shot(page, "unknown-area")
    refusals = errors(page)
    assert any("NOPE404" in e for e in refusals), refusals
    assert kpis(page) == []
    assert page.locator('[data-testid="stException"]').count() == 0  # must not happen: a traceback
