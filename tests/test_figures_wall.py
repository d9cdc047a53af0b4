"""The 指挥大屏 builders (ui/figures/wall.py): pure, no database and no browser."""
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from configuration.settings import MapSettings
from metrics.period import Period
from metrics.safety_index import Grade
from tests.test_maps import GRADE_COLOR, area, polygon
from ui.figures import maps, wall
from ui.state import View

T = datetime(2026, 11, 16, 10, 5)
HOSTILE = "<script>alert(1)</script>[点我](http://x.example) | **粗** &amp; \"引号\" '单'"


def view(preset="last_30d", pinned=False, area_code=None, period=Period(date(2026, 10, 18), date(2026, 11, 17))):
    return View(area_code, period, preset, T, pinned)


# ---- page chrome ----

def test_page_css_hides_streamlit_chrome_and_scales_for_4k():
    css = wall.page_css()
    assert css.startswith("<style>") and css.endswith("</style>") and "<script" not in css
    for part in ("stSidebar", "stSidebarCollapsedControl", "stHeader", "stToolbar", "stDecoration"):
        assert f'[data-testid="{part}"]' in css
    assert "display: none !important" in css
    # the 1920×1080 design is zoomed ×2 on a 3840×2160 screen, ×1 on 1920×1080
    assert "@media (min-width: 3840px) and (min-height: 2160px) { [data-testid=\"stMainBlockContainer\"] { zoom: 2.0; } }" in css
    assert "@media (min-width: 1920px) and (min-height: 1080px) { [data-testid=\"stMainBlockContainer\"] { zoom: 1.0; } }" in css
    assert f"width: {wall.DESIGN_WIDTH}px; height: {wall.DESIGN_HEIGHT}px" in css


def test_zoom_rules_are_in_ascending_order_so_the_largest_fitting_step_wins():
    zooms = [float(z) for z in re.findall(r"zoom: ([0-9.]+);", wall.page_css())]
    assert zooms == sorted(zooms) and zooms[0] == wall.ZOOM_STEPS[0] and zooms[-1] == wall.ZOOM_STEPS[-1]


def test_clock_ticks_in_the_configured_zone_with_one_timer():
    html = wall.clock_html("Asia/Shanghai")
    assert 'const tz = "Asia/Shanghai";' in html
    assert "clearInterval(window.__gridWallClock)" in html and "setInterval(tick, 1000)" in html
    assert 'id="wall-clock-time"' in html and 'id="wall-clock-date"' in html


@pytest.mark.parametrize("bad", ['Asia/Shanghai"; alert(1); "', "</script><script>alert(1)", "", "../etc"])
def test_clock_never_carries_anything_but_a_zone_name(bad):
    html = wall.clock_html(bad)
    assert 'const tz = "Asia/Shanghai";' in html and "alert" not in html and html.count("<script>") == 1


# ---- moments and periods ----

def test_pinned_asof_is_kept_and_live_asof_is_floored_to_the_refresh_step():
    assert wall.wall_asof(view(pinned=True), ZoneInfo("Asia/Shanghai"), 60) == T
    live = wall.wall_asof(view(), ZoneInfo("Asia/Shanghai"), 60)
    assert live.second == 0 and live.microsecond == 0 and live.tzinfo is None
    assert wall.wall_asof(view(), ZoneInfo("Asia/Shanghai"), 15).second % 15 == 0


def test_today_is_the_asof_day_and_the_period_rolls_with_it():
    later = datetime(2026, 11, 18, 0, 1)
    day = wall.today_view(view(area_code="S2"), later)
    assert day.period == Period(date(2026, 11, 18), date(2026, 11, 19)) and day.area_code == "S2" and day.asof == later
    rolled = wall.period_view(view(), later)  # 近30天 re-anchored on the new day
    assert rolled.period == Period(date(2026, 10, 20), date(2026, 11, 19)) and rolled.preset == "last_30d"
    custom = view("custom", period=Period(date(2026, 3, 2), date(2026, 3, 9)))
    assert wall.period_view(custom, later).period == Period(date(2026, 3, 2), date(2026, 3, 9))


def test_rotation_alternates_only_when_configured():
    assert [wall.rotation(t, 0) for t in (0, 30, 61)] == ["map"] * 3
    assert [wall.rotation(t, 30) for t in (0, 29.9, 30, 59, 60, 95)] == ["map", "map", "trend", "trend", "map", "trend"]
    assert wall.run_every(60, 0) == 60 and wall.run_every(60, 20) == 20 and wall.run_every(30, 90) == 30


def test_period_names():
    assert wall.period_name(view()) == "近30天"
    assert wall.period_name(view("custom", period=Period(date(2026, 3, 2), date(2026, 3, 9)))) == "03-02至03-08"
    assert wall.period_name(view("custom", period=Period(date(2026, 3, 2), date(2026, 3, 3)))) == "03-02"


def test_status_line_states_time_interval_and_period():
    line = wall.status_line(T, 60, view())
    assert line.startswith("数据截至 **10:05** · 每 60 秒自动刷新 · 周期指标：近30天（2026-10-18 至 2026-11-16）")
    assert "链接指定时点" in wall.status_line(T, 60, view(pinned=True)) and "2026-11-16 10:05" in wall.status_line(
        T, 60, view(pinned=True))


# ---- KPI tiles ----

TODAY = {"reported": 120, "closed": 98, "overdue_open": 7, "previous": {"reported": 100, "closed": 98, "overdue_open": 9}}
SUMMARY = {"on_time_rate": 0.912, "satisfaction_rate": 0.95, "safety_index": 92.74, "safety_grade": "平安",
           "previous": {"on_time_rate": 0.9, "satisfaction_rate": None, "safety_index": 93.0}}


def test_kpi_tiles_today_against_yesterday_and_rates_against_the_previous_period():
    tiles = {t.key: t for t in wall.kpi_tiles(TODAY, SUMMARY, "近30天")}
    assert [t.key for t in wall.kpi_tiles(TODAY, SUMMARY, "近30天")] == [
        "reported", "closed", "overdue_open", "on_time_rate", "satisfaction_rate", "safety_index"]
    assert (tiles["reported"].label, tiles["reported"].value, tiles["reported"].delta) == ("今日上报", "120", "+20")
    assert tiles["reported"].description == "较昨日同时" and tiles["reported"].delta_color == "off"
    assert (tiles["closed"].delta, tiles["closed"].unchanged, tiles["closed"].delta_arrow) == ("+0", True, "off")
    assert (tiles["overdue_open"].value, tiles["overdue_open"].delta, tiles["overdue_open"].delta_color) == \
        ("7", "-2", "inverse")
    assert (tiles["on_time_rate"].label, tiles["on_time_rate"].value, tiles["on_time_rate"].delta) == \
        ("按期结案率·近30天", "91.2%", "+1.2pp")
    assert (tiles["satisfaction_rate"].value, tiles["satisfaction_rate"].delta) == ("95.0%", None)  # no previous
    assert tiles["satisfaction_rate"].description is None
    assert (tiles["safety_index"].value, tiles["safety_index"].delta) == ("92.7 平安", "-0.3")
    assert tiles["safety_index"].delta_arrow == "auto"


def test_kpi_tiles_without_data_say_so():
    tiles = wall.kpi_tiles({}, {}, "近30天")
    assert [t.value for t in tiles] == ["无数据"] * 6 and all(t.delta is None for t in tiles)


# ---- SVG charts ----

def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed whatever the names: hostile text cannot break it


def texts(svg: str) -> list[str]:
    return [t.text for t in parse(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_bars_show_names_as_text_and_counts_most_first():
    frame = pd.DataFrame({"key": ["G4", "G2", "G9"], "label": ["第四网格", HOSTILE, "第九网格"], "events": [12, 3, 1]})
    svg = wall.bars_svg(frame)
    shown = texts(svg)
    assert shown[:2] == ["第四网格", "12"] and "3" in shown and "1" in shown
    assert "<script>" not in svg and "&lt;script&gt;" in svg  # escaped, and clipped to its room
    widths = [float(r.get("width")) for r in parse(svg).iter("{http://www.w3.org/2000/svg}rect")]
    assert widths == sorted(widths, reverse=True) and widths[0] / widths[1] == pytest.approx(4.0, rel=1e-2)
    assert parse(svg).get("width") == str(wall.LEFT_WIDTH)


def test_bars_empty_and_unavailable_are_told_apart():
    assert texts(wall.bars_svg(pd.DataFrame(columns=["key", "label", "events"]))) == ["近24小时无上报事件"]
    assert texts(wall.bars_svg(None)) == [wall.UNAVAILABLE]


def test_hourly_chart_has_no_bars_for_hours_to_come():
    frame = pd.DataFrame({"hour": range(24), "today": [1.0] * 11 + [float("nan")] * 13, "yesterday": [2.0] * 24})
    svg = wall.hourly_svg(frame)
    bars = [r for r in parse(svg).iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == wall.ACCENT]
    assert len(bars) == 11 + 1  # eleven hours so far, plus the legend's swatch
    assert len(parse(svg).find("{http://www.w3.org/2000/svg}polyline").get("points").split()) == 24
    assert "今日逐时上报（对比昨日）" in texts(svg) and "00时" in texts(svg) and "21时" in texts(svg)


def test_trend_chart_labels_days_and_draws_both_series():
    trend = pd.DataFrame({"period_start": pd.date_range("2026-10-18", periods=30), "reported": range(30),
                          "closed": range(30)})
    svg = wall.trend_svg(trend, title="每日上报与结案 · 近30天")
    assert "10-18" in texts(svg) and "每日上报与结案 · 近30天" in texts(svg) and "上报" in texts(svg)
    assert texts(wall.trend_svg(None)) == [wall.UNAVAILABLE]


def test_legend_uses_the_configured_grades_with_safe_colours():
    grades = (Grade(90, "平安", "#2e7d32"), Grade(0, "<b>预警</b>", "red; } body { display: none"))
    svg = wall.legend_svg(maps.grade_legend(grades))
    assert "平安 ≥ 90" in texts(svg) and "<b>预警</b> 0–90" in texts(svg)
    fills = {r.get("fill") for r in parse(svg).iter("{http://www.w3.org/2000/svg}rect")}
    # a colour that is not #rgb/#rrggbb becomes the no-data grey (#9e9e9e); 样本不足 has its own (#cfd8dc)
    assert fills == {"rgba(46,125,50,1)", "rgba(158,158,158,1)", "rgba(207,216,220,1)"}
    assert "display: none" not in svg


# ---- the map ----

@pytest.fixture
def areas() -> pd.DataFrame:
    return pd.DataFrame([
        area(1, "S1", "凤凰街道", polygon(119.14, 36.65), 93.1, "平安", GRADE_COLOR["平安"]),
        area(2, "S2", "新华'街道@", polygon(119.16, 36.65), float("nan"), None, maps.NO_DATA_COLOR),
    ])


def test_wall_map_labels_each_area_and_takes_no_input(areas):
    deck = wall.wall_map(areas, MapSettings())
    spec = json.loads(deck.to_json())
    kinds = [layer["@@type"] for layer in spec["layers"]]
    assert kinds == ["PolygonLayer", "TextLayer"]  # no density layer on the wall
    text = spec["layers"][1]
    assert [d["text"] for d in text["data"]] == ["凤凰街道\n93.1", "新华'街道@\n无数据"]
    assert text["data"][0]["lon"] == pytest.approx(119.14) and text["data"][0]["lat"] == pytest.approx(36.65)
    # constants stay constants (pydeck would make a bare string a JavaScript expression)
    assert not text["characterSet"].startswith("@@=") and "'" not in text["characterSet"]
    assert set("凤凰街道新华无数据.139") <= set(text["characterSet"])
    assert text["sizeUnits"] == "pixels" and not text["fontFamily"].startswith("@@=")
    assert spec["views"] == [{"@@type": "MapView", "controller": False}] and not spec.get("tooltip")
    assert spec["mapStyle"] == maps.NO_BASEMAP  # offline: no basemap service


def test_map_areas_joins_the_scores_of_the_children():
    shapes = pd.DataFrame({"area_id": [1, 2], "code": ["S1", "S2"], "name": ["东", "西"], "boundary": [None, None]})
    children = pd.DataFrame({"area_id": [2, 1], "code": ["S2", "S1"], "safety_index": [64.9, 47.7],
                             "safety_grade": ["预警", "预警"], "safety_color": ["#c62828", "#c62828"], "reported": [1, 2]})
    joined = wall.map_areas(shapes, children)
    assert list(joined["safety_index"]) == [47.7, 64.9] and "reported" not in joined
    assert wall.map_areas(shapes, children.iloc[:0]) is shapes


# ---- case lists: never any personal data ----

CASES = pd.DataFrame({
    "id": [7, 31], "case_no": ["WG1", "WG2"], "grid": ["第二网格", HOSTILE], "grid_code": ["G2", "G4"],
    "category": ["安全隐患", None], "source": ["12345热线", "视频监控"], "status": ["处置中", "已受理"],
    "reported_at": pd.to_datetime(["2026-11-16 08:30", "2026-11-14 23:00"]),
    "deadline_at": pd.to_datetime(["2026-11-16 09:30", "2026-11-15 09:00"]), "closed_at": pd.NaT,
    "overdue_hours": [0.6, 25.1],
    # what the platform also has about a case: none of it may reach the wall
    "reporter_name": ["周小明", "周小明"], "reporter_phone": ["13900001234", "13900005678"],
    "address": ["测试路7号", "测试路31号"], "description": ["测试事件7", "测试事件31"],
})


@pytest.mark.parametrize("kind, first", [("newest", ["08:30", "11-14 23:00"]), ("overdue", ["1 小时", "25 小时"])])
def test_case_table_keeps_only_time_category_grid_status(kind, first):
    table = wall.case_table(CASES, kind, T)
    assert list(table.columns) == list(wall.CASE_COLUMNS[kind])
    assert list(table.iloc[:, 0]) == first and list(table["类别"]) == ["安全隐患", "无数据"]
    flat = table.to_string()
    for personal in ("周小明", "1390000", "测试路", "测试事件", "WG1", "12345热线"):
        assert personal not in flat


def test_overdue_days_and_row_limit():
    many = pd.concat([CASES] * 6, ignore_index=True).assign(overdue_hours=[100.0] * 12)
    table = wall.case_table(many, "overdue", T)
    assert len(table) == wall.CASE_ROWS["overdue"] and set(table["超期"]) == {"4 天"}  # 100 h: whole days past two days


def test_case_markdown_escapes_every_cell():
    md = wall.case_markdown(wall.case_table(CASES, "newest", T), "无")
    lines = md.splitlines()
    assert lines[0] == "| 时间 | 类别 | 网格 | 状态 |" and lines[1] == "|---|---|---|---|" and len(lines) == 4
    assert "\\<script\\>" in md and "\\|" in md and "\\*\\*粗\\*\\*" in md
    assert "\\[点我\\]\\(http\u2060\\:" in md  # the word joiner: no bare link either (ui.format.md_escape)
    assert wall.case_markdown(wall.case_table(CASES.iloc[:0], "newest", T), "近72小时没有上报事件") == "近72小时没有上报事件"
    assert wall.case_markdown(wall.case_table(None, "newest", T), "x") == wall.UNAVAILABLE


def test_text_width_and_clip():
    assert wall.text_width("网格", 20) == 40 and wall.text_width("G1", 20) == pytest.approx(22.4)
    assert wall._clip("很长很长很长很长很长的网格名称", 20, 100).endswith("…")
    assert wall.text_width(wall._clip("很长很长很长很长很长的网格名称", 20, 100), 20) <= 100


def test_the_alert_panels_lines():
    surge = {"kind": "surge", "area_name": "坊安街道", "category_name": "燃气安全隐患", "window_hours": 24,
             "observed": 35, "expected": 3.56, "words": "…"}
    jump = {"kind": "overdue_jump", "area_name": "[点我](http://evil.example)", "words": "超期未结 9 件，24 小时前 3 件，增加 6 件"}
    due = {"kind": "due_soon", "observed": 4}
    assert wall.alert_lines(None, 24) is None  # not computed: the panel says the data is unavailable
    assert wall.alert_lines([], 24) == [":green[●] 没有异常增多或超期未结陡增"]
    assert wall.alert_lines([due, dict(due, observed=3)], 24) == [":green[●] 没有异常增多或超期未结陡增",
                                                                  "临期 7 件（24 小时内到期）"]
    # two lines, a surge and the jump although a second surge is stronger (the kinds take turns)
    lines = wall.alert_lines([surge, dict(surge, area_name="凤凰街道"), jump, due], 24)
    assert lines[0] == ":red[●] **坊安街道** 燃气安全隐患 35 件，常态约 3\\.6（近24小时）"  # Markdown-escaped
    assert lines[1].startswith(":red[●] **\\[点我\\]") and "](http" not in lines[1]  # the platform's names are text
    assert lines[2] == "另 1 条预警 · 临期 4 件（24 小时内到期）" and len(lines) == 3
