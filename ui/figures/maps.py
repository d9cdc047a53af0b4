"""平安指数 map: areas coloured by grade, an event-density heat layer, no internet needed.

Pure builders: DataFrames in, a pydeck Deck out. The deck never refers to a basemap service
(Carto/Mapbox) or external fonts; an intranet raster tile server is drawn underneath when
`MapSettings.tile_url` is set. Database text (area names) reaches the browser only through the
tooltip's "text" form, which deck.gl renders as plain text, never as HTML.

An area without a usable boundary is drawn as a labelled circle at its coordinates; one with
neither is left out, and `placement_note` gives the words for what is missing (ui/figures/geometry.py
decides where each area goes).

Selection in Streamlit (`st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
key=...)`): `picked_area(event.selection.objects)` is the clicked polygon's or circle's row as a
dict (`code`, `area_id`, `name`, …), as in `map_records()`.
"""
from __future__ import annotations

import json
import math
from typing import Any, Iterable, Mapping, NamedTuple
from urllib.parse import quote

import pandas as pd
import pydeck as pdk

from configuration.settings import MapSettings
from metrics.safety_index import DEFAULT_GRADES, NO_DATA_COLOR, Grade
from metrics.stable_index import INSUFFICIENT, INSUFFICIENT_COLOR
from ui import format as fmt
from ui.figures.common import FONT
from ui.figures.geometry import MISSING, OUTSIDE, Placed, is_missing, place

AREA_LAYER = "areas"
POINT_LAYER = "area_points"
LABEL_LAYER = "area_labels"
DENSITY_LAYER = "density"
# Fills are the legend's swatch colours exactly: opaque over the blank (no-basemap) map. Over intranet
# tiles they let the streets show through, and the legend's swatches get the same opacity.
FILL_ALPHA = 255
TILE_FILL_ALPHA = 170
OUTLINE = [255, 255, 255, 220]
HIGHLIGHT = [255, 255, 255, 90]
NO_DATA_LABEL = "无数据"
GEOMETRY_COLUMNS = "areas.boundary、areas.lon/lat"
UNPLACED = {MISSING: f"没有边界和坐标数据（{GEOMETRY_COLUMNS}）", OUTSIDE: "没有边界，坐标在城市范围（map.city_box）之外"}
MAP_HEIGHT = 620  # pixels: st.pydeck_chart draws 500 unless told, and the view is fitted to this height
POINT_RADIUS = 12  # pixels: a circle stays readable at any zoom
POINT_OUTLINE = [255, 255, 255, 230]
POINT_PAD = 0.004  # degrees (about 400 m) around a circle when fitting the view
LABEL_SIZE = 15  # pixels
LABEL_LINE_HEIGHT = 1.15
# From a circle's centre to the middle of its two-line label: the label sits under the circle.
LABEL_BELOW = POINT_RADIUS + 4 + LABEL_LINE_HEIGHT * LABEL_SIZE
MIN_ZOOM, MAX_ZOOM = 8.0, 16.0
# Blue-purple ramp, kept apart from the green/yellow/orange/red of the grades underneath; low
# densities fade out so the grade colours stay readable under the heat.
DENSITY_COLORS = [[158, 188, 218, 0], [140, 150, 198, 70], [136, 86, 167, 130], [129, 15, 124, 180],
                  [90, 0, 90, 220], [50, 0, 60, 240]]
TOOLTIP = {"text": "{label}"}  # "text", never "html": names from the database are shown as text
TOOLTIP_STYLE = {"backgroundColor": "rgba(33, 33, 33, 0.9)", "color": "#fff", "fontSize": "14px",
                 "whiteSpace": "pre-line"}
# pydeck's default map_style is this sentinel; with map_provider=None it is serialised as is, and
# Streamlit's frontend reads it as "no basemap". (map_style=None would make Streamlit fall back to a
# Carto basemap from the internet.)
NO_BASEMAP = "__MAP_STYLE__"
_COLUMNS = ["area_id", "code", "name", "polygon", "fill_color", "line_color", "label"]


class LegendItem(NamedTuple):
    name: str  # 平安
    color: str  # "#2e7d32"
    range: str  # "≥ 90"

    @property
    def label(self) -> str:
        return f"{self.name} {self.range}".strip()


def _parse_hex(color: Any) -> list[int] | None:
    text = str(color or "").strip().lstrip("#")
    if len(text) in (3, 4):
        text = "".join(c * 2 for c in text)
    if len(text) not in (6, 8):
        return None
    try:
        return [int(text[i:i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return None


def hex_to_rgba(color: str, alpha: int = 255) -> list[int]:
    """"#2e7d32" (also "#2e7d32cc", "#abc") → [46, 125, 50, alpha] as plain ints; bad text → no-data grey."""
    rgb = _parse_hex(color) or _parse_hex(NO_DATA_COLOR)
    return [*rgb, int(max(0, min(255, alpha)))]


def fill_alpha(settings: MapSettings | None = None) -> int:
    """How opaque the areas are drawn: fully without a basemap, translucent over intranet tiles."""
    return TILE_FILL_ALPHA if (settings or MapSettings()).tile_url.strip() else FILL_ALPHA


def swatch(color: str, alpha: int = FILL_ALPHA) -> str:
    """A legend swatch as CSS rgba(): the very colour (and opacity) `hex_to_rgba` gives the map's fills."""
    r, g, b, a = hex_to_rgba(color, alpha)
    return f"rgba({r},{g},{b},{a / 255:.3g})"


def area_label(name: Any, index: Any, grade: Any, reported: Any = None) -> str:
    """Tooltip text: "凤凰街道 93.1 平安" (or "凤凰街道 无数据"), then "上报 1,234 件" on a second line."""
    name = "" if is_missing(name) else str(name)
    if is_missing(index):
        text = f"{name} {INSUFFICIENT if grade == INSUFFICIENT else NO_DATA_LABEL}"
    else:
        text = f"{name} {float(index):.1f} {'' if is_missing(grade) else grade}".rstrip()
    if not is_missing(reported):
        text += f"\n上报 {int(reported):,} 件"
    return text


def _record(rec: dict, alpha: int, with_reported: bool) -> dict:
    """What the map carries for one area, in plain Python values: the deck's JSON never holds NaN."""
    index = rec.get("safety_index")
    color = rec.get("safety_color")
    color = NO_DATA_COLOR if is_missing(color) or (is_missing(index) and rec.get("safety_grade") != INSUFFICIENT) else color
    area_id, code = rec.get("area_id"), rec.get("code")
    return {
        "area_id": None if is_missing(area_id) else int(area_id),
        "code": None if is_missing(code) else str(code),
        "name": "" if is_missing(rec.get("name")) else str(rec["name"]),
        "fill_color": hex_to_rgba(color, alpha),
        "line_color": list(OUTLINE),
        "label": area_label(rec.get("name"), index, rec.get("safety_grade"),
                            rec.get("reported") if with_reported else None),
    }


class MapRecords(NamedTuple):
    polygons: list[dict]  # one per outer ring, with "polygon"
    points: list[dict]  # one per area drawn as a circle, with "position" [lon, lat]
    placed: Placed  # which areas went where, and why the others could not be placed


def map_records(areas: pd.DataFrame, box: tuple[float, float, float, float] | None = None,
                alpha: int = FILL_ALPHA) -> MapRecords:
    """The layers' rows: each area by its polygon(s), else as a circle at its coordinates (inside
    `box`, the configured city box), else left out and counted in `placed.unplaced`."""
    placed = place(areas, box)
    with_reported = "reported" in areas.columns
    polygons = [{**_record(rec, alpha, with_reported), "polygon": ring}
                for rec, rings in placed.shapes for ring in rings]
    points = [{**_record(rec, alpha, with_reported), "position": list(point)} for rec, point in placed.points]
    return MapRecords(polygons, points, placed)


def placement(areas: pd.DataFrame, settings: MapSettings | None = None) -> Placed:
    """Where `safety_map` puts each area with these settings (their city box), before drawing it."""
    return place(areas, (settings or MapSettings()).city_box)


def polygon_rows(areas: pd.DataFrame, alpha: int = FILL_ALPHA) -> tuple[pd.DataFrame, int]:
    """One row per polygon (a MultiPolygon gives one row per part, same code) and the number of
    areas without one because their boundary is missing or unparsable.

    Columns: area_id, code, name, polygon ([[lon, lat], …] outer ring), fill_color ([r, g, b, a]
    from the grade colour), line_color, label.
    """
    records = map_records(areas, None, alpha)
    return pd.DataFrame(records.polygons, columns=_COLUMNS), len(areas) - len(records.placed.shapes)


def picked_area(objects: Mapping[str, list] | None) -> dict:
    """The clicked area from a pydeck selection's `objects`: a polygon or a circle, else {}."""
    objects = objects or {}
    return next((rows[0] for rows in (objects.get(AREA_LAYER), objects.get(POINT_LAYER)) if rows), {})


def _names(recs: list[dict], limit: int = 5) -> str:
    names = [fmt.md_escape(r.get("name")) for r in recs if not is_missing(r.get("name"))][:limit]
    more = "等" if len(recs) > len(names) else ""
    return "、".join(names) + more


def placement_note(placed: Placed) -> str | None:
    """What a map could not show, as Markdown for st.info (names escaped); None when every area is
    on it. With nothing placed at all the map is not drawn, and this says so."""
    if not placed.unplaced:
        return None
    groups = {why: [r for r, w in placed.unplaced if w == why] for why in UNPLACED}
    groups = {why: recs for why, recs in groups.items() if recs}
    if not placed.drawn and list(groups) == [MISSING]:
        return f"区域{UNPLACED[MISSING]}，无法绘制地图"
    n = len(placed.unplaced)
    if len(groups) == 1:
        (why, recs), = groups.items()
        detail = f"{UNPLACED[why]}：{_names(recs)}"
        return f"地图上未标出 {n} 个区域，{detail}" if placed.drawn else f"{n} 个区域{detail}，无法绘制地图"
    detail = "；".join(f"{len(recs)} 个{UNPLACED[why]}：{_names(recs)}" for why, recs in groups.items())
    return f"地图上未标出 {n} 个区域：{detail}" if placed.drawn else f"{n} 个区域无法标出：{detail}。无法绘制地图"


def bounding_box(polygons: Iterable[list[list[float]]]) -> tuple[float, float, float, float] | None:
    """(lon_min, lat_min, lon_max, lat_max) of all rings, or None when there are none."""
    lons = [p[0] for ring in polygons for p in ring]
    lats = [p[1] for ring in polygons for p in ring]
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _mercator_y(lat: float) -> float:
    lat = max(-85.0511, min(85.0511, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_zoom(box: tuple[float, float, float, float], width: int = 700, height: int = 620,
             padding: float = 0.9) -> float:
    """Web-Mercator zoom at which `box` fills `padding` of a width×height pixel view, clamped to [8, 16]."""
    lon_min, lat_min, lon_max, lat_max = box
    d_lon = max(lon_max - lon_min, 1e-6)
    d_y = max(_mercator_y(lat_max) - _mercator_y(lat_min), 1e-8)
    # deck.gl zoom: at zoom z the world is 512·2^z px wide (360° of longitude, 2π of Mercator y).
    z_lon = math.log2(width * padding * 360 / (512 * d_lon))
    z_lat = math.log2(height * padding * 2 * math.pi / (512 * d_y))
    return round(max(MIN_ZOOM, min(MAX_ZOOM, z_lon, z_lat)), 2)


def view_state(polygons: Iterable[list[list[float]]], settings: MapSettings, width: int = 700,
               height: int = 620, margin: tuple[float, float] = (0.0, 0.0)) -> pdk.ViewState:
    """Centred on the polygons' bounding box and zoomed to fit it inside the view less `margin`
    pixels (left and right, top and bottom: room for labels); the configured centre/zoom without polygons."""
    box = bounding_box(polygons)
    if box is None:
        lon, lat, zoom = settings.center_lon, settings.center_lat, settings.zoom
    else:
        inner = max(1, width - 2 * margin[0]), max(1, height - 2 * margin[1])
        lon, lat, zoom = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, fit_zoom(box, *inner)
    return pdk.ViewState(longitude=float(lon), latitude=float(lat), zoom=float(zoom), pitch=0, bearing=0,
                         min_zoom=MIN_ZOOM - 2, max_zoom=18)


def density_points(density: pd.DataFrame | None) -> list[dict]:
    """Heat-map points [{lon, lat, events}] with finite coordinates and a positive count."""
    if density is None or density.empty or not {"lon", "lat", "events"} <= set(density.columns):
        return []
    data = density[["lon", "lat", "events"]].apply(pd.to_numeric, errors="coerce").dropna()
    data = data[(data["events"] > 0) & data["lon"].between(-180, 180) & data["lat"].between(-90, 90)]
    return [{"lon": float(lon), "lat": float(lat), "events": float(n)}
            for lon, lat, n in data.itertuples(index=False)]


def basemap_style(tile_url: str = "") -> str:
    """The deck's `map_style`: no basemap at all without a tile URL, else the intranet tiles.

    A `…/style.json` URL is used as the MapLibre/Mapbox-GL style it is. An XYZ raster template
    (`http://tiles.intra/{z}/{x}/{y}.png`; `{-y}` for TMS) is wrapped in a one-layer raster style
    carried inline as a data: URL, so the browser asks nothing but that server for tiles. (A
    deck.gl TileLayer cannot do this from Python: drawing images needs a JavaScript
    `renderSubLayers`, and Streamlit's default sub-layer is a GeoJsonLayer that fails on images.)
    """
    url = (tile_url or "").strip()
    if not url:
        return NO_BASEMAP
    if url.split("?", 1)[0].lower().endswith(".json"):
        return url
    source: dict[str, Any] = {"type": "raster", "tiles": [url.replace("{-y}", "{y}")], "tileSize": 256,
                              "maxzoom": 19}
    if "{-y}" in url:
        source["scheme"] = "tms"
    style = {"version": 8, "sources": {"intranet": source},
             "layers": [{"id": "intranet", "type": "raster", "source": "intranet",
                         "paint": {"raster-fade-duration": 0}}]}
    return "data:application/json;charset=utf-8," + quote(json.dumps(style, separators=(",", ":")), safe="")


def _point_box(point: list[float], d: float = POINT_PAD) -> list[list[float]]:
    """A small square around a circle's centre, so the initial view leaves room for it and its name."""
    lon, lat = point
    return [[lon - d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]


class LabelStyle(NamedTuple):
    """How the areas' names and indices are written on a map (the page's and the wall's look)."""
    color: list[int]
    outline: list[int]
    size: int = LABEL_SIZE
    weight: int = 400
    outline_width: int = 4


# White on the grade fills (dark green, red) with a dark rim, which also reads on the yellow and orange.
PAGE_LABELS = LabelStyle(color=[255, 255, 255, 255], outline=[33, 33, 33, 255], size=LABEL_SIZE, weight=700, outline_width=3)


def _centre(ring: list[list[float]]) -> tuple[float, float]:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def map_labels(areas: pd.DataFrame, box: tuple[float, float, float, float] | None = None,
               size: int = LABEL_SIZE) -> list[dict]:
    """One label per area, name and index ("凤凰街道\n93.1", "…\n无数据"): at the middle of its largest
    ring, or under its circle when it is drawn at its coordinates (`box` is the city box)."""
    placed = place(areas, box)
    below = POINT_RADIUS + 4 + LABEL_LINE_HEIGHT * size
    spots = [(rec, _centre(max(rings, key=len)), 0) for rec, rings in placed.shapes]
    spots += [(rec, point, below) for rec, point in placed.points]
    out = []
    for rec, (lon, lat), offset in spots:
        index = rec.get("safety_index")
        name = "" if is_missing(rec.get("name")) else str(rec["name"])
        value = fmt.index(float(index)) if not is_missing(index) else (
            INSUFFICIENT if rec.get("safety_grade") == INSUFFICIENT else NO_DATA_LABEL)
        out.append({"lon": lon, "lat": lat, "text": f"{name}\n{value}", "offset": [0, offset]})
    return out


def label_margin(labels: list[dict], size: int = LABEL_SIZE) -> tuple[float, float]:
    """Pixels to keep free at the view's sides and at its top and bottom so that every label shows in
    full: half the widest label, and the lowest label's bottom below its anchor (a circle's label
    hangs under the circle)."""
    if not labels:
        return 0.0, 0.0
    wide = max(len(line) for r in labels for line in r["text"].split("\n")) * size / 2
    half_height = LABEL_LINE_HEIGHT * size  # two lines, centred on the anchor
    return wide + 4, max(r["offset"][1] for r in labels) + half_height + 4


def label_layer(labels: list[dict], style: LabelStyle) -> pdk.Layer:
    # WebGL text, never HTML; its font atlas is drawn from the browser's own fonts (no download),
    # and holds only the characters listed, so the names' Chinese characters are listed. pydeck
    # reads a bare string argument as a JavaScript expression: constants are quoted.
    chars = "".join(sorted(set("".join(r["text"] for r in labels)) - set("\n'\"`@")))
    return pdk.Layer(
        "TextLayer", id=LABEL_LAYER, data=labels, get_position=["lon", "lat"], get_text="text",
        get_size=style.size, size_units="'pixels'", get_color=style.color, font_family=f"'{FONT['family']}'",
        font_weight=style.weight, character_set=f"'{chars}'", get_text_anchor="'middle'",
        get_alignment_baseline="'center'", get_pixel_offset="offset", outline_width=style.outline_width,
        outline_color=style.outline, font_settings={"sdf": True}, line_height=LABEL_LINE_HEIGHT, pickable=False,
    )


def _area_layers(records: MapRecords) -> list[pdk.Layer]:
    # pydeck reads a bare string argument as a JavaScript expression: constants are quoted.
    layers = []
    if records.polygons:
        layers.append(pdk.Layer(
            "PolygonLayer", id=AREA_LAYER, data=records.polygons, get_polygon="polygon",
            get_fill_color="fill_color", get_line_color="line_color", line_width_min_pixels=1,
            line_width_max_pixels=2, get_line_width=1, line_width_units="'pixels'", stroked=True, filled=True,
            pickable=True, auto_highlight=True, highlight_color=HIGHLIGHT,
        ))
    if records.points:
        layers.append(pdk.Layer(
            "ScatterplotLayer", id=POINT_LAYER, data=records.points, get_position="position",
            get_fill_color="fill_color", get_line_color=POINT_OUTLINE, get_radius=POINT_RADIUS,
            radius_units="'pixels'", line_width_units="'pixels'", get_line_width=2, stroked=True, filled=True,
            pickable=True, auto_highlight=True, highlight_color=HIGHLIGHT,
        ))
    return layers


def safety_map(areas: pd.DataFrame, density: pd.DataFrame | None = None, settings: MapSettings | None = None,
               *, show_density: bool = True, height: int = MAP_HEIGHT, width: int = 700,
               labels: LabelStyle | None = PAGE_LABELS) -> pdk.Deck:
    """The 平安指数 map: areas filled with their grade colour (layer "areas", pickable; the legend's
    swatch colours, `fill_alpha`); an area without a usable boundary as a circle in that colour at
    its lon/lat (layer "area_points", pickable, same tooltip); each area's name and index written on
    it, under its circle for a circle (layer "area_labels", in the `labels` style; none without
    one); the event density heat map on top (layer "density"); intranet tiles underneath when
    `settings.tile_url` is set (as the basemap style, see `basemap_style`), otherwise no basemap
    and no network use. Areas with neither are left out: `placement_note` says which.

    `width` and `height` are the view's size in pixels, used to pick the initial zoom so that every
    area and every label fits.
    """
    settings = settings or MapSettings()
    records = map_records(areas, settings.city_box, fill_alpha(settings))  # the box placement() uses
    layers = _area_layers(records)
    points = density_points(density) if show_density else []
    if points:
        layers.append(pdk.Layer(
            "HeatmapLayer", id=DENSITY_LAYER, data=points, get_position=["lon", "lat"], get_weight="events",
            radius_pixels=30, intensity=1, threshold=0.05, opacity=0.8, color_range=DENSITY_COLORS,
            aggregation="SUM", pickable=False,
        ))
    texts = map_labels(areas, settings.city_box, labels.size) if labels else []
    if texts:
        layers.append(label_layer(texts, labels))
    margin = label_margin(texts, labels.size) if labels else (0.0, 0.0)
    extent = [r["polygon"] for r in records.polygons] + [_point_box(r["position"]) for r in records.points]
    return pdk.Deck(
        layers=layers, initial_view_state=view_state(extent, settings, width, height, margin),
        map_provider=None, map_style=basemap_style(settings.tile_url), height=height,
        tooltip={**TOOLTIP, "style": TOOLTIP_STYLE}, views=[pdk.View(type="MapView", controller=True)],
    )


def grade_legend(grades: Iterable[Grade] = DEFAULT_GRADES, no_data: bool = True) -> list[LegendItem]:
    """Legend rows for the grade bands, best first: 平安 ≥ 90, 基本平安 80–90, …, 预警 < 70, 样本不足, 无数据."""
    bands = sorted(grades, key=lambda g: g.minimum, reverse=True)
    items, upper = [], None
    for g in bands:
        lo = None if math.isinf(g.minimum) and g.minimum < 0 else f"{g.minimum:g}"
        if upper is None:
            rng = f"≥ {lo}" if lo is not None else "全部"
        elif lo is None:
            rng = f"< {upper}"
        else:
            rng = f"{lo}–{upper}"
        items.append(LegendItem(g.name, g.color, rng))
        upper = lo
    if no_data:
        items.append(LegendItem(INSUFFICIENT, INSUFFICIENT_COLOR, ""))  # too few cases to grade (stable method)
        items.append(LegendItem(NO_DATA_LABEL, NO_DATA_COLOR, ""))
    return items


CASE_POINT = [211, 47, 47, 255]  # the case: red over the grid's grey


def case_map(grid: Mapping[str, Any], point: tuple[float, float] | None, settings: MapSettings | None = None,
             height: int = 300, width: int = 420) -> pdk.Deck | None:
    """事件明细's small map: the case's grid (its outline, or a circle at its coordinates) and the case
    as a red dot where it was reported. None when neither can be placed."""
    settings = settings or MapSettings()
    records = map_records(pd.DataFrame([{**grid, "safety_index": None}]), settings.city_box, TILE_FILL_ALPHA)
    layers = _area_layers(records)
    extent = [r["polygon"] for r in records.polygons] + [_point_box(r["position"]) for r in records.points]
    if point is not None:
        layers.append(pdk.Layer("ScatterplotLayer", id="case", data=[{"position": list(point)}],
                                get_position="position", get_fill_color=CASE_POINT, get_line_color=POINT_OUTLINE,
                                get_radius=8, radius_units="'pixels'", line_width_units="'pixels'",
                                get_line_width=2, stroked=True, filled=True, pickable=False))
        extent.append(_point_box(list(point)))
    if not extent:
        return None
    room = (width / 4, height / 4)  # zoomed out a little: the grid with some space around it
    return pdk.Deck(layers=layers, initial_view_state=view_state(extent, settings, width, height, room),
                    map_provider=None, map_style=basemap_style(settings.tile_url), height=height,
                    tooltip={**TOOLTIP, "style": TOOLTIP_STYLE}, views=[pdk.View(type="MapView", controller=True)])
