"""Which 职能部门 handles each case, and the dispatch history (派遣记录) behind it: 签收, 退单, 再派.

A case's department comes from its category (RESPONSIBLE): the category's responsible department, or
for some categories a second one. Most cases are dispatched there at once, and the department signs
for them (签收) after a log-normal response time. RETURN_SHARE of them first go to a wrong
department, which sends the case back (退单) a few hours later; the dispatch centre dispatches it
again a little after that, and TWICE_SHARE bounce twice before they reach their department. One
department (SLOW) is persistently slow to sign for its cases and closes them late more often.

`plan` draws everything that does not depend on when a case was dispatched, for every event: the
departments and each dispatch's times as offsets from the first dispatch. The lifecycle uses it to
make a closure wait for the department (`Plan.wait`, `Plan.bounce`, `Plan.late`); `history` then
places the offsets after each event's dispatched_at and leaves out whatever would happen at or after
`end` (the case then stays with the last department it reached).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from data_access.demo import texts
from data_access.demo.timeline import HOUR, to_datetime

CODES = tuple(code for code, _, _ in texts.HANDLING_DEPARTMENTS)
# category: (responsible department, second department or None, the second one's share of the cases,
# departments a case of the category is mistaken for: where the returned cases go first).
RESPONSIBLE = {
    "ZA01": ("GA", None, 0.0, ("SF", "CG")), "ZA02": ("GA", None, 0.0, ("ZJ", "CG")),
    "ZA03": ("GA", None, 0.0, ("SJ", "SF")),
    "MD01": ("SF", None, 0.0, ("ZJ", "GA", "HB")), "MD02": ("SF", "MZ", 0.15, ("GA",)),
    "MD03": ("ZJ", "SJ", 0.30, ("SF", "CG")), "MD04": ("RS", "ZJ", 0.20, ("SF",)),
    "AQ01": ("RQ", "ZJ", 0.25, ("YJ", "SJ")), "AQ02": ("XF", "GD", 0.15, ("YJ", "ZJ")),
    "AQ03": ("ZJ", "YJ", 0.20, ("CG", "JT")), "AQ04": ("JT", "GA", 0.40, ("CG", "ZJ")),
    "XF01": ("XF", "CG", 0.20, ("GA",)), "XF02": ("XF", None, 0.0, ("ZJ", "YJ")),
    "CG01": ("CG", "SJ", 0.10, ("JT", "GA")), "CG02": ("CG", "ZJ", 0.20, ("JT",)),
    "CG03": ("CG", "HB", 0.15, ("ZJ",)), "CG04": ("CG", "ZJ", 0.20, ("GS", "GD", "JT")),
    "MS01": ("RS", "MZ", 0.30, ("SF",)), "MS02": ("MZ", None, 0.0, ("RS", "SF")),
    "MS03": ("GS", "GR", 0.35, ("ZJ", "GD")), "QT01": ("CG", "MZ", 0.30, ("SF",)),
}
# The phrases of texts.DESCRIPTIONS (by position) that fit a department of a two-department category,
# so that a heating complaint goes to the 热力公司 and a 低保 question to the 民政局; unlisted: all.
PHRASES = {
    ("MD03", "ZJ"): (0, 1), ("MD03", "SJ"): (2,), ("MD04", "ZJ"): (1,), ("AQ02", "GD"): (2,),
    ("AQ04", "JT"): (1, 2), ("AQ04", "GA"): (0, 2), ("CG03", "HB"): (2,), ("CG04", "ZJ"): (1, 2),
    ("MS01", "RS"): (0, 2), ("MS01", "MZ"): (1,), ("MS03", "GS"): (0, 2), ("MS03", "GR"): (1,),
}
# 签收: minutes from a dispatch to the department signing for it (log-normal median, spread RESPONSE_SIGMA).
RESPONSE_MEDIAN_MIN = {"CG": 35, "ZJ": 240, "YJ": 40, "SJ": 45, "MZ": 50, "HB": 50, "XF": 30, "GA": 30,
                       "RS": 55, "SF": 45, "JT": 50, "GS": 40, "GR": 45, "RQ": 35, "GD": 40}
RESPONSE_SIGMA = 0.8
SLOW = "ZJ"                          # the persistently slow department …
SLOW_LATE_FACTOR = 1.8               # … whose cases close late this many times as often
RETURN_SHARE = 0.04                  # dispatched cases returned at least once …
TWICE_SHARE = 0.005                  # … and these twice (three dispatches)
UNSIGNED_SHARE = 0.4                 # returned before the department signed for it (accepted_at NULL)
RETURN_MEDIAN_S = 2 * HOUR           # from signing (or when it would have signed) to the return
RETURN_SIGMA = 0.6
REDISPATCH_MEDIAN_S = 20 * 60        # from a return to the next dispatch
REDISPATCH_SIGMA = 0.7
CROSS_SHARE = (0.8, 0.2)             # 职责交叉 reasons: returned by the category's other department, by any other
ADDRESS_SHARE = 0.2                  # 地址不属辖区, of the other reasons


def department_frame() -> pd.DataFrame:
    frame = pd.DataFrame(texts.HANDLING_DEPARTMENTS, columns=["code", "name", "kind"])
    return frame.astype({"code": "str", "name": "str", "kind": "str"})


def _index(code: str) -> int:
    return CODES.index(code)


def _categories() -> list[str]:
    return [c for c, _, _ in texts.CATEGORIES]


def responsibility() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per category: responsible and second department (−1: none), the second one's share; per
    (category, side) pool 2·category + side: the departments a case is mistaken for (padded with −1)
    and how many there are. The candidates of a side are the category's other department and its
    confusions, never the side's own department."""
    cats = _categories()
    first = np.array([_index(RESPONSIBLE[c][0]) for c in cats])
    second = np.array([_index(RESPONSIBLE[c][1]) if RESPONSIBLE[c][1] else -1 for c in cats])
    share = np.array([RESPONSIBLE[c][2] for c in cats])
    pools = []
    for c in cats:
        one, two, _, confused = RESPONSIBLE[c]
        for own in (one, two):
            others = [d for d in (one, two, *confused) if d and d != own]
            pools.append([_index(d) for d in dict.fromkeys(others)])
    width = max(len(p) for p in pools)
    wrong = np.array([p + [-1] * (width - len(p)) for p in pools])
    count = np.array([len(p) for p in pools])
    assert count.min() >= 2                      # room for two different wrong departments
    return first, second, share, wrong, count


def phrase_pools() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Description phrases per pool 2·category + side (side 1: the second department), as positions
    into the flat phrase list of `eventtext.descriptions`: (flat, offsets, counts)."""
    cats = _categories()
    starts = np.cumsum([0] + [len(texts.DESCRIPTIONS[c]) for c in cats])
    flat, counts = [], []
    for k, c in enumerate(cats):
        one, two = RESPONSIBLE[c][:2]
        for dept in (one, two or one):
            chosen = PHRASES.get((c, dept), range(len(texts.DESCRIPTIONS[c])))
            flat += [int(starts[k]) + i for i in chosen]
            counts.append(len(chosen))
    counts = np.array(counts)
    return np.array(flat), np.cumsum(np.r_[0, counts[:-1]]), counts


@dataclass
class Plan:
    """Every event's dispatches, should it be dispatched: per event, then per dispatch (event-major,
    1–3 per event). Offsets are seconds after the event's first dispatch."""
    side: np.ndarray            # per event: 0 the category's responsible department, 1 its second one
    returns: np.ndarray         # per event: 0, 1 or 2 returns before the department is reached
    late: np.ndarray            # per event: factor on the share of late closures (SLOW's cases)
    wait: np.ndarray            # per event: offset of the last dispatch's 签收
    bounce: np.ndarray          # per event: offset of the last dispatch (0 when never returned)
    event: np.ndarray           # per dispatch: event position
    department: np.ndarray      # per dispatch: index into CODES
    dispatched: np.ndarray      # per dispatch: offsets …
    accepted: np.ndarray        # … NaN: returned before signing
    returned: np.ndarray        # … NaN: not returned
    reason: np.ndarray          # per dispatch: index into reason_pool(), −1 when not returned


def reason_pool() -> pd.Series:
    names = [name for _, name, _ in texts.HANDLING_DEPARTMENTS]
    return pd.Series(list(texts.RETURN_REASONS) + [texts.CROSS_REASON.format(n) for n in names], dtype="str")


def plan(rng: np.random.Generator, category: np.ndarray) -> Plan:
    n = len(category)
    first, second, share, wrong, count = responsibility()
    side = (rng.random(n) < share[category]).astype(np.int8)
    own = np.where(side == 1, second[category], first[category])
    u = rng.random(n)
    returns = np.where(u < TWICE_SHARE, 2, np.where(u < RETURN_SHARE, 1, 0)).astype(np.int8)

    rows = returns.astype(np.int64) + 1
    start = np.cumsum(rows) - rows
    event = np.repeat(np.arange(n), rows)
    step = np.arange(len(event)) - start[event]
    last = step == returns[event]
    department = own[event].astype(np.int16)

    # The returned cases' wrong departments: two different ones from the pool of their category and side.
    bounced = np.flatnonzero(returns > 0)
    pool = 2 * category[bounced] + side[bounced]
    k = count[pool]
    j1 = (rng.random(len(bounced)) * k).astype(np.int64)
    j2 = (j1 + 1 + (rng.random(len(bounced)) * (k - 1)).astype(np.int64)) % k
    department[start[bounced]] = wrong[pool, j1]
    twice = returns[bounced] == 2
    department[start[bounced[twice]] + 1] = wrong[pool[twice], j2[twice]]

    m = len(event)
    medians = np.log(np.array([RESPONSE_MEDIAN_MIN[c] * 60.0 for c in CODES]))
    response = np.exp(medians[department] + RESPONSE_SIGMA * rng.standard_normal(m))
    back = np.flatnonzero(~last)                          # the dispatches that are returned
    to_return = response[back] + np.exp(np.log(RETURN_MEDIAN_S) + RETURN_SIGMA * rng.standard_normal(len(back)))
    gap = np.exp(np.log(REDISPATCH_MEDIAN_S) + REDISPATCH_SIGMA * rng.standard_normal(len(back)))
    dispatched = np.zeros(m)
    for s in (1, 2):                                      # back holds the rows before steps 1 and 2
        later = back[step[back] == s - 1]
        dispatched[later + 1] = dispatched[later] + to_return[np.searchsorted(back, later)] \
            + gap[np.searchsorted(back, later)]
    accepted = dispatched + response
    returned = np.full(m, np.nan)
    returned[back] = dispatched[back] + to_return
    accepted[back[rng.random(len(back)) < UNSIGNED_SHARE]] = np.nan

    # The reason: 职责交叉 names the department the case goes to next.
    cat_b = category[event[back]]
    crossing = (department[back] == first[cat_b]) | (department[back] == second[cat_b])
    v = rng.random(len(back))
    cross = v < np.where(crossing, CROSS_SHARE[0], CROSS_SHARE[1])
    address = ~cross & (rng.random(len(back)) < ADDRESS_SHARE)
    reason = np.full(m, -1, np.int16)
    reason[back] = np.where(cross, len(texts.RETURN_REASONS) + department[back + 1], np.where(address, 1, 0))

    final = start + returns
    late = np.where(own == _index(SLOW), SLOW_LATE_FACTOR, 1.0)
    return Plan(side, returns, late, dispatched[final] + response[final], dispatched[final],
                event, department, dispatched, accepted, returned, reason)


def history(p: Plan, first_dispatch: np.ndarray, end: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The dispatches frame (ids in dispatched_at order) and each event's department (index into
    CODES, −1 when never dispatched): the department of its last dispatch before `end`."""
    n = len(first_dispatch)
    d0 = first_dispatch[p.event]
    at = d0 + p.dispatched
    rows = np.flatnonzero(at < end)                       # NaN (never dispatched) compares False
    rows = rows[np.argsort(at[rows], kind="stable")]
    event = p.event[rows]
    accepted = d0[rows] + p.accepted[rows]
    returned = d0[rows] + p.returned[rows]
    accepted[accepted >= end] = np.nan
    reason = np.where(returned < end, p.reason[rows], -1)
    returned[~(returned < end)] = np.nan

    # The last dispatch that happened: rows of an event are a prefix of its plan, in time order.
    kept = np.bincount(event, minlength=n)
    start = np.cumsum(p.returns.astype(np.int64) + 1) - (p.returns.astype(np.int64) + 1)
    department = np.where(kept > 0, p.department[start + np.maximum(kept, 1) - 1], -1)

    frame = pd.DataFrame({                                # fresh arrays: copy=False spares 1 s at 10M rows
        "id": np.arange(1, len(rows) + 1, dtype=np.int64),
        "event_id": event + 1,                            # events' ids follow their positions
        "department_code": _take(pd.Series(CODES, dtype="str"), p.department[rows]),
        "dispatched_at": to_datetime(at[rows]),
        "accepted_at": to_datetime(accepted),
        "returned_at": to_datetime(returned),
        "reason": _sparse_take(reason_pool(), reason),
    }, copy=False)
    return frame, department


def _take(pool: pd.Series, index: np.ndarray) -> pd.Series:
    """pool[index] with −1 → missing, as a fresh str Series."""
    return pd.Series(pd.api.extensions.take(pool.array, np.asarray(index, np.int64), allow_fill=True), dtype="str")


def _sparse_take(pool: pd.Series, index: np.ndarray) -> pd.Series:
    """pool[index] with −1 → missing, as a str Series; for mostly missing values (5× faster than pandas' take)."""
    missing = index < 0
    taken = pa.array(pool.tolist(), pa.large_string()).take(pa.array(np.where(missing, 0, index), mask=missing))
    return pd.Series(taken, dtype="str")
