"""Every metric of docs/metrics.md, docs/safety-index.md against values computed BY HAND from tests/fixture.py, on three dialects.

Nothing here calls the code under test to get an expected value: each expected number is written
as the arithmetic a person does on the fixture's table (see tests/fixture.py), with the rows that
enter it named in the comment. The only helpers are the textbook formulas below.

Periods: P = [2026-03-02, 2026-03-09) (7 days), previous = [2026-02-23, 2026-03-02),
last year = [2025-03-02, 2025-03-09), as-of T = 2026-03-12 12:00. Event ids are "E<n>".
"""
from __future__ import annotations

import math
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from data_access.errors import ScopeDenied
from tests.expect import check as _check
from tests.fixture import ASOF, END, LY_END, LY_START, PREV_END, PREV_START, START

# ---- textbook formulas (docs/metrics.md, docs/safety-index.md), applied to hand-counted numbers ----


def _s(x: float, x_h: float, x_s: float) -> float:
    """Efficacy coefficient s = clamp(60 + 40·(x − x_s)/(x_h − x_s), 0, 100)."""
    return min(100.0, max(0.0, 60 + 40 * (x - x_s) / (x_h - x_s)))


def _index(*parts: tuple[float, float]) -> float:
    """Σ w·s / Σ w over the indicators that have data."""
    return sum(w * s for w, s in parts) / sum(w for w, _ in parts)


def _police(events: int, population: int, days: int = 7) -> float:
    """治安警情率 score: (public_security + fire) per 10,000 residents per 30 days, x_h 2, x_s 20, w .30."""
    return _s(events / population * 10000 * 30 / days, 2, 20)


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _with_wilson(d: dict, k: int, n: int) -> dict:
    lo, hi = _wilson(k, n)
    return {**d, "satisfaction_rate": k / n, "satisfaction_n": n, "satisfaction_ci_low": lo, "satisfaction_ci_high": hi}


RATE_KEYS = ("closure_rate", "on_time_rate", "rework_rate", "grid_resolved_rate", "satisfaction_rate")
HOUR_KEYS = ("mean_hours", "median_hours", "p90_hours")
ALL_KEYS = ("reported", "filed", "closed", "closure_rate", "on_time_rate", "overdue_open", *HOUR_KEYS,
            "rework_rate", "grid_resolved_rate", "satisfaction_rate", "satisfaction_n",
            "satisfaction_ci_low", "satisfaction_ci_high", "safety_index", "safety_grade")

# ---- expected values, by hand ----

# Whole city D, current period P.
# In scope and reported in P: E1–E16, E18, E20, E22, E23, E24 (E17: unknown grid 999; E19 is at
# 03-09 00:00 = P's end; E21 was reported 02-27).
CITY = _with_wilson({
    "reported": 21,
    "filed": 19,              # 21 − rejected E5, E24
    "closed": 14,             # E1 2 3 4 6 8(closed exactly at T) 10 11 12 13 14 16 18 20;
                              # not: E9 (closed after T), E22 (status processing), E7 E15 E23 (open)
    "closure_rate": 14 / 19,  # 0.736842
    # on time (closed_at <= deadline_at): E1 3 4 6 10 11 14(==deadline) 18 20 = 9
    # denominator: closed with a deadline E1 2 3 4 6 8 10 11 12 14 18 20 = 12, plus open & due
    # E7 (03-07), E9 (03-10), E22 (03-08) = 3 → 15. Not: E13 E16 E23 (no deadline), E15 (due 03-14 > T).
    "on_time_rate": 9 / 15,   # 0.6
    # open at T with deadline < T, not rejected: E7, E9, E22, E19 (reported after P), E30 (filed 02-25),
    # E31 (filed 01-15) = 6. Not: E5 (rejected), E15 (due after T), E23 (no deadline), E17 (bad grid).
    "overdue_open": 6,
    # hours of the 14 closed minus E16 (closed before reported): E1 4, E2 30, E3 24, E4 48, E6 47,
    # E8 147, E10 6, E11 10, E12 96, E13 24, E14 48, E18 2, E20 5 — n = 13, sum = 491
    "mean_hours": 491 / 13,   # 37.769231
    # sorted: 2 4 5 6 10 24 24 30 47 48 48 96 147 → median = 7th value = 24
    "median_hours": 24.0,
    # P90: rank (13−1)·0.9 = 10.8 → x[10] + 0.8·(x[11] − x[10]) = 48 + 0.8·(96 − 48) = 86.4
    "p90_hours": 86.4,
    "rework_rate": 2 / 14,          # reopen_count > 0: E4 (1), E12 (2)
    "grid_resolved_rate": 9 / 14,   # grid: E1 2 3 6 10 12 13 16 18; community: E4 8 11 14 20
    # 治安警情率: filed public_security + fire in P: E1, E10, E11(fire), E18 = 4 (E24 rejected, E17 bad grid)
    #   x = 4 / 6000 · 10000 · 30/7 = 28.5714 → s = 60 + 40·(28.5714 − 20)/(2 − 20) = 40.9524
    # 矛盾纠纷: closed dispute E3 grid, E4 community, E12 grid → 2/3 → s = 60 + 40·(0.6667 − .5)/.4 = 76.6667
    # 安全隐患按期: E6 on time, E14 on time (== deadline), E7 due & open, E15 not due → 2/3 → s = 55.2381
    # 按期结案: 0.6 → s = 60 + 40·(0.6 − .7)/.28 = 45.7143
    # 满意: 7/9 → s = 60 + 40·(0.7778 − .8)/.18 = 55.0617
    # 走访覆盖: visits in P 40 + 30 (G1) + 120 + 400 (G3) + 300 (G5) = 890 (not: patrol kind 25 in G2,
    #   visit at 03-09 00:00, grid 999) / 2250 households = 0.39556 → s = 60 + 40·(0.39556 − .3)/.7 = 65.4603
    # index = .3·40.9524 + .15·(76.6667 + 55.2381 + 45.7143 + 55.0617) + .1·65.4603 = 53.7339
    "safety_index": _index((.30, _police(4, 6000)), (.15, _s(2 / 3, .90, .50)), (.15, _s(2 / 3, .98, .70)),
                           (.15, _s(9 / 15, .98, .70)), (.15, _s(7 / 9, .98, .80)), (.10, _s(890 / 2250, 1.0, .30))),
    "safety_grade": "预警",         # 53.73 < 70
}, 7, 9)  # surveys in P, valid: #1 2 3(at P's start) 4 5 7 8 9 10 = 9 (not #6 'unknown', #18 NULL,
#            #11 at P's end, #13 grid 999); satisfied/basically: #1 2 3 5 7 8 10 = 7 → 0.7778, CI [0.4526, 0.9368]

# Street S1 = G1 + G2 (700 households, 1800 residents): E1–E9, E23 reported in P.
S1 = _with_wilson({
    "reported": 10,
    "filed": 9,               # − E5
    "closed": 6,              # E1 2 3 4 6 8 (E9 after T; E7 E23 open)
    "closure_rate": 6 / 9,
    "on_time_rate": 4 / 8,    # on time E1 3 4 6; denominator E1 2 3 4 6 8 + due-open E7 E9
    "overdue_open": 4,        # E7, E9, E19 (G1), E30 (G2)
    "mean_hours": 300 / 6,    # 4 + 30 + 24 + 48 + 47 + 147 = 300 → 50
    "median_hours": 38.5,     # sorted 4 24 30 47 48 147 → (30 + 47)/2
    "p90_hours": 97.5,        # rank 5·0.9 = 4.5 → 48 + 0.5·(147 − 48)
    "rework_rate": 1 / 6,     # E4
    "grid_resolved_rate": 4 / 6,  # E1 2 3 6 (E4, E8 community)
    # 治安 E1 → 1/1800·10000·30/7 = 23.8095 → 51.5344; 纠纷 E3 grid / E3 E4 → .5 → 60;
    # 隐患 E6 on time, E7 due → .5 → 31.4286; 按期 .5 → 31.4286; 满意 .8 → 60;
    # 走访 (40 + 30)/700 = .1 → 48.5714; index = 47.7460
    "safety_index": _index((.30, _police(1, 1800)), (.15, _s(1 / 2, .90, .50)), (.15, _s(1 / 2, .98, .70)),
                           (.15, _s(4 / 8, .98, .70)), (.15, _s(4 / 5, .98, .80)), (.10, _s(70 / 700, 1.0, .30))),
    "safety_grade": "预警",
}, 4, 5)  # surveys #1 2 3 4 (G1) #5 (G2); #6 invalid; good #1 2 3 5

# Street S2 = G3 + G4 + G5 + G6 (1550 households, 4200 residents): E10–E16, E18, E20, E22, E24.
S2 = _with_wilson({
    "reported": 11,
    "filed": 10,              # − E24
    "closed": 8,              # E10 11 12 13 14 16 18 20 (E22 processing, E15 open)
    "closure_rate": 8 / 10,
    "on_time_rate": 5 / 7,    # on time E10 11 14 18 20; denominator + E12 (late) + E22 (due, open)
    "overdue_open": 2,        # E22, E31 (G4, filed 01-15)
    "mean_hours": 191 / 7,    # E10 6 + E11 10 + E12 96 + E13 24 + E14 48 + E18 2 + E20 5 = 191 (E16 bad)
    "median_hours": 10.0,     # sorted 2 5 6 10 24 48 96
    "p90_hours": 67.2,        # rank 6·0.9 = 5.4 → 48 + 0.4·(96 − 48)
    "rework_rate": 1 / 8,     # E12
    "grid_resolved_rate": 5 / 8,  # E10 12 13 16 18 (E11 14 20 community)
    # 治安 E10 E11 E18 = 3 → 3/4200·10000·30/7 = 30.6122 → 36.4172; 纠纷 E12 grid 1/1 → 110 → 100;
    # 隐患 E14 1/1 (E15 not due) → 100 (clamped); 按期 5/7 → 62.0408; 满意 3/4 → 48.8889;
    # 走访 (120 + 400 + 300)/1550 = .52903 → 73.0876; index = 64.8734
    "safety_index": _index((.30, _police(3, 4200)), (.15, _s(1 / 1, .90, .50)), (.15, _s(1 / 1, .98, .70)),
                           (.15, _s(5 / 7, .98, .70)), (.15, _s(3 / 4, .98, .80)), (.10, _s(820 / 1550, 1.0, .30))),
    "safety_grade": "预警",
}, 3, 4)  # surveys #7 8 9 (G3) #10 (G4); #18 NULL invalid; good #7 8 10

# Grid G1 (400 households, 1000 residents): E1–E5.
G1 = _with_wilson({
    "reported": 5, "filed": 4, "closed": 4,
    "closure_rate": 4 / 4,
    "on_time_rate": 3 / 4,    # E2 late
    "overdue_open": 1,        # E19 (reported 03-09 00:00, deadline 03-10)
    "mean_hours": 106 / 4,    # 4 + 30 + 24 + 48
    "median_hours": 27.0,     # sorted 4 24 30 48 → (24 + 30)/2
    "p90_hours": 42.6,        # rank 3·0.9 = 2.7 → 30 + 0.7·(48 − 30)
    "rework_rate": 1 / 4,     # E4
    "grid_resolved_rate": 3 / 4,
    # 治安 E1 → 1/1000·10000·30/7 = 42.857 → 9.2063; 纠纷 1/2 → 60; 隐患: none → missing;
    # 按期 .75 → 67.1429; 满意 .75 → 48.8889; 走访 70/400 = .175 → 52.8571
    # index = (.3·9.2063 + .15·60 + .15·67.1429 + .15·48.8889 + .1·52.8571)/.85 = 40.5322
    "safety_index": _index((.30, _police(1, 1000)), (.15, _s(1 / 2, .90, .50)), (.15, _s(3 / 4, .98, .70)),
                           (.15, _s(3 / 4, .98, .80)), (.10, _s(70 / 400, 1.0, .30))),
    "safety_grade": "预警",
}, 3, 4)  # #1 2 3 4

# Grid G4 (350 households, 900 residents): E13, E14, E15 in P; E21 (previous) and E31 (January).
G4 = _with_wilson({
    "reported": 3, "filed": 3, "closed": 2,
    "closure_rate": 2 / 3,
    "on_time_rate": 1 / 1,    # E14 (== deadline); E13 no deadline; E15 not due
    "overdue_open": 1,        # E31
    "mean_hours": 36.0,       # (24 + 48)/2
    "median_hours": 36.0,
    "p90_hours": 45.6,        # 24 + 0.9·24
    "rework_rate": 0 / 2,     # a real 0.0, not None
    "grid_resolved_rate": 1 / 2,  # E13 grid, E14 community
    # 治安 0 events → x = 0 → 104.4 → 100; 纠纷: none closed → missing; 隐患 1/1 → 100; 按期 → 100;
    # 满意 1/1 → 100; 走访 0/350 → 42.8571; index = (30 + 15 + 15 + 15 + 4.2857)/.85 = 93.2773
    "safety_index": _index((.30, _police(0, 900)), (.15, _s(1, .98, .70)), (.15, _s(1, .98, .70)),
                           (.15, _s(1, .98, .80)), (.10, _s(0 / 350, 1.0, .30))),
    "safety_grade": "平安",
}, 1, 1)  # #10 satisfied; #18 NULL invalid → n = 1, CI [0.2065, 1.0]

# Community C3 = G5 + G6 (700 households, 2100 residents): E16, E18, E20.
C3 = {
    "reported": 3, "filed": 3, "closed": 3,
    "closure_rate": 3 / 3,
    "on_time_rate": 2 / 2,    # E18, E20; E16 has no deadline
    "overdue_open": 0,
    "mean_hours": 3.5,        # E18 2, E20 5 (E16 closed before reported: excluded)
    "median_hours": 3.5,
    "p90_hours": 4.7,         # 2 + 0.9·3
    "rework_rate": 0 / 3,
    "grid_resolved_rate": 2 / 3,  # E16, E18 grid; E20 community
    "satisfaction_rate": None, "satisfaction_n": 0,  # only #11, at P's end
    "satisfaction_ci_low": None, "satisfaction_ci_high": None,
    # 治安 E18 → 1/2100·10000·30/7 = 20.4082 → 59.0930; 按期 1 → 100; 走访 300/700 → 67.3469;
    # 纠纷, 隐患, 满意 missing → index = (17.7279 + 15 + 6.7347)/.55 = 71.7502
    "safety_index": _index((.30, _police(1, 2100)), (.15, _s(1, .98, .70)), (.10, _s(300 / 700, 1.0, .30))),
    "safety_grade": "关注",
}

# Grid G6 (250 households, 1000 residents): nothing happened.
G6 = {
    "reported": 0, "filed": 0, "closed": 0, "closure_rate": None, "on_time_rate": None, "overdue_open": 0,
    "mean_hours": None, "median_hours": None, "p90_hours": None, "rework_rate": None,
    "grid_resolved_rate": None, "satisfaction_rate": None, "satisfaction_n": 0,
    "satisfaction_ci_low": None, "satisfaction_ci_high": None,
    # indicators with a denominator: 治安 (population 1000, 0 events → 100) and 走访 (0/250 → 42.8571)
    # index = (.3·100 + .1·42.8571)/.4 = 85.7143
    "safety_index": _index((.30, _police(0, 1000)), (.10, _s(0 / 250, 1.0, .30))),
    "safety_grade": "基本平安",
}

# Whole city, previous period [02-23, 03-02): E41 E42 E43 E44(rejected) E45(03-01 23:59:59) E30 E21.
CITY_PREVIOUS = _with_wilson({
    "reported": 7, "filed": 6,
    "closed": 5,              # E41 42 43 45, E21 (closed 03-03, after the period but before T); E30 open
    "closure_rate": 5 / 6,
    "on_time_rate": 3 / 6,    # on time E41 43 45; late E42 E21; E30 due & open
    "mean_hours": 174 / 5,    # E41 4 + E42 48 + E43 24 + E45 2 + E21 96 (02-27 → 03-03 = 4 days) = 174
    "median_hours": 24.0,     # sorted 2 4 24 48 96
    "p90_hours": 76.8,        # rank 3.6 → 48 + 0.6·48
    "rework_rate": 0 / 5,
    "grid_resolved_rate": 4 / 5,  # E41 43 45 21 grid, E42 community
    # 治安 E41 → 1/6000·10000·30/7 = 7.1429 → 88.5714; 纠纷 E43 grid 1/1 → 100;
    # 隐患 E30 due & open → 0/1 → −40 → 0 (clamped); 按期 .5 → 31.4286; 满意 2/3 → 30.3704;
    # 走访 60/2250 → 44.3810; index = 26.5714 + 15 + 0 + 4.7143 + 4.5556 + 4.4381 = 55.2794
    "safety_index": _index((.30, _police(1, 6000)), (.15, _s(1, .90, .50)), (.15, _s(0, .98, .70)),
                           (.15, _s(3 / 6, .98, .70)), (.15, _s(2 / 3, .98, .80)), (.10, _s(60 / 2250, 1.0, .30))),
    "safety_grade": "预警",
}, 2, 3)  # #12 satisfied (03-01 18:00), #14 dissatisfied, #15 basically

# Whole city, same week last year: E51, E52 (closed == deadline), E53 (rejected).
CITY_LAST_YEAR = _with_wilson({
    "reported": 3, "filed": 2, "closed": 2,
    "closure_rate": 2 / 2,
    "on_time_rate": 2 / 2,
    "mean_hours": 13.5,       # (3 + 24)/2
    "median_hours": 13.5,
    "p90_hours": 21.9,        # 3 + 0.9·21
    "rework_rate": 0 / 2,
    "grid_resolved_rate": 2 / 2,
    # 治安 E51 → 7.1429 → 88.5714; 纠纷, 隐患 missing; 按期 1 → 100; 满意 1 → 100;
    # 走访 50/2250 → 44.1270; index = (26.5714 + 15 + 15 + 4.4127)/.7 = 87.1202
    "safety_index": _index((.30, _police(1, 6000)), (.15, _s(1, .98, .70)), (.15, _s(1, .98, .80)),
                           (.10, _s(50 / 2250, 1.0, .30))),
    "safety_grade": "基本平安",
}, 2, 2)  # #16, #17

# S1 previous period: E41, E45 (G1), E30 (G2) → filed 3, closed 2.
S1_PREVIOUS = {"reported": 3, "filed": 3, "closed": 2, "closure_rate": 2 / 3, "on_time_rate": 2 / 3}

EMPTY = {
    "reported": 0, "filed": 0, "closed": 0, "closure_rate": None, "on_time_rate": None,
    "mean_hours": None, "median_hours": None, "p90_hours": None, "rework_rate": None,
    "grid_resolved_rate": None, "satisfaction_rate": None, "satisfaction_n": 0,
    "satisfaction_ci_low": None, "satisfaction_ci_high": None,
}


# ---- the API under test, imported lazily so that while it is missing these tests fail (never skip)
#      and the rest of the suite still runs ----

@pytest.fixture(scope="module")
def api():
    from metrics.scope import Scope
    from metrics import summary
    return SimpleNamespace(Scope=Scope, summary=summary)


_CACHE: dict = {}


def summarize(api, db, area_code=None, scope=None, start=START, end=END):
    key = (str(db.engine.url), area_code, repr(scope), start, end)
    if key not in _CACHE:
        _CACHE[key] = api.summary.summarize(db, start=start, end=end, asof=ASOF,
                                            scope=scope if scope is not None else api.Scope.everywhere(),
                                            area_code=area_code)
    return _CACHE[key]


def check(actual: dict, expected: dict, where: str = "") -> None:
    _check(actual, expected, where, exact=("reported", "filed", "closed", "overdue_open", "satisfaction_n"),
           hours=HOUR_KEYS)


# ---- summaries ----

@pytest.mark.parametrize("area_code, expected", [
    pytest.param(None, CITY, id="city"),
    pytest.param("D", CITY, id="D"),
    pytest.param("S1", S1, id="S1"),
    pytest.param("S2", S2, id="S2"),
    pytest.param("C3", C3, id="C3"),
    pytest.param("G1", G1, id="G1"),
    pytest.param("G4", G4, id="G4"),
    pytest.param("G6", G6, id="G6"),
])
def test_summary_current_period(api, fixture_db, area_code, expected):
    result = summarize(api, fixture_db, area_code)
    assert set(ALL_KEYS) <= set(result), f"missing keys: {set(ALL_KEYS) - set(result)}"
    check(result, expected)


def test_city_previous_period(api, fixture_db):
    # overdue_open is left out: it is a state at T, whatever the period
    check(summarize(api, fixture_db)["previous"], CITY_PREVIOUS, "previous.")


def test_city_last_year(api, fixture_db):
    check(summarize(api, fixture_db)["last_year"], CITY_LAST_YEAR, "last_year.")


def test_previous_and_last_year_carry_the_same_keys(api, fixture_db):
    result = summarize(api, fixture_db)
    for nested in ("previous", "last_year"):
        assert set(ALL_KEYS) <= set(result[nested]), f"{nested} misses {set(ALL_KEYS) - set(result[nested])}"


def test_street_previous_period(api, fixture_db):
    check(summarize(api, fixture_db, "S1")["previous"], S1_PREVIOUS, "S1.previous.")


def test_previous_and_last_year_are_the_periods_themselves(api, fixture_db):
    """The nested comparison equals a direct summary of that period (keys that do not depend on T)."""
    result = summarize(api, fixture_db)
    keys = [k for k in ALL_KEYS if k != "overdue_open"]
    for nested, (start, end) in (("previous", (PREV_START, PREV_END)), ("last_year", (LY_START, LY_END))):
        direct = summarize(api, fixture_db, start=start, end=end)
        check(result[nested], {k: direct[k] for k in keys}, f"{nested}.")


# ---- scope ----

def test_scope_subtree_top_is_the_street(api, fixture_db):
    check(summarize(api, fixture_db, None, api.Scope(("S1",))), S1, "scope S1: ")


def test_scope_can_narrow_to_a_grid_inside(api, fixture_db):
    check(summarize(api, fixture_db, "G1", api.Scope(("S1",))), G1, "scope S1, G1: ")


@pytest.mark.parametrize("area_code", ["S2", "G3"])
def test_scope_denies_areas_outside(api, fixture_db, area_code):
    with pytest.raises(ScopeDenied):
        api.summary.summarize(fixture_db, start=START, end=END, asof=ASOF, scope=api.Scope(("S1",)),
                              area_code=area_code)


def test_empty_scope_sees_nothing(api, fixture_db):
    result = summarize(api, fixture_db, None, api.Scope(()))
    check(result, {**EMPTY, "overdue_open": 0, "safety_index": None})
    for rate in RATE_KEYS:
        assert result[rate] is None


def test_period_without_events_gives_no_rates(api, fixture_db):
    # [2024-01-01, 2024-01-08): no event, survey or patrol at all; its previous and last-year periods too
    result = summarize(api, fixture_db, start=date(2024, 1, 1), end=date(2024, 1, 8))
    check(result, EMPTY, "empty period: ")
    check(result["previous"], EMPTY, "empty period previous.")
    check(result["last_year"], EMPTY, "empty period last_year.")


# ---- children and trend ----

def _rows_by_code(frame: pd.DataFrame) -> dict[str, dict]:
    return {str(r["code"]): r for r in frame.to_dict("records")}


def _check_row(row: dict, expected: dict, where: str) -> None:
    """A DataFrame row: rates with no data may be None or NaN."""
    got = {k: (None if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)) else v) for k, v in row.items()}
    check(got, expected, where)


CHILD_KEYS = ("reported", "filed", "closed", "closure_rate", "on_time_rate", "satisfaction_rate", "safety_index")


def test_children_of_the_district_are_the_streets(api, fixture_db):
    frame = api.summary.children_table(fixture_db, start=START, end=END, asof=ASOF, scope=api.Scope.everywhere(),
                                       area_code="D")
    assert {"code", "name", *CHILD_KEYS} <= set(frame.columns)
    rows = _rows_by_code(frame)
    assert set(rows) == {"S1", "S2"}
    assert rows["S1"]["name"] == "东街道" and rows["S2"]["name"] == "西街道"
    for code, expected in (("S1", S1), ("S2", S2)):
        _check_row(rows[code], {k: expected[k] for k in CHILD_KEYS}, f"child {code}: ")


def test_children_of_a_community_are_its_grids(api, fixture_db):
    frame = api.summary.children_table(fixture_db, start=START, end=END, asof=ASOF, scope=api.Scope.everywhere(),
                                       area_code="C3")
    rows = _rows_by_code(frame)
    assert set(rows) == {"G5", "G6"}
    g5 = {  # G5: E16 (bad hours, no deadline), E18, E20 — 450 households, 1100 residents
        "reported": 3, "filed": 3, "closed": 3, "closure_rate": 1.0, "on_time_rate": 2 / 2,
        "satisfaction_rate": None,  # #11 is at P's end
        # 治安 E18 → 1/1100·10000·30/7 = 38.961 → 17.8644; 按期 1 → 100; 走访 300/450 → 80.9524
        # index = (5.3593 + 15 + 8.0952)/.55 = 51.7356
        "safety_index": _index((.30, _police(1, 1100)), (.15, _s(1, .98, .70)), (.10, _s(300 / 450, 1.0, .30))),
    }
    _check_row(rows["G5"], g5, "child G5: ")
    _check_row(rows["G6"], {k: G6[k] for k in CHILD_KEYS}, "child G6: ")


def test_children_respect_the_scope(api, fixture_db):
    frame = api.summary.children_table(fixture_db, start=START, end=END, asof=ASOF, scope=api.Scope(("S1",)),
                                       area_code="S1")
    assert set(_rows_by_code(frame)) == {"W1"}
    with pytest.raises(ScopeDenied):
        api.summary.children_table(fixture_db, start=START, end=END, asof=ASOF, scope=api.Scope(("S1",)),
                                   area_code="S2")


def _trend(api, db, scope=None) -> dict[date, dict]:
    frame = api.summary.trend(db, start=START, end=END, asof=ASOF,
                              scope=scope if scope is not None else api.Scope.everywhere(), area_code=None, grain="day")
    assert {"period_start", "reported", "filed", "closed", "closure_rate", "on_time_rate"} <= set(frame.columns)
    days = pd.to_datetime(frame["period_start"]).dt.date
    return {d: r for d, r in zip(days, frame.to_dict("records"))}


def test_trend_by_day_city(api, fixture_db):
    rows = _trend(api, fixture_db)
    expected = {
        # day: (reported, filed, closed, closure_rate, on_time_rate)
        date(2026, 3, 2): (4, 4, 4, 4 / 4, 3 / 4),  # E20 (00:00), E1, E2 (late), E10
        date(2026, 3, 3): (3, 3, 3, 3 / 3, 3 / 3),  # E3, E4, E11 (E17 bad grid)
        date(2026, 3, 4): (3, 2, 2, 2 / 2, 1 / 2),  # E5 rejected, E6, E12 late
        date(2026, 3, 5): (4, 3, 2, 2 / 3, 1 / 2),  # E7 open due, E13 no deadline, E14, E24 rejected
        date(2026, 3, 6): (3, 3, 2, 2 / 3, 0 / 2),  # E8 late, E16 no deadline, E22 open due
        date(2026, 3, 7): (1, 1, 0, 0 / 1, 0 / 1),  # E9 closed after T
        # E15 not due, E18 (23:30), E23 no deadline: E15 is 1 of 3 filed still open and not yet due at T,
        # so the day's 结案率 is not comparable yet and is left out (metrics/buckets.py)
        date(2026, 3, 8): (3, 3, 1, None, 1 / 1),
    }
    assert sorted(rows) == sorted(expected)
    for day, (rep, fil, clo, cr, ot) in expected.items():
        _check_row(rows[day], {"reported": rep, "filed": fil, "closed": clo, "closure_rate": cr, "on_time_rate": ot},
                   f"{day}: ")


def test_trend_by_day_street(api, fixture_db):
    rows = _trend(api, fixture_db, api.Scope(("S1",)))
    # S1: 03-02 E1 E2 · 03-03 E3 E4 · 03-04 E5 E6 · 03-05 E7 · 03-06 E8 · 03-07 E9 · 03-08 E23
    expected = {date(2026, 3, 2): 2, date(2026, 3, 3): 2, date(2026, 3, 4): 2, date(2026, 3, 5): 1,
                date(2026, 3, 6): 1, date(2026, 3, 7): 1, date(2026, 3, 8): 1}
    assert {d: int(r["reported"]) for d, r in rows.items()} == expected
    assert sum(int(r["reported"]) for r in rows.values()) == S1["reported"]


def test_a_case_closed_without_a_closing_time_is_closed_and_not_overdue(fixture_db, fixture_copy):
    """The platform marks E600 closed but never wrote when: it counts as closed (its status says so),
    is not 超期未结 although its deadline has passed, and has no handling time to add."""
    from data_access.db import Database
    from metrics.query import aggregate
    from metrics.period import Period
    from metrics.scope import AreaTree, Scope, resolve
    names = ["reported", "filed", "closed", "overdue_open", "handled_n", "mean_hours", "on_time_n", "due_n"]

    def figures(db):
        focus = resolve(AreaTree.load(db), Scope.everywhere(), None)
        return aggregate(db, focus, Period(START, END), ASOF, names).iloc[0].to_dict()

    db = Database.connect(fixture_copy(
        "INSERT INTO events (id, case_no, grid_id, category_code, source, reported_at, status, deadline_at) "
        "VALUES (600, 'WG202603030600', 11, 'CM01', 'worker_app', TIMESTAMP '2026-03-03 10:00:00', 'closed', "
        "TIMESTAMP '2026-03-04 10:00:00')"))
    try:
        got, before = figures(db), figures(fixture_db)
    finally:
        db.dispose()
    for name in ("reported", "filed", "closed", "due_n"):  # due_n: closed cases with a deadline are due
        assert got[name] == before[name] + 1, name
    for name in ("overdue_open", "handled_n", "on_time_n"):  # on time cannot be told without the time
        assert got[name] == before[name], name
    assert got["mean_hours"] == pytest.approx(before["mean_hours"])
