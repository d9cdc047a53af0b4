"""The 总览 page run headless with AppTest on the fixture: the numbers on screen are the hand values."""

import pytest
from streamlit.testing.v1 import AppTest



@pytest.fixture
def app(open_page):
    return lambda **params: open_page(**params)


def metrics(at: AppTest) -> dict:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_city_kpis_match_hand_values(app):
    m = metrics(app())
    # tests/fixture.py: 21 reported, 19 filed, 14/19 closed, 9/15 on time, 6 overdue at T,
    # durations mean 491/13 h, median 24 h; satisfaction 7/9; previous week 7 reported, 5/6 closed.
    assert m["上报数"] == ("21", "+200.0%")
    assert m["立案数"][0] == "19"
    assert m["结案率"] == ("73.7%", "-9.6pp")  # 14/19 − 5/6 = −9.65 pp
    assert m["按期结案率"][0] == "60.0%"
    assert m["超期未结"][0] == "6"
    assert m["平均办结时长"][0] == "37.8 小时"
    assert m["办结时长中位数"][0] == "24.0 小时"
    assert m["群众满意率"][0] == "77.8%"
    assert m["平安指数"][0] == "53.7 预警"


def test_every_figure_states_scope_period_and_as_of_time(app):
    captions = [c.value for c in app().caption]
    stated = [c for c in captions if c.startswith("范围：")]
    assert stated and all("2026-03-02 至 2026-03-08" in c and "数据截至 2026-03-12 12:00" in c for c in stated)


def test_children_ranked_by_safety_index(app):
    at = app()
    table = at.dataframe[0].value
    # S1: 10 reported, index 47.75; S2: 11 reported, index 64.87 → S2 ranks first.
    assert list(table.index) == ["S2", "S1"]
    assert list(table["上报数"]) == [11, 10]
    assert list(table["排名"]) == [1, 2]


def test_area_in_url_drills_in_and_breadcrumb_walks_back(app):
    at = app(area="S1")
    m = metrics(at)
    assert m["上报数"][0] == "10" and m["结案率"][0] == "66.7%"  # S1: 6 of 9 filed closed
    assert at.title[0].value == "总览 · 东街道"  # S1 is named 东街道 in the fixture
    assert [b.label for b in at.button][0] == "测试区"  # the breadcrumb: the district above S1 …
    assert [b.label for b in at.button][1:] == ["查看超期未结的 4 件事件"]  # … and the 超期未结 card's cases
    at.button[0].click().run()
    assert at.query_params["area"] in ("D", ["D"])  # the URL now names the district
    # (AppTest keeps its first query string on reruns; the numbers after a click are checked in
    # the browser test, and the district's own numbers by test_city_kpis_match_hand_values.)


def test_unknown_area_is_refused(open_page):
    at = open_page(area="NOPE", check=False)
    assert at.error and "NOPE" in at.error[0].value
    assert not at.metric


# ---- a broken area tree (a copy of the fixture: tests/conftest.py fixture_copy) ----

ORPHAN_S2 = "UPDATE areas SET parent_id = 12345 WHERE code = 'S2'"


def tree_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/account_tree:"]


def plain_reported(url: str) -> int:
    """上报数 of the fixture week by plain SQL on the file: events of the period on a grid that exists."""
    import duckdb
    from sqlalchemy.engine import make_url

    con = duckdb.connect(make_url(url).database, read_only=True)
    try:
        (n,), = con.execute("SELECT count(*) FROM events WHERE reported_at >= '2026-03-02' "
                            "AND reported_at < '2026-03-09' AND grid_id IN (SELECT id FROM areas)").fetchall()
    finally:
        con.close()
    return n


def test_an_orphaned_street_stays_in_the_total_and_the_leader_is_told(open_page, fixture_copy):
    url = fixture_copy(ORPHAN_S2)
    expected = plain_reported(url)
    at = open_page(url=url)
    assert metrics(at)["上报数"][0] == str(expected) == "21"  # S2's 11 are not lost
    assert at.title[0].value == "总览 · 我的辖区"  # two roots: the default focus is both
    assert list(at.dataframe[0].value.index) == ["S2", "D"]  # the ranking shows both (S2 64.9, D = S1 47.7)
    warned = tree_warnings(at)
    assert len(warned) == 1
    # S2 and below it W2 C2 C3 G3–G6: 8 areas; events on G3 G4 G5 in all periods: 7 + 6 + 5
    assert "8 个区域、18 件事件（不限时间）不在主区划树内" in warned[0] and "S2 西街道" in warned[0]
    assert "计入全市合计" in warned[0] and "管理员可在“数据质量”页" in warned[0]
    at = open_page(url=url, area="D")  # the district alone: no longer the whole city, and still told so
    assert metrics(at)["上报数"][0] == "10" and len(tree_warnings(at)) == 1


def test_the_tree_warning_is_for_whole_city_accounts_and_broken_trees_only(open_page, fixture_copy):
    assert not tree_warnings(open_page())  # the fixture's tree is whole (E17's grid 999 is another matter)
    url = fixture_copy(ORPHAN_S2)
    assert "详见“数据质量”页的“区域树”一节" in tree_warnings(open_page(url=url, user="root"))[0]  # admin
    at = open_page(url=url, user="s1")  # an official of S1: their own street, no word on the city's tree
    assert not tree_warnings(at) and metrics(at)["上报数"][0] == "10"
