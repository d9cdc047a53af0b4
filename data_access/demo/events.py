"""Events: which grid, what, from whom and when — plus the injected incident spike.

Everything is drawn as whole numpy arrays; the only Python loops run over sources, categories
and dimensions, never over events.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_access.demo import texts, timeline
from data_access.demo.city import City

SOURCES = ("worker_app", "hotline_12345", "video", "resident", "department")
# Source mix per category dimension (same order as SOURCES).
SOURCE_MIX = {
    "public_security": (0.35, 0.35, 0.15, 0.10, 0.05), "dispute": (0.70, 0.15, 0.00, 0.12, 0.03),
    "safety_hazard": (0.78, 0.06, 0.08, 0.04, 0.04), "fire": (0.65, 0.10, 0.15, 0.05, 0.05),
    "city_management": (0.70, 0.10, 0.14, 0.03, 0.03), "public_service": (0.70, 0.18, 0.00, 0.10, 0.02),
    "other": (0.65, 0.20, 0.00, 0.12, 0.03),
}
WEAK_VOLUME = 1.6                                  # weak grids report this many times more events …
WEAK_DIMENSION_FACTOR = {"public_security": 3.0, "fire": 3.0, "dispute": 2.0, "safety_hazard": 1.5}  # … skewed to incidents
SPIKE_MULTIPLE = 4                                 # extra spike events = 4 × the street's normal week
SPIKE_CATEGORIES = (("AQ01", 0.7), ("AQ02", 0.3))  # a gas-safety campaign turns up many hazards
SPIKE_WEEKS_BEFORE_END = 3


@dataclass
class Draw:
    """The who/what/when of every event, as parallel arrays (grid as a 0-based grid position)."""
    grid: np.ndarray
    category: np.ndarray        # index into texts.CATEGORIES
    source: np.ndarray          # index into SOURCES
    t: np.ndarray               # reported_at, seconds


def category_dimensions() -> np.ndarray:
    dims = {code: dim for code, _, dim in texts.CATEGORY_GROUPS}
    return np.array([dims[code[:2]] for code, _, _ in texts.CATEGORIES])


def category_probabilities(weak: bool) -> np.ndarray:
    share = np.array([texts.CATEGORY_SHARE[c] for c, _, _ in texts.CATEGORIES])
    if weak:
        share = share * np.array([WEAK_DIMENSION_FACTOR.get(d, 1.0) for d in category_dimensions()])
    return share / share.sum()


def spike_week(end: int) -> tuple[int, int]:
    """Monday 00:00 of the week that contains end − 3 weeks, and the Monday after."""
    day = (end - SPIKE_WEEKS_BEFORE_END * 7 * timeline.DAY) // timeline.DAY
    monday = (day - timeline.weekday(np.int64(day * timeline.DAY))) * timeline.DAY
    return int(monday), int(monday + 7 * timeline.DAY)


def grid_volume(rng: np.random.Generator, city: City) -> np.ndarray:
    """Relative event volume of each grid: its households, some spread, more in weak grids."""
    return city.households * rng.lognormal(0, 0.25, len(city.households)) * np.where(city.weak, WEAK_VOLUME, 1.0)


def spike_size(n: int, city: City, volume: np.ndarray, start: int, end: int) -> int:
    in_street = volume[city.grid_street == city.spike_street].sum() / volume.sum()
    hazard = category_probabilities(False)[category_dimensions() == "safety_hazard"].sum()
    normal_week = n * in_street * hazard * 7 * timeline.DAY / (end - start) * (1 + timeline.GROWTH_PER_YEAR)
    return max(5, int(round(SPIKE_MULTIPLE * normal_week)))


def draw_events(rng: np.random.Generator, city: City, n: int, start: int, end: int) -> Draw:
    volume = grid_volume(rng, city)
    n_spike = min(spike_size(n, city, volume, start, end), n // 10)
    base = draw_ordinary(rng, city, volume, n - n_spike, start, end)
    spike = draw_spike(rng, city, volume, n_spike, end)
    return Draw(*(np.concatenate([getattr(base, f), getattr(spike, f)]) for f in ("grid", "category", "source", "t")))


def draw_ordinary(rng, city: City, volume: np.ndarray, n: int, start: int, end: int) -> Draw:
    grid = rng.choice(len(volume), n, p=volume / volume.sum())
    weak = city.weak[grid]
    category = np.empty(n, np.int64)
    for is_weak in (False, True):
        rows = np.flatnonzero(weak == is_weak)
        category[rows] = rng.choice(len(texts.CATEGORIES), len(rows), p=category_probabilities(is_weak))
    source = np.empty(n, np.int64)
    dims = category_dimensions()[category]
    for dim, mix in SOURCE_MIX.items():
        rows = np.flatnonzero(dims == dim)
        source[rows] = rng.choice(len(SOURCES), len(rows), p=np.array(mix) / sum(mix))
    t = np.empty(n, np.int64)
    hours = timeline.hour_starts(start, end)
    for k, name in enumerate(SOURCES):
        rows = np.flatnonzero(source == k)
        t[rows] = timeline.sample_times(rng, len(rows), hours, timeline.hourly_weights(name, hours, start), start, end)
    return Draw(grid, category, source, t)


def draw_spike(rng, city: City, volume: np.ndarray, n: int, end: int) -> Draw:
    """Extra hazard reports in one street during one week, found by workers and callers."""
    in_street = np.flatnonzero(city.grid_street == city.spike_street)
    grid = rng.choice(in_street, n, p=volume[in_street] / volume[in_street].sum())
    codes = [c for c, _, _ in texts.CATEGORIES]
    cats, shares = zip(*SPIKE_CATEGORIES)
    category = rng.choice([codes.index(c) for c in cats], n, p=shares)
    source = rng.choice([0, 1], n, p=[0.85, 0.15])
    week_start, week_end = spike_week(end)
    hours = timeline.hour_starts(week_start, min(week_end, end))
    t = timeline.sample_times(rng, n, hours, timeline.hourly_weights("worker_app", hours, week_start), week_start, end)
    return Draw(grid, category, source, t)
