"""The 事件办结 page run headless with AppTest on the fixture: the numbers on screen are the hand values
of tests/fixture.py (P = [2026-03-02, 2026-03-09), T = 2026-03-12 12:00; see tests/test_metrics.py)."""
import base64
import json

import numpy as np
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from tests.fixture import events, workers



@pytest.fixture
def page(open_page):
    def run(**params):
        at = open_page("views/events.py", **params)
        assert at.title[0].value.startswith("事件办结")
        return at
    return run


def _array(v):
    """Plotly ships numeric arrays as {dtype, bdata}; lists stay lists."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def charts(at: AppTest) -> dict:
    """Each plotly figure on the page by its title → its decoded spec."""
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        for trace in spec["data"]:
            for axis in ("x", "y"):
                trace[axis] = _array(trace[axis])
        out[spec["layout"]["title"]["text"]] = spec
    return out


def chart(at: AppTest, starts: str) -> dict:
    found = [spec for title, spec in charts(at).items() if title.startswith(starts)]
    assert len(found) == 1, list(charts(at))
    return found[0]


def metrics(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as readable text (tables as their values)."""
    parts = [df.value.to_string() for df in at.dataframe]
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
    parts += [json.dumps(spec, ensure_ascii=False) for spec in charts(at).values()]
    return "\n".join(parts)


def test_city_cards_are_the_hand_values(page):
    m = metrics(page())
    assert m["上报数"] == "21" and m["立案数"] == "19"
    assert m["结案率"] == "73.7%"        # 14 / 19
    assert m["按期结案率"] == "60.0%"    # 9 / 15
    assert m["超期未结"] == "6"          # E7 E9 E19 E22 E30 E31
    assert m["办结时长中位数"] == "24.0 小时"
    assert m["办结时长P90"] == "3.6 天"  # 86.4 h
    assert m["网格内化解率"] == "64.3%"  # 9 / 14


def test_funnel_and_handling_time(page):
    at = page()
    funnel = chart(at, "事件流转漏斗")["data"][0]
    # 上报 21; 立案 19 (− rejected E5 E24); 派遣 18 (the filed minus E23, still 'reported'); 结案 14
    assert funnel["y"] == ["上报", "立案", "派遣", "结案"] and funnel["x"] == [21, 19, 18, 14]
    hist = chart(at, "办结时长分布")
    # durations 2 | 4 5 6 | 10 | – | 24 24 30 47 | 48 48 | 96 147 (E16 closed before reported: left out)
    assert hist["data"][0]["y"] == [0, 1, 3, 1, 0, 4, 2, 2, 0]
    marks = " ".join(a["text"] for a in hist["layout"]["annotations"])
    assert "中位数 24.0 小时" in marks and "P90 86.4 小时" in marks
    assert any("周期内立案并已结案的 13 件" in c.value for c in at.caption)


def test_rates_by_child_chart_and_table(page):
    at = page()
    on_time, closure = chart(at, "各街道结案率与按期结案率")["data"]
    # S1 on time 4/8, S2 5/7: S2 is drawn on top (last); each bar carries its street's code first
    assert on_time["y"] == ["东街道", "西街道"]
    assert on_time["x"] == pytest.approx([50.0, 500 / 7]) and closure["x"] == pytest.approx([600 / 9, 80.0])
    assert [c[0] for c in on_time["customdata"]] == ["S1", "S2"] == [c[0] for c in closure["customdata"]]
    table = at.dataframe[0].value
    assert list(table.index) == ["S2", "S1"] and list(table["区域"]) == ["西街道", "东街道"]
    assert list(table["上报数"]) == [11, 10] and list(table["结案数"]) == [8, 6]
    assert list(table["超期未结"]) == [2, 4]
    assert list(table["网格内化解率"]) == pytest.approx([500 / 8, 400 / 6])


def test_categories_sources_and_resolving_level(page):
    at = page()
    on_time, closure = chart(at, "各类别结案率与按期结案率")["data"]
    got = {y: (round(a, 4), round(b, 4)) for y, a, b in zip(on_time["y"], on_time["x"], closure["x"])}
    # CM01 on time E20 of E2 E8 E20 + due-open E9 E22, closed E2 8 13 16 20 of 8 filed;
    # SH01 on time E6 E14 of + due-open E7, closed 2 of 4; DS01 E3 E4 on time, E12 late, all closed
    third = round(200 / 3, 4)
    assert got == {"市容环境": (20.0, 62.5), "安全隐患": (third, 50.0), "矛盾纠纷": (third, 100.0),
                   "消防隐患警情": (100.0, 100.0), "治安警情": (100.0, 100.0)}
    assert on_time["y"][:3] == ["市容环境", "安全隐患", "矛盾纠纷"]  # worst at the bottom
    source = chart(at, "事件来源")["data"][0]
    # worker_app E1 2 4 5 6 10 15 20 22 24; resident E3 8 13 18 23; hotline E11 16; video E7 12; department E9 14
    assert dict(zip(source["y"], source["x"])) == {"网格员上报": 10, "群众上报": 5, "12345热线": 2, "视频监控": 2,
                                                   "部门移交": 2}
    assert source["y"][-1] == "网格员上报"
    level = chart(at, "结案事件化解层级")
    assert "网格内化解率 64.3%" in level["layout"]["title"]["text"]
    assert dict(zip(level["data"][0]["y"], level["data"][0]["x"])) == {"网格": 9, "社区": 5, "街道": 0, "区": 0}


def test_overdue_list_is_masked(page):
    at = page()
    table = next(df.value for df in at.dataframe if "案件编号" in df.value.columns)
    # deadline order: E31 (01-16), E30 (02-27), E7 (03-07), E22 (03-08), E19 (03-10 00:00), E9 (03-10 09:00)
    assert [int(c[-4:]) for c in table["案件编号"]] == [31, 30, 7, 22, 19, 9]
    assert set(table["上报人"]) == {"周*明"} and table["联系电话"].iloc[0] == "139****0031"
    # 55.1, 13.1, 5.2, 4.1, 2.5 and 2.1 days overdue: more than two days are written in whole days
    assert list(table["超期"]) == ["55 天", "13 天", "5 天", "4 天", "2 天", "2 天"]
    text = page_text(at)
    assert "周*明" in text and "139****0031" in text  # the check below reads the table it means to read
    for name in set(events()["reporter_name"]) | set(workers()["name"]):
        assert name not in text
    for phone in events()["reporter_phone"]:
        assert phone not in text
    for description in events()["description"]:
        assert description not in text
    assert any("共 6 件" in c.value and "个人信息已脱敏" in c.value for c in at.caption)


def test_every_figure_states_scope_period_and_as_of_time(page):
    at = page()
    stated = [c.value for c in at.caption if c.value.startswith("范围：")]
    assert len(stated) >= len(at.get("plotly_chart")) + len(at.dataframe)  # one under each figure at least
    assert all("测试区" in c and "2026-03-02 至 2026-03-08" in c and "数据截至 2026-03-12 12:00" in c for c in stated)


def test_area_in_url_shows_the_street(page):
    at = page(area="S1")
    assert at.title[0].value == "事件办结 · 东街道"
    m = metrics(at)
    assert (m["上报数"], m["结案率"], m["按期结案率"], m["超期未结"], m["网格内化解率"]) == ("10", "66.7%", "50.0%", "4", "66.7%")
    assert chart(at, "事件流转漏斗")["data"][0]["x"] == [10, 9, 8, 6]
    # 4 | 24 30 47 | 48 | 147
    assert chart(at, "办结时长分布")["data"][0]["y"] == [0, 0, 1, 0, 0, 3, 1, 1, 0]
    assert list(at.dataframe[0].value.index) == ["W1"]  # S1's only child is its work area
    assert [b.label for b in at.button] == ["测试区", "查看超期未结的 4 件事件"]  # the breadcrumb; the overdue list


def test_empty_grid_says_so_in_words(page):
    at = page(area="G6")  # no events, no surveys: every figure is replaced by a sentence
    assert not at.get("plotly_chart") and not at.dataframe
    infos = " ".join(i.value for i in at.info)
    for words in ("没有上报事件", "暂无办结时长", "最末级网格", "无法按类别", "无法按来源", "无法统计化解层级", "没有超期未结"):
        assert words in infos
    assert metrics(at)["结案率"] == "无数据"


# ---- 部门协同 (hand values: tests/test_departments.py) ----

def department_table(at: AppTest):
    return next(df for df in at.dataframe if df.value.columns[0] == "部门")


def test_the_departments_with_their_rates_and_change(page):
    at = page()
    table = department_table(at).value
    assert list(table.index) == ["CG", "SF", "ZJ", "GA"] and table.loc["ZJ", "部门"] == "住建局"
    assert table.loc["CG", "承办事件数"] == 7 and table.loc["CG", "按期结案率"] == pytest.approx(20.0)
    assert table.loc["CG", "按期率环比(pp)"] == pytest.approx(round((1 / 5 - 1 / 3) * 100, 1))
    assert table.loc["ZJ", "退单率"] == pytest.approx(100 * 2 / 6) and table.loc["ZJ", "响应时长（小时）"] == 3.0
    assert table.loc["ZJ", "退单率环比(pp)"] == pytest.approx(round((2 / 6 - 1 / 2) * 100, 1))
    assert table.loc["CG", "多次派遣率"] == pytest.approx(100 * 2 / 7)


def test_a_department_row_opens_the_cases_it_handled(page):
    from tests.test_page_cases import listed, total_line
    at = page()
    table = department_table(at)
    at.session_state[table.key] = {"selection": {"rows": [list(table.value.index).index("CG")], "columns": [],
                                                 "cells": []}}
    at.run()
    assert at.title[0].value.startswith("事件明细")
    assert total_line(at).startswith("**共 7 件**")  # E2 E8 E9 E13 E16 E20 E22
    assert set(listed(at)["案卷号"].str[-2:].astype(int)) == {2, 8, 9, 13, 16, 20, 22}
    assert any(m.value.startswith("来自图表：承办事件数") and "城管局" in m.value for m in at.markdown)


def test_without_department_data_the_section_says_so(open_page, fixture_copy):
    at = open_page("views/events.py", config='[schema.tables]\ndispatches = false\ndepartments = false\n'
                   '[schema.columns.events]\ndepartment_code = false\n')
    assert not any(df.value.columns[0] == "部门" for df in at.dataframe)
    assert any(i.value.startswith("无数据：平台没有派遣记录数据") or "department_code = false" in i.value for i in at.info)
