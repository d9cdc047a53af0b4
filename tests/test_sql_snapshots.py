"""The SQL the metrics layer sends, per dialect, kept as files so a change of plan shows in review.

For the statements whose shape carries correctness or speed — the scope's bound area ids (an IN
list for one area, constant (area_id, group_id) rows joined per child area; no recursive CTE, which
MariaDB misestimates and Doris/StarRocks lack), one source's conditional aggregates, the open-at-T filter of 超期未结, the percentiles (inline PERCENTILE_CONT, or ranked
rows on MySQL) and a breakdown by worker — the compiled SQL for DuckDB, PostgreSQL and MySQL is
compared with `tests/sql/<dialect>/<name>.sql`. Nothing runs here: the statements are recorded
instead of executed (the metric tests run them on all three engines).

After an intended change, refresh the files and review their diff:

    GRID_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_sql_snapshots.py
"""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from duckdb_engine import Dialect as DuckDBDialect
from sqlalchemy.dialects import mysql, postgresql

from data_access.schema import CANONICAL_MAP
from metrics.period import Period
from metrics.query import aggregate
from metrics.scope import AreaTree, Focus, group_rows
from metrics.summary import CORE

SNAPSHOTS = Path(__file__).parent / "sql"
DIALECTS = {"duckdb": DuckDBDialect(), "postgresql": postgresql.dialect(), "mysql": mysql.dialect()}
UPDATE = os.environ.get("GRID_UPDATE_SNAPSHOTS") == "1"
# A district 1 with street 2 (grids 3 and 4) and street 5 (grid 6): a user seeing area 1's subtree looks at street 2.
TREE = AreaTree(pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "parent_id": [None, 1, 2, 2, 1, 5],
                              "level": ["district", "street", "grid", "grid", "street", "grid"],
                              "code": ["1", "11", "111", "112", "12", "121"], "name": list("abcdef"),
                              "households": 0, "population": 0, "lon": 0.0, "lat": 0.0}).set_index("id"))
FOCUS = Focus(scope_roots=(1,), area_ids=(2,), tree=TREE)
PERIOD, ASOF = Period(date(2026, 3, 2), date(2026, 3, 9)), datetime(2026, 3, 9, 10, 0)


class Recorder:
    """Stands in for data_access.db.Database: compiles what it is asked to run and returns no rows."""

    def __init__(self, dialect: str):
        self.dialect, self.schema, self.sql = dialect, CANONICAL_MAP.metadata(), []

    def query(self, stmt, params=None) -> pd.DataFrame:
        bound = stmt.params(**(params or {}))  # values of expanding lists render as one placeholder each
        compiled = bound.compile(dialect=DIALECTS[self.dialect], compile_kwargs={"render_postcompile": True})
        self.sql.append(str(compiled).strip())
        return pd.DataFrame(columns=[c.name for c in stmt.selected_columns])


def scope_groups(db: Recorder) -> None:
    db.query(sa.select(group_rows(db, FOCUS, [2, 3, 5])))


def one_area_summary(db: Recorder) -> None:
    aggregate(db, FOCUS, PERIOD, ASOF, CORE)


def children_ranking(db: Recorder) -> None:
    aggregate(db, FOCUS, PERIOD, ASOF, ["reported", "closure_rate", "on_time_rate"], groups=[3, 4])


def overdue_at_t(db: Recorder) -> None:
    aggregate(db, FOCUS, PERIOD, ASOF, ["overdue_open"])


def handling_percentiles(db: Recorder) -> None:
    aggregate(db, FOCUS, PERIOD, ASOF, ["median_hours", "p90_hours"], groups=[3, 4])


def worker_breakdown(db: Recorder) -> None:
    aggregate(db, FOCUS, PERIOD, ASOF, ["reported", "filed", "visited", "patrol_days"], by="worker")


def department_ranking(db: Recorder) -> None:
    """部门协同: cases by their department (the dispatch count a correlated subquery), surveys through
    their case, dispatches by the department sent to, scoped through their case's grid."""
    aggregate(db, FOCUS, PERIOD, ASOF, ["dept_handled", "multi_dispatch_rate", "satisfaction_rate", "return_rate",
                                        "response_hours"], by="department")


CASES = [scope_groups, one_area_summary, children_ranking, overdue_at_t, handling_percentiles, worker_breakdown,
         department_ranking]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_compiled_sql_matches_its_snapshot(case, dialect):
    db = Recorder(dialect)
    case(db)
    got = "\n\n-- next statement\n\n".join(db.sql) + "\n"
    path = SNAPSHOTS / dialect / f"{case.__name__}.sql"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"new snapshot written: {path.relative_to(SNAPSHOTS.parent.parent)} — review and commit it")
    assert got == path.read_text(encoding="utf-8"), (
        f"the SQL of {case.__name__} on {dialect} changed; if intended, refresh with "
        "GRID_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_sql_snapshots.py and review the diff")


def test_the_snapshots_show_what_they_are_kept_for():
    """A reviewer reads these files for the constructs below; make sure they are really in them."""
    read = lambda d, n: (SNAPSHOTS / d / f"{n}.sql").read_text(encoding="utf-8")  # noqa: E731
    for d in DIALECTS:
        assert all("RECURSIVE" not in read(d, c.__name__).upper() for c in CASES)
        assert "ON events.grid_id = scope_groups.area_id" in read(d, "children_ranking")
    for d in ("duckdb", "postgresql"):  # street 2 and its grids, bound as arrays
        assert "grid_id IN (SELECT unnest(" in read(d, "one_area_summary")
        assert "JOIN (SELECT unnest(" in read(d, "children_ranking")
    assert "grid_id IN (2, 3, 4)" in read("mysql", "one_area_summary")
    assert "SELECT 3 AS area_id, 3 AS group_id UNION ALL SELECT 4 AS area_id, 4 AS group_id" \
        in read("mysql", "children_ranking")
    for d in DIALECTS:
        assert "deadline_at <" in read(d, "overdue_at_t")
    for d in ("duckdb", "postgresql"):
        assert "percentile_cont(" in read(d, "handling_percentiles") and "row_number" not in read(d, "handling_percentiles")
    assert "row_number() OVER (PARTITION BY" in read("mysql", "handling_percentiles")
    assert "percentile_cont" not in read("mysql", "handling_percentiles").lower()
    for d in DIALECTS:  # a dispatch is in the scope of its case's grid
        assert "JOIN events ON dispatches.event_id = events.id" in read(d, "department_ranking")
