"""What happens to each event after it is reported: acceptance, dispatch, closure, status.

The closure waits for the 职能部门 (`dispatch.Plan`): at least 10 minutes after the last dispatch's
签收, a returned case loses the time it spent bouncing, and the slow department's cases are late more often.

Nothing happens at or after `end`: a step that would fall later is left NULL, and the status
says how far the case got. Times are float seconds with NaN for "not (yet) happened".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_access.demo import texts, timeline
from data_access.demo.city import City
from data_access.demo.events import SOURCES, Draw, category_dimensions

REJECT_BY_SOURCE = np.array([0.015, 0.07, 0.06, 0.08, 0.02])      # same order as SOURCES
ACCEPT_MEDIAN_S = np.array([300, 600, 600, 600, 600])              # 受理: minutes after the report
SLOW_ACCEPT_SHARE = 0.03                                           # … except these (hours later)
NO_ACCEPT_SHARE = 0.004                                            # legacy cases without accepted_at
LATE_SHARE = (0.12, 0.08)                                          # at the window's start → end
LONG_RUNNING_SHARE = 0.004                                         # hard cases: weeks past the deadline …
LONG_RUNNING_MEAN_S = 20 * timeline.DAY                            # … by this much on average (exponential)
REOPEN_SHARE = 0.0008
WEAK = {"reject": 3.0, "accept": 3.0, "late": 3.0, "long_running": 3.0, "grid_level": 0.7, "reopen": 3.0}
LEVELS = ("grid", "community", "street", "district")
STATUSES = ("reported", "accepted", "dispatched", "processing", "closed", "rejected")


@dataclass
class Lifecycle:
    accepted: np.ndarray
    dispatched: np.ndarray
    closed: np.ndarray
    deadline: np.ndarray
    status: np.ndarray          # index into STATUSES
    level: np.ndarray           # index into LEVELS, −1 when not closed
    reopen: np.ndarray


def sla_seconds(category: np.ndarray) -> np.ndarray:
    return np.array([h for _, _, h in texts.CATEGORIES], float)[category] * timeline.HOUR


def follow_up(rng: np.random.Generator, draw: Draw, city: City, start: int, end: int,
              wait=0.0, bounce=0.0, late=1.0) -> Lifecycle:
    """wait, bounce: seconds from the first dispatch to the last dispatch's 签收 and to the last dispatch;
    late: a factor on the share of late closures (all per event, or scalars)."""
    n = len(draw.t)
    t = draw.t.astype(float)
    weak = city.weak[draw.grid]
    worker_app = draw.source == SOURCES.index("worker_app")
    rejected = rng.random(n) < REJECT_BY_SOURCE[draw.source] * np.where(weak & worker_app, WEAK["reject"], 1.0)
    sla = sla_seconds(draw.category)

    accept_delay = np.exp(np.log(ACCEPT_MEDIAN_S[draw.source] * np.where(weak, WEAK["accept"], 1.0))
                          + np.where(worker_app, 0.9, 1.1) * rng.standard_normal(n))
    slow = rng.random(n) < SLOW_ACCEPT_SHARE
    accept_delay[slow] = rng.uniform(timeline.HOUR, 12 * timeline.HOUR, slow.sum())
    accepted = t + accept_delay
    dispatched = accepted + np.exp(np.log(900) + rng.standard_normal(n))

    # Every case closes in the end: only the recent hard cases are still open (and overdue) at `end`,
    # as in a well-run district; a few dozen overdue at 300k events, a handful of them by over a month.
    closed = t + handling_time(rng, sla, dispatched - t, weak, (t - start) / (end - start), wait, bounce, late)

    # Legacy records closed without an acceptance time.
    accepted[(rng.random(n) < NO_ACCEPT_SHARE) & (closed < end)] = np.nan
    accepted[rejected] = dispatched[rejected] = closed[rejected] = np.nan
    for step in (accepted, dispatched, closed):
        step[step >= end] = np.nan

    status = event_status(rejected, accepted, dispatched, closed, end)
    is_closed = ~np.isnan(closed)
    level = resolved_level(rng, draw.category, weak, is_closed)
    reopen = np.where(is_closed & (rng.random(n) < REOPEN_SHARE * np.where(weak, WEAK["reopen"], 1.0)),
                      np.where(rng.random(n) < 0.1, 2, 1), 0)
    return Lifecycle(accepted, dispatched, closed, t + sla, status, level, reopen)


def handling_time(rng, sla, dispatch_delay, weak, progress, wait=0.0, bounce=0.0, late_factor=1.0) -> np.ndarray:
    """Seconds from report to closure: most well inside the SLA, some late, a few weeks late (more of
    them in weak grids); none without end. A returned case takes its bounce on top, and no case closes
    before its department has signed for it (wait after the first dispatch) and worked 10 minutes."""
    n = len(sla)
    late_share = (LATE_SHARE[0] + (LATE_SHARE[1] - LATE_SHARE[0]) * progress) * np.where(weak, WEAK["late"], 1.0) \
        * late_factor
    late = rng.random(n) < late_share
    handling = sla * np.where(late, 1 + rng.exponential(0.35, n), rng.beta(1.3, 3.5, n))
    long_running = rng.random(n) < LONG_RUNNING_SHARE * np.where(weak, WEAK["long_running"], 1.0)
    handling[long_running] = sla[long_running] + rng.exponential(LONG_RUNNING_MEAN_S, long_running.sum())
    return np.maximum(handling + bounce, dispatch_delay + wait + 600)


def event_status(rejected, accepted, dispatched, closed, end) -> np.ndarray:
    status = np.full(len(rejected), STATUSES.index("processing"))
    status[np.isnan(dispatched) | (end - dispatched < 2 * timeline.HOUR)] = STATUSES.index("dispatched")
    status[np.isnan(dispatched)] = STATUSES.index("accepted")
    status[np.isnan(accepted) & np.isnan(dispatched)] = STATUSES.index("reported")
    status[~np.isnan(closed)] = STATUSES.index("closed")
    status[rejected] = STATUSES.index("rejected")
    return status


def resolved_level(rng, category, weak, is_closed) -> np.ndarray:
    """Where closed cases were resolved (小事不出网格); weak grids pass more cases upwards."""
    level = np.full(len(category), -1)
    dims = category_dimensions()[category]
    for dim, share in texts.RESOLVED_LEVEL_SHARE.items():
        for is_weak in (False, True):
            rows = np.flatnonzero(is_closed & (dims == dim) & (weak == is_weak))
            p = np.array(share)
            if is_weak:
                p = np.r_[p[0] * WEAK["grid_level"], p[1:] * (1 - p[0] * WEAK["grid_level"]) / p[1:].sum()]
            level[rows] = rng.choice(len(LEVELS), len(rows), p=p / p.sum())
    return level
