"""GeoJSON polygons: one lattice cell, or the outline of a block of cells (a street, a community)."""
from __future__ import annotations

import json

import numpy as np

# A cell's edges, counter-clockwise, as (start, end) vertex offsets; the cell lies on their left.
_CELL_EDGES = (((0, 0), (1, 0)), ((1, 0), (1, 1)), ((1, 1), (0, 1)), ((0, 1), (0, 0)))


def to_json(rings: list[list[tuple[float, float]]]) -> str:
    coords = [[[round(float(lon), 6), round(float(lat), 6)] for lon, lat in ring] for ring in rings]
    return json.dumps({"type": "Polygon", "coordinates": coords}, separators=(",", ":"))


def cell_polygon(corners: np.ndarray) -> str:
    """A grid's polygon from its four corners (counter-clockwise, as GeoJSON wants)."""
    ring = [tuple(c) for c in corners]
    return to_json([ring + ring[:1]])


def outline(cells: np.ndarray, vertices: np.ndarray) -> str | None:
    """The outline of a block of lattice cells as a GeoJSON Polygon (holes included).

    Edges shared by two cells of the block cancel out; the rest are chained into rings, turning
    left first where two cells only touch at a corner so that every ring stays simple. Returns
    None when the block is not one piece (more than one outer ring).
    """
    edges = set()
    for i, j in map(tuple, cells):
        for (a, b), (c, d) in _CELL_EDGES:
            edges.add(((i + a, j + b), (i + c, j + d)))
    edges = {e for e in edges if (e[1], e[0]) not in edges}
    leaving: dict[tuple, list] = {}
    for e in sorted(edges):
        leaving.setdefault(e[0], []).append(e)

    outers, holes, used = [], [], set()
    for first in sorted(edges):
        if first in used:
            continue
        ring, edge = [], first
        while True:
            used.add(edge)
            ring.append(edge[0])
            options = [e for e in leaving[edge[1]] if e not in used or e == first]
            edge = max(options, key=lambda e: _turn(edge, e))
            if edge == first:
                break
        coords = [tuple(vertices[v]) for v in ring]
        coords.append(coords[0])
        (outers if _signed_area(coords) > 0 else holes).append(coords)
    if len(outers) != 1:
        return None
    return to_json(outers + holes)


def _turn(incoming, outgoing) -> int:
    """+1 for a left turn, 0 straight on, -1 right (lattice directions)."""
    dx1, dy1 = incoming[1][0] - incoming[0][0], incoming[1][1] - incoming[0][1]
    dx2, dy2 = outgoing[1][0] - outgoing[0][0], outgoing[1][1] - outgoing[0][1]
    return dx1 * dy2 - dy1 * dx2


def _signed_area(ring) -> float:
    x = np.array([p[0] for p in ring])
    y = np.array([p[1] for p in ring])
    return 0.5 * float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum())
