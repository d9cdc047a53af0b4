"""平安指数 map: areas coloured by grade, an event-density heat layer, no internet needed.

Pure builders: DataFrames in, a pydeck Deck out. The deck never refers to a basemap service
(Carto/Mapbox) or external fonts; an intranet raster tile server is drawn underneath when
`MapSettings.tile_url` is set. Database text (area names) reaches the browser only through the
tooltip's "text" form, which deck.gl renders as plain text, never as HTML.

Selection in Streamlit (`st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
key=...)`): the clicked area is `event.selection.objects["areas"][0]` — one row of
`polygon_rows()` as a dict (`code`, `area_id`, `name`, …).
"""
from __future__ import annotations

import json
import math
from typing import Any, Iterable, NamedTuple
from urllib.parse import quote

import pandas as pd
import pydeck as pdk

from configuration.settings import MapSettings
from metrics.safety_index import DEFAULT_GRADES, NO_DATA_COLOR, Grade

AREA_LAYER = "areas"
DENSITY_LAYER = "density"
FILL_ALPHA = 170
OUTLINE = [255, 255, 255, 220]
HIGHLIGHT = [255, 255, 255, 90]
NO_DATA_LABEL = "无数据"
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


def is_missing(value: Any) -> bool:
    """None, NaN, NA, NaT (of any numpy/pandas flavour); containers and text are never missing."""
    if value is None:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _ring(ring: Any) -> list[list[float]] | None:
    """A GeoJSON linear ring as [[lon, lat], …] of finite floats, or None when it is not one."""
    if not isinstance(ring, list) or len(ring) < 3:
        return None
    out = []
    for point in ring:
        if not isinstance(point, (list, tuple)) or len(point) < 2:
            return None
        lon, lat = point[0], point[1]
        if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, (int, float)) \
                or not isinstance(lat, (int, float)):
            return None
        lon, lat = float(lon), float(lat)
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        out.append([lon, lat])
    distinct = {tuple(p) for p in out}
    return out if len(distinct) >= 3 else None


def parse_boundary(boundary: Any) -> list[list[list[float]]]:
    """Outer rings of a GeoJSON Polygon/MultiPolygon (text or dict; a Feature's geometry is used).

    Holes are dropped. Unparsable text, other geometry types and broken parts give no rings.
    """
    if is_missing(boundary):
        return []
    geom = boundary
    if isinstance(geom, (str, bytes)):
        try:
            geom = json.loads(geom)
        except (ValueError, TypeError):
            return []
    if isinstance(geom, dict) and geom.get("type") == "Feature":
        geom = geom.get("geometry")
    if not isinstance(geom, dict):
        return []
    coords = geom.get("coordinates")
    if not isinstance(coords, list):
        return []
    if geom.get("type") == "Polygon":
        parts = [coords]
    elif geom.get("type") == "MultiPolygon":
        parts = coords
    else:
        return []
    rings = []
    for part in parts:
        ring = _ring(part[0]) if isinstance(part, list) and part else None
        if ring is not None:
            rings.append(ring)
    return rings


def area_label(name: Any, index: Any, grade: Any, reported: Any = None) -> str:
    """Tooltip text: "凤凰街道 93.1 平安" (or "凤凰街道 无数据"), then "上报 1,234 件" on a second line."""
    name = "" if is_missing(name) else str(name)
    if is_missing(index):
        text = f"{name} {NO_DATA_LABEL}"
    else:
        text = f"{name} {float(index):.1f} {'' if is_missing(grade) else grade}".rstrip()
    if not is_missing(reported):
        text += f"\n上报 {int(reported):,} 件"
    return text


def _polygon_records(areas: pd.DataFrame, alpha: int = FILL_ALPHA) -> tuple[list[dict], int]:
    records, skipped = [], 0
    has_reported = "reported" in areas.columns
    for rec in areas.to_dict("records"):
        rings = parse_boundary(rec.get("boundary"))
        if not rings:
            skipped += 1
            continue
        index = rec.get("safety_index")
        color = rec.get("safety_color")
        color = NO_DATA_COLOR if is_missing(color) or is_missing(index) else color
        area_id, code = rec.get("area_id"), rec.get("code")
        base = {
            "area_id": None if is_missing(area_id) else int(area_id),
            "code": None if is_missing(code) else str(code),
            "name": "" if is_missing(rec.get("name")) else str(rec["name"]),
            "fill_color": hex_to_rgba(color, alpha),
            "line_color": list(OUTLINE),
            "label": area_label(rec.get("name"), index, rec.get("safety_grade"),
                                rec.get("reported") if has_reported else None),
        }
        records.extend({**base, "polygon": ring} for ring in rings)
    return records, skipped


def polygon_rows(areas: pd.DataFrame, alpha: int = FILL_ALPHA) -> tuple[pd.DataFrame, int]:
    """One row per polygon (a MultiPolygon gives one row per part, same code) and the number of
    areas skipped because their boundary is missing or unparsable.

    Columns: area_id, code, name, polygon ([[lon, lat], …] outer ring), fill_color ([r, g, b, a]
    from the grade colour), line_color, label.
    """
    records, skipped = _polygon_records(areas, alpha)
    return pd.DataFrame(records, columns=_COLUMNS), skipped


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
               height: int = 620) -> pdk.ViewState:
    """Centred on the polygons' bounding box and zoomed to fit it; the configured centre/zoom without polygons."""
    box = bounding_box(polygons)
    if box is None:
        lon, lat, zoom = settings.center_lon, settings.center_lat, settings.zoom
    else:
        lon, lat, zoom = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, fit_zoom(box, width, height)
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


def safety_map(areas: pd.DataFrame, density: pd.DataFrame | None = None, settings: MapSettings | None = None,
               *, show_density: bool = True, height: int = 620, width: int = 700) -> pdk.Deck:
    """The 平安指数 map: areas filled with their grade colour (layer "areas", pickable), the event
    density heat map on top (layer "density"); intranet tiles underneath when `settings.tile_url`
    is set (as the basemap style, see `basemap_style`), otherwise no basemap and no network use.

    `width` is only the assumed view width in pixels used to pick the initial zoom.
    """
    settings = settings or MapSettings()
    records, _skipped = _polygon_records(areas)  # plain Python values: the JSON never holds NaN
    layers = [pdk.Layer(
        "PolygonLayer", id=AREA_LAYER, data=records, get_polygon="polygon",
        get_fill_color="fill_color", get_line_color="line_color", line_width_min_pixels=1,
        line_width_max_pixels=2, get_line_width=1, line_width_units="pixels", stroked=True, filled=True,
        pickable=True, auto_highlight=True, highlight_color=HIGHLIGHT,
    )]
    points = density_points(density) if show_density else []
    if points:
        layers.append(pdk.Layer(
            "HeatmapLayer", id=DENSITY_LAYER, data=points, get_position=["lon", "lat"], get_weight="events",
            radius_pixels=30, intensity=1, threshold=0.05, opacity=0.8, color_range=DENSITY_COLORS,
            aggregation="SUM", pickable=False,
        ))
    return pdk.Deck(
        layers=layers, initial_view_state=view_state([r["polygon"] for r in records], settings, width, height),
        map_provider=None, map_style=basemap_style(settings.tile_url), height=height,
        tooltip={**TOOLTIP, "style": TOOLTIP_STYLE}, views=[pdk.View(type="MapView", controller=True)],
    )


def grade_legend(grades: Iterable[Grade] = DEFAULT_GRADES, no_data: bool = True) -> list[LegendItem]:
    """Legend rows for the grade bands, best first: 平安 ≥ 90, 基本平安 80–90, …, 预警 < 70, 无数据."""
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
        items.append(LegendItem(NO_DATA_LABEL, NO_DATA_COLOR, ""))
    return items
