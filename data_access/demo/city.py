"""The demo city's area tree: 1 district → 7 streets → 45 work areas → ~120 communities → 422 grids.

Grids are cells of a jittered lattice around Fangzi district. Cells are numbered along a
generalised Hilbert curve, and every street, work area and community is a contiguous range of
that numbering, so each one is a compact, connected block of cells.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.demo import texts
from data_access.demo.outline import cell_polygon, outline

GRIDS, COMMUNITIES, WORKAREAS = 422, 120, 45
WORKAREAS_PER_STREET = (7, 8, 6, 7, 6, 6, 5)
LATTICE = (24, 18)                      # columns × rows; the last 10 cells of the curve stay empty
CELL = (0.012, 0.009)                   # degrees lon × lat, about 1.07 km × 1.0 km at lat 36.65
CENTRE = (119.16, 36.65)
JITTER = 0.2                            # of a cell; small enough to keep every cell a simple quad
WEAK_GRIDS = {4: 8, 5: 4}               # street index → number of persistently weak grids
SPIKE_STREET = 0                        # 坊安街道 gets the injected incident spike


@dataclass(frozen=True)
class City:
    areas: pd.DataFrame
    grid_ids: np.ndarray                # area id of each grid, in curve order
    grid_street: np.ndarray             # street index 0..6 of each grid
    grid_community: np.ndarray          # area id of the grid's community
    grid_workarea: np.ndarray           # area id of the grid's work area
    households: np.ndarray
    population: np.ndarray
    corners: np.ndarray                 # (grids, 4, 2) lon/lat of the cell corners, counter-clockwise
    weak: np.ndarray                    # persistently weak grids
    spike_street: int
    community_ids: np.ndarray
    workarea_ids: np.ndarray
    street_ids: np.ndarray


def gilbert_order(width: int, height: int) -> list[tuple[int, int]]:
    """Cells of a width × height rectangle along a generalised Hilbert ("gilbert") curve."""
    cells: list[tuple[int, int]] = []

    def sgn(v: int) -> int:
        return (v > 0) - (v < 0)

    def walk(x, y, ax, ay, bx, by):
        w, h = abs(ax + ay), abs(bx + by)
        dax, day, dbx, dby = sgn(ax), sgn(ay), sgn(bx), sgn(by)
        if h == 1:                      # a single row
            for _ in range(w):
                cells.append((x, y))
                x, y = x + dax, y + day
            return
        if w == 1:                      # a single column
            for _ in range(h):
                cells.append((x, y))
                x, y = x + dbx, y + dby
            return
        ax2, ay2, bx2, by2 = ax // 2, ay // 2, bx // 2, by // 2
        w2, h2 = abs(ax2 + ay2), abs(bx2 + by2)
        if 2 * w > 3 * h:
            if w2 % 2 and w > 2:
                ax2, ay2 = ax2 + dax, ay2 + day
            walk(x, y, ax2, ay2, bx, by)
            walk(x + ax2, y + ay2, ax - ax2, ay - ay2, bx, by)
        else:
            if h2 % 2 and h > 2:
                bx2, by2 = bx2 + dbx, by2 + dby
            walk(x, y, bx2, by2, ax2, ay2)
            walk(x + bx2, y + by2, ax, ay, bx - bx2, by - by2)
            walk(x + (ax - dax) + (bx2 - dbx), y + (ay - day) + (by2 - dby), -bx2, -by2, -(ax - ax2), -(ay - ay2))

    if width >= height:
        walk(0, 0, width, 0, 0, height)
    else:
        walk(0, 0, 0, height, width, 0)
    return cells


def split_sizes(rng: np.random.Generator, total: int, parts: int, low: int, high: int) -> np.ndarray:
    """`parts` random sizes in [low, high] that add up to `total`."""
    sizes = rng.integers(low, high + 1, parts)
    while sizes.sum() != total:
        i = rng.integers(parts)
        step = 1 if sizes.sum() < total else -1
        if low <= sizes[i] + step <= high:
            sizes[i] += step
    return sizes


def community_names(rng: np.random.Generator, n: int) -> list[str]:
    pairs = [a + b for a in texts.COMMUNITY_FIRST for b in texts.COMMUNITY_SECOND if a != b]
    return [pairs[i] + "社区" for i in rng.choice(len(pairs), n, replace=False)]


def jittered_vertices(rng: np.random.Generator) -> np.ndarray:
    """Lattice vertices (cols+1, rows+1, 2) in lon/lat; shared by neighbouring cells."""
    cols, rows = LATTICE
    i, j = np.meshgrid(np.arange(cols + 1), np.arange(rows + 1), indexing="ij")
    jit = rng.uniform(-JITTER, JITTER, (cols + 1, rows + 1, 2))
    lon0 = CENTRE[0] - cols / 2 * CELL[0]
    lat0 = CENTRE[1] - rows / 2 * CELL[1]
    return np.stack([lon0 + (i + jit[..., 0]) * CELL[0], lat0 + (j + jit[..., 1]) * CELL[1]], axis=-1)


def pick_weak_grids(rng: np.random.Generator, grid_street: np.ndarray) -> np.ndarray:
    """A few consecutive (hence neighbouring) grids in one or two streets."""
    weak = np.zeros(len(grid_street), bool)
    for street, count in WEAK_GRIDS.items():
        members = np.flatnonzero(grid_street == street)
        start = rng.integers(0, len(members) - count)
        weak[members[start:start + count]] = True
    return weak


def build_city(seed: int) -> City:
    rng = np.random.default_rng([seed, 1])
    cells = np.array(gilbert_order(*LATTICE)[:GRIDS])
    vertices = jittered_vertices(rng)

    # The tree as contiguous ranges of the curve: grids per community, communities per work area …
    grids_per_community = split_sizes(rng, GRIDS, COMMUNITIES, 2, 6)
    communities_per_workarea = rng.permutation(np.repeat([3, 2], [COMMUNITIES - 2 * WORKAREAS, 3 * WORKAREAS - COMMUNITIES]))
    workarea_street = np.repeat(np.arange(len(texts.STREETS)), WORKAREAS_PER_STREET)
    community_workarea = np.repeat(np.arange(WORKAREAS), communities_per_workarea)
    grid_community = np.repeat(np.arange(COMMUNITIES), grids_per_community)
    grid_workarea = community_workarea[grid_community]
    grid_street = workarea_street[grid_workarea]

    urban = grid_street < texts.URBAN_STREETS
    households = np.where(urban, rng.integers(380, 501, GRIDS), rng.integers(300, 451, GRIDS))
    population = np.round(households * rng.uniform(2.3, 2.8, GRIDS)).astype(np.int64)

    # Ids in tree order: district 1, then streets, work areas, communities, grids.
    n_streets = len(texts.STREETS)
    street_ids = 2 + np.arange(n_streets)
    workarea_ids = street_ids[-1] + 1 + np.arange(WORKAREAS)
    community_ids = workarea_ids[-1] + 1 + np.arange(COMMUNITIES)
    grid_ids = community_ids[-1] + 1 + np.arange(GRIDS)

    corners = np.stack([vertices[cells[:, 0] + di, cells[:, 1] + dj] for di, dj in ((0, 0), (1, 0), (1, 1), (0, 1))], axis=1)
    areas = area_frame(rng, cells, vertices, corners, households, population, grid_street, grid_workarea,
                       grid_community, community_workarea, workarea_street,
                       (street_ids, workarea_ids, community_ids, grid_ids))
    return City(areas=areas, grid_ids=grid_ids, grid_street=grid_street,
                grid_community=community_ids[grid_community], grid_workarea=workarea_ids[grid_workarea],
                households=households, population=population, corners=corners,
                weak=pick_weak_grids(rng, grid_street), spike_street=SPIKE_STREET,
                community_ids=community_ids, workarea_ids=workarea_ids, street_ids=street_ids)


def area_frame(rng, cells, vertices, corners, households, population, grid_street, grid_workarea,
               grid_community, community_workarea, workarea_street, ids) -> pd.DataFrame:
    street_ids, workarea_ids, community_ids, grid_ids = ids
    district_code, district_name = texts.DISTRICT
    cnames = community_names(rng, COMMUNITIES)
    street_codes = [f"{district_code}{k + 1:03d}" for k in range(len(texts.STREETS))]
    wa_rank = _rank_within(workarea_street)
    wa_codes = [f"{street_codes[s]}{r + 1:02d}" for s, r in zip(workarea_street, wa_rank)]
    wa_names = [f"{texts.STREETS[s][:-2]}第{texts.CHINESE_NUMERALS[r]}工作片" for s, r in zip(workarea_street, wa_rank)]
    c_codes = [f"{wa_codes[w]}{r + 1:02d}" for w, r in zip(community_workarea, _rank_within(community_workarea))]
    g_rank = _rank_within(grid_community)
    g_codes = [f"{c_codes[c]}{r + 1:02d}" for c, r in zip(grid_community, g_rank)]
    g_names = [f"{cnames[c]}第{r + 1}网格" for c, r in zip(grid_community, g_rank)]

    area = np.abs(_shoelace(corners))
    centre = _centroids(corners)
    groups = {  # level → (ids, parent ids, codes, names, grid membership)
        "district": ([1], [None], [district_code], [district_name], np.zeros(GRIDS, int)),
        "street": (street_ids, [1] * len(street_ids), street_codes, list(texts.STREETS), grid_street),
        "workarea": (workarea_ids, street_ids[workarea_street], wa_codes, wa_names, grid_workarea),
        "community": (community_ids, workarea_ids[community_workarea], c_codes, cnames, grid_community),
    }
    rows = []
    for level, (gids, parents, codes, names, member) in groups.items():
        for k, aid in enumerate(gids):
            inside = member == k
            w = area[inside] / area[inside].sum()
            rows.append((aid, parents[k], level, codes[k], names[k], households[inside].sum(),
                         population[inside].sum(), float(w @ centre[inside, 0]), float(w @ centre[inside, 1]),
                         outline(cells[inside], vertices)))
    for g in range(GRIDS):
        rows.append((grid_ids[g], community_ids[grid_community[g]], "grid", g_codes[g], g_names[g],
                     households[g], population[g], centre[g, 0], centre[g, 1], cell_polygon(corners[g])))
    frame = pd.DataFrame(rows, columns=["id", "parent_id", "level", "code", "name", "households",
                                        "population", "lon", "lat", "boundary"])
    frame["id"] = frame["id"].astype("int64")
    frame["parent_id"] = frame["parent_id"].astype("Int64")
    frame[["households", "population"]] = frame[["households", "population"]].astype("int64")
    frame[["lon", "lat"]] = frame[["lon", "lat"]].astype(float).round(6)
    return frame


def _rank_within(group: np.ndarray) -> np.ndarray:
    """0-based position of each element among the elements of its (contiguous) group."""
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    return np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))


def _shoelace(corners: np.ndarray) -> np.ndarray:
    x, y = corners[..., 0], corners[..., 1]
    return 0.5 * (x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)


def _centroids(corners: np.ndarray) -> np.ndarray:
    x, y = corners[..., 0], corners[..., 1]
    x1, y1 = np.roll(x, -1, axis=1), np.roll(y, -1, axis=1)
    cross = x * y1 - x1 * y
    a6 = 3 * cross.sum(axis=1)
    return np.stack([((x + x1) * cross).sum(axis=1) / a6, ((y + y1) * cross).sum(axis=1) / a6], axis=1)

