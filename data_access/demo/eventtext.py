"""The descriptive columns of events: case number, place, wording and reporter.

Text comes from small pools (addresses per grid, phrases per category, a few thousand residents)
and is picked per event with pandas `take`, which copies Arrow strings without Python loops.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.demo import texts
from data_access.demo.city import City
from data_access.demo.dispatch import CODES, phrase_pools
from data_access.demo.events import SOURCES, Draw
from data_access.demo.lifecycle import LEVELS, STATUSES, Lifecycle
from data_access.demo.people import Staff, mobile_numbers, person_names
from data_access.demo.timeline import to_datetime

ADDRESSES_PER_GRID = 24
RESIDENTS = 20_000
EXTRA_WORKER_SHARE = 0.25       # of worker-app reports in a grid with a second, part-time worker


def case_numbers(t: np.ndarray) -> pd.Series:
    """'FZ' + report date + six-digit sequence within that day; t is sorted."""
    day = t // 86400
    first_of_day = np.searchsorted(day, day, side="left")
    sequence = np.arange(len(t)) - first_of_day + 1
    dates = pd.DatetimeIndex(day.astype("datetime64[D]"))
    ymd = dates.year.to_numpy().astype(np.int64) * 10000 + dates.month.to_numpy() * 100 + dates.day.to_numpy()
    return "FZ" + pd.Series(ymd * 1_000_000 + sequence).astype("str")


def coordinates(rng: np.random.Generator, city: City, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A point inside the grid's cell: half near a per-grid hot spot (a market, a gate), half anywhere."""
    hot = rng.uniform(0.25, 0.75, (len(city.grid_ids), 2))
    n = len(grid)
    near = rng.random(n) < 0.5
    u = np.where(near, hot[grid, 0] + 0.06 * rng.standard_normal(n), rng.random(n)).clip(0.05, 0.95)
    v = np.where(near, hot[grid, 1] + 0.06 * rng.standard_normal(n), rng.random(n)).clip(0.05, 0.95)
    c = city.corners[grid]                      # bilinear map of the unit square onto the cell
    point = ((1 - u) * (1 - v))[:, None] * c[:, 0] + (u * (1 - v))[:, None] * c[:, 1] \
        + (u * v)[:, None] * c[:, 2] + ((1 - u) * v)[:, None] * c[:, 3]
    return point[:, 0].round(6), point[:, 1].round(6)


def address_pool(rng: np.random.Generator, city: City) -> pd.Series:
    names = city.areas.set_index("id")["name"]
    pool = []
    for g, gid in enumerate(city.grid_ids):
        place = f"{texts.DISTRICT[1]}{texts.STREETS[city.grid_street[g]]}{names[city.grid_community[g]]}"
        for k in range(ADDRESSES_PER_GRID):
            if k % 2:
                pool.append(f"{place}{rng.integers(1, 31)}号楼{rng.integers(1, 5)}单元")
            else:
                pool.append(f"{place}{texts.ROADS[rng.integers(len(texts.ROADS))]}{rng.integers(1, 300)}号附近")
    return pd.Series(pool, dtype="str")


def descriptions(rng: np.random.Generator, category: np.ndarray, side: np.ndarray | None = None) -> pd.Series:
    """A phrase of the category; with `side` (dispatch.Plan.side) one that fits the case's department."""
    phrases = [texts.DESCRIPTIONS[c] for c, _, _ in texts.CATEGORIES]
    flat, offsets, counts = phrase_pools()
    pool = 2 * category + (0 if side is None else side)
    pick = flat[offsets[pool] + (rng.random(len(category)) * counts[pool]).astype(np.int64)]
    return _take(pd.Series([s for p in phrases for s in p], dtype="str"), pick)


def reporters(rng: np.random.Generator, draw: Draw, staff: Staff) -> tuple[pd.Series, pd.Series, pd.Series]:
    """reporter_worker_id, reporter_name, reporter_phone by source."""
    n = len(draw.t)
    source = np.asarray(SOURCES)[draw.source]
    extra = staff.extra[draw.grid]
    by_extra = ((extra > 0) & (rng.random(n) < EXTRA_WORKER_SHARE)
                & (draw.t >= staff.extra_from[draw.grid]) & (draw.t < staff.extra_until[draw.grid]))
    worker = np.where(by_extra, extra, staff.primary[draw.grid])
    worker_id = pd.array(np.where(source == "worker_app", worker, 0), dtype="Int64")
    worker_id[source != "worker_app"] = pd.NA

    # One pool: workers (by id − 1), then residents, then departments; −1 means NULL.
    n_workers = len(staff.workers)
    names = pd.concat([staff.workers["name"], pd.Series(person_names(rng, RESIDENTS), dtype="str"),
                       pd.Series(texts.DEPARTMENTS, dtype="str")], ignore_index=True)
    phones = pd.concat([staff.workers["phone"], pd.Series(mobile_numbers(rng, RESIDENTS), dtype="str")], ignore_index=True)
    resident = n_workers + rng.integers(0, RESIDENTS, n)
    department = n_workers + RESIDENTS + rng.integers(0, len(texts.DEPARTMENTS), n)
    name_pick = np.select([source == "worker_app", np.isin(source, ["hotline_12345", "resident"]), source == "department"],
                          [worker - 1, resident, department], -1)
    phone_pick = np.where(name_pick < n_workers + RESIDENTS, name_pick, -1)
    return worker_id, _take(names, name_pick), _take(phones, phone_pick)


def _take(pool: pd.Series, index: np.ndarray) -> pd.Series:
    """pool[index] with −1 → missing, as a fresh str Series."""
    values = pd.api.extensions.take(pool.array, index, allow_fill=True)
    return pd.Series(values, dtype="str")


def event_frame(rng: np.random.Generator, city: City, staff: Staff, draw: Draw, life: Lifecycle,
                side: np.ndarray, department: np.ndarray) -> pd.DataFrame:
    """All event columns in canonical order; ids follow reported_at (draw is sorted by time). side and
    department come from the dispatch plan and history (department: index into dispatch.CODES, −1: none)."""
    n = len(draw.t)
    lon, lat = coordinates(rng, city, draw.grid)
    worker_id, name, phone = reporters(rng, draw, staff)
    return pd.DataFrame({
        "id": np.arange(1, n + 1, dtype=np.int64),
        "case_no": case_numbers(draw.t),
        "grid_id": city.grid_ids[draw.grid].astype(np.int64),
        "category_code": _take(pd.Series([c for c, _, _ in texts.CATEGORIES], dtype="str"), draw.category),
        "source": _take(pd.Series(SOURCES, dtype="str"), draw.source),
        "reporter_worker_id": worker_id,
        "reported_at": to_datetime(draw.t),
        "accepted_at": to_datetime(life.accepted),
        "dispatched_at": to_datetime(life.dispatched),
        "closed_at": to_datetime(life.closed),
        "deadline_at": to_datetime(life.deadline),
        "status": _take(pd.Series(STATUSES, dtype="str"), life.status),
        "resolved_level": _take(pd.Series(LEVELS, dtype="str"), life.level),
        "reopen_count": life.reopen.astype(np.int64),
        "lon": lon, "lat": lat,
        "address": _take(address_pool(rng, city), draw.grid * ADDRESSES_PER_GRID + rng.integers(0, ADDRESSES_PER_GRID, n)),
        "description": descriptions(rng, draw.category, side),
        "reporter_name": name, "reporter_phone": phone,
        "department_code": _take(pd.Series(CODES, dtype="str"), department),
    })
