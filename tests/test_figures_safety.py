"""平安指数 figure builders: the data each figure draws (no browser)."""
import pandas as pd

from metrics.safety_index import DEFAULT_GRADES
from ui.figures import safety

CELLS = pd.DataFrame({"key": [109, 110, 109 + 100, 723], "reported": [3, 1, 2, 5]})  # Mon 9h, Mon 10h, Tue 9h, Sun 23h


def test_hour_weekday_cells_sum_to_the_event_count():
    m = safety.hour_weekday_matrix(CELLS)
    assert m.shape == (7, 24) and m.to_numpy().sum() == CELLS["reported"].sum()
    assert m.loc["周一", "9时"] == 3 and m.loc["周二", "9时"] == 2 and m.loc["周日", "23时"] == 5
    fig = safety.hour_weekday_heatmap(CELLS, "t")
    assert sum(map(sum, fig.data[0].z)) == 11


def test_area_category_cells_name_their_area_and_dimension():
    rows = pd.DataFrame({"code": ["S1", "S1", "S2"], "name": ["东", "东", "西"], "label": ["城市管理", "消防", "城市管理"],
                         "key": ["city_management", "fire", "city_management"], "reported": [5, 1, 7]})
    m = safety.area_category_matrix(rows)
    assert list(m.index) == [("S2", "西"), ("S1", "东")]  # busiest area first
    assert m.to_numpy().sum() == 13
    fig = safety.area_category_heatmap(rows, "t")
    # a click names the cell: its area and its dimension (事件明细 lists exactly those cases)
    assert list(fig.data[0].customdata[0][0]) == ["S2", "city_management"]
    assert list(fig.data[0].customdata[1][1]) == ["S1", "fire"]


def test_index_trend_bands_follow_the_grades():
    trend = pd.DataFrame({"period_start": pd.to_datetime(["2026-03-02", "2026-03-09"]), "safety_index": [85.0, 72.0]})
    fig = safety.index_trend(trend, DEFAULT_GRADES, "t")
    bands = [(s.y0, s.y1, s.fillcolor) for s in fig.layout.shapes]
    assert bands == [(90, 100, "#2e7d32"), (80, 90, "#f9a825"), (70, 80, "#ef6c00"), (0, 70, "#c62828")]
    assert list(fig.data[0].y) == [85.0, 72.0]


def test_contributions_show_scores_and_missing_indicators():
    parts = [{"name": "治安警情率", "score": 40.0, "lost": 18.0, "weight": 0.3},
             {"name": "群众满意率", "score": None, "lost": None, "weight": 0.15}]
    fig = safety.contributions(parts, "t")
    bar = fig.data[0]
    assert list(bar.y) == ["群众满意率", "治安警情率"]  # first indicator drawn on top
    assert list(bar.x) == [0, 40.0] and bar.text[0] == "无数据" and "拉低 18.0" in bar.text[1]
    assert bar.marker.color[1] == "#c62828"  # below 60 is red
