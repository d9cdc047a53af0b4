"""Maps on the areas a real platform has: outlines missing, coordinates only, or neither
(ui/figures/geometry.py, ui/figures/maps.py, the wall's map). Pure: no database, no browser."""
import json
from decimal import Decimal

import pandas as pd
import pytest

from configuration.settings import MapSettings
from metrics.safety_index import NO_DATA_COLOR
from tests.test_maps import GRADE_COLOR, polygon, strict_json
from ui.figures import geometry, maps, wall


def area(area_id, code, name, *, boundary=None, lon=None, lat=None, index=None, grade=None, reported=5) -> dict:
    color = GRADE_COLOR[grade] if grade else NO_DATA_COLOR
    return dict(area_id=area_id, code=code, name=name, boundary=boundary, lon=lon, lat=lat, safety_index=index,
                safety_grade=grade, safety_color=color, reported=reported)


@pytest.fixture
def points_only() -> pd.DataFrame:
    """Streets with coordinates and no outline, as many platforms store them."""
    return pd.DataFrame([
        area(1, "S1", "凤凰街道", lon=119.14, lat=36.65, index=93.1, grade="平安", reported=120),
        area(2, "S2", "新华街道", lon=119.18, lat=36.70, index=61.2, grade="预警", reported=7),
        area(3, "S3", "西城街道", lon=119.20, lat=36.60),  # no index: grey
    ])


@pytest.fixture
def mixed() -> pd.DataFrame:
    return pd.DataFrame([
        area(1, "G1", "第一网格", boundary=polygon(119.14, 36.65), lon=119.14, lat=36.65, index=93.1, grade="平安"),
        area(2, "G2", "第二网格", boundary="not json", lon=119.16, lat=36.66, index=75.0, grade="关注"),
        area(3, "G3", "第三网格", index=80.5, grade="基本平安"),  # neither
        area(4, "G4", "第四*网格", boundary=None, lon=0.0, lat=0.0),  # 0/0: "not mapped", neither
    ])


def rgb(hexcode: str) -> list[int]:
    h = hexcode.lstrip("#")
    return [int(h[i:i + 2], 16) for i in (0, 2, 4)]


def layers(deck) -> dict:
    return {layer["id"]: layer for layer in strict_json(deck)["layers"]}


# ---- where each area goes ----

@pytest.mark.parametrize("lon, lat, expected", [
    (119.1, 36.6, (119.1, 36.6)), (Decimal("119.1"), Decimal("36.6"), (119.1, 36.6)), ("119.1", "36.6", (119.1, 36.6)),
    (None, 36.6, None), (119.1, float("nan"), None), (pd.NA, pd.NA, None), (0, 0, None), (0.0, 0.0, None),
    (181.0, 36.6, None), (119.1, -91, None), ("x", 36.6, None), (True, 36.6, None), (float("inf"), 36.6, None),
])
def test_a_point_is_two_finite_coordinates_on_the_globe(lon, lat, expected):
    assert geometry.parse_point(lon, lat) == expected


def test_each_area_is_placed_once_polygon_first(mixed):
    placed = geometry.place(mixed)
    assert [r["code"] for r, _ in placed.shapes] == ["G1"]  # it also has coordinates: the outline wins
    assert [(r["code"], p) for r, p in placed.points] == [("G2", (119.16, 36.66))]  # unparsable boundary
    assert [(r["code"], why) for r, why in placed.unplaced] == [("G3", geometry.MISSING), ("G4", geometry.MISSING)]
    assert placed.drawn == 2


def test_a_frame_without_lon_lat_columns_places_polygons_only(mixed):
    placed = geometry.place(mixed.drop(columns=["lon", "lat"]))
    assert placed.drawn == 1 and len(placed.unplaced) == 3


def test_coordinates_outside_the_city_box_are_not_drawn_and_say_so(points_only):
    box = (119.1, 36.62, 119.19, 36.9)  # S1 and S2 inside; S3 (119.20, 36.60) outside
    placed = geometry.place(points_only, box)
    assert [r["code"] for r, _ in placed.points] == ["S1", "S2"]
    assert [(r["code"], why) for r, why in placed.unplaced] == [("S3", geometry.OUTSIDE)]
    note = maps.placement_note(placed)
    assert note == "地图上未标出 1 个区域，没有边界，坐标在城市范围（map.city_box）之外：西城街道"


# ---- what the map draws ----

def test_areas_without_outlines_are_circles_in_their_grade_colour(points_only):
    deck = maps.safety_map(points_only, None, MapSettings())
    found = layers(deck)
    assert list(found) == [maps.POINT_LAYER, maps.LABEL_LAYER]  # no empty polygon layer
    circles = found[maps.POINT_LAYER]
    assert circles["@@type"] == "ScatterplotLayer" and circles["pickable"] and circles["radiusUnits"] == "pixels"
    data = {d["code"]: d for d in circles["data"]}
    assert len(data) == len(points_only)
    assert data["S1"]["position"] == [119.14, 36.65]
    assert data["S1"]["fill_color"] == [*rgb(GRADE_COLOR["平安"]), maps.FILL_ALPHA]
    assert data["S2"]["fill_color"][:3] == rgb(GRADE_COLOR["预警"])
    assert data["S3"]["fill_color"][:3] == rgb(NO_DATA_COLOR)
    # the same tooltip text as a polygon gets
    assert data["S1"]["label"] == maps.area_label("凤凰街道", 93.1, "平安", 120) == "凤凰街道 93.1 平安\n上报 120 件"
    assert data["S3"]["label"] == "西城街道 无数据\n上报 5 件"
    assert strict_json(deck)["layers"][0]["getFillColor"] == "@@=fill_color"


def test_each_circle_is_labelled_with_its_name_and_index_as_text(points_only):
    names = layers(maps.safety_map(points_only, None, MapSettings()))[maps.LABEL_LAYER]
    assert names["@@type"] == "TextLayer" and names["getText"] == "@@=text" and not names.get("pickable")
    assert [d["text"].split("\n")[0] for d in names["data"]] == ["凤凰街道", "新华街道", "西城街道"]
    assert names["data"][0]["text"] == "凤凰街道\n93.1" and names["data"][2]["text"].endswith("\n无数据")
    assert {d["offset"][1] for d in names["data"]} == {maps.LABEL_BELOW}  # under the circle
    # constants, not JavaScript expressions; the font atlas lists the names' characters
    assert names["sizeUnits"] == "pixels" and names["getAlignmentBaseline"] == "center"
    assert set("凤凰新华西城街道") <= set(names["characterSet"]) and not names["fontFamily"].startswith("@@=")


def test_circles_stay_offline(points_only):
    text = maps.safety_map(points_only, None, MapSettings()).to_json()
    assert "http" not in text and "cartocdn" not in text and "mapbox" not in text
    assert json.loads(text)["mapStyle"] == maps.NO_BASEMAP


def test_view_is_fitted_to_the_circles(points_only):
    view = maps.safety_map(points_only, None, MapSettings(center_lon=100.0, center_lat=20.0)).initial_view_state
    assert 119.14 < view.longitude < 119.20 and 36.60 < view.latitude < 36.70
    assert 8 <= view.zoom < 16  # room around the circles, not the closest zoom for one point
    one = maps.safety_map(points_only.iloc[:1], None, MapSettings()).initial_view_state
    assert (one.longitude, one.latitude) == pytest.approx((119.14, 36.65)) and one.zoom < 16


def test_mixed_areas_draw_what_they_can_and_count_the_rest(mixed):
    deck = maps.safety_map(mixed, None, MapSettings())
    found = layers(deck)
    assert list(found) == [maps.AREA_LAYER, maps.POINT_LAYER, maps.LABEL_LAYER]
    assert [d["code"] for d in found[maps.AREA_LAYER]["data"]] == ["G1"]
    assert [d["code"] for d in found[maps.POINT_LAYER]["data"]] == ["G2"]
    note = maps.placement_note(maps.placement(mixed))
    # names are Markdown-escaped: the note goes to st.info
    assert note == "地图上未标出 2 个区域，没有边界和坐标数据（areas.boundary、areas.lon/lat）：第三网格、第四\\*网格"


def test_polygons_only_keep_the_old_layers_and_no_note(mixed):
    only = mixed.iloc[:1]
    assert [layer.id for layer in maps.safety_map(only, None, MapSettings()).layers] == [maps.AREA_LAYER,
                                                                                      maps.LABEL_LAYER]
    assert maps.placement_note(maps.placement(only)) is None


def test_neither_outlines_nor_coordinates_say_what_is_missing(mixed):
    nothing = mixed.iloc[2:]
    placed = maps.placement(nothing)
    assert placed.drawn == 0
    assert maps.placement_note(placed) == "区域没有边界和坐标数据（areas.boundary、areas.lon/lat），无法绘制地图"
    outside = maps.placement(pd.DataFrame([area(1, "S1", "远方街道", lon=100.0, lat=20.0)]))
    assert maps.placement_note(outside) == "1 个区域没有边界，坐标在城市范围（map.city_box）之外：远方街道，无法绘制地图"
    both = maps.placement(pd.concat([nothing, pd.DataFrame([area(5, "S5", "远方街道", lon=100.0, lat=20.0)])]))
    assert maps.placement_note(both) == ("3 个区域无法标出：2 个没有边界和坐标数据（areas.boundary、areas.lon/lat）："
                                         "第三网格、第四\\*网格；1 个没有边界，坐标在城市范围（map.city_box）之外：远方街道。"
                                         "无法绘制地图")


def test_many_unplaced_names_are_cut_short():
    many = pd.DataFrame([area(i, f"G{i}", f"网格{i}") for i in range(8)] + [area(9, "S", "有", lon=119.1, lat=36.6)])
    note = maps.placement_note(maps.placement(many))
    assert note.startswith("地图上未标出 8 个区域，没有边界") and note.endswith("网格0、网格1、网格2、网格3、网格4等")


def test_a_click_on_a_polygon_or_a_circle_names_the_area():
    row = {"code": "S2", "area_id": 2, "name": "新华街道"}
    assert maps.picked_area({maps.POINT_LAYER: [row]}) == row
    assert maps.picked_area({maps.AREA_LAYER: [row], maps.POINT_LAYER: []}) == row
    assert maps.picked_area({}) == {} and maps.picked_area(None) == {}


# ---- the wall's map ----

def test_wall_writes_name_and_index_under_each_circle(mixed):
    deck = wall.wall_map(mixed, MapSettings())
    found = layers(deck)
    labels = found[maps.LABEL_LAYER]  # the page's labels, in the wall's big white letters
    below = maps.POINT_RADIUS + 4 + maps.LABEL_LINE_HEIGHT * wall.WALL_LABELS.size
    assert [(d["text"], d["offset"]) for d in labels["data"]] == [("第一网格\n93.1", [0, 0]),
                                                                   ("第二网格\n75.0", [0, below])]
    assert labels["getSize"] == wall.WALL_LABELS.size and labels["getColor"] == [255, 255, 255, 255]
    assert labels["getPixelOffset"] == "@@=offset"
    assert [d["code"] for d in found[maps.POINT_LAYER]["data"]] == ["G2"]
