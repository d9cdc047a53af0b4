"""群众满意度 builders (ui/figures/satisfaction.py) are pure: frames in, figures and tables out."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from ui.figures import satisfaction as charts

NAN = float("nan")


def child(code, name, x, n, lo, hi, change=NAN, p=NAN, sig=None, yoy=NAN, yoy_sig=None, prev_rate=NAN):
    return dict(area_id=hash(code) % 1000, code=code, name=name, level="street", satisfied_n=x, satisfaction_n=n,
                satisfaction_rate=x / n if n else NAN, satisfaction_ci_low=lo, satisfaction_ci_high=hi,
                previous_rate=prev_rate, change_pp=change, p_value=p, significant=sig, yoy_change_pp=yoy,
                yoy_p_value=NAN, yoy_significant=yoy_sig)


@pytest.fixture
def children() -> pd.DataFrame:
    return pd.DataFrame([
        child("S1", "东街道", 4, 5, 0.3755, 0.9638, -20.0, 0.62, False, -20.0, False, 1.0),
        child("S2", "西街道", 90, 100, 0.8256, 0.9448, 10.0, 0.048, True, -3.0, False, 0.8),
        child("S3", "南街道", 70, 100, 0.6041, 0.7810, -15.0, 0.01, True, NAN, None, 0.85),
        child("S4", "北街道", 0, 0, NAN, NAN),
    ])


def test_marks_follow_the_test_and_the_sign():
    assert charts.mark(10.0, True) == "显著上升"
    assert charts.mark(-15.0, True) == "显著下降"
    assert charts.mark(-20.0, False) == "不显著"
    assert charts.mark(0.0, False) == "不显著"
    assert charts.mark(NAN, None) == "无法比较"
    assert charts.mark(None, None) == "无法比较"


def test_error_bars_are_the_interval_bounds(children):
    fig = charts.children_dots(children, "各街道满意率", reference=0.8)
    points = {}
    for trace in fig.data:
        for x, plus, minus, cd in zip(trace.x, trace.error_x.array, trace.error_x.arrayminus, trace.customdata):
            points[cd[0]] = (x, x - minus, x + plus)
    assert set(points) == {"S1", "S2", "S3"}  # S4 has no answers: no dot
    for code, lo, hi, rate in (("S1", 0.3755, 0.9638, 0.8), ("S2", 0.8256, 0.9448, 0.9), ("S3", 0.6041, 0.7810, 0.7)):
        x, low, high = points[code]
        assert x == pytest.approx(rate * 100)
        assert low == pytest.approx(lo * 100) and high == pytest.approx(hi * 100)


def test_dots_are_coloured_and_named_by_significance(children):
    fig = charts.children_dots(children, "t")
    by_name = {t.name: [cd[0] for cd in t.customdata] for t in fig.data}
    assert by_name == {"环比不显著": ["S1"], "环比显著上升": ["S2"], "环比显著下降": ["S3"]}
    colours = {t.name: t.marker.color for t in fig.data}
    assert colours["环比显著下降"] == "#c62828" and colours["环比显著上升"] == "#2e7d32"


def test_dots_best_on_top_with_n_in_the_label(children):
    fig = charts.children_dots(children, "t", reference=0.8)
    # plotly draws the first category at the bottom: worst first means best on top
    assert list(fig.layout.yaxis.categoryarray) == ["南街道（n=100）", "东街道（n=5）", "西街道（n=100）"]
    assert fig.layout.shapes[0].x0 == pytest.approx(80.0)  # the area's own rate as a dashed line
    assert fig.layout.xaxis.range[1] == 101
    assert charts.no_answers(children) == ["北街道"]


def test_category_dots_carry_no_drill_codes():
    cats = pd.DataFrame([
        dict(key="dispute", label="矛盾纠纷", satisfied_n=1, satisfaction_n=2, satisfaction_rate=0.5,
             satisfaction_ci_low=0.0945, satisfaction_ci_high=0.9055),
        dict(key=None, label="无关联事件", satisfied_n=1, satisfaction_n=1, satisfaction_rate=1.0,
             satisfaction_ci_low=0.2065, satisfaction_ci_high=1.0),
    ])
    fig = charts.category_dots(cats, "按事件类别")
    (trace,) = fig.data
    assert trace.customdata is None
    assert list(trace.y) == ["矛盾纠纷（n=2）", "无关联事件（n=1）"]
    assert [x + p for x, p in zip(trace.x, trace.error_x.array)] == pytest.approx([90.55, 100.0])
    assert fig.layout.xaxis.range[0] == 7  # floor(9.45) − 2: the lowest bound stays in view


def test_children_table(children):
    table = charts.children_table(children)
    assert list(table.index) == ["S2", "S1", "S3", "S4"]  # highest rate first, no answers last
    assert list(table["区域"]) == ["西街道", "东街道", "南街道", "北街道"]
    assert list(table["有效评价数"]) == [100, 5, 100, 0]
    assert list(table["不满意数"]) == [10, 1, 30, 0]
    assert table.loc["S1", "95%置信区间"] == "37.5%–96.4%"
    assert table.loc["S4", "95%置信区间"] == "无数据"
    assert list(table["环比显著性"]) == ["显著上升", "不显著", "显著下降", "无法比较"]
    assert list(table["同比显著性"]) == ["不显著", "不显著", "无法比较", "无法比较"]
    assert table.loc["S1", "满意率"] == 80.0 and table.loc["S1", "环比(pp)"] == -20.0
    assert math.isnan(table.loc["S4", "满意率"])


def test_worst_table_ranks_only_grids_with_enough_answers():
    grids = pd.DataFrame([
        {**child("G3", "第三网格", 2, 3, 0.2077, 0.9385, 66.7, 0.25, False), "ranked": True, "parent_name": "西一社区"},
        {**child("G1", "第一网格", 3, 4, 0.3006, 0.9544, -25.0, 0.58, False), "ranked": True, "parent_name": "东一社区"},
        {**child("G2", "第二网格", 1, 1, 0.2065, 1.0), "ranked": False, "parent_name": "东一社区"},
    ])
    table = charts.worst_table(grids, limit=10)
    assert list(table.index) == ["G3", "G1"]
    assert list(table["排名"]) == [1, 2] and list(table["所属"]) == ["西一社区", "东一社区"]
    assert list(table.columns) == ["排名", "网格", "所属", "满意率", "95%置信区间", "有效评价数", "环比(pp)", "环比显著性"]
    assert list(charts.worst_table(grids, limit=1).index) == ["G3"]
    assert charts.worst_table(grids.iloc[2:]).empty


def test_headline_cards_show_rate_interval_n_and_marks():
    data = dict(satisfied_n=7, satisfaction_n=9, satisfaction_rate=7 / 9, satisfaction_ci_low=0.45258,
                satisfaction_ci_high=0.93678, previous_satisfied_n=2, previous_n=3, previous_rate=2 / 3,
                change_pp=100 / 9, p_value=0.7003, significant=False, last_year_satisfied_n=2, last_year_n=2,
                last_year_rate=1.0, yoy_change_pp=-200 / 9, yoy_p_value=0.0004, yoy_significant=True)
    rate, n, mom, yoy = charts.headline_cards(data)
    assert (rate.value, rate.note) == ("77.8%", "95%置信区间 45.3%–93.7%")
    assert (n.value, n.note) == ("9", "满意及基本满意 7 · 不满意 2")
    assert (mom.value, mom.badge, mom.color) == ("+11.1pp", "不显著", "gray")
    assert mom.note == "p = 0.700 · 上期 66.7%（n=3）"
    assert (yoy.value, yoy.badge, yoy.color) == ("-22.2pp", "显著下降", "red")
    assert yoy.note == "p < 0.001 · 去年同期 100.0%（n=2）"


def test_headline_cards_without_data():
    data = dict(satisfied_n=0, satisfaction_n=0, satisfaction_rate=None, satisfaction_ci_low=None,
                satisfaction_ci_high=None, previous_satisfied_n=0, previous_n=0, previous_rate=None, change_pp=None,
                p_value=None, significant=None, last_year_satisfied_n=0, last_year_n=0, last_year_rate=None,
                yoy_change_pp=None, yoy_p_value=None, yoy_significant=None)
    rate, n, mom, yoy = charts.headline_cards(data)
    assert rate.value == "无数据" and rate.note == "95%置信区间 无数据"
    assert (mom.value, mom.badge) == ("无数据", "无法比较") and mom.note.startswith("— · 上期 无数据")


def test_trend_band_is_the_interval():
    trend = pd.DataFrame({"period_start": pd.to_datetime(["2026-03-02", "2026-03-04"]), "satisfied_n": [2, 2],
                          "satisfaction_n": [2, 3], "satisfaction_rate": [1.0, 2 / 3],
                          "satisfaction_ci_low": [0.3424, 0.2077], "satisfaction_ci_high": [1.0, 0.9385]})
    high, low, line = charts.trend_figure(trend, "满意率趋势").data
    assert list(high.y) == pytest.approx([100.0, 93.85]) and list(low.y) == pytest.approx([34.24, 20.77])
    assert low.fill == "tonexty" and list(line.y) == pytest.approx([100.0, 200 / 3])
    assert [c[0] for c in line.customdata] == [2, 3]


def test_trend_ticks_fall_on_whole_buckets():
    def frame(dates):
        k = len(dates)
        return pd.DataFrame({"period_start": pd.to_datetime(dates), "satisfied_n": [1] * k, "satisfaction_n": [1] * k,
                             "satisfaction_rate": [1.0] * k, "satisfaction_ci_low": [0.2] * k,
                             "satisfaction_ci_high": [1.0] * k})
    day = 86_400_000
    # two points four days apart: one tick a day, never "11-09 11-09" at noon
    assert charts.trend_figure(frame(["2026-11-09", "2026-11-13"]), "t", "day").layout.xaxis.dtick == day
    # 30 days: 30 / 15 → a tick every 2 days
    days = pd.date_range("2026-10-23", periods=30).strftime("%Y-%m-%d").tolist()
    assert charts.trend_figure(frame(days), "t", "day").layout.xaxis.dtick == 2 * day
    assert charts.trend_figure(frame(["2026-01-05", "2026-03-02"]), "t", "week").layout.xaxis.dtick == 7 * day
    assert charts.trend_figure(frame(["2026-01-01", "2026-03-01"]), "t", "month").layout.xaxis.dtick == "M1"
