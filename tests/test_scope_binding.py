"""The scope resolved on the area tree and bound into SQL (metrics/scope.py): which ids a focus
covers, that nothing outside the scope gets in, and that the bound statements count exactly what
a plain per-area SQL count gives, on every engine."""
import pandas as pd
import pytest
import sqlalchemy as sa

from data_access.db import Database
from data_access.users import Scope
from metrics.scope import AreaTree, group_rows, in_scope, resolve

# 1 ─ 2 ─ 3, 4      (street 2 with grids 3 and 4)
#   └ 5 ─ 6 ─ 7     (street 5, community 6, grid 7); 8 ⇄ 9 point at each other (a cycle, no root)
TREE = AreaTree(pd.DataFrame({
    "id": [1, 2, 3, 4, 5, 6, 7, 8, 9], "parent_id": [None, 1, 2, 2, 1, 5, 6, 9, 8],
    "level": ["district", "street", "grid", "grid", "street", "community", "grid", "grid", "grid"],
    "code": ["D", "S2", "G3", "G4", "S5", "C6", "G7", "G8", "G9"], "name": list("abcdefghi"),
    "households": 0, "population": 0, "lon": 0.0, "lat": 0.0}).set_index("id"))


def test_a_subtree_is_every_area_below_once_and_a_cycle_ends():
    assert TREE.subtree(1) == (1, 2, 3, 4, 5, 6, 7)
    assert TREE.subtree(5) == (5, 6, 7)
    assert TREE.subtree(8) == (8, 9)  # walked once round the loop, not for ever


def test_a_focus_covers_its_subtree_and_groups_outside_the_scope_cover_nothing():
    official = resolve(TREE, Scope(("S5",)))
    assert official.areas() == (5, 6, 7)
    assert official.areas(6) == (6, 7)
    assert official.areas(2) == ()  # street 2 is not theirs: asking for it as a group gives nothing
    assert resolve(TREE, Scope(("S2", "G7"))).areas() == (2, 3, 4, 7)
    assert resolve(TREE, Scope(())).areas() == ()  # default-deny


@pytest.fixture(params=["duckdb", "postgresql", "mariadb"])
def small_db(request, tmp_path):
    """One table of rows per area on each engine (PostgreSQL and MariaDB in their `test` databases)."""
    url = {"duckdb": f"duckdb:///{tmp_path / 'scope.duckdb'}",
           "postgresql": "postgresql://postgres@127.0.0.1:5432/test",
           "mariadb": "mysql://root@127.0.0.1:3306/test"}[request.param]
    db = Database.connect(url, read_only=False)
    rows = pd.DataFrame({"grid_id": [1, 2, 3, 3, 4, 6, 7, 7, 7, 8, 99]})
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS scope_rows"))
            conn.execute(sa.text("CREATE TABLE scope_rows (grid_id INTEGER)"))
            conn.execute(sa.text("INSERT INTO scope_rows VALUES " + ", ".join(f"({g})" for g in rows["grid_id"])))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"{request.param} not reachable: {exc}")
    yield db, rows
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE scope_rows"))
    db.dispose()


def test_bound_statements_count_what_a_plain_count_per_area_gives(small_db):
    db, rows = small_db
    t = sa.table("scope_rows", sa.column("grid_id", sa.Integer))
    focus = resolve(TREE, Scope(("S2", "S5")))
    got = db.query(sa.select(sa.func.count().label("n")).where(in_scope(db, t.c.grid_id, focus))).iloc[0, 0]
    assert got == rows["grid_id"].isin([2, 3, 4, 5, 6, 7]).sum() == 8  # not 1 (the district), 8 or 99
    members = group_rows(db, focus, [2, 5, 6, 1])  # 1 is outside this official's scope: no rows
    per_group = db.query(sa.select(members.c.group_id, sa.func.count().label("n"))
                         .select_from(t.join(members, t.c.grid_id == members.c.area_id))
                         .group_by(members.c.group_id).order_by(members.c.group_id))
    assert dict(zip(per_group["group_id"].astype(int), per_group["n"].astype(int))) == {2: 4, 5: 4, 6: 4}
    nobody = resolve(TREE, Scope(()))
    assert db.query(sa.select(sa.func.count().label("n")).where(in_scope(db, t.c.grid_id, nobody))).iloc[0, 0] == 0
    empty = group_rows(db, nobody, [2])
    assert db.query(sa.select(empty.c.group_id)).empty
