"""Field work (patrols: 走访 visits and 巡查 patrols) and satisfaction surveys (回访 and 抽样调查).

Patrol volume follows the calendar, not the number of events: each grid's full-time 网格员 goes out
on most working days, its part-time helpers and the community's 网格指导员 on about half of them, so
that together they visit about as many households a month as the grid has.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.demo import timeline
from data_access.demo.city import City
from data_access.demo.lifecycle import Lifecycle
from data_access.demo.people import Staff

HOUR, DAY = timeline.HOUR, timeline.DAY
VISIT_TARGET = 15                       # households a day (the dashboard's default worker_score.visits_per_day)
OWN_ATTENDANCE = (0.93, 0.04)           # a grid's full-time 网格员: share of working days out (mean, sd per worker) …
OWN_DILIGENCE = (0.78, 0.18)            # … and households visited per day out, as a share of VISIT_TARGET
WEAK_OWN = (0.65, 0.45)                 # the same two for the 网格员 of a persistently weak grid
PART_TIME_ATTENDANCE = (0.55, 0.2)      # extra part-time 网格员: a morning round on these days …
WEAK_PART_TIME_ATTENDANCE = 0.3
PART_TIME_VISITS = 12                   # … visiting about this many households
SUPERVISOR_ATTENDANCE = (0.5, 0.12)     # 网格指导员 / 网格长: a round of visits in one grid of their area …
SUPERVISOR_VISITS = 8                   # … of about this many households
SATISFIED_MID = 0.955                                           # (满意 + 基本满意) in the window's middle …
SATISFIED_PER_YEAR = 0.023                                      # … rising this much per year
PENALTY = {"weak": 0.07, "late": 0.05, "reopened": 0.20}
CALLBACK_SHARE = 0.5
RESIDENT_SURVEYS_PER_GRID_MONTH = 10


@dataclass
class Rounds:
    """Days out in the field: who, in which grid (0-based position), which day, households visited,
    and whether an afternoon 巡查 follows the morning's 走访."""
    worker: np.ndarray
    grid: np.ndarray
    day: np.ndarray
    visits: np.ndarray
    patrol: bool


def working_days(start: int, end: int) -> np.ndarray:
    days = np.arange(start // DAY, (end - 1) // DAY + 1) * DAY
    return days[timeline.weekday(days) < 5]


def days_out(rng, attendance: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(person, day) pairs of the working days each person goes out, each with their own probability."""
    person, d = (a.ravel() for a in np.meshgrid(np.arange(len(attendance)), np.arange(len(days)), indexing="ij"))
    out = rng.random(len(person)) < attendance[person]
    return person[out], days[d[out]]


def own_rounds(rng, city: City, staff: Staff, days: np.ndarray) -> Rounds:
    """Each grid's full-time 网格员: out on most working days, visiting 6–20 households; weak grids' less."""
    n = len(city.grid_ids)
    attendance = np.where(city.weak, WEAK_OWN[0], rng.normal(*OWN_ATTENDANCE, n).clip(0.8, 0.99))
    diligence = np.where(city.weak, WEAK_OWN[1], rng.normal(*OWN_DILIGENCE, n).clip(0.4, 1.3))
    grid, day = days_out(rng, attendance, days)
    return Rounds(staff.primary[grid], grid, day, rng.poisson(VISIT_TARGET * diligence[grid]), True)


def part_time_rounds(rng, city: City, staff: Staff, days: np.ndarray) -> Rounds:
    """The extra part-time 网格员 of the larger grids: a morning round on about half the days they are on staff."""
    grids = np.flatnonzero(staff.extra > 0)
    attendance = np.where(city.weak[grids], WEAK_PART_TIME_ATTENDANCE,
                          rng.normal(*PART_TIME_ATTENDANCE, len(grids)).clip(0.1, 0.9))
    k, day = days_out(rng, attendance, days)
    grid = grids[k]
    on_staff = (day >= staff.extra_from[grid]) & (day < staff.extra_until[grid])
    grid, day = grid[on_staff], day[on_staff]
    return Rounds(staff.extra[grid], grid, day, rng.poisson(PART_TIME_VISITS, len(grid)), False)


def supervisor_rounds(rng, city: City, staff: Staff, days: np.ndarray) -> Rounds:
    """网格指导员 (community) and 网格长 (work area): a round of visits in one of their grids on about half the days."""
    workers = staff.workers
    parts = []
    for role, grid_area in (("instructor", city.grid_community), ("chief", city.grid_workarea)):
        mine = workers[workers["role"] == role]
        order = np.argsort(grid_area, kind="stable")                  # grid positions grouped by area
        first = np.searchsorted(grid_area[order], mine["area_id"].to_numpy())
        count = np.searchsorted(grid_area[order], mine["area_id"].to_numpy(), side="right") - first
        attendance = rng.normal(*SUPERVISOR_ATTENDANCE, len(mine)).clip(0.2, 0.8)
        k, day = days_out(rng, attendance, days)
        grid = order[first[k] + (rng.random(len(k)) * count[k]).astype(np.int64)]
        parts.append(Rounds(mine["id"].to_numpy()[k], grid, day, rng.poisson(SUPERVISOR_VISITS, len(k)), False))
    return Rounds(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("worker", "grid", "day", "visits")), False)


def patrol_frame(seed: int, city: City, staff: Staff, start: int, end: int) -> pd.DataFrame:
    """A 走访 (visit) row in the morning of every day out; the full-time 网格员 add an afternoon 巡查 row."""
    rng = np.random.default_rng([seed, 5])
    days = working_days(start, end)
    rounds = [own_rounds(rng, city, staff, days), part_time_rounds(rng, city, staff, days),
              supervisor_rounds(rng, city, staff, days)]
    worker, grid, day = (np.concatenate([getattr(r, f) for r in rounds]) for f in ("worker", "grid", "day"))
    visits = np.concatenate([r.visits for r in rounds]).clip(1, None)
    n = len(grid)
    visit_start = day + 8 * HOUR + 1800 + rng.integers(0, 2 * HOUR, n)
    visit_end = visit_start + rng.integers(int(1.5 * HOUR), 3 * HOUR, n)
    own = np.flatnonzero(np.concatenate([np.full(len(r.grid), r.patrol) for r in rounds]))
    patrol_start = day[own] + 14 * HOUR + rng.integers(0, int(1.5 * HOUR), len(own))
    patrol_end = patrol_start + rng.integers(HOUR, 2 * HOUR, len(own))

    frame = pd.DataFrame({
        "worker_id": np.concatenate([worker, worker[own]]), "grid_id": city.grid_ids[np.concatenate([grid, grid[own]])],
        "kind": np.repeat(["visit", "patrol"], [n, len(own)]),
        "started_at": np.concatenate([visit_start, patrol_start]), "ended_at": np.concatenate([visit_end, patrol_end]),
        "households_visited": np.concatenate([visits, np.zeros(len(own), np.int64)]),
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
