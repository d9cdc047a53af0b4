"""Issue 13, items 2, 5 and 6: the running bucket of a trend is marked and shows no rate; numbers read
the same in tables, bars and labels; overdue times past two days are whole days; map fills are the
legend's swatch colours and every map label stays inside the view. Pure: no database, no browser."""
import math
from datetime import date, datetime

import pandas as pd
import pytest

from configuration.settings import MapSettings
from metrics import formats
from metrics.buckets import mark_partial
from metrics.period import Period
from metrics.safety_index import DEFAULT_GRADES, NO_DATA_COLOR
from tests.test_map_placement import area
from tests.test_maps import polygon, strict_json
from ui import format as fmt
from ui.figures import maps, overview, safety, wall

WEEK = Period(date(2026, 11, 10), date(2026, 11, 17))
T = datetime(2026, 11, 16, 10, 0)


def daily(n=7, start="2026-11-10") -> pd.DataFrame:
    return pd.DataFrame({"period_start": pd.date_range(start, periods=n), "reported": [300] * (n - 1) + [120],
                         "closed": [290] * (n - 1) + [40], "closure_rate": [0.97] * (n - 1) + [0.33],
                         "on_time_rate": [0.92] * n, "satisfaction_rate": [0.98] * (n - 1) + [0.85],
                         "safety_index": [93.0] * n})


# ---- item 2: the bucket still running at T ----

def test_only_the_bucket_that_has_not_ended_is_partial_and_it_keeps_counts_but_no_rate():
    out = mark_partial(daily(), WEEK, T, "day")
    assert out["partial"].tolist() == [False] * 6 + [True]  # 11-16 runs to midnight, T is 10:00
    last = out.iloc[-1]
    assert last["reported"] == 120 and last["closed"] == 40  # counts stay, marked partial
    assert all(last[c] is None for c in ("closure_rate", "on_time_rate", "satisfaction_rate", "safety_index"))
    assert out["closure_rate"].iloc[:6].tolist() == [0.97] * 6
    assert pd.Timestamp(last["partial_until"]) == pd.Timestamp(T)


def test_a_trend_judged_after_its_last_bucket_ended_has_no_partial_bucket():
    out = mark_partial(daily(), WEEK, datetime(2026, 11, 17, 0, 0), "day")
    assert not out["partial"].any() and out["closure_rate"].iloc[-1] == 0.33


def test_week_and_month_buckets_end_at_the_period_end_or_their_own():
    weeks = pd.DataFrame({"period_start": pd.to_datetime(["2026-11-02", "2026-11-09", "2026-11-16"]),
                          "closure_rate": [0.9, 0.9, 0.5]})
    period = Period(date(2026, 11, 2), date(2026, 11, 17))  # the last week is cut at 11-17
    assert mark_partial(weeks, period, T, "week")["partial"].tolist() == [False, False, True]
    assert not mark_partial(weeks, period, datetime(2026, 11, 17), "week")["partial"].any()
    months = pd.DataFrame({"period_start": pd.to_datetime(["2026-10-01", "2026-11-01"]), "closure_rate": [0.9, 0.6]})
    assert mark_partial(months, Period(date(2026, 10, 1), date(2026, 11, 17)), T, "month")["partial"].tolist() == \
        [False, True]


def test_rate_trend_leaves_the_running_day_out_and_says_until_when():
    fig = overview.rate_trend(mark_partial(daily(), WEEK, T, "day"), "t")
    for trace in fig.data:
        assert len(trace.y) == 7 and math.isnan(trace.y[-1])  # no 33% "collapse" at the right edge
    assert [a.text for a in fig.layout.annotations] == ["截至 10:00，未完，不计比率"]


def test_volume_trend_draws_the_running_day_hollow_with_a_dashed_segment():
    fig = overview.volume_trend(mark_partial(daily(), WEEK, T, "day"), "t")
    bars, done, tail = fig.data
    assert bars.marker.color[-1] != bars.marker.color[0]  # outlined, not filled like a finished day
    assert list(done.y) == [290] * 6 and list(tail.y) == [290, 40] and tail.line.dash == "dash"
    assert list(tail.marker.symbol) == ["circle", "circle-open"]
    assert [a.text for a in fig.layout.annotations] == ["截至 10:00，未完"]
    assert fig.layout.yaxis.tickformat == ",d"


def test_wall_trend_marks_today_as_running():
    svg = wall.trend_svg(mark_partial(daily(), WEEK, T, "day"))
    assert "截至 10:00，未完" in svg and 'stroke-dasharray="6 5"' in svg and "<circle" in svg


def test_index_trend_has_no_point_for_the_running_bucket():
    fig = safety.index_trend(mark_partial(daily(), WEEK, T, "day"), DEFAULT_GRADES, "t")
    line = [t for t in fig.data if t.name == "平安指数"][0]
    assert math.isnan(line.y[-1]) and any("截至 10:00" in (a.text or "") for a in fig.layout.annotations)


# ---- item 5: one format everywhere ----

def test_ranking_table_and_its_bars_write_the_index_alike():
    children = pd.DataFrame({"code": ["S1", "S2", "S3"], "name": ["东", "西", "南"], "safety_index": [93.0, 88.46, None],
                             "safety_grade": ["平安", "基本平安", None], "safety_color": ["#2e7d32", "#f9a825", None],
                             "reported": [1234, 5, 0], "closure_rate": [0.9, 0.8, None], "on_time_rate": [0.9, 0.8, None],
                             "overdue_open": [3, 0, 0], "satisfaction_rate": [0.98, 0.9, None]})
    table = overview.ranking_table(children)
    bars = overview.children_ranking(children, "t").data[0]
    bar_text = dict(zip(bars.y, bars.text))
    for code, row in table.iterrows():
        shown = fmt.table_text("平安指数", row["平安指数"])
        if shown:
            assert bar_text[row["区域"]].split(" ")[0] == shown  # 93.0 in both, never 93 in the table
    assert fmt.table_text("平安指数", 93.0) == "93.0" and fmt.table_text("上报数", 1234) == "1,234"
    assert fmt.column_format("结案率") == "%.1f%%" and fmt.table_text("结案率", 91.25) == "91.2%"


@pytest.mark.parametrize("hours, text", [(0.6, "1 小时"), (30.2, "30 小时"), (47.4, "47 小时"), (48.0, "2 天"),
                                         (71.9, "2 天"), (100.0, "4 天"), (1347.0, "56 天"), (25392.0, "1,058 天"), (None, "无数据")])
def test_overdue_past_two_days_is_whole_days(hours, text):
    assert formats.overdue(hours) == text


# ---- item 6: maps ----

def test_map_fills_are_exactly_the_legend_swatches_no_data_grey_included():
    grades = sorted(DEFAULT_GRADES, key=lambda g: -g.minimum)
    areas = pd.DataFrame([area(i, f"S{i}", f"街道{i}", boundary=polygon(119.1 + 0.03 * i, 36.65), index=g.minimum + 1,
                               grade=g.name) for i, g in enumerate(grades)]
                         + [area(9, "S9", "无数据街道", boundary=polygon(119.4, 36.65))])
    areas["safety_color"] = [g.color for g in grades] + [NO_DATA_COLOR]
    for settings in (MapSettings(), MapSettings(tile_url="http://tiles.intra/{z}/{x}/{y}.png")):
        layer = next(x for x in strict_json(maps.safety_map(areas, None, settings))["layers"] if x["id"] == "areas")
        fills = {d["name"]: d["fill_color"] for d in layer["data"]}
        alpha = maps.fill_alpha(settings)
        legend = maps.grade_legend(grades)
        swatches = {item.name: item_color for item, item_color in
                    zip(legend, (t.marker.color for t in safety.legend_strip(legend, alpha).data))}
        for i, g in enumerate(grades):
            r, gr, b, a = fills[f"街道{i}"]
            assert swatches[g.name] == f"rgba({r},{gr},{b},{a / 255:.3g})"
        assert swatches["无数据"] == "rgba({},{},{},{:.3g})".format(*fills["无数据街道"][:3], fills["无数据街道"][3] / 255)
    assert maps.fill_alpha(MapSettings()) == 255  # no basemap: the very grade colours, not a paler tint


def _pixel_y(lat: float, view) -> float:
    """How far below the view's centre a latitude is drawn, in pixels (Web Mercator, deck.gl's 512 px world)."""
    scale = 512 * 2 ** view.zoom / (2 * math.pi)
    return (maps._mercator_y(view.latitude) - maps._mercator_y(lat)) * scale


@pytest.mark.parametrize("build, size, height", [
    (lambda a: wall.wall_map(a, MapSettings()), wall.WALL_LABELS.size, wall.MAP_HEIGHT),
    (lambda a: maps.safety_map(a, None, MapSettings()), maps.LABEL_SIZE, maps.MAP_HEIGHT)])
def test_the_lowest_circles_label_stays_inside_the_map(build, size, height):
    circles = pd.DataFrame([area(1, "S1", "北边街道", lon=119.15, lat=36.75, index=93.1, grade="平安"),
                            area(2, "S2", "南边最远街道", lon=119.16, lat=36.55, index=75.0, grade="关注")])
    deck = build(circles)
    view = deck.initial_view_state
    labels = next(x for x in strict_json(deck)["layers"] if x["id"] == maps.LABEL_LAYER)["data"]
    lowest = max(labels, key=lambda d: -d["lat"])
    bottom = _pixel_y(lowest["lat"], view) + lowest["offset"][1] + maps.LABEL_LINE_HEIGHT * size
    assert bottom <= height / 2  # the label's second line ends inside the panel, not cut at its edge


def test_a_young_finished_day_shows_no_closure_rate_while_its_cases_are_not_due():
    # by hand: 300 filed a day; none still open and not due on the old days, 60 (20%) yesterday,
    # 15 (exactly 5%) the day before, 200 today (partial anyway)
    frame = daily().assign(filed=300, pending_n=[0, 0, 0, 0, 15, 60, 200])
    out = mark_partial(frame, WEEK, T, "day")
    assert out["closure_pending"].tolist() == [False] * 5 + [True, False]  # today is partial, not "pending"
    assert out["closure_rate"].iloc[5] is None and out["closure_rate"].iloc[4] == 0.97
    assert out["on_time_rate"].iloc[5] == 0.92  # its denominator is only the cases already due
    from ui.figures.common import pending_note
    assert pending_note(out).startswith("结案率未计 11-15：")


def test_without_the_pending_count_nothing_is_held_back():
    assert not mark_partial(daily().assign(filed=300), WEEK, T, "day")["closure_pending"].any()
    assert not mark_partial(daily().assign(filed=0, pending_n=0), WEEK, T, "day")["closure_pending"].any()


def test_satisfaction_trend_axis_stops_at_the_period_end():
    from ui.figures import satisfaction
    trend = mark_partial(pd.DataFrame({"period_start": pd.date_range("2026-11-03", periods=30), "satisfied_n": 95,
                                       "satisfaction_n": 100, "satisfaction_rate": 0.95, "satisfaction_ci_low": 0.9,
                                       "satisfaction_ci_high": 0.98}),
                         Period(date(2026, 11, 3), date(2026, 12, 3)), datetime(2026, 12, 2, 23), "day")
    fig = satisfaction.trend_figure(trend, "t", "day")
    low, high = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert low == pd.Timestamp("2026-11-02 12:00") and high == pd.Timestamp("2026-12-02 12:00")  # not 12-03
    assert math.isnan(fig.data[2].y[-1])  # today's rate is not drawn
