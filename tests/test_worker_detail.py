"""One worker's record (metrics/worker_detail.py) against values counted BY HAND from tests/fixture.py,
on three dialects. P = [2026-03-02, 2026-03-09), T = 2026-03-12 12:00 (see tests/test_workers.py).

Per day of P: visits = Σ households_visited of the worker's kind-'visit' rows, visit_count = those rows,
patrols = kind-'patrol' rows, reports / filed = events the worker reported (filed: not rejected).
"""
from __future__ import annotations

from datetime import date

import pytest

from data_access.errors import ScopeDenied
from metrics.scope import Scope
from metrics.worker_detail import worker_activity
from tests.fixture import ASOF, END, START

DAYS = [date(2026, 3, d) for d in range(2, 9)]  # Mon 03-02 … Sun 03-08


def activity(db, worker_id, area_code=None, scope=None):
    return worker_activity(db, start=START, end=END, asof=ASOF, scope=scope or Scope.everywhere(),
                           area_code=area_code, worker_id=worker_id)


def by_day(frame) -> dict:
    return {r["day"].date(): (r["visits"], r["visit_count"], r["patrols"], r["reports"], r["filed"])
            for r in frame.to_dict("records")}


def test_every_day_of_the_period_has_a_row(fixture_db):
    daily = activity(fixture_db, 101).daily
    assert [d.date() for d in daily["day"]] == DAYS


def test_worker_101_day_by_day(fixture_db):
    got = by_day(activity(fixture_db, 101).daily)
    # (visits, visit_count, patrols, reports, filed)
    assert got == {
        date(2026, 3, 2): (0, 0, 0, 2, 2),    # E1 09:00, E2 10:00 (both filed)
        date(2026, 3, 3): (40, 1, 1, 0, 0),   # visit #1 40 households, patrol #12
        date(2026, 3, 4): (0, 0, 1, 2, 1),    # patrol #2; E5 (rejected) and E6 (in G2, filed)
        date(2026, 3, 5): (0, 0, 1, 0, 0),    # #7 in G2: a patrol, its 25 households are not visits
        date(2026, 3, 6): (30, 1, 0, 0, 0),   # visit #3 30 households
        date(2026, 3, 7): (0, 0, 0, 0, 0),
        date(2026, 3, 8): (0, 0, 0, 0, 0),
    }  # #13 (03-09 00:00), #14 (03-01 23:30), E19 (03-09 00:00) and E45 (03-01) are outside P


def test_the_days_add_up_to_the_worker_table(fixture_db):
    """Σ visits 70, days with field work 4, reports 4, filed 3: worker 101's row in tests/test_workers.py."""
    daily = activity(fixture_db, 101).daily
    assert daily["visits"].sum() == 70
    assert ((daily["visit_count"] + daily["patrols"]) > 0).sum() == 4
    assert (daily["reports"].sum(), daily["filed"].sum()) == (4, 3)


def test_worker_107_a_visit_of_zero_households_is_still_field_work(fixture_db):
    got = by_day(activity(fixture_db, 107).daily)
    assert got[date(2026, 3, 2)] == (0, 0, 1, 0, 0)  # #15 at P's very start
    assert got[date(2026, 3, 3)] == (0, 0, 0, 1, 1)  # E4
    assert got[date(2026, 3, 4)] == (0, 1, 0, 0, 0)  # #16: a visit of 0 households
    assert [got[date(2026, 3, d)] for d in (5, 6, 7, 8)] == [(0, 0, 1, 0, 0)] * 4  # #19 #20 #17 #18
    daily = activity(fixture_db, 107).daily
    assert ((daily["visit_count"] + daily["patrols"]) > 0).sum() == 6  # patrol days in the worker table


def test_worker_102_late_evening_visit_stays_on_its_day(fixture_db):
    got = by_day(activity(fixture_db, 102).daily)
    assert got[date(2026, 3, 5)] == (120, 1, 0, 0, 0)   # #4
    assert got[date(2026, 3, 8)] == (400, 1, 0, 0, 0)   # #5 at 23:00; #6 at 03-09 00:00 is outside P
    assert got[date(2026, 3, 2)][3:] == (1, 1)          # E10 20:00
    assert got[date(2026, 3, 6)][3:] == (1, 1)          # E22


def test_bad_grid_field_work_does_not_count(fixture_db):
    # 106: patrol #9 (100 households) is in grid 999, not in `areas`; only E15 (03-08, G4) remains
    act = activity(fixture_db, 106)
    assert act.daily["visits"].sum() == 0 and act.daily["patrols"].sum() == 0
    assert by_day(act.daily)[date(2026, 3, 8)] == (0, 0, 0, 1, 1)
    assert list(act.cases["id"]) == [15]


def test_reported_cases_newest_first(fixture_db):
    cases = activity(fixture_db, 101).cases
    # E6 03-04 10:00, E5 03-04 09:00, E2 03-02 10:00, E1 03-02 09:00
    assert list(cases["id"]) == [6, 5, 2, 1]
    assert list(cases["case_no"]) == ["WG202603040006", "WG202603040005", "WG202603020002", "WG202603020001"]
    assert list(cases["grid"]) == ["第二网格", "第一网格", "第一网格", "第一网格"]
    assert list(cases["status"]) == ["已结案", "已驳回", "已结案", "已结案"]
    assert list(cases["category"]) == ["安全隐患", "市容环境", "市容环境", "治安警情"]


def test_no_personal_data(fixture_db):
    act = activity(fixture_db, 101)
    assert act.worker["name"] == "张*明"  # 张三明, masked
    assert not {"reporter_name", "reporter_phone", "address", "description", "phone"} & set(act.cases.columns)
    assert (act.worker["role"], act.worker["employment"], act.worker["area_id"]) == ("grid_worker", "full_time", 11)


def test_a_worker_with_nothing_in_the_period(fixture_db):
    act = activity(fixture_db, 103)  # instructor of C1: no reports, no field work
    assert len(act.daily) == 7 and act.daily[["visits", "visit_count", "patrols", "reports"]].sum().sum() == 0
    assert act.cases.empty


def test_inside_the_focus_and_the_scope(fixture_db):
    assert activity(fixture_db, 101, "G1").worker["worker_id"] == 101
    assert activity(fixture_db, 103, "S1", Scope(("S1",))).worker["worker_id"] == 103
    assert activity(fixture_db, 101, None, Scope(("S1",))).daily["visits"].sum() == 70


@pytest.mark.parametrize("worker_id, area_code, scope", [
    (102, None, Scope(("S1",))),   # 102 is posted in G3, street S2: outside the user's scope
    (103, "G1", None),             # 103 is posted in C1, above G1: not a worker of the grid asked for
    (101, "C2", None),             # a different community
    (101, None, Scope(())),        # empty scope: default-deny
    (999, None, None),             # no such worker
])
def test_workers_outside_are_refused(fixture_db, worker_id, area_code, scope):
    with pytest.raises(ScopeDenied):
        activity(fixture_db, worker_id, area_code, scope)
