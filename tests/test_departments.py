"""部门协同 against values computed BY HAND from tests/fixture.py (its dispatch history: E2, E6, E8
and E42 bounced; 住建局 ZJ signs 3 h after a dispatch, the others 30 min; E15 unsigned), on three
dialects, plus the scope and a platform without the department data.

P = [03-02, 03-09), judged at T = 03-12 12:00; the previous week at T − 7 days.
"""
from __future__ import annotations

import tomllib

import pytest

from data_access.db import Database
from data_access.schema import SchemaMap
from data_access.users import Scope
from metrics import departments
from tests.fixture import ASOF, END, START
from tests.foreign import ASOF as FOREIGN_ASOF, CONFIG, END as FOREIGN_END, START as FOREIGN_START

# Cases per handling department (its last dispatch), reported in P, in scope (E17's grid is unknown):
#   GA E1 E10 E11 E18 — all closed on time: 4, 6, 10, 2 h
#   CG E2 E8 E9 E13 E16 E20 E22 — closed E2 (30 h, late) E8 (147 h, late, at T) E13 (24 h, no deadline)
#      E16 (closed before reported: closed, no hours, no deadline) E20 (5 h, on time); E9 E22 open, overdue
#   SF E3 E4 E12 — 24 h and 48 h on time, 96 h late
#   ZJ E6 E7 E14 E15 — E6 47 h and E14 48 h on time, E7 open overdue, E15 open not due
# Percentiles are linear between ranks: P90 of [2, 4, 6, 10] = 6 + 0.7·4.
CASES = {
    "GA": dict(dept_handled=4, closure_rate=1.0, on_time_rate=4 / 4, median_hours=5.0, p90_hours=8.8),
    "CG": dict(dept_handled=7, closure_rate=5 / 7, on_time_rate=1 / 5, median_hours=27.0, p90_hours=30 + 0.7 * 117),
    "SF": dict(dept_handled=3, closure_rate=1.0, on_time_rate=2 / 3, median_hours=48.0, p90_hours=48 + 0.8 * 48),
    "ZJ": dict(dept_handled=4, closure_rate=2 / 4, on_time_rate=2 / 3, median_hours=47.5, p90_hours=47.9),
}
# Surveys in P through their case: GA S1 S7 satisfied, S8 basically; CG S4 dissatisfied, S10 satisfied;
# SF S2 satisfied, S9 dissatisfied; ZJ S5 satisfied.
SATISFACTION = {"GA": 3 / 3, "CG": 1 / 2, "SF": 1 / 2, "ZJ": 1 / 1}
# Dispatches sent in P (E18's went out at 03-09 00:30, after P; E45's, of a case reported before P, inside it):
#   GA E1 E10 E11: 3, none returned, each signed after 30 min
#   CG E2b E6a E8c E9 E13 E16 E20 E22 E45: 9, E6a returned; E6a signed after 20 min, the rest 30 min
#   SF E3 E4 E8b E12: 4, E8b returned; signed after 30, 30, 60, 30 min
#   ZJ E2a E6b E7 E8a E14 E15: 6, E2a E8a returned (unsigned); E6b E7 E14 signed after 3 h, E15 not yet
DISPATCHES = {
    "GA": dict(dispatches_n=3, return_rate=0 / 3, response_hours=0.5),
    "CG": dict(dispatches_n=9, return_rate=1 / 9, response_hours=(8 * 0.5 + 20 / 60) / 9),
    "SF": dict(dispatches_n=4, return_rate=1 / 4, response_hours=(0.5 + 0.5 + 1.0 + 0.5) / 4),
    "ZJ": dict(dispatches_n=6, return_rate=2 / 6, response_hours=3.0),
}
# Cases that went through two departments or more: E2 and E8 (CG), E6 (ZJ).
MULTI = {"GA": 0 / 4, "CG": 2 / 7, "SF": 0 / 3, "ZJ": 1 / 4}
# The previous week (reported 02-23 … 03-01, judged at 03-05 12:00): CG E21 (late) E42 (late, bounced)
# E45 (on time); ZJ E30 open, overdue; dispatches: ZJ E30 and E42a (returned), CG E21 E42b.
PREVIOUS = {"CG": dict(prev_on_time_rate=1 / 3, prev_return_rate=0 / 2, prev_multi_dispatch_rate=1 / 3),
            "ZJ": dict(prev_on_time_rate=0 / 1, prev_return_rate=1 / 2, prev_multi_dispatch_rate=0 / 1)}


def table(db, scope=Scope.everywhere(), area_code=None):
    frame = departments.department_table(db, start=START, end=END, asof=ASOF, scope=scope, area_code=area_code)
    return frame.set_index("key")


def test_every_department_figure_by_hand(fixture_db):
    got = table(fixture_db)
    assert list(got.index) == ["CG", "SF", "ZJ", "GA"]  # worst 按期结案率 first; ties by code
    assert got.loc["ZJ", "name"] == "住建局" and "GR" not in got.index  # 供热公司 had no case
    for code in CASES:
        expected = {**CASES[code], "satisfaction_rate": SATISFACTION[code], **DISPATCHES[code],
                    "multi_dispatch_rate": MULTI[code], **PREVIOUS.get(code, {})}
        for col, value in expected.items():
            assert got.loc[code, col] == pytest.approx(value), (code, col)


def test_an_official_sees_a_department_only_through_the_cases_of_the_scope(fixture_db):
    """S1 holds G1 and G2: 住建局 shows E6 and E7, and the four dispatches of S1's cases, not its six
    (城管局: E2b E6a E8c E9 and E45's)."""
    got = table(fixture_db, Scope(("S1",)))
    assert got["dept_handled"].to_dict() == {"CG": 3, "ZJ": 2, "SF": 2, "GA": 1}
    assert got.loc["CG", "on_time_rate"] == 0 / 3 and got.loc["ZJ", "on_time_rate"] == 1 / 2
    assert got["dispatches_n"].to_dict() == {"CG": 5, "ZJ": 4, "SF": 3, "GA": 1}
    assert got.loc["ZJ", "return_rate"] == pytest.approx(2 / 4)
    assert got.loc["SF", "return_rate"] == pytest.approx(1 / 3) and got.loc["CG", "return_rate"] == pytest.approx(1 / 5)
    g2 = table(fixture_db, Scope(("S1",)), "G2")  # 司法所 handled none of G2's cases but returned E8
    assert g2["dept_handled"].to_dict() == {"CG": 2, "ZJ": 2, "SF": 0}
    assert g2.loc["SF", "return_rate"] == 1.0 and g2["on_time_rate"].isna().tolist() == [False, False, True]


def test_without_a_dispatch_history_the_dispatch_figures_say_why(fixture_url):
    db = Database.connect(fixture_url, SchemaMap(tables={"dispatches": False}))
    try:
        got = table(db)
        why = departments.why_absent(db.schema)
    finally:
        db.dispose()
    assert got.loc["CG", "on_time_rate"] == pytest.approx(1 / 5)  # the case figures stand
    assert got[["return_rate", "multi_dispatch_rate", "response_hours"]].isna().all().all()
    assert set(why) == {"return_rate", "multi_dispatch_rate", "response_hours"}
    assert why["return_rate"] == "平台没有派遣记录数据（schema.tables.dispatches = false）"


def test_without_any_department_data_there_is_no_department_figure(fixture_url):
    smap = SchemaMap(tables={"dispatches": False, "departments": False}, columns={"events": {"department_code": False}})
    db = Database.connect(fixture_url, smap)
    try:
        assert table(db).empty
        reason = departments.unavailable_reason(db.schema)
    finally:
        db.dispose()
    assert "schema.columns.events.department_code = false" in reason


def test_without_the_departments_table_a_department_is_named_by_its_code(fixture_url):
    db = Database.connect(fixture_url, SchemaMap(tables={"departments": False}))
    try:
        got = table(db)
    finally:
        db.dispose()
    assert got.loc["ZJ", "name"] == "ZJ" and got.loc["ZJ", "return_rate"] == pytest.approx(2 / 6)


def test_the_foreign_platform_names_its_units_and_has_no_dispatch_history(foreign_url):
    """gd_case.cbdw and sys_dept (tests/foreign.py): 城管执法局 handled cases 2 (closed, 24 h) and 6
    (closed after T: open at T) in P; case 8 was before P. No deadline: 按期结案率 无数据; no dispatch
    history: 退单率 无数据 with its reason."""
    db = Database.connect(foreign_url, SchemaMap.from_config(tomllib.loads(CONFIG)["schema"]))
    try:
        got = departments.department_table(db, start=FOREIGN_START, end=FOREIGN_END, asof=FOREIGN_ASOF,
                                           scope=Scope.everywhere()).set_index("key")
        why = departments.why_absent(db.schema)
    finally:
        db.dispose()
    assert got["name"].to_dict() == {"CGJ": "城管执法局", "GAJ": "公安局", "XFJ": "消防救援大队"}
    assert got["dept_handled"].to_dict() == {"CGJ": 2, "GAJ": 1, "XFJ": 1}  # case 10's grid does not exist
    assert got["closure_rate"].to_dict() == {"CGJ": 1 / 2, "GAJ": 1.0, "XFJ": 1.0}
    assert got.loc["CGJ", "median_hours"] == 24.0 and got.loc["XFJ", "median_hours"] == 10.0
    assert got[["on_time_rate", "return_rate", "response_hours"]].isna().all().all()
    assert why["return_rate"] == "平台没有派遣记录数据（schema.tables.dispatches = false）"
    assert "schema.columns.events.deadline_at = false" in why["on_time_rate"]
