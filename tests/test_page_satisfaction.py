"""The 群众满意度 page run headless with AppTest on the fixture: what is on screen equals the hand values
of tests/test_satisfaction.py (city 7/9, previous 2/3, last year 2/2; S1 4/5, S2 3/4)."""
import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest



@pytest.fixture
def app(open_page):
    def run(**params):
        at = open_page("views/satisfaction.py", **params)
        return at
    return run


def cards(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def charts(at: AppTest) -> list[list[dict]]:
    """Each plotly chart's traces as sent to the browser."""
    return [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")]


def values(v) -> np.ndarray:
    """A trace array: plotly sends numeric arrays as {dtype, bdata (base64)}."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v)


def test_headline_rate_interval_n_and_changes(app):
    at = app()
    assert at.title[0].value == "群众满意度 · 测试区"
    # 7/9 = 77.8%, Wilson 0.4526–0.9368; 环比 7/9 − 2/3 = +11.1 pp (p = 0.700); 同比 7/9 − 2/2 = −22.2 pp (p = 0.461)
    assert cards(at) == {"群众满意率": "77.8%", "有效评价数": "9", "环比变化": "+11.1pp", "同比变化": "-22.2pp"}
    text = captions(at)
    assert "95%置信区间 45.3%–93.7%" in text
    assert "满意及基本满意 7 · 不满意 2" in text
    assert "p = 0.700 · 上期 66.7%（n=3）" in text
    assert "p = 0.461 · 去年同期 100.0%（n=2）" in text
    badges = [m.value for m in at.markdown if "badge" in m.value]
    assert badges == [":gray-badge[不显著]", ":gray-badge[不显著]"]


def test_every_figure_states_scope_period_and_as_of_time(app):
    stated = [c for c in captions(app()) if c.startswith("范围：")]
    assert len(stated) >= 6  # the page, the trend, the dots, the table, the categories, the worst grids
    assert all("测试区" in c and "2026-03-02 至 2026-03-08" in c and "数据截至 2026-03-12 12:00" in c for c in stated)


def test_children_table_and_dots_match_hand_values(app):
    at = app()
    table = at.dataframe[0].value
    assert list(table.index) == ["S1", "S2"]  # 80% before 75%
    assert list(table["满意率"]) == [80.0, 75.0]
    assert list(table["95%置信区间"]) == ["37.6%–96.4%", "30.1%–95.4%"]
    assert list(table["有效评价数"]) == [5, 4]
    assert list(table["环比(pp)"]) == [-20.0, 25.0]
    assert list(table["环比显著性"]) == ["不显著", "不显著"]
    (trace,) = charts(at)[1]  # both changes are not significant: one trace
    assert [c[0] for c in trace["customdata"]] == ["S2", "S1"]  # worst first = drawn at the bottom
    x, plus, minus = values(trace["x"]), values(trace["error_x"]["array"]), values(trace["error_x"]["arrayminus"])
    # the error bars end at the Wilson bounds of 3/4 and 4/5
    assert list(x - minus) == pytest.approx([30.0636, 37.5528], abs=1e-3)
    assert list(x + plus) == pytest.approx([95.4414, 96.3777], abs=1e-3)


def test_category_breakdown_and_worst_grids_minimum(app):
    at = app()
    categories = charts(at)[2][0]
    assert sorted(categories["y"]) == sorted(["城市管理（n=2）", "治安警情（n=2）", "矛盾纠纷（n=2）", "安全隐患（n=1）",
                                              "消防（n=1）", "无关联事件（n=1）"])
    # no fixture grid has 10 answers in a week: none is ranked, and the page says so
    assert any("有效评价不少于 10 条才参与排名" in m.value for m in at.markdown)
    assert "没有网格在该周期内达到 10 条有效评价，暂不排名。" in [i.value for i in at.info]
    assert any(c.endswith("6 个网格评价不足 10 条，未参与排名") for c in captions(at))


def test_drilled_into_a_street(app):
    at = app(area="S2")
    assert at.title[0].value == "群众满意度 · 西街道"
    assert cards(at)["群众满意率"] == "75.0%" and cards(at)["环比变化"] == "+25.0pp"
    assert [b.label for b in at.button] == ["测试区"]  # the breadcrumb walks back up
    assert list(at.dataframe[0].value.index) == ["W2"]


def test_children_without_answers_are_said_in_words(app):
    at = app(area="C3")  # G5 and G6: no valid answer in P
    infos = [i.value for i in at.info]
    assert "所选区域在该周期内没有有效的满意度评价。可在左侧更换统计周期。" in infos
    assert "该周期内各网格都没有有效评价。" in infos
    assert list(at.dataframe[0].value["95%置信区间"]) == ["无数据", "无数据"]
    assert cards(at)["群众满意率"] == "无数据"


def test_a_grid_has_no_children_to_compare(app):
    at = app(area="G1")
    infos = [i.value for i in at.info]
    assert "当前区域是最末级网格，没有下级区域可比较。" in infos
    assert "当前区域是网格，没有下属网格可排名。" in infos
    assert cards(at)["群众满意率"] == "75.0%"  # G1: 3/4
