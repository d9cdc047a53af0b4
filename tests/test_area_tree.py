"""Totals on broken area trees (copies of the DuckDB fixture, tests/conftest.py fixture_copy): an area
whose parent is missing stays a root of its own, so the whole-city total still equals a plain SQL
count; a cycle in parent links is counted nowhere but never walked for ever, not even by the SQL.

Hand values from tests/fixture.py, week P = [2026-03-02, 2026-03-09) at T = 2026-03-12 12:00: the
city reports 21 events, S1 (东街道) 10 and S2 (西街道) 11; E17 sits on grid 999 and counts nowhere.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from data_access.db import Database
from metrics.scope import AreaTree, Scope, resolve
from metrics.summary import children_table, summarize
from tests.conftest import AREAS_WITHOUT_KEY
from tests.fixture import ASOF, END, START

CITY = Scope.everywhere()
ORPHAN_S2 = "UPDATE areas SET parent_id = 12345 WHERE code = 'S2'"
CYCLE_W2_C3 = "UPDATE areas SET parent_id = 8 WHERE code = 'W2'"  # W2's parent C3, whose parent is W2


def plain_count(db: Database) -> int:
    """Events of P on a grid that exists: a second path, plain SQL rather than the metrics layer."""
    sql = sa.text("SELECT count(*) FROM events WHERE reported_at >= :start AND reported_at < :end "
                  "AND grid_id IN (SELECT id FROM areas)")
    with db.engine.connect() as conn:
        return conn.execute(sql, {"start": START, "end": END}).scalar_one()


def reported(db: Database, area: str | None = None) -> int:
    return summarize(db, start=START, end=END, asof=ASOF, scope=CITY, area_code=area, compare=False)["reported"]


def test_an_orphaned_street_stays_in_the_city_total(fixture_copy):
    url = fixture_copy(ORPHAN_S2)
    db = Database.connect(url)
    tree = AreaTree.load(db)
    assert sorted(tree.frame.loc[tree.roots(), "code"]) == ["D", "S2"]  # S2 is a root of its own
    assert resolve(tree, CITY).area_ids == tuple(tree.roots())  # a leader's default focus: every root
    assert reported(db) == plain_count(db) == 21  # nothing lost from the whole-city total
    assert (reported(db, "D"), reported(db, "S2")) == (10, 11)  # D is S1 alone now
    top = children_table(db, start=START, end=END, asof=ASOF, scope=CITY)
    assert dict(zip(top["code"], top["reported"])) == {"D": 10, "S2": 11}  # the top ranking shows both roots


def test_a_cycle_is_counted_nowhere_and_walked_once(fixture_copy):
    db = Database.connect(fixture_copy(CYCLE_W2_C3))
    tree = AreaTree.load(db)
    w2 = tree.id_of("W2")
    assert tree.roots() == [1] and tree.ancestors(w2) == [tree.id_of("C3"), w2]  # stops at the repeat
    # W2, C3 and everything below them (C2, G3–G6) have no root: S2 keeps no child, the city is S1
    assert reported(db) == reported(db, "S1") == 10
    assert reported(db, "S2") == 0


def test_a_duplicated_id_under_its_own_descendant_does_not_recurse_for_ever(fixture_copy):
    # A second row for W2's id 5 whose parent is G6 (16), which lies below W2: the SQL walk from the
    # root reaches 5 again through 16. With UNION ALL this query never ended.
    url = fixture_copy(*AREAS_WITHOUT_KEY,
                       "INSERT INTO areas SELECT 5, 16, level, 'W2X', name, households, population, lon, lat, "
                       "boundary FROM areas WHERE id = 5")
    db = Database.connect(url)
    assert len(AreaTree.load(db).duplicate_rows) == 1
    result = {}
    worker = threading.Thread(target=lambda: result.update(n=reported(db)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():
        pytest.fail("the scope CTE recursed for ever over the cycle the duplicated id makes")
    assert result["n"] == plain_count(db) == 21  # and W2's subtree is counted once
