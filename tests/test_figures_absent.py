"""Figures and tables on absent data: a column the database left NULL everywhere arrives as None
objects (object dtype), not NaN floats. Every builder must take it, and show 无数据 or an empty
cell, never 0 (ui/figures/*, reports/)."""
from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from metrics.safety_index import DEFAULT_GRADES, NO_DATA_COLOR
from metrics.period import Period
from metrics.scope import Scope
from metrics.weekly import weekly_review
from reports import to_docx, to_xlsx, weekly_charts
from reports.tables import list_table, signed, tables
from tests.test_figures_workers import TABLE as WORKERS
from ui.figures import events, overview, safety, weekly, workers
from ui.figures.common import has_index

NONE = [None, None]


def children(**over) -> pd.DataFrame:
    """Two children as summary.children_table gives them for a week with nothing to measure."""
    frame = pd.DataFrame({
        "area_id": [2, 3], "code": ["S1", "S2"], "name": ["东街道", "西街道"], "level": ["street", "street"],
        "reported": [0, 0], "filed": [0, 0], "closed": [0, 0], "overdue_open": [4, 2],
        "closure_rate": pd.Series(NONE, dtype=object), "on_time_rate": pd.Series(NONE, dtype=object),
        "satisfaction_rate": pd.Series(NONE, dtype=object), "grid_resolved_rate": pd.Series(NONE, dtype=object),
        "median_hours": pd.Series(NONE, dtype=object), "safety_index": pd.Series(NONE, dtype=object),
        "safety_grade": pd.Series(NONE, dtype=object), "safety_color": [NO_DATA_COLOR, NO_DATA_COLOR],
    })
    return frame.assign(**over)


def test_all_none_columns_are_object_dtype_as_the_database_gives_them():
    assert children()["safety_index"].dtype == object  # the shape that crashed 总览


def test_ranking_table_without_any_index():
    table = overview.ranking_table(children())  # was: TypeError: type NoneType doesn't define __round__
    assert table["平安指数"].isna().all() and list(table["等级"]) == ["无数据", "无数据"]
    assert table["排名"].isna().all()  # nobody ranks without an index
    assert table["结案率"].isna().all() and table["群众满意率"].isna().all()  # empty, not 0 %
    assert list(table.index) == ["S1", "S2"]


def test_ranking_table_ranks_only_the_children_with_an_index():
    mixed = children(safety_index=pd.Series([None, 64.87], dtype=object), safety_grade=[None, "预警"])
    table = overview.ranking_table(mixed)
    assert list(table.index) == ["S2", "S1"] and list(table["平安指数"].fillna(-1)) == [64.9, -1]
    assert list(table["排名"].astype(object).where(table["排名"].notna(), None)) == [1, None]
    assert list(table["等级"]) == ["预警", "无数据"]


def test_children_ranking_reads_no_data_never_zero():
    assert not has_index(children())
    fig = overview.children_ranking(children(), "各街道平安指数")
    bar = fig.data[0]
    assert list(bar.text) == ["无数据", "无数据"] and "%{text}" in bar.hovertemplate  # hover too, not "0.0"
    mixed = children(safety_index=pd.Series([47.75, None], dtype=object), safety_grade=["预警", None],
                     safety_color=["#c62828", None])
    assert has_index(mixed)
    bar = overview.children_ranking(mixed, "t").data[0]
    assert list(bar.y) == ["西街道", "东街道"] and list(bar.text) == ["无数据", "47.8 预警"]
    assert list(bar.marker.color) == [NO_DATA_COLOR, "#c62828"]
    # plotly draws no text on a bar of length 0: the 无数据 is written beside the axis
    assert [(a.text, a.y, a.x) for a in overview.children_ranking(mixed, "t").layout.annotations] == [("无数据", "西街道", 0)]


def test_rate_trend_with_a_rate_missing_in_every_bucket():
    trend = pd.DataFrame({"period_start": pd.to_datetime(["2026-03-02", "2026-03-03"]), "reported": [1, 2],
                          "closed": [0, 1], "closure_rate": [0.5, 1.0], "on_time_rate": pd.Series(NONE, dtype=object),
                          "satisfaction_rate": pd.Series(NONE, dtype=object)})
    fig = overview.rate_trend(trend, "t")
    assert list(fig.data[0].y) == [50.0, 100.0] and all(pd.isna(v) for v in fig.data[1].y)


def test_events_children_without_any_rate():
    fig = events.rate_bars(children(), "各街道")
    assert all(t == "无数据" for trace in fig.data for t in trace.text)
    table = events.child_table(children())
    assert table[["结案率", "按期结案率", "网格内化解率", "办结时长中位数（小时）"]].isna().all().all()


def test_overdue_table_with_no_hours():
    cases = pd.DataFrame({"case_no": ["A1"], "grid": ["G1"], "category": [None], "source": ["热线"], "status": ["处置中"],
                          "reported_at": [datetime(2026, 3, 2, 9)], "deadline_at": [None],
                          "overdue_hours": pd.Series([None], dtype=object)})
    out = events.overdue_table(cases)
    assert list(out["超期"]) == ["无数据"] and list(out["事件类别"]) == ["未知类别"]


def test_index_trend_and_contributions_without_any_index():
    trend = pd.DataFrame({"period_start": pd.to_datetime(["2026-03-02", "2026-03-03"]),
                          "safety_index": pd.Series(NONE, dtype=object)})
    assert not has_index(trend) and not has_index(trend.iloc[:0])
    fig = safety.index_trend(trend, DEFAULT_GRADES, "t")  # still builds; the page shows a message instead
    assert fig.layout.yaxis.range == (0, 100)
    parts = [{"key": "security_rate", "name": "治安警情率", "score": None, "lost": None, "weight": 0.3},
             {"key": "on_time_rate", "name": "按期结案率", "score": 40.0, "lost": 18.0, "weight": 0.15}]
    bar = safety.contributions(parts, "t").data[0]
    assert list(bar.text) == ["40 分，拉低 18.0", "无数据"] and "%{text}" in bar.hovertemplate
    assert list(bar.marker.color) == ["#c62828", safety.NO_SCORE]  # not the red of a score of 0
    assert [(a.text, a.y) for a in safety.contributions(parts, "t").layout.annotations] == [("无数据", "治安警情率")]


def test_why_no_area_has_an_index():
    parts = [{"key": k, "name": n, "score": None} for k, n in
             [("security_rate", "治安警情率"), ("on_time_rate", "按期结案率"), ("visit_coverage", "巡查走访覆盖率")]]
    summary = {"safety_index": None, "reported": 0, "safety_parts": parts}
    assert safety.no_index_reason(summary, children()) == (
        "平安指数无数据：该周期内没有上报事件；区域的人口、户数未登记或为 0，治安警情率、按期结案率、巡查走访覆盖率都无法计算，"
        "因此没有绘制地图。")
    busy = {**summary, "reported": 3, "safety_parts": parts[1:2]}
    assert safety.no_index_reason(busy, children()) == "平安指数无数据：按期结案率都无法计算，因此没有绘制地图。"
    # a grid (no children): its own index decides
    assert safety.no_index_reason({**summary, "safety_index": 72.0}, children().iloc[:0]) is None
    assert safety.no_index_reason(summary, children(safety_index=[None, 60.0])) is None


def test_weekly_list_without_any_on_time_rate():
    table = pd.DataFrame({"名称": ["东街道"], "平安指数": [64.9], "按期结案率": pd.Series([None], dtype=object)})
    assert weekly.for_display(table)["按期结案率"].isna().all()  # empty, not 0 %


def test_worker_table_without_scores():
    blank = WORKERS.assign(score=pd.Series([None] * len(WORKERS), dtype=object), grade=None,
                           valid_report_rate=pd.Series([None] * len(WORKERS), dtype=object),
                           households_per_worker=pd.Series([None] * len(WORKERS), dtype=object))
    view = workers.table_view(blank, {})
    assert view[["综合得分", "有效上报率", "户数/专职网格员"]].isna().all().all() and set(view["等级"]) == {"无数据"}


def test_signed_change_of_nothing():
    assert signed("rate", None) == signed("index", float("nan")) == "无数据"


@pytest.fixture
def empty_review(fixture_copy):
    """The review of a week with nothing in it, for a platform without households or population."""
    from data_access.db import Database

    db = Database.connect(fixture_copy("UPDATE areas SET population = NULL, households = NULL"))
    yield weekly_review(db, week=Period(date(2024, 3, 4), date(2024, 3, 11)), asof=datetime(2026, 3, 12, 12),
                        scope=Scope.everywhere())
    db.dispose()


def test_reports_of_a_week_without_any_index(empty_review):
    assert empty_review.kpis["safety_index"] is None and all(s.safety_index is None for s in empty_review.streets)
    sheets = tables(empty_review)
    kpi = sheets["KPI"].set_index("指标")
    assert kpi.loc["平安等级", "本周"] == "无数据" and kpi.loc["平安指数", "环比"] == "无数据"
    assert list_table(empty_review.street_lists, with_street=False).empty  # nobody ranked
    charts = weekly_charts(empty_review)
    assert [c for c, _ in charts][:2] == ["图1 每日上报事件：本周、上周与去年同期", "图2 结案率、按期结案率与群众满意率"]
    book = load_workbook(io.BytesIO(to_xlsx(empty_review)))
    assert book.sheetnames[:2] == ["概况", "KPI"]
    assert Document(io.BytesIO(to_docx(empty_review, charts))).paragraphs
