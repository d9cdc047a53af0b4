"""metrics.events_extra against values counted BY HAND from tests/fixture.py, on three dialects.

P = [2026-03-02, 2026-03-09), T = 2026-03-12 12:00. Closed cases reported in P (status closed,
closed_at <= T), by resolved_level — grid: E1 2 3 6 10 12 13 16 18; community: E4 8 11 14 20.
Not: E9 (closed after T, though marked grid), E22 (status processing), E17 (grid 999).
"""
from __future__ import annotations

from datetime import date

import pytest

from data_access.db import Database
from data_access.errors import ScopeDenied
from metrics.events_extra import resolution_levels
from metrics.scope import Scope
from tests.conftest import DIALECTS
from tests.fixture import ASOF, END, PREV_END, PREV_START, START
from tests.test_mapping import MAPPED_DB, PLATFORM


def levels(db, area_code=None, scope=Scope.everywhere(), start=START, end=END) -> dict:
    frame = resolution_levels(db, start=start, end=end, asof=ASOF, scope=scope, area_code=area_code)
    return {label: (n, share) for label, n, share in zip(frame["label"], frame["closed"], frame["share"])}


@pytest.mark.parametrize("area_code, grid, community", [
    pytest.param(None, 9, 5, id="city"),
    pytest.param("S1", 4, 2, id="S1"),   # grid E1 2 3 6; community E4 8 (E9 closed after T)
    pytest.param("S2", 5, 3, id="S2"),   # grid E10 12 13 16 18; community E11 14 20
    pytest.param("G4", 1, 1, id="G4"),   # E13 grid, E14 community (E15 open, E21 filed before P)
])
def test_closed_cases_by_resolving_level(fixture_db, area_code, grid, community):
    got = levels(fixture_db, area_code)
    total = grid + community
    assert list(got) == ["网格", "社区", "街道", "区"]  # always the four levels, grid first; no 未记录 row
    assert got["网格"] == (grid, pytest.approx(grid / total))
    assert got["社区"] == (community, pytest.approx(community / total))
    assert got["街道"] == (0, 0.0) and got["区"] == (0, 0.0)


def test_previous_period(fixture_db):
    # reported in [02-23, 03-02) and closed by T: E21 41 43 45 grid, E42 community (E44 rejected, E30 open)
    got = levels(fixture_db, start=PREV_START, end=PREV_END)
    assert got["网格"] == (4, pytest.approx(4 / 5)) and got["社区"] == (1, pytest.approx(1 / 5))


def test_nothing_closed_gives_no_shares(fixture_db):
    for got in (levels(fixture_db, "G6"), levels(fixture_db, start=date(2024, 1, 1), end=date(2024, 1, 8)),
                levels(fixture_db, scope=Scope(()))):
        assert {k: v[0] for k, v in got.items()} == {"网格": 0, "社区": 0, "街道": 0, "区": 0}
        assert all(v[1] is None for v in got.values())


def test_scope_narrows_and_denies(fixture_db):
    assert levels(fixture_db, scope=Scope(("S1",)))["网格"][0] == 4
    with pytest.raises(ScopeDenied):
        levels(fixture_db, "S2", scope=Scope(("S1",)))


@pytest.mark.parametrize("dialect", [p.values[0] for p in DIALECTS])
def test_platform_codes_are_read_as_levels(load_database, dialect):
    # the mapped fixture stores resolved_level as "1".."4" (tests/test_mapping.py PLATFORM)
    db = Database.connect(load_database(dialect, MAPPED_DB, PLATFORM), PLATFORM)
    try:
        got = levels(db)
    finally:
        db.dispose()
    assert got["网格"][0] == 9 and got["社区"][0] == 5 and list(got) == ["网格", "社区", "街道", "区"]
