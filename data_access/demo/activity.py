"""Field work (patrols: 走访 visits and 巡查 patrols) and satisfaction surveys (回访 and 抽样调查).

Patrol volume follows the calendar, not the number of events: every grid worker goes out on
most working days, visiting enough households to cover the grid about once a month.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.demo import timeline
from data_access.demo.city import City
from data_access.demo.lifecycle import Lifecycle
from data_access.demo.people import Staff

HOUR, DAY = timeline.HOUR, timeline.DAY
ATTENDANCE = {"ordinary": 0.95, "weak": 0.65, "extra": 0.2}     # share of working days out in the field
COVERAGE_TARGET = 0.9                                           # of the grid's households, per month, by its own worker
WORKING_DAYS_PER_MONTH = 21.4
EXTRA_VISITS_PER_DAY = 8
SATISFIED_MID = 0.955                                           # (满意 + 基本满意) in the window's middle …
SATISFIED_PER_YEAR = 0.023                                      # … rising this much per year
PENALTY = {"weak": 0.07, "late": 0.05, "reopened": 0.20}
CALLBACK_SHARE = 0.5
RESIDENT_SURVEYS_PER_GRID_MONTH = 10


def working_days(start: int, end: int) -> np.ndarray:
    days = np.arange(start // DAY, (end - 1) // DAY + 1) * DAY
    return days[timeline.weekday(days) < 5]


def patrol_frame(seed: int, city: City, staff: Staff, start: int, end: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 5])
    days = working_days(start, end)
    grids = len(city.grid_ids)
    diligence = np.where(city.weak, 0.55, rng.uniform(0.8, 1.2, grids))
    attendance = np.where(city.weak, ATTENDANCE["weak"], ATTENDANCE["ordinary"])
    own_visits = diligence * COVERAGE_TARGET * city.households / (WORKING_DAYS_PER_MONTH * ATTENDANCE["ordinary"])

    g, d = (a.ravel() for a in np.meshgrid(np.arange(grids), np.arange(len(days)), indexing="ij"))
    out = rng.random(len(g)) < attendance[g]
    g_own, d_own = g[out], d[out]
    has_extra = staff.extra[g] > 0
    day_s = days[d]
    extra_out = has_extra & (rng.random(len(g)) < ATTENDANCE["extra"]) \
        & (day_s >= staff.extra_from[g]) & (day_s < staff.extra_until[g])
    g_x, d_x = g[extra_out], d[extra_out]

    grid = np.concatenate([g_own, g_x])
    worker = np.concatenate([staff.primary[g_own], staff.extra[g_x]])
    day = days[np.concatenate([d_own, d_x])]
    visits = np.concatenate([rng.poisson(own_visits[g_own]), rng.poisson(EXTRA_VISITS_PER_DAY, len(g_x))]).clip(1, None)
    n = len(grid)
    visit_start = day + 8 * HOUR + 1800 + rng.integers(0, 2 * HOUR, n)
    visit_end = visit_start + rng.integers(int(1.5 * HOUR), 3 * HOUR, n)
    patrol_start = day + 14 * HOUR + rng.integers(0, int(1.5 * HOUR), n)
    patrol_end = patrol_start + rng.integers(HOUR, 2 * HOUR, n)

    frame = pd.DataFrame({
        "worker_id": np.tile(worker, 2), "grid_id": np.tile(city.grid_ids[grid], 2),
        "kind": np.repeat(["visit", "patrol"], n),
        "started_at": np.concatenate([visit_start, patrol_start]), "ended_at": np.concatenate([visit_end, patrol_end]),
        "households_visited": np.concatenate([visits, np.zeros(n, np.int64)]),
    })
    frame = frame[(frame["ended_at"] < end) & (frame["started_at"] >= start)]
    frame = frame.sort_values(["started_at", "worker_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "id", np.arange(1, len(frame) + 1, dtype=np.int64))
    for col in ("started_at", "ended_at"):
        frame[col] = timeline.to_datetime(frame[col].to_numpy())
    frame["kind"] = frame["kind"].astype("str")
    return frame


def satisfied_share(t: np.ndarray, start: int, end: int) -> np.ndarray:
    years_from_mid = (t - (start + end) / 2) / timeline.YEAR
    return SATISFIED_MID + SATISFIED_PER_YEAR * years_from_mid


def survey_frame(seed: int, city: City, event_grid: np.ndarray, event_id: np.ndarray,
                 life: Lifecycle, start: int, end: int) -> pd.DataFrame:
    """Callbacks after closed events plus monthly resident sample surveys, in time order."""
    rng = np.random.default_rng([seed, 6])
    closed = np.flatnonzero(~np.isnan(life.closed) & (rng.random(len(event_id)) < CALLBACK_SHARE))
    cb_t = life.closed[closed] + rng.uniform(1, 5, len(closed)) * DAY
    keep = cb_t < end
    closed, cb_t = closed[keep], np.floor(cb_t[keep])
    cb_penalty = PENALTY["late"] * (life.closed[closed] > life.deadline[closed]) + PENALTY["reopened"] * (life.reopen[closed] > 0)

    months = (end - start) / (timeline.YEAR / 12)
    n_res = int(round(RESIDENT_SURVEYS_PER_GRID_MONTH * len(city.grid_ids) * months))
    res_grid = rng.integers(0, len(city.grid_ids), n_res)
    res_t = (start // DAY + rng.integers(0, (end - start) // DAY + 1, n_res)) * DAY + 9 * HOUR + rng.integers(0, 11 * HOUR, n_res)
    ok = (res_t >= start) & (res_t < end)
    res_grid, res_t = res_grid[ok], res_t[ok]

    grid = np.concatenate([event_grid[closed], res_grid])
    t = np.concatenate([cb_t, res_t.astype(float)])
    p = satisfied_share(t, start, end) - PENALTY["weak"] * city.weak[grid] - np.r_[cb_penalty, np.zeros(len(res_t))]
    u = rng.random(len(t))
    result = np.where(u < p.clip(0.5, 0.995), np.where(rng.random(len(t)) < 0.75, "satisfied", "basically_satisfied"), "dissatisfied")
    n_cb = len(closed)
    frame = pd.DataFrame({
        "grid_id": city.grid_ids[grid],
        "event_id": pd.array(np.r_[event_id[closed], np.zeros(len(res_t), np.int64)], dtype="Int64"),
        "surveyed_at": t, "result": pd.array(result, dtype="str"),
        "kind": pd.array(np.repeat(["callback", "resident_survey"], [n_cb, len(res_t)]), dtype="str"),
    })
    frame.loc[n_cb:, "event_id"] = pd.NA
    frame = frame.sort_values("surveyed_at", kind="stable").reset_index(drop=True)
    frame.insert(0, "id", np.arange(1, len(frame) + 1, dtype=np.int64))
    frame["surveyed_at"] = timeline.to_datetime(frame["surveyed_at"].to_numpy())
    return frame
