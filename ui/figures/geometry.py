"""Where an area goes on a map: inside its boundary polygon, else at its lon/lat, else nowhere.

A real platform's `areas` table often lacks outlines (boundary NULL, or text that is not GeoJSON)
and sometimes coordinates too (NULL, or 0/0 for "not mapped"). `place` puts every area in exactly
one of three groups, so a map can draw what it can and the page can say how many areas it could
not place, and why. Pure: no Streamlit, no pydeck.
"""
from __future__ import annotations

import json
import math
from typing import Any, NamedTuple

import pandas as pd

MISSING = "missing"  # neither a usable boundary nor coordinates
OUTSIDE = "outside"  # no usable boundary; coordinates outside the configured city box


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


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or is_missing(value):
        return None
    try:
        number = float(value)  # DECIMAL columns arrive as Decimal, some drivers give text
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


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


def parse_point(lon: Any, lat: Any) -> tuple[float, float] | None:
    """(lon, lat) as finite floats on the globe, or None. 0/0 counts as missing: it is how many
    platforms store "not mapped", and drawn it would pull the view into the Gulf of Guinea."""
    x, y = _coordinate(lon, 180), _coordinate(lat, 90)
    if x is None or y is None or (x == 0 and y == 0):
        return None
    return x, y


def in_box(point: tuple[float, float], box: tuple[float, float, float, float] | None) -> bool:
    return box is None or (box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3])


class Placed(NamedTuple):
    shapes: list[tuple[dict, list[list[list[float]]]]]  # (area record, its outer rings)
    points: list[tuple[dict, tuple[float, float]]]      # (area record, (lon, lat))
    unplaced: list[tuple[dict, str]]                     # (area record, MISSING or OUTSIDE)

    @property
    def drawn(self) -> int:
        """How many areas the map shows (a MultiPolygon area counts once)."""
        return len(self.shapes) + len(self.points)


def place(areas: pd.DataFrame, box: tuple[float, float, float, float] | None = None) -> Placed:
    """Each area (a row with `boundary`, `lon`, `lat`; any may be absent) by its polygon when the
    boundary parses, else by its coordinates when they lie in `box` (the configured city box:
    lon_min, lat_min, lon_max, lat_max), else unplaced with the reason."""
    shapes, points, unplaced = [], [], []
    for rec in areas.to_dict("records"):
        rings = parse_boundary(rec.get("boundary"))
        if rings:
            shapes.append((rec, rings))
            continue
        point = parse_point(rec.get("lon"), rec.get("lat"))
        if point is None:
            unplaced.append((rec, MISSING))
        elif in_box(point, box):
            points.append((rec, point))
        else:
            unplaced.append((rec, OUTSIDE))
    return Placed(shapes, points, unplaced)
