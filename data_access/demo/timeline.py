"""Time in the demo city: the three-year window and the daily / weekly / seasonal rhythms.

All times are naive local wall-clock seconds since 1970-01-01 (int64), turned into datetime64
columns only when the frames are assembled.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

HOUR, DAY = 3600, 86400
YEAR = 365.25 * DAY

# Reports per hour of day (0–23) and per weekday (Mon–Sun), by source.
_OFFICE = [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 2.0, 3.0, 3.0, 2.6, 1.2, 1.4, 2.6, 2.8, 2.6, 1.8, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1]
HOUR_PROFILE = {
    "worker_app": _OFFICE,
    "hotline_12345": [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.8, 2.2, 2.2, 1.8, 1.3, 1.4, 1.7, 1.8, 1.7, 1.6, 1.6, 1.8, 1.8, 1.5, 1.0, 0.6],
    "video": [0.6, 0.4, 0.3, 0.3, 0.3, 0.4, 0.8, 1.2, 1.5, 1.5, 1.5, 1.4, 1.3, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.8, 1.6, 1.3, 1.0, 0.8],
    "resident": [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.4, 1.0, 1.8, 2.0, 2.0, 1.6, 1.0, 1.2, 1.6, 1.8, 1.7, 1.5, 1.2, 1.2, 1.0, 0.6, 0.3, 0.2],
    "department": _OFFICE,
}
WEEKDAY_FACTOR = {
    "worker_app": [1, 1, 1, 1, 1, 0.35, 0.3], "hotline_12345": [1, 1, 1, 1, 1, 0.9, 0.85],
    "video": [1, 1, 1, 1, 1, 1.05, 1.05], "resident": [1, 1, 1, 1, 1, 1.1, 1.1],
    "department": [1, 1, 1, 1, 1, 0.1, 0.08],
}
GROWTH_PER_YEAR = 0.08        # the platform takes on more work every year
SEASON_AMPLITUDE = 0.10       # more street-level problems in summer


def seconds(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())


def window(end: datetime) -> tuple[int, int]:
    """[end − 3 years, end) as seconds."""
    return seconds((pd.Timestamp(end) - pd.DateOffset(years=3)).to_pydatetime()), seconds(end)


def hour_starts(start: int, end: int) -> np.ndarray:
    """Start of every whole hour in [start, end) (start is aligned down to the hour)."""
    return np.arange(start - start % HOUR, end, HOUR, dtype=np.int64)


def weekday(t: np.ndarray) -> np.ndarray:
    return ((t // DAY) + 3) % 7            # 1970-01-01 was a Thursday; Monday = 0


def hourly_weights(source: str, hours: np.ndarray, start: int) -> np.ndarray:
    """Relative report intensity of each hour for one source."""
    hod = (hours % DAY) // HOUR
    w = np.asarray(HOUR_PROFILE[source])[hod] * np.asarray(WEEKDAY_FACTOR[source])[weekday(hours)]
    years = (hours - start) / YEAR
    day_of_year = (hours % YEAR) / DAY
    season = 1 + SEASON_AMPLITUDE * np.sin(2 * np.pi * (day_of_year - 105) / 365.25)
    return w * (1 + GROWTH_PER_YEAR * years) * season


def sample_times(rng: np.random.Generator, n: int, hours: np.ndarray, weights: np.ndarray,
                 start: int, end: int) -> np.ndarray:
    """n moments in [start, end) drawn hour by hour with the given weights."""
    cdf = np.cumsum(weights)
    picked = hours[np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").clip(0, len(hours) - 1)]
    t = picked + rng.integers(0, HOUR, n)
    return np.clip(t, start, end - 1)


def to_datetime(t: np.ndarray) -> np.ndarray:
    """Seconds (float with NaN for missing) → datetime64[us] with NaT."""
    t = np.asarray(t, dtype=float)
    out = np.full(len(t), np.datetime64("NaT"), dtype="datetime64[us]")
    ok = np.isfinite(t)
    out[ok] = (t[ok].astype(np.int64) * 1_000_000).astype("datetime64[us]")
    return out
