"""Bad rows for the 数据质量 page (docs/metrics.md: bad rows): N rows of each kind, appended to the generated frames.

    frames = inject(frames, n=20, seed=20261121)

Every injected row is a NEW row: a copy of a real row from the last RECENT_DAYS days (so the default
近30天 view has something to show) with exactly one defect, under a new id and a new case number. The
generated rows stay exactly as they were, so a metric that must leave a kind out gives the clean city's
value on a database with that kind injected. Deterministic: its own random stream, `[seed, 8]`.

Kinds (the rule keys of `metrics.quality`):

- events: `missing_reported_at` (NULL), `closed_before_reported` (a closed case whose closed_at is
  1–72 h before reported_at), `unknown_grid` (grid_id 999999), `unknown_category` ("XX99"),
  `bad_coordinates` (in turn 0/0, lon and lat swapped, NULL), `duplicate_case_no` (a second row under
  a new id carrying an existing case_no: the same case entered twice), `closed_without_time` (a
  closed case whose closed_at is NULL);
- surveys: `survey_invalid_result` (result "unknown"), `survey_unknown_grid` (grid_id 999999);
- patrols: `patrol_unknown_grid` (grid_id 999999).

A duplicated events.id cannot be injected: `id` is the primary key of the demo schema
(`data_access.schema.PRIMARY_KEYS`), which every dialect enforces. A platform database without that
key (or a view over several tables) can still hold them; `metrics.quality` counts them there.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

EVENT_KINDS = ("missing_reported_at", "closed_before_reported", "unknown_grid", "unknown_category",
               "bad_coordinates", "duplicate_case_no", "closed_without_time")
SURVEY_KINDS = ("survey_invalid_result", "survey_unknown_grid")
PATROL_KINDS = ("patrol_unknown_grid",)
KINDS = EVENT_KINDS + SURVEY_KINDS + PATROL_KINDS
UNKNOWN_GRID = 999_999
UNKNOWN_CATEGORY = "XX99"
INVALID_RESULT = "unknown"
RECENT_DAYS = 28
CASE_SEQUENCE = 900_000  # injected case numbers: report date + 9xxxxx, above any day's real sequence


def inject(frames: dict[str, pd.DataFrame], n: int, seed: int, kinds: tuple[str, ...] = KINDS,
           ) -> dict[str, pd.DataFrame]:
    """The frames with `n` bad rows of each kind in `kinds` appended (ids continue after the largest)."""
    if n < 0:
        raise ValueError("bad_rows must be 0 or more")
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) of bad rows: {sorted(unknown)}")
    out = dict(frames)
    if n == 0 or not kinds:
        return out
    rng = np.random.default_rng([seed, 8])
    out["events"] = _append(out["events"], [_event_rows(rng, frames["events"], k, n) for k in EVENT_KINDS if k in kinds])
    out["surveys"] = _append(out["surveys"], [_survey_rows(rng, frames["surveys"], k, n) for k in SURVEY_KINDS if k in kinds])
    out["patrols"] = _append(out["patrols"], [_patrol_rows(rng, frames["patrols"], k, n) for k in PATROL_KINDS if k in kinds])
    return out


def _pick(rng: np.random.Generator, frame: pd.DataFrame, ts: str, n: int, where=None) -> pd.DataFrame:
    """n rows to copy: distinct ones from the last RECENT_DAYS days where possible."""
    pool = frame if where is None else frame[where]
    recent = pool[pool[ts] >= pool[ts].max() - pd.Timedelta(days=RECENT_DAYS)]
    if len(recent) >= n:
        pool = recent
    if pool.empty:
        raise ValueError(f"no rows to copy for bad rows (column {ts})")
    index = rng.choice(len(pool), size=n, replace=len(pool) < n)
    return pool.iloc[np.sort(index)].copy()


def _event_rows(rng: np.random.Generator, events: pd.DataFrame, kind: str, n: int) -> pd.DataFrame:
    closed = (events["status"] == "closed") & events["closed_at"].notna()
    rows = _pick(rng, events, "reported_at", n, closed if kind in ("closed_before_reported", "closed_without_time") else None)
    if kind == "missing_reported_at":
        rows["reported_at"] = pd.NaT
    elif kind == "closed_before_reported":
        rows["closed_at"] = rows["reported_at"] - pd.to_timedelta(rng.integers(60, 72 * 60, n), unit="min")
    elif kind == "closed_without_time":
        rows["closed_at"] = pd.NaT
    elif kind == "unknown_grid":
        rows["grid_id"] = UNKNOWN_GRID
    elif kind == "unknown_category":
        rows["category_code"] = UNKNOWN_CATEGORY
    elif kind == "bad_coordinates":
        variant = np.arange(n) % 3
        lon, lat = rows["lon"].to_numpy(), rows["lat"].to_numpy()
        rows["lon"] = np.select([variant == 0, variant == 1], [0.0, lat], np.nan)    # 0/0, swapped, missing
        rows["lat"] = np.select([variant == 0, variant == 1], [0.0, lon], np.nan)
    return rows.assign(_kind=kind)


def _survey_rows(rng: np.random.Generator, surveys: pd.DataFrame, kind: str, n: int) -> pd.DataFrame:
    rows = _pick(rng, surveys, "surveyed_at", n)
    if kind == "survey_invalid_result":
        rows["result"] = INVALID_RESULT
    else:
        rows["grid_id"] = UNKNOWN_GRID
    return rows


def _patrol_rows(rng: np.random.Generator, patrols: pd.DataFrame, kind: str, n: int) -> pd.DataFrame:
    rows = _pick(rng, patrols, "started_at", n)
    rows["grid_id"] = UNKNOWN_GRID
    return rows


def _append(frame: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return frame
    extra = pd.concat(parts, ignore_index=True)
    extra["id"] = np.arange(len(extra), dtype=np.int64) + int(frame["id"].max()) + 1
    if "case_no" in extra:  # a fresh case number for every kind but the duplicate
        fresh = extra["_kind"] != "duplicate_case_no"
        sequence = pd.Series(CASE_SEQUENCE + np.arange(len(extra)), index=extra.index).astype("str")
        extra.loc[fresh, "case_no"] = extra.loc[fresh, "case_no"].str[:10] + sequence[fresh]
        extra = extra.drop(columns="_kind")
    out = pd.concat([frame, extra[frame.columns]], ignore_index=True)
    return out.astype(frame.dtypes.to_dict())
