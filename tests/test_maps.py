"""The 平安指数 map builder (ui/figures/maps.py): pure, no database and no browser."""
import json
import math
import re
from urllib.parse import unquote

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from configuration.settings import MapSettings
from metrics.safety_index import DEFAULT_GRADES, NO_DATA_COLOR, Grade
from metrics.stable_index import INSUFFICIENT_COLOR
from ui.figures import geometry, maps

GRADE_COLOR = {g.name: g.color for g in DEFAULT_GRADES}


def square(lon: float, lat: float, d: float = 0.01) -> list:
    return [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]


def polygon(lon: float, lat: float, d: float = 0.01) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [square(lon, lat, d)]})


def area(area_id, code, name, boundary, index, grade, color, reported=10) -> dict:
    return dict(area_id=area_id, code=code, name=name, boundary=boundary, safety_index=index, safety_grade=grade,
                safety_color=color, reported=reported)


@pytest.fixture
def areas() -> pd.DataFrame:
    return pd.DataFrame([
        area(1, "S1", "凤凰街道", polygon(119.14, 36.65), 93.1, "平安", GRADE_COLOR["平安"], 120),
        area(2, "S2", "新华街道", polygon(119.16, 36.65), 75.0, "关注", GRADE_COLOR["关注"], 30),
        area(3, "S3", "东关街道", polygon(119.18, 36.65), 61.2, "预警", GRADE_COLOR["预警"], 7),
        area(4, "S4", "西城街道", polygon(119.20, 36.65), float("nan"), None, NO_DATA_COLOR, 0),
    ])


@pytest.fixture
def density() -> pd.DataFrame:
    return pd.DataFrame({"lon": [119.14, 119.16, 119.181], "lat": [36.65, 36.651, 36.649], "events": [12, 3, 40]})


def layer_ids(deck) -> list[str]:
    return [layer.id for layer in deck.layers]


def strict_json(deck) -> dict:
    """The deck as the browser parses it: NaN/Infinity would be invalid JSON there."""
    def refuse(token):
        raise ValueError(f"{token} in deck JSON")
    return json.loads(deck.to_json(), parse_constant=refuse)


def test_polygon_colour_is_its_grade_colour(areas):
    rows, skipped = maps.polygon_rows(areas)
    assert skipped == 0
    colors = dict(zip(rows["code"], rows["fill_color"]))
    for code, grade in [("S1", "平安"), ("S2", "关注"), ("S3", "预警")]:
        hexcode = GRADE_COLOR[grade].lstrip("#")
        assert colors[code][:3] == [int(hexcode[i:i + 2], 16) for i in (0, 2, 4)], grade
        assert colors[code][3] == maps.FILL_ALPHA
    assert colors["S4"][:3] == maps.hex_to_rgba(NO_DATA_COLOR)[:3] == [0x9E, 0x9E, 0x9E]  # NaN index → grey
    assert all(isinstance(v, int) for c in colors.values() for v in c)


def test_no_index_is_grey_even_with_a_stale_colour(areas):
    areas.loc[3, "safety_color"] = GRADE_COLOR["平安"]  # index NaN wins over a colour
    rows, _ = maps.polygon_rows(areas)
    assert rows.set_index("code").loc["S4", "fill_color"][:3] == [0x9E, 0x9E, 0x9E]


def test_labels_name_index_grade_and_no_data(areas):
    rows, _ = maps.polygon_rows(areas)
    labels = dict(zip(rows["code"], rows["label"]))
    assert labels["S1"] == "凤凰街道 93.1 平安\n上报 120 件"
    assert labels["S4"] == "西城街道 无数据\n上报 0 件"
    rows, _ = maps.polygon_rows(areas.drop(columns="reported"))
    assert rows.set_index("code").loc["S2", "label"] == "新华街道 75.0 关注"


def test_polygon_ring_is_lon_lat_pairs_of_the_outer_ring(areas):
    rows, _ = maps.polygon_rows(areas)
    assert rows.set_index("code").loc["S1", "polygon"] == square(119.14, 36.65)
    assert list(rows.columns) == ["area_id", "code", "name", "polygon", "fill_color", "line_color", "label"]


def test_multipolygon_gives_one_row_per_part_same_code():
    hole = [[119.139, 36.649], [119.141, 36.649], [119.141, 36.651], [119.139, 36.649]]
    multi = json.dumps({"type": "MultiPolygon", "coordinates": [
        [square(119.14, 36.65), hole], [square(119.20, 36.70)], [square(119.30, 36.80)]]})
    rows, skipped = maps.polygon_rows(pd.DataFrame([area(9, "W9", "两块社区", multi, 85.0, "基本平安", "#f9a825")]))
    assert skipped == 0
    assert len(rows) == 3 and set(rows["code"]) == {"W9"} and set(rows["area_id"]) == {9}
    assert rows["polygon"].tolist() == [square(119.14, 36.65), square(119.20, 36.70), square(119.30, 36.80)]


@pytest.mark.parametrize("boundary", [
    None, float("nan"), pd.NA, "", "not json", "{\"type\": \"Polygon\"", "[]",
    json.dumps({"type": "Point", "coordinates": [119.1, 36.6]}),
    json.dumps({"type": "Polygon", "coordinates": []}),
    json.dumps({"type": "Polygon", "coordinates": [[[119.1, 36.6], [119.2, 36.6]]]}),  # two points
    json.dumps({"type": "Polygon", "coordinates": [[[119.1, "x"], [119.2, 36.6], [119.2, 36.7], [119.1, 36.6]]]}),
    json.dumps({"type": "Polygon", "coordinates": [[[119.1, 96.0], [119.2, 36.6], [119.2, 36.7], [119.1, 96.0]]]}),
    json.dumps({"type": "MultiPolygon", "coordinates": [[], [[[1, 2]]]]}),
])
def test_missing_or_bad_boundary_is_skipped_and_counted(areas, boundary):
    bad = pd.concat([areas, pd.DataFrame([area(5, "S5", "坏边界", boundary, 80.0, "基本平安", "#f9a825")])],
                    ignore_index=True)
    rows, skipped = maps.polygon_rows(bad)
    assert skipped == 1
    assert "S5" not in set(rows["code"]) and len(rows) == 4
    deck = maps.safety_map(bad)  # and the map still builds
    assert len(deck.layers[0].data) == 4


def test_geojson_feature_and_dict_boundaries_are_read():
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square(1, 2)]}}
    assert geometry.parse_boundary(json.dumps(feature)) == [square(1, 2)]
    assert geometry.parse_boundary(feature["geometry"]) == [square(1, 2)]


def test_all_areas_skipped_gives_empty_frame_and_configured_view():
    rows, skipped = maps.polygon_rows(pd.DataFrame([area(1, "S1", "无边界", None, 90.0, "平安", "#2e7d32")]))
    assert rows.empty and skipped == 1 and "polygon" in rows.columns
    settings = MapSettings(center_lon=119.5, center_lat=36.2, zoom=11.0)
    view = maps.safety_map(pd.DataFrame(columns=["area_id", "code", "name", "boundary", "safety_index",
                                                 "safety_grade", "safety_color"]), None, settings).initial_view_state
    assert (view.longitude, view.latitude, view.zoom) == (119.5, 36.2, 11.0)


def test_deck_layers_areas_and_density(areas, density):
    deck = maps.safety_map(areas, density, MapSettings())
    assert layer_ids(deck) == ["areas", "density", "area_labels"]  # the names and indices on top
    polygons, heat, _labels = deck.layers
    assert polygons.type == "PolygonLayer" and polygons.pickable and polygons.auto_highlight
    assert heat.type == "HeatmapLayer"
    spec = strict_json(deck)["layers"]
    assert spec[0]["getFillColor"] == "@@=fill_color" and spec[0]["stroked"] and spec[0]["filled"]
    assert spec[1]["getWeight"] == "@@=events"
    assert sorted(p["events"] for p in heat.data) == [3, 12, 40]


@pytest.mark.parametrize("show, dens", [
    (False, "density"), (True, None), (True, "empty"), (True, "zeros"),
])
def test_no_density_layer_when_hidden_or_empty(areas, density, show, dens):
    data = {"density": density, None: None, "empty": density.iloc[0:0], "zeros": density.assign(events=0)}[dens]
    deck = maps.safety_map(areas, data, MapSettings(), show_density=show)
    assert layer_ids(deck) == ["areas", "area_labels"]


def test_no_basemap_and_nothing_from_the_internet(areas, density):
    deck = maps.safety_map(areas, density, MapSettings(tile_url=""))
    spec = strict_json(deck)
    # Streamlit draws a basemap unless mapStyle is pydeck's sentinel; with map_style=None it would fall back
    # to a Carto basemap fetched from the internet.
    assert deck.map_provider is None and "mapProvider" not in spec
    assert spec["mapStyle"] == maps.NO_BASEMAP == "__MAP_STYLE__"
    text = deck.to_json()
    assert "http" not in text and "cartocdn" not in text and "mapbox" not in text
    assert not re.search(r"fonts?\.(googleapis|gstatic)", text)


def test_tiles_only_with_a_tile_url(areas):
    url = "http://tiles.intra.example/{z}/{x}/{y}.png"
    with_tiles = maps.safety_map(areas, None, MapSettings(tile_url=url))
    style = strict_json(with_tiles)["mapStyle"]
    assert style.startswith("data:application/json")
    doc = json.loads(unquote(style.split(",", 1)[1]))
    assert doc["sources"]["intranet"]["tiles"] == [url] and doc["layers"][0]["type"] == "raster"
    assert layer_ids(with_tiles) == ["areas", "area_labels"]  # the tiles are the basemap, underneath every deck layer
    without = maps.safety_map(areas, None, MapSettings(tile_url=""))
    assert strict_json(without)["mapStyle"] == maps.NO_BASEMAP and "tiles.intra" not in without.to_json()


def test_tms_template_and_style_document_urls():
    doc = json.loads(unquote(maps.basemap_style("http://t.intra/{z}/{x}/{-y}.png").split(",", 1)[1]))
    assert doc["sources"]["intranet"]["tiles"] == ["http://t.intra/{z}/{x}/{y}.png"]
    assert doc["sources"]["intranet"]["scheme"] == "tms"
    style_doc = "http://gis.intra/styles/city/style.json?v=2"
    assert maps.basemap_style(style_doc) == style_doc
    assert maps.basemap_style("  ") == maps.NO_BASEMAP


def test_tooltip_is_text_not_html(areas):
    from streamlit.elements.deck_gl_json_chart import _get_pydeck_tooltip

    evil = areas.assign(name=["<img src=x onerror=alert(1)>", "b", "c", "d"])
    deck = maps.safety_map(evil, None, MapSettings())
    tooltip = _get_pydeck_tooltip(deck)  # what Streamlit sends to the browser
    assert tooltip["text"] == "{label}" and "html" not in tooltip
    label = deck.layers[0].data[0]["label"]
    assert label.startswith("<img src=x onerror=alert(1)>")  # kept as text, shown as text


def test_view_is_centred_on_the_polygons_and_fits_them(areas):
    deck = maps.safety_map(areas, None, MapSettings(center_lon=100.0, center_lat=20.0))
    view = deck.initial_view_state
    rows, _ = maps.polygon_rows(areas)
    lon_min, lat_min, lon_max, lat_max = maps.bounding_box(rows["polygon"])
    assert lon_min < view.longitude < lon_max and lat_min < view.latitude < lat_max
    assert view.longitude == pytest.approx((lon_min + lon_max) / 2)
    assert 8 <= view.zoom <= 16
    # at that zoom the box fits a 700-px-wide view: 512·2^z px per 360°
    assert (lon_max - lon_min) * 512 * 2 ** view.zoom / 360 <= 700


def test_zoom_is_clamped():
    assert maps.fit_zoom((119.16, 36.65, 119.1601, 36.6501)) == 16
    assert maps.fit_zoom((100.0, 20.0, 130.0, 45.0)) == 8
    street = maps.fit_zoom((119.0, 36.5, 119.3, 36.8))
    district = maps.fit_zoom((118.9, 36.4, 119.45, 36.9))
    assert 8 <= district < street <= 16


def test_grade_legend_names_colours_and_ranges():
    legend = maps.grade_legend(DEFAULT_GRADES)
    assert [i.label for i in legend] == ["平安 ≥ 90", "基本平安 80–90", "关注 70–80", "预警 < 70", "样本不足", "无数据"]
    assert [i.color for i in legend] == [g.color for g in DEFAULT_GRADES] + [INSUFFICIENT_COLOR, NO_DATA_COLOR]
    name, color, rng = legend[0]
    assert (name, color, rng) == ("平安", "#2e7d32", "≥ 90")
    custom = [Grade(0, "差", "#000000"), Grade(85.5, "好", "#ffffff")]  # any order, finite floor
    assert [i.label for i in maps.grade_legend(custom, no_data=False)] == ["好 ≥ 85.5", "差 0–85.5"]


def test_hex_to_rgba():
    assert maps.hex_to_rgba("#2e7d32", 170) == [46, 125, 50, 170]
    assert maps.hex_to_rgba("2E7D32") == [46, 125, 50, 255]
    assert maps.hex_to_rgba("#abc", 10) == [0xAA, 0xBB, 0xCC, 10]
    assert maps.hex_to_rgba("red", 99) == [0x9E, 0x9E, 0x9E, 99]  # not hex → no-data grey
    assert maps.hex_to_rgba(None, 300) == [0x9E, 0x9E, 0x9E, 255]


def _selection_app():
    import json as _json

    import pandas as _pd
    import streamlit as st

    from configuration.settings import MapSettings as _Settings
    from ui.figures import maps as _maps

    ring = [[119.13, 36.64], [119.15, 36.64], [119.15, 36.66], [119.13, 36.66], [119.13, 36.64]]
    boundary = _json.dumps({"type": "Polygon", "coordinates": [ring]})
    frame = _pd.DataFrame([dict(area_id=1, code="S1", name="凤凰街道", safety_index=93.1, safety_grade="平安",
                                safety_color="#2e7d32", boundary=boundary)])
    dens = _pd.DataFrame({"lon": [119.14], "lat": [36.65], "events": [5]})
    event = st.pydeck_chart(_maps.safety_map(frame, dens, _Settings()), on_select="rerun",
                            selection_mode="single-object", key="safety_map_S0")
    st.session_state["seen"] = {"indices": dict(event.selection.indices), "objects": dict(event.selection.objects)}


def test_streamlit_accepts_the_deck_as_a_selectable_chart():
    at = AppTest.from_function(_selection_app, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # Before any click: empty; after one, {"indices": {"areas": [i]}, "objects": {"areas": [row dict]}}.
    assert at.session_state["seen"] == {"indices": {}, "objects": {}}
    chart = at.get("deck_gl_json_chart")[0].proto
    spec = json.loads(chart.json)
    assert spec["mapStyle"] == "__MAP_STYLE__" and json.loads(chart.tooltip)["text"] == "{label}"
    assert [layer["id"] for layer in spec["layers"]] == ["areas", "density", "area_labels"]
    assert not math.isnan(spec["initialViewState"]["zoom"])
