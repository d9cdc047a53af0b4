"""ui/figures/events.py: the figures carry exactly the data they are given, in the promised order."""
import math

import pandas as pd
import pytest

from ui.figures import events as charts

NAN = float("nan")


def test_funnel_values_are_the_stage_counts():
    stages = pd.DataFrame({"stage": ["上报", "立案", "派遣", "结案"], "measure": ["reported", "filed", "dispatched", "closed"],
                           "count": [21, 19, 18, 14],
                           "share": [1, 19 / 21, 18 / 21, 14 / 21]})
    fig = charts.funnel(stages, "漏斗")
    trace = fig.data[0]
    assert trace.type == "funnel"
    assert list(trace.y) == ["上报", "立案", "派遣", "结案"] and list(trace.x) == [21, 19, 18, 14]
    # shares are of the reports, not of the stage before
    assert list(trace.text) == ["21 件<br>100.0%", "19 件<br>90.5%", "18 件<br>85.7%", "14 件<br>66.7%"]
    assert fig.layout.title.text == "漏斗"


def test_a_stage_the_platform_does_not_record_says_so():
    stages = pd.DataFrame({"stage": ["上报", "立案", "派遣", "结案"], "measure": ["reported", "filed", "dispatched", "closed"],
                           "count": [21, 19, None, 14],
                           "share": [1, 19 / 21, None, 14 / 21]})
    trace = charts.funnel(stages, "漏斗").data[0]
    assert list(trace.x) == [21, 19, 0, 14] and list(trace.text)[2] == "无数据"


HIST = pd.DataFrame({"bin": ["0–2小时", "2–4小时", "4–8小时", "8–12小时", "12–24小时", "24–48小时", "48–72小时",
                             "72–168小时", "168小时以上"],
                     "low": [0, 2, 4, 8, 12, 24, 48, 72, 168], "count": [0, 1, 3, 1, 0, 4, 2, 2, 0]})


def test_histogram_bars_are_the_bin_counts_with_median_and_p90_marked():
    fig = charts.handling_histogram(HIST, 24.0, 86.4, "时长")
    assert list(fig.data[0].x) == list(HIST["bin"]) and list(fig.data[0].y) == [0, 1, 3, 1, 0, 4, 2, 2, 0]
    # 24 h is the left edge of the 24–48 bar (index 5); 86.4 h is 14.4/96 into the 72–168 bar (index 7)
    assert [s.x0 for s in fig.layout.shapes] == pytest.approx([4.5, 6.5 + 14.4 / 96])
    texts = [a.text for a in fig.layout.annotations]
    assert any("中位数 24.0 小时" in t for t in texts) and any("P90 86.4 小时" in t for t in texts)


def test_histogram_without_durations_draws_no_markers():
    fig = charts.handling_histogram(HIST.assign(count=0), None, NAN, "时长")
    assert not fig.layout.shapes and not fig.layout.annotations


@pytest.mark.parametrize("hours, position", [(0, -0.5), (1, 0.0), (2, 0.5), (10, 3.0), (168, 8.0), (500, 8.0)])
def test_bin_position(hours, position):
    assert charts.bin_position(hours, list(HIST["low"])) == pytest.approx(position)


CHILDREN = pd.DataFrame({
    "code": ["S1", "S2", "S3"], "name": ["东街道", "西街道", "空街道"],
    "reported": [10, 11, 0], "filed": [9, 10, 0], "closed": [6, 8, 0],
    "closure_rate": [6 / 9, 8 / 10, NAN], "on_time_rate": [4 / 8, 5 / 7, NAN], "overdue_open": [4, 2, 0],
    "grid_resolved_rate": [4 / 6, 5 / 8, NAN], "median_hours": [38.5, 10.0, NAN], "level": ["street"] * 3,
})


def test_rate_bars_best_on_top_with_codes_and_no_data_labels():
    fig = charts.rate_bars(CHILDREN, "各街道")
    on_time, closure = fig.data
    assert (on_time.name, closure.name) == ("按期结案率", "结案率")
    # horizontal bars draw the first row at the bottom: no data, then S1 (50%), then S2 (71.4%) on top
    assert list(on_time.y) == ["空街道", "东街道", "西街道"] == list(closure.y)
    assert list(on_time.x) == pytest.approx([0, 50.0, 500 / 7])
    assert list(closure.x) == pytest.approx([0, 600 / 9, 80.0])
    assert list(on_time.text) == ["无数据", "50.0%", "71.4%"]  # a rate without a denominator is not 0%
    assert [row[0] for row in on_time.customdata] == ["S3", "S1", "S2"]
    assert [list(row[1:]) for row in closure.customdata] == [[0, 0, 0], [10, 9, 6], [11, 10, 8]]
    assert fig.layout.barmode == "group"


def test_rate_bars_by_category_use_the_category_key():
    cats = pd.DataFrame({"key": ["CM01", "PS01"], "label": ["市容环境", "治安警情"], "reported": [9, 4],
                         "filed": [8, 3], "closed": [5, 3], "closure_rate": [5 / 8, 1.0], "on_time_rate": [1 / 5, 1.0]})
    fig = charts.rate_bars(cats, "各类别", label="label", code="key")
    assert list(fig.data[0].y) == ["市容环境", "治安警情"]
    assert [row[0] for row in fig.data[0].customdata] == ["CM01", "PS01"]


def test_sources_most_on_top_with_shares():
    data = pd.DataFrame({"key": ["worker_app", "video", "resident"], "label": ["网格员上报", "视频监控", "群众上报"],
                         "reported": [10, 2, 5]})
    bar = charts.sources(data, "来源").data[0]
    assert list(bar.y) == ["视频监控", "群众上报", "网格员上报"] and list(bar.x) == [2, 5, 10]
    assert list(bar.text) == ["2（11.8%）", "5（29.4%）", "10（58.8%）"]


LEVELS = pd.DataFrame({"level": ["grid", "community", "street", "district"], "label": ["网格", "社区", "街道", "区"],
                       "closed": [9, 5, 0, 0], "share": [9 / 14, 5 / 14, 0.0, 0.0]})


def test_resolution_levels_grid_on_top():
    bar = charts.resolution_levels(LEVELS, "层级").data[0]
    assert list(bar.y) == ["区", "街道", "社区", "网格"] and list(bar.x) == [0, 0, 5, 9]
    assert bar.text[-1] == "9（64.3%）"
    assert charts.grid_share(LEVELS) == pytest.approx(9 / 14)
    assert charts.grid_share(LEVELS.assign(closed=0, share=None)) is None


def test_child_table_matches_the_chart_order_and_is_indexed_by_code():
    table = charts.child_table(CHILDREN)
    assert list(table.index) == ["S2", "S1", "S3"]
    assert list(table["区域"]) == ["西街道", "东街道", "空街道"]
    assert list(table["按期结案率"][:2]) == pytest.approx([500 / 7, 50.0]) and math.isnan(table["按期结案率"].iloc[2])
    assert list(table["上报数"]) == [11, 10, 0] and list(table["超期未结"]) == [2, 4, 0]


def test_overdue_table_shows_the_columns_it_is_given():
    cases = pd.DataFrame({
        "id": [31], "case_no": ["WG202601150031"], "grid": ["第四网格"], "grid_code": ["G4"], "category": [None],
        "source": ["网格员上报"], "status": ["已受理"], "reported_at": [pd.Timestamp("2026-01-15 09:00")],
        "deadline_at": [pd.Timestamp("2026-01-16 09:00")], "closed_at": [pd.NaT], "overdue_hours": [1347.0],
        "reporter_name": ["周*明"], "reporter_phone": ["139****0031"], "address": ["测试路31****"]})
    table = charts.overdue_table(cases)  # a masked list comes without the description
    assert list(table.columns) == ["案件编号", "网格", "事件类别", "来源", "状态", "上报时间", "办理期限", "超期",
                                   "上报人", "联系电话", "地址"]
    unmasked = charts.overdue_table(cases.assign(description=["测试事件31"]))
    assert unmasked["事件描述"].tolist() == ["测试事件31"]
    row = table.iloc[0]
    assert row["上报时间"] == "2026-01-15 09:00" and row["办理期限"] == "2026-01-16 09:00"
    assert row["超期"] == "56 天" and row["事件类别"] == "未知类别"  # 1347 h = 56.1 days: whole days past two
    assert row["上报人"] == "周*明" and "测试事件31" not in table.to_string()
