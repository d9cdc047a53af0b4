"""网格员绩效 builders (ui/figures/workers.py), pure: the data each figure and table carries.

Inputs are small hand-written frames shaped like metrics.workers.worker_table / worker_detail output,
with the numbers of tests/test_workers.py where a worker of the fixture is meant."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.scope import AreaTree
from metrics.workers import WorkerModel
from ui.figures import workers as charts
from tests.fixture import areas as fixture_areas

G1, G3, G4, G5 = 11, 13, 14, 15


def frame(rows) -> pd.DataFrame:
    cols = ["worker_id", "area_id", "name", "role", "employment", "active", "score", "grade", "rank_in_role",
            "rank_in_street", "visits", "patrol_days", "reported", "valid_report_rate", "c_visits",
            "c_patrol_days", "c_valid_report", "c_verify_on_time", "c_grid_on_time", "c_grid_satisfaction",
            "households_per_worker"]
    return pd.DataFrame(rows, columns=cols)


# The fixture city's table in short: 101 and 107 share G1 (400 households → 200 each), 102 alone in G3 (500),
# 106 in G4 (350), 105 inactive in G5 (no active grid worker → no value); instructors/chief have no value.
TABLE = frame([
    (101, G1, "张三明", "grid_worker", "full_time", True, 80.333, "B", 2, 1, 70, 4, 4, .75, 70 / 75, .8, .75, .75, .75, .75,
     200.0),
    (107, G1, "周九", "grid_worker", "part_time", True, 63.75, "C", 4, 2, 0, 6, 1, 1.0, 0, 1, 1, .75, .75, .75, 200.0),
    (102, G3, "李四", "grid_worker", "part_time", True, 72.5, "C", 3, 1, 520, 2, 2, 1.0, 1, .4, 1, .6, .5, 2 / 3, 500.0),
    (106, G4, "孙八", "grid_worker", "full_time", True, 60.0, "C", 5, 2, 0, 0, 1, 1.0, 0, 0, 1, 1, 1, 1, 350.0),
    (105, G5, "钱七", "grid_worker", "part_time", False, 85.88, "A", 1, 1, 300, 1, 1, 1.0, 1, .2, 1, 1, 1, None, None),
    (103, 6, "王五", "instructor", "full_time", True, 33.97, "E", 2, 1, 0, 0, 0, None, 0, 0, None, .625, .5, .8, None),
    (110, 7, "冯十二", "instructor", "part_time", True, 31.5, "E", 4, 1, 0, 0, 1, 0.0, 0, 0, 0, .75, .6, .75, None),
    (104, 4, "赵六", "chief", "full_time", True, 33.97, "E", 1, 1, 0, 0, 0, None, 0, 0, None, .625, .5, .8, None),
])


# ---- filters and the table as shown ----

def test_filter_by_role_and_employment():
    assert set(charts.filter_workers(TABLE, ["grid_worker"], ["full_time", "part_time"])["worker_id"]) == \
        {101, 107, 102, 106, 105}
    assert set(charts.filter_workers(TABLE, ["grid_worker", "instructor"], ["part_time"])["worker_id"]) == \
        {107, 102, 105, 110}
    assert charts.filter_workers(TABLE, [], ["full_time"]).empty


def test_table_view_masks_names_and_speaks_chinese():
    view = charts.table_view(TABLE, {G1: "第一网格", G3: "第三网格"})
    assert view.at[101, "姓名"] == "张*明" and view.at[110, "姓名"] == "冯*二" and view.at[107, "姓名"] == "周*"
    assert not set(TABLE["name"]) & set(view["姓名"])  # no full name survives
    assert (view.at[101, "岗位"], view.at[101, "用工"], view.at[101, "所在区域"]) == ("网格员", "专职", "第一网格")
    assert view.at[105, "在岗"] == "离岗" and view.at[101, "在岗"] == "在岗"
    assert view.at[101, "综合得分"] == pytest.approx(80.33) and view.at[101, "有效上报率"] == pytest.approx(75.0)
    assert math.isnan(view.at[103, "有效上报率"])  # no data stays missing (shown as 无数据), never 0
    # 网格员 first, then 网格指导员, then 网格长, each by rank within role
    assert list(view.index) == [105, 101, 102, 107, 106, 103, 110, 104]


# ---- grade distribution ----

def test_grade_counts_cover_a_to_e_and_sum_to_the_workers():
    counts = charts.grade_counts(TABLE)
    assert list(counts["grade"]) == ["A", "B", "C", "D", "E"]
    assert list(counts["count"]) == [1, 1, 3, 0, 3]
    assert counts["count"].sum() == len(TABLE)


def test_grade_counts_keep_workers_without_a_score():
    table = TABLE.assign(grade=[None] + list(TABLE["grade"][1:]))
    counts = charts.grade_counts(table)
    assert list(counts["grade"])[-1] == "无数据" and counts["count"].sum() == len(table)


def test_grade_distribution_figure():
    fig = charts.grade_distribution(TABLE, "等级分布")
    bar = fig.data[0]
    assert list(bar.x) == ["A", "B", "C", "D", "E"] and list(bar.y) == [1, 1, 3, 0, 3]
    assert list(bar.marker.color) == [charts.GRADE_COLORS[g] for g in "ABCDE"]


# ---- households per grid worker against the 300–500 norm ----

def test_grid_loads_one_row_per_staffed_grid():
    grids = charts.grid_loads(TABLE)
    assert dict(zip(grids["area_id"], grids["households_per_worker"])) == {G1: 200.0, G3: 500.0, G4: 350.0}
    assert dict(zip(grids["area_id"], grids["status"])) == {G1: "below", G3: "within", G4: "within"}  # 500 is in


def test_norm_summary_counts_grids_outside():
    grids = pd.DataFrame({"area_id": range(6), "households_per_worker": [299.9, 300, 420, 500, 500.5, 800]})
    grids["status"] = charts.grid_loads(grids.assign(role="grid_worker"))["status"]
    assert charts.norm_summary(grids) == {"below": 1, "within": 3, "above": 2, "outside": 3}
    assert charts.norm_summary(charts.grid_loads(TABLE)) == {"below": 1, "within": 2, "above": 0, "outside": 1}


def test_load_bins_cover_the_norm_and_count_every_grid():
    grids = charts.grid_loads(TABLE)
    bins = charts.load_bins(grids, width=25)
    assert bins["left"].iloc[0] == 200 and bins["left"].iloc[-1] == 500  # from the data's lowest to the norm's top
    assert (bins["below"].sum(), bins["within"].sum(), bins["above"].sum()) == (1, 2, 0)
    row = lambda left: bins[bins["left"] == left].iloc[0]
    assert (row(200)["below"], row(350)["within"], row(500)["within"]) == (1, 1, 1)


def test_load_histogram_marks_300_and_500():
    fig = charts.load_histogram(charts.grid_loads(TABLE), "每名网格员服务户数")
    lines = sorted(s.x0 for s in fig.layout.shapes)
    assert lines == [300, 500]
    assert [t.name for t in fig.data] == ["低于 300 户", "300–500 户（规范内）", "高于 500 户"]  # never "超出" for below
    assert sum(sum(t.y) for t in fig.data) == 3  # three staffed grids


def test_empty_loads():
    grids = charts.grid_loads(TABLE[TABLE["role"] != "grid_worker"])
    assert grids.empty and charts.norm_summary(grids)["outside"] == 0
    assert charts.load_bins(grids).empty


def test_grids_under_a_community_and_the_district():
    tree = AreaTree(fixture_areas().set_index("id"))
    assert charts.grids_under(tree, [7]) == {13, 14}  # C2
    assert charts.grids_under(tree, [1]) == {11, 12, 13, 14, 15, 16}
    assert charts.grids_under(tree, [13]) == {13}


# ---- one worker: components against the weights ----

WEIGHTS = WorkerModel().weights


def test_components_points_add_up_to_the_score():
    row = TABLE.set_index("worker_id").loc[101].to_dict()
    comps = charts.components(row, WEIGHTS).set_index("key")
    assert comps["points"].sum() == pytest.approx(80.3333, abs=1e-3)  # worker 101 in tests/test_workers.py
    assert comps.at["visits", "max_points"] == pytest.approx(25.0)
    assert comps.at["visits", "points"] == pytest.approx(25 * 70 / 75)
    assert comps["max_points"].sum() == pytest.approx(100.0)


def test_components_without_data_carry_no_weight():
    row = TABLE.set_index("worker_id").loc[103].to_dict()  # instructor: no reports → no valid-report rate
    comps = charts.components(row, WEIGHTS).set_index("key")
    assert pd.isna(comps.at["valid_report", "points"]) and pd.isna(comps.at["valid_report", "max_points"])
    # the other five share 100 points: .15 / .85 × 100 = 17.65 each for the .15 weights
    assert comps.at["grid_on_time", "max_points"] == pytest.approx(15 / .85)
    assert comps["points"].dropna().sum() == pytest.approx(33.9706, abs=1e-3)


def test_component_bars_show_points_over_weight():
    row = TABLE.set_index("worker_id").loc[103].to_dict()
    fig = charts.component_bars(charts.components(row, WEIGHTS), "得分构成")
    full, got = fig.data
    assert (full.name, got.name) == ("权重满分", "实得分")
    assert list(got.y)[0] == "网格群众满意率" and list(got.y)[-1] == "走访户次"  # top to bottom as listed
    assert any("无数据" in t for t in got.text)


# ---- one worker: daily field work and cases ----

DAILY = pd.DataFrame({"day": pd.date_range("2026-03-02", periods=7),
                      "visits": [0, 40, 0, 0, 30, 0, 0], "visit_count": [0, 1, 0, 0, 1, 0, 0],
                      "patrols": [0, 1, 1, 1, 0, 0, 0], "reports": [2, 0, 2, 0, 0, 0, 0],
                      "filed": [2, 0, 1, 0, 0, 0, 0]})  # worker 101 in tests/test_worker_detail.py


def test_daily_activity_figure():
    fig = charts.daily_activity(DAILY, "每日走访", target=15)
    bars, visits, patrols, reports = fig.data
    assert list(bars.y) == [0, 40, 0, 0, 30, 0, 0] and sum(bars.y) == 70
    assert np.nansum(np.array(patrols.y, dtype=float)) == 3 and np.nansum(np.array(reports.y, dtype=float)) == 4
    assert math.isnan(reports.y[1])  # a day without reports is blank, not a marker at zero
    assert fig.layout.yaxis2.dtick == 1
    assert [s.y0 for s in fig.layout.shapes] == [15]  # the daily visit target


def test_cases_view():
    cases = pd.DataFrame({"id": [6, 5], "case_no": ["WG202603040006", "WG202603040005"], "grid": ["第二网格", "第一网格"],
                          "category": ["安全隐患", "市容环境"], "source": ["网格员上报"] * 2, "status": ["已结案", "已驳回"],
                          "reported_at": pd.to_datetime(["2026-03-04 10:00", "2026-03-04 09:00"]),
                          "deadline_at": pd.to_datetime(["2026-03-06 10:00", None]),
                          "closed_at": pd.to_datetime(["2026-03-06 09:00", None]), "overdue_hours": [1.0, 2.0]})
    view = charts.cases_view(cases)
    assert list(view.columns) == ["案件编号", "网格", "类别", "来源", "状态", "上报时间", "办理期限", "结案时间"]
    assert list(view["结案时间"]) == ["2026-03-06 09:00", "—"] and list(view["办理期限"]) == ["2026-03-06 10:00", "无期限"]
