"""The 数据质量 page run headless with AppTest on the fixture: the counts on screen are the hand counts
of tests/test_quality.py (P = [2026-03-02, 2026-03-09), T = 2026-03-12 12:00)."""
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from tests.fixture import events, workers

RULES = ["事件缺少上报时间", "事件结案时间早于上报时间", "事件已结案但缺少结案时间", "事件所在网格不存在", "事件挂在非网格区域上", "事件类别不存在",
         "事件坐标缺失或在城市范围", "事件编号重复", "同一案件编号", "满意度评价结果无效", "满意度调查所在网格不存在",
         "巡查走访记录所在网格不存在"]


@pytest.fixture
def page(open_page):
    def run(**params):
        at = open_page("views/quality.py", **params)
        assert at.title[0].value.startswith("数据质量")
        return at
    return run


def page_text(at: AppTest) -> str:
    parts = [df.value.to_string() for df in [*at.dataframe, *at.table]]
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
    return "\n".join(parts)


def found(at: AppTest) -> list[str]:
    """The page's own summary box (the login-off banner is another warning)."""
    return [w.value for w in at.warning if w.icon == ":material/rule:"]


def rules(at: AppTest) -> dict:
    table = at.table[0].value
    assert [next(r for r in RULES if p.startswith(r)) for p in table.index] == RULES
    return dict(zip(RULES, table["条数"]))


def test_whole_city_counts_and_examples(page):
    at = page()
    assert at.title[0].value == "数据质量 · 测试区"
    assert rules(at) == dict(zip(RULES, ["0", "1", "0", "1", "0", "0", "0", "0", "0", "2", "1", "1"]))
    table = at.table[0].value.reset_index()
    assert table.loc[1, "不计入的指标"].startswith("办结时长") and "不计入办结时长" in table.loc[1, "指标如何处理"]
    assert "不计入满意率" in table.loc[9, "指标如何处理"] and "不计入任何区域" in table.loc[3, "指标如何处理"]
    assert "不算超期未结" in table.loc[2, "指标如何处理"]  # a closure without its time
    assert len(found(at)) == 1 and "发现问题数据 6 条次" in found(at)[0] and "5 类" in found(at)[0]
    assert [e.label for e in at.expander] == ["事件结案时间早于上报时间：1 条",
                                             "事件所在网格不存在（所属网格为空或不在区域表中）：1 条",
                                             "满意度评价结果无效（不是满意、基本满意、不满意之一，或为空）：2 条",
                                             "满意度调查所在网格不存在：1 条", "巡查走访记录所在网格不存在：1 条"]
    closed = at.dataframe[0].value
    assert closed[["记录 id", "网格编码", "上报时间", "结案时间", "状态"]].values.tolist() == [
        [16, "G5", "2026-03-06 12:00", "2026-03-06 08:00", "已结案"]]
    unknown = at.dataframe[1].value
    assert unknown[["记录 id", "网格 id", "网格"]].values.tolist() == [[17, 999, "（不存在）"]]
    assert at.dataframe[2].value["评价结果"].tolist() == ["unknown", "（空）"]
    assert not at.info                       # the whole city sees every rule


def test_examples_are_masked(page):
    at = page()
    text = page_text(at)
    assert "测试路****" in text              # the check below reads the tables it means to read
    for col in ("address", "description", "reporter_name", "reporter_phone"):
        for value in events()[col]:
            assert value not in text, value
    for name in workers()["name"]:
        assert name not in text


def test_every_figure_states_scope_period_and_as_of_time(page):
    at = page()
    stated = [c.value for c in at.caption if c.value.startswith("范围：")]
    assert len(stated) >= len(at.dataframe) + len(at.table)  # one under each table at least
    assert all("测试区" in c and "2026-03-02 至 2026-03-08" in c and "数据截至 2026-03-12 12:00" in c for c in stated)
    assert any("共 2 条；个人信息已脱敏" in c for c in stated)


def test_a_street_never_shows_rows_of_unknown_grids(page):
    at = page(area="S1")
    assert at.title[0].value == "数据质量 · 东街道"
    shown = rules(at)
    for rule in ("事件缺少上报时间", "事件所在网格不存在", "满意度调查所在网格不存在", "巡查走访记录所在网格不存在"):
        assert shown[rule] == "仅全市范围统计"
    assert shown["事件结案时间早于上报时间"] == "0" and shown["满意度评价结果无效"] == "1"   # Q6 (G2)
    assert "只在全市范围统计" in at.info[0].value
    assert [e.label.split("：")[0] for e in at.expander] == ["满意度评价结果无效（不是满意、基本满意、不满意之一，或为空）"]
    assert at.dataframe[0].value["记录 id"].tolist() == [6]
    assert "999" not in " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())


def test_an_area_official_never_sees_rows_of_unknown_grids(page):
    at = page(user="s1")                     # official of S1 (G1 G2), logged in
    assert at.title[0].value == "数据质量 · 东街道"
    shown = rules(at)
    assert shown["事件所在网格不存在"] == "仅全市范围统计" and shown["满意度评价结果无效"] == "1"
    assert "只在全市范围统计" in at.info[0].value
    text = page_text(at)
    assert "第五网格" not in text and "（不存在）" not in text   # neither E16 (G5) nor any grid-999 row


def test_a_clean_view_says_so_in_words(page):
    at = page(**{"from": "2026-02-23", "to": "2026-03-02"})   # the previous week: nothing wrong
    assert "未发现问题数据" in at.success[0].value
    assert not at.expander and not found(at)
    assert set(rules(at).values()) == {"0"}
    at = page(area="G6")
    assert "未发现问题数据" in at.success[0].value and not at.expander


# ---- the area tree (administrators; metrics.area_checks, counts in tests/test_area_checks.py) ----

def tree_box(at: AppTest) -> list[str]:
    return [w.value for w in [*at.warning, *at.success] if w.icon == ":material/account_tree:"]


def test_the_area_tree_section_is_for_administrators(page, fixture_copy):
    at = page(user="root")
    assert [h.value for h in at.subheader] == ["平台数据映射", "区域树"]
    mapping = at.table[1].value  # the checker's findings: the fixture's one survey answer of no known code
    assert list(mapping.index) == ["代码映射"] and "代码 unknown 出现 1 次" in mapping.iloc[0]["说明"]
    assert tree_box(at) == ["区域树发现 1 类问题；所有区域都在顶级区域之下。"]
    tree = at.table[2].value
    assert list(tree.index) == ["事件所在网格不存在"]
    assert (tree.iloc[0]["级别"], tree.iloc[0]["数量"], tree.iloc[0]["涉及区域"], tree.iloc[0]["涉及事件"]) == ("错误", "1", "—", "1")
    assert any(c.value.startswith("区域树检查：区域表的全部区域与库中全部事件") for c in at.caption)
    assert not page(user="lead").subheader  # a leader sees the rules, not the tree


def test_login_off_shows_no_area_tree_section(page):
    assert not page().subheader  # the local user is a leader


def test_an_orphaned_street_is_listed_with_its_events(page, fixture_copy):
    at = page(user="root", url=fixture_copy("UPDATE areas SET parent_id = 12345 WHERE code = 'S2'"))
    box = tree_box(at)
    assert len(box) == 1 and "8 个区域、18 件事件（不限时间）不在主区划树内" in box[0]
    tree = at.table[2].value
    assert list(tree.index) == ["多个顶级区域", "上级区域不存在", "事件所在网格不存在"]
    assert tree.loc["上级区域不存在", "涉及区域"] == "8" and tree.loc["上级区域不存在", "涉及事件"] == "18"
    labels = [e.label for e in at.expander]
    assert "上级区域不存在：1 项" in labels
    text = page_text(at)
    assert "S2 西街道（街道）：上级 id 12345 不存在；连同下级 8 个区域，事件 18 件" in text.replace("\\\\", "")


def test_rules_name_fields_in_chinese_and_admins_see_the_database_names(page):
    from metrics.quality import RULES
    assert not [r.description for r in RULES if any(c.isascii() and c.isalpha() for c in r.description)]
    captions = [c.value.replace("\\", "") for c in page(user="root").caption if c.value.startswith("数据库字段")]
    assert "事件·结案时间 = events.closed_at" in captions[0]  # the first expander: closed before reported
    assert not [c for c in page(user="lead").caption if c.value.startswith("数据库字段")]
