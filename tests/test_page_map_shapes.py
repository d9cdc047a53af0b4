"""平安指数, 总览 and 指挥大屏 (AppTest) on copies of the fixture city with what a real platform may
lack removed: outlines, coordinates, the area register. Pages never crash, never draw an empty map,
and say what is missing. Expected values are read from the copy itself with plain SQL.

The fixture's streets and communities have coordinates but no outline; its grids have both.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from data_access.db import Database
from metrics.safety_index import DEFAULT_GRADES
from tests.apptest import page_text
from ui.figures import maps

SAFETY, OVERVIEW = "views/safety.py", "views/overview.py"
NO_GEOMETRY = "区域没有边界和坐标数据（areas.boundary、areas.lon/lat），无法绘制地图"
EMPTY_WEEK = {"from": "2024-03-04", "to": "2024-03-11"}  # no event, survey or visit in the fixture
COLOR = {g.name: g.color for g in DEFAULT_GRADES}


def sql(url: str, query: str) -> list[tuple]:
    """Plain SQL on the database, opened as the dashboard opens it (DuckDB refuses a second
    connection to a file with other settings while the page's engine holds it)."""
    db = Database.connect(url)
    try:
        return [tuple(row) for row in db.query(sa.text(query)).itertuples(index=False)]
    finally:
        db.dispose()


def children_of(code: str) -> str:
    return f"FROM areas WHERE parent_id = (SELECT id FROM areas WHERE code = '{code}')"


def deck_layers(at) -> dict:
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    return {layer["id"]: layer for layer in json.loads(decks[0].proto.json)["layers"]}


def no_map(at) -> bool:
    """Neither the map nor its legend is on the page."""
    return not at.get("deck_gl_json_chart") and "平安 ≥ 90" not in page_text(at)


def rgb(hexcode: str) -> list[int]:
    return [int(hexcode.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]


def test_streets_without_outlines_are_circles_at_their_coordinates(open_page, load_database):
    url = load_database("duckdb")
    expected = sql(url, f"SELECT code, lon, lat {children_of('D')} AND boundary IS NULL AND lon IS NOT NULL "
                        "AND lat IS NOT NULL ORDER BY code")
    assert len(expected) == 2  # S1 and S2
    at = open_page(SAFETY)
    found = deck_layers(at)
    assert maps.AREA_LAYER not in found
    circles = found[maps.POINT_LAYER]["data"]
    assert [(c["code"], *c["position"]) for c in circles] == expected
    # tests/test_metrics.py: S1 47.75 and S2 64.87, both 预警
    assert all(c["fill_color"][:3] == rgb(COLOR["预警"]) for c in circles)
    assert [c["text"].split("\n")[0] for c in found[maps.LABEL_LAYER]["data"]] == ["东街道", "西街道"]
    assert not at.info  # every street is on the map
    assert any("没有边界的区域画作其坐标处的圆点" in c.value for c in at.caption)


def test_grids_whose_outlines_are_removed_become_circles(open_page, fixture_copy):
    url = fixture_copy("UPDATE areas SET boundary = NULL")
    expected = sql(url, f"SELECT code, lon, lat {children_of('C2')} AND lon IS NOT NULL ORDER BY code")
    at = open_page(SAFETY, url=url, area="C2")
    found = deck_layers(at)
    assert list(found) == [maps.POINT_LAYER, maps.LABEL_LAYER]
    assert [(c["code"], *c["position"]) for c in found[maps.POINT_LAYER]["data"]] == expected
    labels = {c["code"]: c["label"] for c in found[maps.POINT_LAYER]["data"]}
    assert labels["G4"].startswith("第四网格 93.3 平安")  # G4 93.2773 (tests/test_page_wall.py)
    assert found[maps.POINT_LAYER]["data"][1]["fill_color"][:3] == rgb(COLOR["平安"])


def test_mixed_areas_draw_what_they_can_and_say_how_many_are_missing(open_page, fixture_copy):
    url = fixture_copy("UPDATE areas SET boundary = NULL WHERE code = 'G6'",
                       "INSERT INTO areas (id, parent_id, level, code, name, households, population, lon, lat, boundary) "
                       "VALUES (17, 8, 'grid', 'G7', '第七网格', 100, 300, NULL, NULL, NULL)")
    outlined = sql(url, f"SELECT code {children_of('C3')} AND boundary IS NOT NULL ORDER BY code")
    dotted = sql(url, f"SELECT code {children_of('C3')} AND boundary IS NULL AND lon IS NOT NULL ORDER BY code")
    neither = sql(url, f"SELECT name {children_of('C3')} AND boundary IS NULL AND lon IS NULL ORDER BY code")
    assert (outlined, dotted, neither) == ([("G5",)], [("G6",)], [("第七网格",)])
    at = open_page(SAFETY, url=url, area="C3")
    found = deck_layers(at)
    assert [(d["code"],) for d in found[maps.AREA_LAYER]["data"]] == outlined
    assert [(d["code"],) for d in found[maps.POINT_LAYER]["data"]] == dotted
    assert [i.value for i in at.info] == [
        "地图上未标出 1 个区域，没有边界和坐标数据（areas.boundary、areas.lon/lat）：第七网格"]


@pytest.mark.parametrize("area", [None, "S2", "C2", "G3"])
def test_without_outlines_or_coordinates_the_page_says_so_instead_of_a_map(open_page, fixture_copy, area):
    url = fixture_copy("UPDATE areas SET boundary = NULL, lon = NULL, lat = NULL")
    assert sql(url, "SELECT count(*) FROM areas WHERE boundary IS NOT NULL OR lon IS NOT NULL") == [(0,)]
    at = open_page(SAFETY, url=url, **({"area": area} if area else {}))
    assert no_map(at)
    assert at.info[0].value == NO_GEOMETRY
    assert at.metric[0].value != "无数据"  # the index itself is still there


def test_without_any_index_the_page_says_why_and_draws_no_map(open_page, fixture_copy):
    url = fixture_copy("UPDATE areas SET population = NULL, households = NULL")
    assert sql(url, f"SELECT count(*) FROM events WHERE reported_at >= '{EMPTY_WEEK['from']}' "
                    f"AND reported_at < '{EMPTY_WEEK['to']}'") == [(0,)]
    at = open_page(SAFETY, url=url, **EMPTY_WEEK)
    assert no_map(at)
    reason = at.info[0].value
    assert reason.startswith("平安指数无数据：该周期内没有上报事件；区域的人口、户数未登记或为 0，")
    assert "治安警情率" in reason and "巡查走访覆盖率" in reason and reason.endswith("因此没有绘制地图。")
    assert at.metric[0].value == "无数据"  # once, not "无数据 无数据"
    assert "该周期内没有可计算指数的数据。" in [i.value for i in at.info]


def test_overview_without_any_index_ranks_nobody_and_reads_no_data(open_page, fixture_copy):
    url = fixture_copy("UPDATE areas SET population = NULL, households = NULL")
    at = open_page(OVERVIEW, url=url, **EMPTY_WEEK)  # was: TypeError in ranking_table (.round on None)
    table = at.dataframe[0].value
    streets = sql(url, f"SELECT code {children_of('D')} ORDER BY code")
    assert sorted((c,) for c in table.index) == streets
    assert table["平安指数"].isna().all() and set(table["等级"]) == {"无数据"} and table["排名"].isna().all()
    assert list(table["上报数"]) == [0, 0]
    assert table["结案率"].isna().all()  # no case filed: no rate, not 0 %
    assert "各街道在该周期内都没有平安指数（无数据），无法排名；下表列出其余指标。" in [i.value for i in at.info]
    assert at.metric[-1].value == "无数据"  # the 平安指数 card


@pytest.mark.parametrize("area", [None, "S1"])
def test_overview_runs_without_outlines_or_coordinates(open_page, fixture_copy, area):
    url = fixture_copy("UPDATE areas SET boundary = NULL, lon = NULL, lat = NULL")
    children = sql(url, f"SELECT count(*) {children_of(area or 'D')}")[0][0]
    at = open_page(OVERVIEW, url=url, **({"area": area} if area else {}))
    assert list(at.dataframe[0].value["排名"]) == list(range(1, children + 1))  # the map's data is not the ranking's


def test_wall_draws_a_street_without_outline_as_a_circle(open_page, load_database):
    expected = sql(load_database("duckdb"), f"SELECT code, name {children_of('S2')} ORDER BY code")
    at = open_page(user="wall")  # the wall account sees S2, whose only child W2 has coordinates only
    found = deck_layers(at)
    assert [(d["code"], d["name"]) for d in found[maps.POINT_LAYER]["data"]] == expected
    assert [d["text"].split("\n")[0] for d in found[maps.LABEL_LAYER]["data"]] == [name for _, name in expected]


def test_wall_without_outlines_or_coordinates_says_so(open_page, fixture_copy):
    at = open_page(user="wall", url=fixture_copy("UPDATE areas SET boundary = NULL, lon = NULL, lat = NULL"))
    assert not at.get("deck_gl_json_chart")
    assert NO_GEOMETRY in [m.value for m in at.markdown]
