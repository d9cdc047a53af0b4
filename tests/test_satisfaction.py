"""群众满意度 metrics (metrics/satisfaction.py) against values worked out BY HAND on tests/fixture.py,
on DuckDB, PostgreSQL and MariaDB.

Valid answers (satisfied / basically_satisfied / dissatisfied) per grid, from the fixture's survey list:

    P = [03-02, 03-09)        G1: #1 S, #2 S, #3 B (at P's start), #4 D → 3/4     G2: #5 S (#6 invalid) → 1/1
                              G3: #7 S, #8 B, #9 D → 2/3                          G4: #10 S (#18 NULL) → 1/1
                              G5: #11 is at P's end → 0/0                         G6: nothing → 0/0
                              (#13 is on grid 999: outside every scope)
    previous = [02-23, 03-02) G1: #12 S → 1/1      G3: #14 D → 0/1      G4: #15 B → 1/1
    last year                 G1: #16 S → 1/1      G3: #17 S → 1/1

So city 7/9 (previous 2/3, last year 2/2); S1 = G1+G2 4/5 (1/1, 1/1); S2 = G3..G6 3/4 (1/2, 1/1).

Two-proportion z-test (pooled): p̂ = (x1+x2)/(n1+n2), se = √(p̂(1−p̂)(1/n1+1/n2)), z = (x1/n1 − x2/n2)/se,
two-sided p = erfc(|z|/√2). The z values below are worked out in closed form in the comments.
"""
from __future__ import annotations

import math

import pytest

from data_access.errors import ScopeDenied
from metrics import satisfaction as sat
from metrics.scope import Scope
from tests.fixture import ASOF, END, START


def p_of(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# City 环比: 7/9 vs 2/3 → +11.11 pp. p̂ = 9/12 = 3/4, se = √(3/16 · (1/9 + 1/3)) = √(1/12),
# z = (1/9)·√12 = 0.3849 → p = 0.7003: not significant.
CITY_Z_PREV = math.sqrt(12) / 9
# City 同比: 7/9 vs 2/2 → −22.22 pp. p̂ = 9/11, se = √(9/11 · 2/11 · (1/9 + 1/2)) = √(1/11),
# z = −(2/9)·√11 = −0.7370 → p = 0.4611.
CITY_Z_YOY = -2 / 9 * math.sqrt(11)
# S1 环比 and 同比: 4/5 vs 1/1 → −20 pp. p̂ = 5/6, se = √(5/36 · 6/5) = √(1/6), z = −0.2·√6 = −0.4899 → p = 0.6242.
S1_Z = -0.2 * math.sqrt(6)
# S2 环比: 3/4 vs 1/2 → +25 pp. p̂ = 4/6, se = √(2/9 · 3/4) = √(1/6), z = 0.25·√6 = 0.6124 → p = 0.5403.
S2_Z_PREV = 0.25 * math.sqrt(6)
# S2 同比: 3/4 vs 1/1 → −25 pp. p̂ = 4/5, se = √(4/25 · 5/4) = √(1/5), z = −0.25·√5 = −0.5590 → p = 0.5762.
S2_Z_YOY = -0.25 * math.sqrt(5)


def approx(v):
    return pytest.approx(v, rel=1e-9, abs=1e-12)


def kw(**extra):
    return dict(start=START, end=END, asof=ASOF, scope=Scope.everywhere(), **extra)


# ---- the pure test on counts ----

def test_compare_city_counts_by_hand():
    got = sat.compare(7, 9, 2, 3)
    assert got["change_pp"] == approx((7 / 9 - 2 / 3) * 100)  # +11.11 pp
    assert got["p_value"] == approx(p_of(CITY_Z_PREV))
    assert got["p_value"] == pytest.approx(0.7003, abs=1e-4)
    assert got["significant"] is False


def test_compare_large_samples_is_significant():
    # 90/100 vs 80/100: p̂ = 0.85, se = √(0.85·0.15·0.02) = 0.050498, z = 0.1/0.050498 = 1.9803 → p = 0.0477 < 0.05
    got = sat.compare(90, 100, 80, 100)
    assert got["change_pp"] == approx(10.0)
    assert got["p_value"] == pytest.approx(0.0477, abs=1e-4)
    assert got["significant"] is True
    # 89/100 vs 80/100: z = 0.09/√(0.845·0.155·0.02) = 1.7579 → p = 0.0788: not significant
    assert sat.compare(89, 100, 80, 100)["significant"] is False


def test_compare_without_data_or_with_equal_extremes():
    assert sat.compare(1, 1, 0, 0) == {"change_pp": None, "p_value": None, "significant": None}
    assert sat.compare(0, 0, 3, 4) == {"change_pp": None, "p_value": None, "significant": None}
    # 1/1 vs 1/1: p̂ = 1, se = 0: no test, but the rates are equal → 0 pp, not significant
    assert sat.compare(1, 1, 1, 1) == {"change_pp": 0.0, "p_value": None, "significant": False}


# ---- on the fixture, three dialects ----

def test_city_summary(fixture_db):
    got = sat.satisfaction_summary(fixture_db, **kw())
    lo, hi = wilson(7, 9)  # 0.4526–0.9368
    assert (got["satisfied_n"], got["satisfaction_n"]) == (7, 9)
    assert got["satisfaction_rate"] == approx(7 / 9)
    assert (got["satisfaction_ci_low"], got["satisfaction_ci_high"]) == (approx(lo), approx(hi))
    assert (got["previous_satisfied_n"], got["previous_n"], got["previous_rate"]) == (2, 3, approx(2 / 3))
    assert got["change_pp"] == approx(100 / 9)
    assert got["p_value"] == approx(p_of(CITY_Z_PREV)) and got["significant"] is False
    assert (got["last_year_satisfied_n"], got["last_year_n"], got["last_year_rate"]) == (2, 2, 1.0)
    assert got["yoy_change_pp"] == approx(-200 / 9)
    assert got["yoy_p_value"] == approx(p_of(CITY_Z_YOY)) and got["yoy_significant"] is False


def test_street_summary_equals_its_row_among_the_children(fixture_db):
    got = sat.satisfaction_summary(fixture_db, **kw(area_code="S1"))
    assert (got["satisfied_n"], got["satisfaction_n"], got["previous_n"], got["last_year_n"]) == (4, 5, 1, 1)
    assert got["change_pp"] == approx(-20.0) and got["p_value"] == approx(p_of(S1_Z))


def test_children_of_the_district(fixture_db):
    frame = sat.satisfaction_by_child(fixture_db, **kw())
    rows = {r["code"]: r for r in frame.to_dict("records")}
    assert list(frame["code"]) == ["S1", "S2"]
    s1, s2 = rows["S1"], rows["S2"]
    # S1 = G1 + G2: 4/5, Wilson 0.3755–0.9638; previous 1/1 (#12), last year 1/1 (#16)
    assert (s1["name"], s1["satisfied_n"], s1["satisfaction_n"]) == ("东街道", 4, 5)
    assert (s1["satisfaction_ci_low"], s1["satisfaction_ci_high"]) == tuple(approx(v) for v in wilson(4, 5))
    assert s1["change_pp"] == approx(-20.0) and s1["p_value"] == approx(p_of(S1_Z)) and not s1["significant"]
    assert s1["yoy_change_pp"] == approx(-20.0) and s1["yoy_p_value"] == approx(p_of(S1_Z))
    # S2 = G3..G6: 3/4; previous 1/2 (#14 D, #15 B), last year 1/1 (#17)
    assert (s2["satisfied_n"], s2["satisfaction_n"], s2["previous_satisfied_n"], s2["previous_n"]) == (3, 4, 1, 2)
    assert s2["satisfaction_rate"] == approx(0.75) and s2["previous_rate"] == approx(0.5)
    assert s2["change_pp"] == approx(25.0) and s2["p_value"] == approx(p_of(S2_Z_PREV)) and not s2["significant"]
    assert s2["yoy_change_pp"] == approx(-25.0) and s2["yoy_p_value"] == approx(p_of(S2_Z_YOY))


def test_children_without_answers_have_no_rate(fixture_db):
    frame = sat.satisfaction_by_child(fixture_db, **kw(area_code="C3"))
    assert list(frame["code"]) == ["G5", "G6"]
    assert list(frame["satisfaction_n"]) == [0, 0]  # #11 is at P's end; G6 has no surveys
    assert frame["satisfaction_rate"].isna().all() and frame["satisfaction_ci_low"].isna().all()
    assert frame["change_pp"].isna().all() and frame["significant"].isna().all()


def test_grid_children_equal_rates_cannot_be_tested(fixture_db):
    rows = {r["code"]: r for r in sat.satisfaction_by_child(fixture_db, **kw(area_code="C2")).to_dict("records")}
    # G3: 2/3 vs 0/1 → +66.67 pp; p̂ = 2/4, se = √(1/4 · 4/3) = √(1/3), z = (2/3)·√3 = 1.1547 → p = 0.2482
    assert rows["G3"]["change_pp"] == approx(200 / 3) and rows["G3"]["p_value"] == approx(p_of(2 / 3 * math.sqrt(3)))
    # G4: 1/1 vs 1/1 (#15 basically satisfied): no change, no test, not significant
    assert rows["G4"]["change_pp"] == 0.0 and math.isnan(rows["G4"]["p_value"]) and rows["G4"]["significant"] is False


def test_a_grid_has_no_children(fixture_db):
    assert sat.satisfaction_by_child(fixture_db, **kw(area_code="G1")).empty


def test_worst_grids_need_the_minimum_sample(fixture_db):
    frame = sat.worst_grids(fixture_db, **kw(min_n=2))
    # n ≥ 2: G3 2/3 = 0.667 then G1 3/4 = 0.75; G2 (1/1), G4 (1/1), G5, G6 (0) are not ranked
    ranked = frame[frame["ranked"]]
    assert list(ranked["code"]) == ["G3", "G1"]
    assert list(ranked["parent_name"]) == ["西一社区", "东一社区"]
    assert ranked["satisfaction_rate"].tolist() == [approx(2 / 3), approx(0.75)]
    assert sorted(frame.loc[~frame["ranked"], "code"]) == ["G2", "G4", "G5", "G6"]
    # with min_n = 4 only G1 (n = 4) qualifies
    assert list(sat.worst_grids(fixture_db, **kw(min_n=4)).query("ranked")["code"]) == ["G1"]


def test_worst_grids_below_a_grid_are_none(fixture_db):
    assert sat.worst_grids(fixture_db, **kw(area_code="G3")).empty


def test_by_category_follows_the_event(fixture_db):
    frame = sat.satisfaction_by_category(fixture_db, **kw())
    got = {r["label"]: (r["satisfied_n"], r["satisfaction_n"]) for r in frame.to_dict("records")}
    # #1→E1 PS01, #7→E10 PS01: 治安警情 2/2; #2→E3, #9→E12 DS01: 矛盾纠纷 1/2; #4→E2, #10→E13 CM01:
    # 城市管理 1/2; #5→E6 SH01 安全隐患 1/1; #8→E11 FI01 消防 1/1; #3 resident survey: 无关联事件 1/1
    assert got == {"治安警情": (2, 2), "矛盾纠纷": (1, 2), "城市管理": (1, 2), "安全隐患": (1, 1), "消防": (1, 1),
                   "无关联事件": (1, 1)}
    assert frame["satisfaction_n"].sum() == 9  # every valid answer in P, once
    row = frame[frame["label"] == "矛盾纠纷"].iloc[0]
    assert (row["satisfaction_ci_low"], row["satisfaction_ci_high"]) == tuple(approx(v) for v in wilson(1, 2))


def test_trend_by_day(fixture_db):
    frame = sat.satisfaction_trend(fixture_db, **kw(grain="day"))
    got = {t.strftime("%m-%d"): (x, n) for t, x, n in zip(frame["period_start"], frame["satisfied_n"],
                                                          frame["satisfaction_n"])}
    # 03-02: #1 S, #3 B; 03-03: #7 S; 03-04: #2 S, #4 D, #8 B; 03-06: #5 S, #10 S; 03-08: #9 D
    assert got == {"03-02": (2, 2), "03-03": (1, 1), "03-04": (2, 3), "03-06": (2, 2), "03-08": (0, 1)}
    last = frame.iloc[-1]
    assert last["satisfaction_rate"] == 0.0 and last["satisfaction_ci_low"] == 0.0  # 0/1: a rate, not 无数据
    assert last["satisfaction_ci_high"] == approx(wilson(0, 1)[1])


def test_scope_narrows_and_denies(fixture_db):
    got = sat.satisfaction_summary(fixture_db, start=START, end=END, asof=ASOF, scope=Scope(("S1",)))
    assert (got["satisfied_n"], got["satisfaction_n"]) == (4, 5)
    with pytest.raises(ScopeDenied):
        sat.satisfaction_by_child(fixture_db, start=START, end=END, asof=ASOF, scope=Scope(("S1",)), area_code="S2")
    empty = sat.satisfaction_summary(fixture_db, start=START, end=END, asof=ASOF, scope=Scope(()))
    assert empty["satisfaction_n"] == 0 and empty["satisfaction_rate"] is None and empty["change_pp"] is None
