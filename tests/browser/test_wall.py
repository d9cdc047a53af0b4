"""The 指挥大屏 in a real browser at the two wall sizes: one screen, no scrolling, no Streamlit chrome.

Same server and Chromium as tests/browser/test_pages.py (conftest.py); each size gets its own
browser context with that viewport. Waits poll the page, never sleep.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import demo_copy, serving
from tests.browser.helpers import IDLE, PAINTED, TIMEOUT_MS, WATCH_RUNS, captions, errors, open, shot, \
    wait_until

VIEW = "period=custom&from=2026-11-09&to=2026-11-16&asof=2026-11-16T10:00"
SIZES = [(1920, 1080), (3840, 2160)]

# Every scrolling box of the page, and how far the drawn content reaches.
LAYOUT = """() => {
  const boxes = {};
  for (const sel of ['html', '[data-testid="stApp"]', '[data-testid="stAppViewContainer"]', '[data-testid="stMain"]']) {
    const el = sel === 'html' ? document.documentElement : document.querySelector(sel);
    if (el) boxes[sel] = {sw: el.scrollWidth, sh: el.scrollHeight, cw: el.clientWidth, ch: el.clientHeight};
  }
  let right = 0, bottom = 0;
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) { right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom); }
  }
  const clipped = [...document.querySelectorAll('[class*="st-key-wall-panel"], .st-key-wall-kpis, .st-key-wall-strip')]
    .filter(el => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
    .map(el => el.className.match(/st-key-[\\w-]+/)[0]);
  const panels = Object.fromEntries([...document.querySelectorAll('[class*="st-key-wall-"]')].map(el => {
    const r = el.getBoundingClientRect();
    return [el.className.match(/st-key-[\\w-]+/)[0], [r.left, r.top, r.width, r.height]];
  }));
  return {boxes, right, bottom, clipped, panels, width: innerWidth, height: innerHeight};
}"""

VISIBLE = """sel => [...document.querySelectorAll(sel)].some(el => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden';
})"""


@pytest.fixture(scope="module")
def fast_server(demo_city, tmp_path_factory):
    """A second server on the same city whose wall refreshes every 2 s and rotates its centre every 3 s."""
    folder = tmp_path_factory.mktemp("fast-wall")
    config = folder / "config.toml"
    config.write_text("[refresh]\nwall_seconds = 2\nwall_rotate_seconds = 3\n", encoding="utf-8")
    with serving(demo_city["url"], folder / "streamlit-fast-wall.log", GRID_CONFIG=str(config)) as running:
        yield running[1]


LONG = "（二〇二六年区划调整后新设立的城市网格化综合治理示范单元）"


@pytest.fixture(scope="module")
def long_names_server(demo_city, tmp_path_factory):
    """A server on a copy of the city whose grids, event categories and district have very long names."""
    folder = tmp_path_factory.mktemp("long-names")
    url = demo_copy(demo_city, folder, ("UPDATE areas SET name = name || ? WHERE level = 'grid' OR parent_id IS NULL", [LONG]),
                    ("UPDATE event_categories SET name = name || ?", [LONG]))
    with serving(url, folder / "streamlit-long-names.log") as running:
        yield running[1]


# Per case list: the panel's box and every cell's box and text, row by row.
CASE_CELLS = """() => [...document.querySelectorAll('.st-key-wall-panel-newest, .st-key-wall-panel-overdue')]
.map(panel => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.width]; };
  return {panel: box(panel), rows: [...panel.querySelectorAll('tr')].map(tr =>
    [...tr.children].map(c => ({box: box(c), text: c.innerText.trim()})))};
})"""


def test_long_names_keep_the_status_column_on_screen(sized, long_names_server):
    page = sized(1920, 1080, long_names_server)
    layout = open_wall(page)
    shot(page, "wall-long-names", top=False)
    assert not layout["clipped"] and layout["right"] <= 1920.5, layout
    lists = page.evaluate(CASE_CELLS)
    assert len(lists) == 2
    for case_list in lists:
        (left, right, _), rows = case_list["panel"], case_list["rows"]
        assert rows[0][-1]["text"] == "状态" and len(rows) > 1
        assert any(LONG in cell["text"] for row in rows[1:] for cell in row[1:3]), rows  # long names are there
        for row in rows:
            status = row[-1]
            assert status["box"][2] > 40 and left <= status["box"][0], (status, left)
            assert status["box"][1] <= right + 0.5, (status, right)
            assert status["text"] and "…" not in status["text"], row
    title = page.evaluate("() => document.querySelector('.st-key-wall-title').getBoundingClientRect().right")
    clock = page.evaluate("() => document.getElementById('wall-clock-time').getBoundingClientRect().left")
    assert title <= clock, "the long area name runs under the clock"
    assert not errors(page)  # must not happen


@pytest.fixture
def sized(new_page):
    """sized(w, h[, base]) → a page in a fresh context with that viewport (conftest's new_page)."""
    return new_page


def map_drawn(page, timeout: float = TIMEOUT_MS / 1000) -> bool:
    """Poll the map's pixels until the areas are painted (a WebGL canvas gives no other sign)."""
    import io
    import time

    from PIL import Image

    chart = page.locator('[data-testid="stDeckGlJsonChart"]')
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        picture = Image.open(io.BytesIO(chart.screenshot())).convert("RGB").resize((64, 64))
        if len(set(picture.getdata())) > 8:  # more than the panel's background: polygons and labels
            return True
    return False


def open_wall(page, view: str = VIEW) -> dict:
    open(page, f"/wall?{view}")
    wait_until(page, IDLE, PAINTED, "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length === 6")
    return page.evaluate(LAYOUT)


@pytest.mark.parametrize("width, height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_wall_fills_one_screen_without_scrolling_or_chrome(sized, width, height):
    page = sized(width, height)
    layout = open_wall(page)
    assert map_drawn(page), "the map never painted"
    shot(page, f"wall-{width}x{height}", top=False)
    for name, box in layout["boxes"].items():  # no scroll bar anywhere
        assert box["sh"] <= box["ch"] and box["sw"] <= box["cw"], (name, box)
    assert layout["bottom"] <= height + 0.5 and layout["right"] <= width + 0.5, layout
    assert not layout["clipped"], f"panels cut off their content: {layout['clipped']}"
    for chrome in ('[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
                   '[data-testid="stHeader"]', '[data-testid="stToolbar"]'):
        assert not page.evaluate(VISIBLE, chrome), f"{chrome} is visible"
    status = [c for c in captions(page) if c.startswith("数据截至")]
    assert status and "2026-11-16 10:00" in status[0] and "自动刷新" in status[0], captions(page)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) == 6 and all(v.strip() for v in values), values
    assert not errors(page)  # must not happen


def test_both_sizes_show_the_same_layout_scaled(sized):
    small, big = (open_wall(sized(w, h))["panels"] for w, h in SIZES)
    assert set(small) == set(big) and "st-key-wall-panel-centre" in small
    for key, box in small.items():
        assert big[key] == pytest.approx([2 * v for v in box], abs=2), key


def test_clock_ticks_in_the_browser_without_a_rerun(sized):
    page = sized(1920, 1080)
    open_wall(page)
    page.evaluate("""() => {
      window.__wallRuns = 0;
      new MutationObserver(rs => { for (const r of rs) if (r.oldValue === 'notRunning') window.__wallRuns += 1; })
        .observe(document.querySelector('[data-testid="stApp"]'),
                 {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
      window.__clockAt = document.getElementById('wall-clock-time').textContent;
    }""")
    first = page.evaluate("window.__clockAt")
    assert len(first) == 8 and first.count(":") == 2  # hh:mm:ss
    wait_until(page, "() => document.getElementById('wall-clock-time').textContent !== window.__clockAt",
               timeout=5_000)
    assert page.evaluate("window.__wallRuns") == 0  # the clock moved; Python did not run


CENTRE_TITLE = "() => document.querySelector('.st-key-wall-panel-centre h3')?.innerText.trim() ?? ''"


def test_refreshes_in_place_and_rotates_without_reloading_the_page(sized, fast_server):
    page = sized(1920, 1080, fast_server)
    open_wall(page)
    page.evaluate(WATCH_RUNS)
    page.evaluate(f"() => {{ window.__sameDocument = true; window.__firstCentre = ({CENTRE_TITLE})(); }}")
    # two timed refreshes of the fragment, and the centre panel's other view, with nobody touching the page
    wait_until(page, "() => window.__gridRuns >= 2", IDLE,
               f"() => ({CENTRE_TITLE})() !== window.__firstCentre && ({CENTRE_TITLE})() !== ''")
    seen = {page.evaluate("window.__firstCentre"), page.evaluate(CENTRE_TITLE)}
    assert seen == {"平安指数分布", "今日事件态势"}
    assert page.evaluate("window.__sameDocument === true")  # the page itself never reloaded
    assert len(page.locator('[data-testid="stMetricValue"]').all_inner_texts()) == 6
    assert any(c.startswith("数据截至") and "每 2 秒自动刷新" in c for c in captions(page)), captions(page)
    assert not errors(page)  # must not happen


def test_a_wall_full_of_alerts_still_fits_its_screen(sized):
    # the first day of the demo city's gas-safety campaign (2026-W45): the 预警 panel at its fullest
    page = sized(1920, 1080)
    layout = open_wall(page, "asof=2026-11-02T15:00")
    lines = page.locator(".st-key-wall-panel-alerts p").all_inner_texts()
    assert len(lines) == 3 and lines[-1].startswith("另 "), lines
    for name, box in layout["boxes"].items():
        assert box["sh"] <= box["ch"] and box["sw"] <= box["cw"], (name, box)
    assert layout["bottom"] <= 1080.5 and not layout["clipped"], layout
