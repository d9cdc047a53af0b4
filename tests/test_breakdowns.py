"""Breakdowns, funnel, handling-time bins, case lists and map data against the fixture, by hand,
on DuckDB, PostgreSQL and MariaDB. Event ids refer to the table in tests/fixture.py."""
import pytest

from data_access.errors import ScopeDenied
from metrics import breakdowns, cases, geo
from metrics.scope import Scope
from tests.fixture import ASOF, END, START

VIEW = dict(start=START, end=END, asof=ASOF, scope=Scope.everywhere())


def test_reports_by_dimension(fixture_db):
    got = breakdowns.breakdown(fixture_db, by="dimension", names=("reported",), **VIEW)
    # In P and in scope (E17 unknown grid, E19 at P's end left out): public security E1 E10 E18 E24;
    # city management E2 E5 E8 E9 E13 E16 E20 E22 E23; dispute E3 E4 E12; hazard E6 E7 E14 E15; fire E11.
    assert dict(zip(got["label"], got["reported"])) == {"治安警情": 4, "城市管理": 9, "矛盾纠纷": 3, "安全隐患": 4, "消防": 1}


def test_reports_by_dimension_per_street(fixture_db):
    got = breakdowns.breakdown(fixture_db, by="dimension", names=("reported",), per_child=True, **VIEW)
    s1 = got[got["code"] == "S1"]
    # S1 = G1 (E1–E5) + G2 (E6–E9, E23): PS E1; CM E2 E5 E8 E9 E23; DS E3 E4; SH E6 E7.
    assert dict(zip(s1["label"], s1["reported"])) == {"治安警情": 1, "城市管理": 5, "矛盾纠纷": 2, "安全隐患": 2}


def test_weekday_hour_cells_sum_to_reports(fixture_db):
    got = breakdowns.breakdown(fixture_db, by="weekday_hour", names=("reported",), **VIEW)
    assert got["reported"].sum() == 21
    # Monday 2026-03-02: E20 at 00:00, E1 at 09:00, E2 at 10:00, E10 at 20:00 → keys 100, 109, 110, 120.
    monday = got[got["key"] // 100 == 1]
    assert dict(zip(monday["key"], monday["reported"])) == {100: 1, 109: 1, 110: 1, 120: 1}


def test_funnel(fixture_db):
    got = breakdowns.funnel(fixture_db, **VIEW)
    # 21 reported; 19 filed (E5, E24 rejected); 18 dispatched (all filed but E23, still 'reported');
    # 14 closed by T.
    assert list(got["stage"]) == ["上报", "立案", "派遣", "结案"]
    assert list(got["count"]) == [21, 19, 18, 14]
    assert got["share"].iloc[-1] == pytest.approx(14 / 21)


def test_handling_time_bins(fixture_db):
    got = breakdowns.handling_histogram(fixture_db, **VIEW)
    # Hours of the 13 closed cases with a duration: E18 2; E1 4, E20 5, E10 6; E11 10;
    # E3 24, E13 24, E2 30, E6 47; E4 48, E14 48; E12 96, E8 147 (E16 closed before reported: out).
    assert list(got["count"]) == [0, 1, 3, 1, 0, 4, 2, 2, 0]
    assert got["count"].sum() == 13


def test_overdue_list_longest_first_and_masked(fixture_db):
    got = cases.overdue_cases(fixture_db, **VIEW)
    # Overdue at T: E31 (due 01-16 09:00), E30 (02-27 09:00), E7 (03-07 08:00), E22 (03-08 10:00),
    # E19 (03-10 00:00), E9 (03-10 09:00).
    assert list(got["id"]) == [31, 30, 7, 22, 19, 9]
    # E31: 01-16 09:00 → 03-12 12:00 = 15 + 28 + 12 days and 3 hours = 1,323 hours.
    assert got["overdue_hours"].iloc[0] == pytest.approx(1323.0)
    assert all("*" in n for n in got["reporter_name"] if n)
    assert all(p[3:7] == "****" for p in got["reporter_phone"] if p)


def test_overdue_list_respects_scope(fixture_db):
    got = cases.overdue_cases(fixture_db, **{**VIEW, "scope": Scope(("S2",))})
    assert list(got["id"]) == [31, 22]  # E31 in G4, E22 in G3; the others are in S1
    with pytest.raises(ScopeDenied):
        cases.overdue_cases(fixture_db, **{**VIEW, "scope": Scope(("S2",))}, area_code="S1")


def test_density_cells_sum_to_reports_inside_the_box(fixture_db):
    got = geo.event_density(fixture_db, **VIEW)
    assert got["events"].sum() == 21
    # Event i sits at lon 119.16 + i/10000: a box ending at 119.16105 keeps E1–E10, all in P.
    boxed = geo.event_density(fixture_db, **VIEW, box=(119.0, 36.0, 119.16105, 37.0))
    assert boxed["events"].sum() == 10


def test_shapes_are_the_children_or_the_grid_itself(fixture_db):
    assert list(geo.area_shapes(fixture_db, **VIEW)["code"]) == ["S1", "S2"]
    assert list(geo.area_shapes(fixture_db, **VIEW, area_code="G1")["code"]) == ["G1"]
    assert geo.area_shapes(fixture_db, **{**VIEW, "scope": Scope(())}).empty
