"""The 网格员绩效 page run headless with AppTest on the fixture: the values on screen are the hand values
of tests/test_workers.py and tests/test_worker_detail.py, and no worker's full name is ever shown."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_clean
from tests.fixture import workers as fixture_workers

FULL_NAMES = [n for n in fixture_workers()["name"] if len(n) >= 2]  # 张三明 … 冯十二


@pytest.fixture
def page(open_page):
    def run(**params):
        at = open_page("views/workers.py", **params)
        return at
    return run


def select(at: AppTest, worker_id: int) -> AppTest:
    """Click the table row of a worker (the selection state a click would send)."""
    table = at.dataframe[0]
    at.session_state[table.key] = {"selection": {"rows": [list(table.value.index).index(worker_id)],
                                                 "columns": [], "cells": []}}
    at.run()
    assert_clean(at)
    return at


def on_screen_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)


def workers_table(at: AppTest):
    return at.dataframe[0].value


def test_title_and_every_figure_states_scope_period_and_as_of_time(page):
    at = page()
    assert at.title[0].value == "网格员绩效 · 测试区"
    stated = [c.value for c in at.caption if c.value.startswith("范围：")]
    assert len(stated) >= 4  # page, grade chart, households chart, table
    assert all("2026-03-02 至 2026-03-08" in c and "数据截至 2026-03-12 12:00" in c for c in stated)


def test_table_values_are_the_hand_values(page):
    table = workers_table(page())
    got = {int(wid): row for wid, row in zip(table.index, table.to_dict("records"))}  # index: worker id
    w101 = got[101]
    assert w101["姓名"] == "张*明"
    assert w101["综合得分"] == pytest.approx(80.33) and w101["等级"] == "B"
    assert (w101["岗位"], w101["用工"], w101["所在区域"]) == ("网格员", "专职", "第一网格")
    assert (w101["走访户次"], w101["巡查天数"], w101["上报数"]) == (70, 4, 4)
    assert w101["有效上报率"] == pytest.approx(75.0) and w101["按时核实率"] == pytest.approx(75.0)
    assert w101["岗位内排名"] == 2 and w101["户数/专职网格员"] == 400  # behind 105 (85.88); G1 400 / 1 (107 is part-time)
    assert (got[107]["姓名"], got[107]["综合得分"], got[107]["等级"]) == ("周*", pytest.approx(63.75), "C")
    assert (got[102]["姓名"], got[102]["综合得分"], got[102]["等级"]) == ("李*", pytest.approx(72.5), "C")
    assert (got[110]["姓名"], got[110]["综合得分"], got[110]["等级"]) == ("冯*二", pytest.approx(31.5), "E")
    assert (got[104]["岗位"], got[104]["综合得分"], got[104]["岗位内排名"]) == ("网格长", pytest.approx(33.97), 1)
    assert [got[w]["岗位内排名"] for w in (109, 103, 108, 110)] == [1, 2, 2, 4]
    assert got[105]["在岗"] == "离岗"
    assert len(table) == 10


def test_no_full_worker_name_on_the_page(page):
    at = select(page(), 101)
    text = on_screen_text(at)
    assert "张*明" in text
    for name in FULL_NAMES:
        assert name not in text, name


def test_filter_by_role_and_employment(page):
    at = page()
    role, employment = at.pills[0], at.pills[1]
    role.set_value(["grid_worker"]).run()
    assert_clean(at)
    assert set(workers_table(at)["岗位"]) == {"网格员"} and len(workers_table(at)) == 5  # 101 102 105 106 107
    employment.set_value(["part_time"]).run()
    assert_clean(at)
    assert sorted(workers_table(at)["姓名"]) == sorted(["李*", "钱*", "周*"])  # 102 105 107
    at.pills[0].set_value([]).run()
    assert_clean(at)
    assert any("没有符合" in i.value for i in at.info)


def test_grade_distribution_and_households_norm(page):
    at = page()
    captions = [c.value for c in at.caption]
    # Full-time 网格员: G1 400 (101; 107 is part-time), G4 350 (106) — both inside; G3 has only part-time
    # 102, G5 only the inactive part-time 105, G2 and G6 nobody: 4 grids without an active 专职网格员
    assert any("低于 300 户 0 个、高于 500 户 0 个网格" in c and "4 个网格无在岗专职网格员" in c for c in captions)


def test_worker_detail(page):
    at = select(page(), 101)
    shown = [s.value.replace("\\", "") for s in at.subheader]  # Markdown escapes, as the browser drops them
    assert any(v.startswith("个人档案：张*明（网格员） · 专职 · 第一网格") for v in shown)
    m = {x.label: x.value for x in at.metric}
    assert m["综合得分（等级）"] == "80.33（B）"
    assert m["岗位内排名"] == "2 / 5"
    assert m["走访户次"] == "70"
    assert m["巡查天数 / 工作日"] == "4 / 5"
    assert m["上报数（有效上报率）"] == "4（75.0%）"
    cases = at.dataframe[1].value
    assert list(cases["案件编号"]) == ["WG202603040006", "WG202603040005", "WG202603020002", "WG202603020001"]
    assert list(cases["状态"]) == ["已结案", "已驳回", "已结案", "已结案"]


def test_worker_without_cases_says_so(page):
    at = select(page(), 103)  # instructor of C1: no reports in P
    assert any("没有上报案件" in i.value for i in at.info)
    assert {x.label: x.value for x in at.metric}["综合得分（等级）"] == "33.97（E）"


def test_area_in_url_narrows_the_table_and_the_breadcrumb_walks_back(page):
    at = page(area="G1")
    assert at.title[0].value == "网格员绩效 · 第一网格"
    assert sorted(workers_table(at)["姓名"]) == sorted(["张*明", "周*"])
    assert [b.label for b in at.button] == ["测试区", "东街道", "东一工作片", "东一社区"]
    at.button[0].click().run()
    assert at.query_params["area"] in ("D", ["D"])


def test_an_area_without_workers_says_so(page):
    at = page(area="G6")  # 第六网格: nobody is posted there
    assert any("没有登记的网格员" in i.value for i in at.info)
    assert not at.dataframe


def worker_param(at: AppTest):
    value = at.query_params.get("worker")
    return value[0] if isinstance(value, list) else value


def test_a_click_puts_the_worker_in_the_url_and_the_link_reopens_the_record(page):
    at = select(page(), 101)
    assert worker_param(at) == "101"
    again = page(worker="101")  # the copied link, in a new session: no click needed
    table = again.dataframe[0]
    (row,) = again.session_state[table.key]["selection"]["rows"]
    assert list(table.value.index)[row] == 101  # its row is ticked, as after a click
    assert any(s.value.replace("\\", "").startswith("个人档案：张*明（网格员）") for s in again.subheader)
    assert {x.label: x.value for x in again.metric}["综合得分（等级）"] == "80.33（B）"


def test_taking_the_click_back_closes_the_record_and_clears_the_url(page):
    at = select(page(), 101)
    table = at.dataframe[0]
    at.session_state[table.key] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at.run()
    assert not at.subheader or not any(s.value.startswith("个人档案") for s in at.subheader)
    assert worker_param(at) is None


@pytest.mark.parametrize("params", [
    {"worker": "102", "area": "G1"},        # a worker of another grid
    {"worker": "999"},                      # nobody
    {"worker": "<b>101</b>"},               # not an id
])
def test_a_link_naming_someone_not_in_the_table_says_so(page, params):
    at = page(**params)
    assert any("链接中的人员不在当前区域、权限或筛选范围内" in i.value for i in at.info)
    assert not any(s.value.startswith("个人档案") for s in at.subheader)
    assert worker_param(at) is None


def test_a_link_to_a_worker_outside_the_users_scope_shows_nothing_of_them(open_page):
    at = open_page("views/workers.py", user="s1", worker="102")  # 李四 works in 西街道, s1 sees 东街道
    assert any("链接中的人员不在当前区域、权限或筛选范围内" in i.value for i in at.info)
    assert "李" not in on_screen_text(at) and not any(s.value.startswith("个人档案") for s in at.subheader)

