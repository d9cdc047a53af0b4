"""网格员绩效 (docs/metrics.md: 网格员绩效) against values computed BY HAND from tests/fixture.py, on three dialects.

Nothing here calls the code under test to get an expected value: every number is the arithmetic a
person does on the fixture's rows (workers, reporters, accepted_at and patrols are listed in the
docstring of tests/fixture.py), with the rows named in the comments.

P = [2026-03-02 Mon, 2026-03-09 Mon), T = 2026-03-12 12:00. Working days in P: 03-02 … 03-06 = 5, so
the visit target is 15 × 5 = 75 households. Default weights: visits .25, patrol_days .15,
valid_report .15, verify_on_time .15, grid_on_time .15, grid_satisfaction .15.

Per worker:
  reported / filed       events with reporter_worker_id = the worker, reported in P (filed: not rejected)
  visits                 Σ households_visited of the worker's kind-'visit' patrol rows started in P
  patrol_days            distinct dates of the worker's patrol rows (either kind) started in P
  c_verify_on_time       events of the worker's area subtree reported in P with accepted_at: accepted
                         within 30 minutes (inclusive) / those
  c_grid_on_time, c_grid_satisfaction   docs/metrics.md on-time and satisfaction rate of the worker's area
  score                  100 × Σ w·c / Σ w over the components with data; grade A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from data_access.db import Database
from data_access.errors import ScopeDenied
from tests.expect import check as _check
from tests.fixture import ASOF, END, START

W = {"visits": .25, "patrol_days": .15, "valid_report": .15, "verify_on_time": .15,
     "grid_on_time": .15, "grid_satisfaction": .15}
COMPONENTS = tuple(W)


def _score(c: dict) -> float:
    """Textbook: 100 × Σ w·c / Σ w over the components that have data (None = no data)."""
    have = {k: v for k, v in c.items() if v is not None}
    return 100 * sum(W[k] * v for k, v in have.items()) / sum(W[k] for k in have)


def _worker(measures: dict, comps: dict, grade: str) -> dict:
    return {**measures, "working_days": 5, **{f"c_{k}": v for k, v in comps.items()},
            "valid_report_rate": comps["valid_report"], "score": _score(comps), "grade": grade}


# ---- the areas' shared numbers (rows of the fixture) ----

# G1 (11): events in P E1–E5.
#   on time: filed E1–E4, on time E1 E3 E4, E2 late → 3/4 (as G1 in test_metrics)
#   satisfaction: surveys #1 #2 #3 good, #4 dissatisfied → 3/4
#   verify: accepted_at E1 +11 min ✓, E2 +45 ✗, E3 NULL (left out), E4 +30:00 ✓ (boundary, inclusive),
#           E5 +15 ✓ (rejected, but it was accepted) → 3/4
G1_AREA = {"verify_on_time": 3 / 4, "grid_on_time": 3 / 4, "grid_satisfaction": 3 / 4}
# C1 (6) and W1 (4) both cover G1 + G2, i.e. all of S1.
#   on time 4/8 and satisfaction 4/5 (as S1 in test_metrics)
#   verify: G1 as above (E1 E4 E5 of E1 E2 E4 E5) + G2: E6 +16 ✓, E7 +17 ✓, E8 +30:01 ✗, E9 +40 ✗,
#           E23 NULL (status reported) → (3 + 2)/(4 + 4) = 5/8
C1_AREA = {"verify_on_time": 5 / 8, "grid_on_time": 4 / 8, "grid_satisfaction": 4 / 5}
# G3 (13): events in P E10 E11 E12 E22 E24.
#   on time: filed E10 E11 E12 E22 (E24 rejected); on time E10 (02:00 ≤ 20:00), E11 (21:00 ≤ 23:00);
#            E12 late, E22 open and due 03-08 → 2/4
#   satisfaction: #7 satisfied, #8 basically, #9 dissatisfied → 2/3
#   verify: E10 +20 ✓, E11 +21 ✓, E12 +22 ✓, E22 +32 ✗, E24 +34 ✗ → 3/5
G3_AREA = {"verify_on_time": 3 / 5, "grid_on_time": 2 / 4, "grid_satisfaction": 2 / 3}
# C2 (7) = G3 + G4. G4: E13 (no deadline) E14 (on time, == deadline) E15 (not due) → on time 1/1;
#   satisfaction #10 → 1/1 (#18 NULL); verify E13 +23 ✓, E14 +24 ✓, E15 +25 ✓ → 3/3.
#   C2: on time (2 + 1)/(4 + 1) = 3/5, satisfaction (2 + 1)/(3 + 1) = 3/4, verify (3 + 3)/(5 + 3) = 6/8
C2_AREA = {"verify_on_time": 6 / 8, "grid_on_time": 3 / 5, "grid_satisfaction": 3 / 4}

# ---- expected rows, by hand ----

EXPECTED = {
    # 101 张三明, grid_worker of G1.
    # reports in P: E1 E2 E5(rejected) E6(in G2) → 4, filed 3 (E19 at 03-09 00:00 and E45 are outside P)
    # visits: #1 40 (03-03) + #3 30 (03-06) = 70 (#7 in G2 is kind patrol: its 25 do not count;
    #   #8 previous, #10 last year)  → c = 70/75 = 0.9333
    # patrol days: 03-03 (#1, #12), 03-04 (#2), 03-05 (#7), 03-06 (#3) = 4 (#13 at 03-09 00:00 and
    #   #14 at 03-01 23:30 are outside P) → c = 4/5
    # score = .25·.9333 + .15·.8 + .15·.75 + .15·(.75 + .75 + .75) = .2333 + .12 + .1125 + .3375 = 80.3333 → B
    101: _worker({"role": "grid_worker", "reported": 4, "filed": 3, "visits": 70, "patrol_days": 4},
                 {"visits": 70 / 75, "patrol_days": 4 / 5, "valid_report": 3 / 4, **G1_AREA}, "B"),
    # 107 周九, the second grid_worker of G1.
    # reports: E4 → 1, filed 1. visits: #16 is a visit of 0 households → 0 → c = 0.
    # patrol days: 03-02 (#15, at P's start), 03-04 (#16), 03-05, 03-06, 03-07 (Sat), 03-08 (Sun) = 6
    #   → c = min(1, 6/5) = 1
    # score = 0 + .15·1 + .15·1 + .15·(.75·3) = .6375 → 63.75 → C
    107: _worker({"role": "grid_worker", "reported": 1, "filed": 1, "visits": 0, "patrol_days": 6},
                 {"visits": 0.0, "patrol_days": 1.0, "valid_report": 1.0, **G1_AREA}, "C"),
    # 102 李四, grid_worker of G3.
    # reports: E10, E22 → 2, filed 2 (E24 in G3 was reported by instructor 110)
    # visits: #4 120 (03-05) + #5 400 (03-08 23:00) = 520 (#6 at 03-09 00:00 is outside P)
    #   → c = min(1, 520/75) = 1; patrol days 03-05, 03-08 = 2 → c = 2/5
    # score = .25 + .15·.4 + .15·1 + .15·.6 + .15·.5 + .15·2/3 = .25 + .06 + .15 + .09 + .075 + .1 = 72.5 → C
    102: _worker({"role": "grid_worker", "reported": 2, "filed": 2, "visits": 520, "patrol_days": 2},
                 {"visits": 1.0, "patrol_days": 2 / 5, "valid_report": 1.0, **G3_AREA}, "C"),
    # 103 王五 and 108 吴十, instructors of C1; 104 赵六, chief of W1 (same grids G1 + G2).
    # No reports (valid_report: no data, left out), no patrols (visits 0, patrol days 0: c = 0).
    # score = .15·(.625 + .5 + .8)/(.25 + .15 + .15 + .15 + .15) = .28875/.85 = 33.9706 → E
    103: _worker({"role": "instructor", "reported": 0, "filed": 0, "visits": 0, "patrol_days": 0},
                 {"visits": 0.0, "patrol_days": 0.0, "valid_report": None, **C1_AREA}, "E"),
    108: _worker({"role": "instructor", "reported": 0, "filed": 0, "visits": 0, "patrol_days": 0},
                 {"visits": 0.0, "patrol_days": 0.0, "valid_report": None, **C1_AREA}, "E"),
    104: _worker({"role": "chief", "reported": 0, "filed": 0, "visits": 0, "patrol_days": 0},
                 {"visits": 0.0, "patrol_days": 0.0, "valid_report": None, **C1_AREA}, "E"),
    # 109 郑十一, instructor of C2: score = .15·(.75 + .6 + .75)/.85 = .315/.85 = 37.0588 → E
    109: _worker({"role": "instructor", "reported": 0, "filed": 0, "visits": 0, "patrol_days": 0},
                 {"visits": 0.0, "patrol_days": 0.0, "valid_report": None, **C2_AREA}, "E"),
    # 110 冯十二, the second instructor of C2. reports: E24 (03-05 22:00, rejected) → 1, filed 0: a valid-report
    # rate of 0 (it has data, so its weight stays in). score = .15·(0 + .75 + .6 + .75)/1.0 = 31.5 → E
    110: _worker({"role": "instructor", "reported": 1, "filed": 0, "visits": 0, "patrol_days": 0},
                 {"visits": 0.0, "patrol_days": 0.0, "valid_report": 0.0, **C2_AREA}, "E"),
}
SCORES = {101: 80.33333333333333, 107: 63.75, 102: 72.5, 110: 31.5, 103: 33.970588235294116, 108: 33.970588235294116,
          104: 33.970588235294116, 109: 37.05882352941176}  # the same numbers, written out once more

EXACT = ("role", "reported", "filed", "visits", "patrol_days", "working_days", "grade")


# ---- the API under test, imported lazily (a missing module fails these tests, never skips them) ----

@pytest.fixture(scope="module")
def api():
    from metrics import workers
    from metrics.scope import Scope
    return SimpleNamespace(Scope=Scope, workers=workers)


_CACHE: dict = {}


def table(api, db, area_code=None, scope=None, model=None) -> pd.DataFrame:
    key = (str(db.engine.url), area_code, repr(scope), repr(model))
    if key not in _CACHE:
        _CACHE[key] = api.workers.worker_table(
            db, start=START, end=END, asof=ASOF, scope=scope if scope is not None else api.Scope.everywhere(),
            area_code=area_code, model=model)
    return _CACHE[key]


def rows(frame: pd.DataFrame) -> dict[int, dict]:
    out = {}
    for r in frame.to_dict("records"):
        out[int(r["worker_id"])] = {k: (None if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)) else v)
                                    for k, v in r.items()}
    return out


def check(actual: dict, expected: dict, where: str = "") -> None:
    _check(actual, expected, where, exact=EXACT)


# ---- per-worker measures, components, score and grade ----

def test_the_hand_scores_are_the_formula():
    """The written-out scores equal the formula applied to the hand components (guards the table above)."""
    for wid, score in SCORES.items():
        assert EXPECTED[wid]["score"] == pytest.approx(score, rel=1e-12), wid


@pytest.mark.parametrize("wid", list(EXPECTED))
def test_worker_row(api, fixture_db, wid):
    got = rows(table(api, fixture_db))
    assert wid in got, f"worker {wid} missing from the city table"
    check(got[wid], EXPECTED[wid], f"worker {wid}: ")


def test_columns(api, fixture_db):
    frame = table(api, fixture_db)
    want = {"worker_id", "area_id", "name", "role", "employment", "reported", "filed", "valid_report_rate",
            "visits", "patrol_days", "working_days", "score", "grade", "rank_in_role", "households_per_worker",
            *(f"c_{k}" for k in COMPONENTS)}
    assert want <= set(frame.columns), f"missing: {want - set(frame.columns)}"
    got = rows(frame)
    assert got[101]["employment"] == "full_time" and got[107]["employment"] == "part_time"  # canonical codes
    assert (frame["working_days"] == 5).all()  # Mon 03-02 … Fri 03-06


def test_worker_numbers_do_not_depend_on_the_area_asked(api, fixture_db):
    """A worker's own measures and score are the same in the city table, the street's and the grid's."""
    city = rows(table(api, fixture_db))
    for area, wids in (("S1", (101, 107, 103, 108, 104)), ("G1", (101, 107)), ("C2", (102, 109, 110))):
        got = rows(table(api, fixture_db, area))
        for wid in wids:
            check(got[wid], EXPECTED[wid], f"{area} worker {wid}: ")
    scoped = rows(table(api, fixture_db, None, api.Scope(("S1",))))
    for wid in (101, 107, 103, 108, 104):
        check(scoped[wid], EXPECTED[wid], f"scope S1 worker {wid}: ")
    assert city[101]["score"] == pytest.approx(scoped[101]["score"], rel=1e-12)


# ---- households per grid worker ----

def test_households_per_full_time_worker(api, fixture_db):
    """The norm is per grid with its one full-time 网格员: part-time 网格员 do not count."""
    got = rows(table(api, fixture_db))
    assert got[101]["households_per_worker"] == pytest.approx(400 / 1)  # G1: 400 households; 101 专职, 107 兼职
    assert got[107]["households_per_worker"] == pytest.approx(400 / 1)  # the grid's figure on each of its rows
    assert got[106]["households_per_worker"] == pytest.approx(350 / 1)  # G4: 350, 106 专职
    assert got[102]["households_per_worker"] is None                    # G3: only 102, part-time
    assert got[105]["households_per_worker"] is None                    # G5: only 105, part-time and inactive
    g1 = rows(table(api, fixture_db, "G1"))  # the grid alone still sees its full-time worker
    assert g1[101]["households_per_worker"] == pytest.approx(400.0)


def test_households_per_full_time_worker_without_employment(api):
    """A platform that does not record employment cannot tell the full-time worker: no value, never a guess."""
    frame = pd.DataFrame({"worker_id": [1, 2], "area_id": [11, 11], "role": ["grid_worker"] * 2,
                          "employment": [None, None], "active": [True, True], "households": [400, 400]})
    unrecorded = SimpleNamespace(absent=lambda table, column=None: (table, column) == ("workers", "employment"))
    assert api.workers.households_per_full_time_worker(frame, unrecorded).isna().all()
    recorded = SimpleNamespace(absent=lambda table, column=None: False)
    both = frame.assign(employment=["full_time", "full_time"])  # two full-time workers share the grid
    assert list(api.workers.households_per_full_time_worker(both, recorded)) == [200.0, 200.0]


# ---- ranks within role and area (method "min": ties share the best rank) ----

def test_ranks_in_street_s1(api, fixture_db):
    got = rows(table(api, fixture_db, "S1"))
    # grid_workers of S1: 101 (80.33) > 107 (63.75)
    assert (got[101]["rank_in_role"], got[107]["rank_in_role"]) == (1, 2)
    # instructors of S1: 103 and 108, both 33.97 (same area, no own work) → tie, both 1
    assert (got[103]["rank_in_role"], got[108]["rank_in_role"]) == (1, 1)
    assert got[104]["rank_in_role"] == 1  # the only chief


def test_ranks_in_community_c2(api, fixture_db):
    got = rows(table(api, fixture_db, "C2"))
    # instructors of C2 only: 109 (37.06) > 110 (31.5); the C1 instructors are not in this area
    assert (got[109]["rank_in_role"], got[110]["rank_in_role"]) == (1, 2)


def test_ranks_in_the_city(api, fixture_db):
    got = rows(table(api, fixture_db))
    # instructors: 109 (37.06) > 103 = 108 (33.97) > 110 (31.5) → 1, 2, 2, 4 (method min: the tie shares
    # rank 2 and there is no rank 3; "dense" would give 110 rank 3, "average" the tie 2.5)
    assert [got[w]["rank_in_role"] for w in (109, 103, 108, 110)] == [1, 2, 2, 4]
    assert got[104]["rank_in_role"] == 1
    # grid_workers: 101 (80.33) > 102 (72.5) > 107 (63.75), and no other grid worker scores between them
    # (105: 85.88; 106: 60, see test_bad_grid_rows_do_not_count_for_a_worker)
    r101, r102, r107 = (got[w]["rank_in_role"] for w in (101, 102, 107))
    assert (r102, r107) == (r101 + 1, r101 + 2)
    # within street S1 the grid workers are 101 and 107 only
    assert (got[101]["rank_in_street"], got[107]["rank_in_street"]) == (1, 2)


# ---- which workers appear ----

def test_only_workers_of_the_area_appear(api, fixture_db):
    # S1 = W1 ⊃ C1 ⊃ G1, G2: 101, 107 (G1), 103, 108 (C1), 104 (W1); not 102 (G3), 105 (G5), 106 (G4),
    # 109, 110 (C2)
    assert set(rows(table(api, fixture_db, "S1"))) == {101, 107, 103, 108, 104}
    # G1: its two grid workers; not the instructors of C1 or the chief of W1 above it
    assert set(rows(table(api, fixture_db, "G1"))) == {101, 107}
    # C2 = G3 + G4: 102 (G3), 106 (G4), 109 and 110 (C2)
    assert set(rows(table(api, fixture_db, "C2"))) == {102, 106, 109, 110}
    # a scope of S1 without an area shows S1's workers
    assert set(rows(table(api, fixture_db, None, api.Scope(("S1",))))) == {101, 107, 103, 108, 104}


def test_empty_scope_gives_an_empty_table(api, fixture_db):
    assert len(table(api, fixture_db, None, api.Scope(()))) == 0


@pytest.mark.parametrize("area_code", ["S2", "G3", "C2", "NOPE"])
def test_scope_denies_areas_outside(api, fixture_db, area_code):
    with pytest.raises(ScopeDenied):
        api.workers.worker_table(fixture_db, start=START, end=END, asof=ASOF, scope=api.Scope(("S1",)),
                                 area_code=area_code)


# ---- grades and the configurable model ----

@pytest.mark.parametrize("score, grade", [
    (100, "A"), (90, "A"), (89.999, "B"), (75, "B"), (74.999, "C"), (60, "C"), (59.999, "D"),
    (40, "D"), (39.999, "E"), (0, "E"), (None, None), (math.nan, None)])
def test_grade_boundaries(api, score, grade):
    assert api.workers.grade(score) == grade


def test_model_weights_and_verify_minutes(api, fixture_db):
    model = api.workers.WorkerModel(weights={"verify_on_time": 1.0}, verify_minutes=15)
    got = rows(table(api, fixture_db, model=model))
    # within 15 minutes, G1: E1 +11 ✓, E2 +45 ✗, E4 +30 ✗, E5 +15 ✓ (inclusive) → 2/4; score = 100·.5
    check(got[101], {"c_verify_on_time": 2 / 4, "score": 50.0, "grade": "D"}, "101: ")
    # C1: G1's 2/4 + G2: E6 +16 ✗, E7 +17 ✗, E8 ✗, E9 ✗ → 2/8 → 25 → E
    check(got[103], {"c_verify_on_time": 2 / 8, "score": 25.0, "grade": "E"}, "103: ")
    # C2: G3 E10 +20 … all > 15 ✗, G4 E13 +23 … ✗ → 0/8: a real 0, not "no data"
    check(got[109], {"c_verify_on_time": 0.0, "score": 0.0, "grade": "E"}, "109: ")
    check(got[110], {"c_verify_on_time": 0.0, "score": 0.0, "grade": "E"}, "110: ")


# ---- through a platform schema map (README: Connecting your platform database) ----

@pytest.fixture(scope="module")
def mapped_db(fixture_url, load_database):
    from tests.test_mapping import MAPPED_DB, PLATFORM
    dialect = fixture_url.split(":", 1)[0].split("+", 1)[0]
    dialect = {"mysql": "mariadb", "postgres": "postgresql"}.get(dialect, dialect)
    db = Database.connect(load_database(dialect, MAPPED_DB, PLATFORM), PLATFORM)
    yield db
    db.dispose()


def test_worker_table_through_the_map(api, fixture_db, mapped_db):
    got = rows(table(api, mapped_db))
    for wid, expected in EXPECTED.items():
        check(got[wid], expected, f"mapped worker {wid}: ")


# ---- an unknown grid's rows (docs/metrics.md: bad rows) ----

def test_bad_grid_rows_do_not_count_for_a_worker(api, fixture_db):
    got = rows(table(api, fixture_db))
    # 106 孙八, grid_worker of G4. reports: E15 → 1, filed 1. Field work: only patrol #9, a visit of 100
    # households at 03-04 in grid 999, which is not in `areas` — a bad row, outside every scope, so
    # visits 0, patrol days 0. G4: verify E13 E14 E15 all ✓ → 3/3, on time 1/1, satisfaction 1/1.
    # score = .25·0 + .15·0 + .15·(1 + 1 + 1 + 1) = 60.0
    check(got[106], {"reported": 1, "filed": 1, "visits": 0, "patrol_days": 0, "c_visits": 0.0,
                     "c_patrol_days": 0.0, "c_valid_report": 1.0, "c_verify_on_time": 1.0,
                     "c_grid_on_time": 1.0, "c_grid_satisfaction": 1.0, "score": 60.0}, "106: ")
    # city grid_worker ranks then: 105 (85.88: visit #11 300 → 1, 1 day → .2, E20 1/1, G5 verify 3/3
    # incl. E20 at exactly +30, on time 2/2, no surveys → (.25 + .03 + .45)/.85) > 101 (80.33) > 102 (72.5)
    # > 107 (63.75) > 106 (60)
    assert [got[w]["rank_in_role"] for w in (105, 101, 102, 107, 106)] == [1, 2, 3, 4, 5]
