"""The hand-built fixture city (tests/fixture.py) loaded once per session on each dialect.

PostgreSQL and MariaDB get a dedicated database each (`grid_fixture`, `grid_fixture_mapped`) so
other tests' tables in the shared `test` database are never touched. A server that cannot be
reached makes the tests that need it fail — they are never skipped. The servers can be moved with
GRID_TEST_POSTGRES / GRID_TEST_MARIADB (a URL of any existing database on the server).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from data_access.db import Database, normalize_url
from data_access.schema import SchemaMap
from tests.fixture import load_fixture

POSTGRES_SERVER = os.environ.get("GRID_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
MARIADB_SERVER = os.environ.get("GRID_TEST_MARIADB", "mysql://root@127.0.0.1:3306/test")

DIALECTS = [pytest.param(d, id=d) for d in ("duckdb", "postgresql", "mariadb")]
CANONICAL_DB = "grid_fixture"


def ensure_database(dialect: str, name: str, tmp_dir: Path) -> str:
    """URL of database `name` on the dialect's test server, created if missing (DuckDB: a temp file)."""
    if dialect == "duckdb":
        return f"duckdb:///{tmp_dir / (name.removeprefix('grid_') + '.duckdb')}"
    server = POSTGRES_SERVER if dialect == "postgresql" else MARIADB_SERVER
    engine = sa.create_engine(normalize_url(server), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            if dialect == "postgresql":
                exists = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
                if conn.execute(exists, {"name": name}).first() is None:
                    try:
                        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                    except sa.exc.DBAPIError:  # created meanwhile by a concurrent test run
                        if conn.execute(exists, {"name": name}).first() is None:
                            raise
            else:
                conn.execute(sa.text(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"{dialect} test server {make_url(server).render_as_string()} unreachable: {exc.orig}",
                    pytrace=False)
    finally:
        engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def load_database(tmp_path_factory):
    """load_database(dialect, name, schema_map) → URL of a database holding the fixture; loads once."""
    tmp_dir = tmp_path_factory.mktemp("fixture_dbs")
    loaded: dict[tuple[str, str], str] = {}

    def load(dialect: str, name: str = CANONICAL_DB, schema_map: SchemaMap | None = None) -> str:
        if (dialect, name) not in loaded:
            url = ensure_database(dialect, name, tmp_dir)
            load_fixture(url, schema_map)
            loaded[(dialect, name)] = url
        return loaded[(dialect, name)]

    return load


@pytest.fixture(scope="session", params=DIALECTS)
def fixture_url(request, load_database) -> str:
    """URL of the canonical fixture database, once per dialect."""
    return load_database(request.param)


@pytest.fixture(scope="session", params=DIALECTS)
def foreign_url(request, tmp_path_factory) -> str:
    """URL of the foreign-shaped platform (tests/foreign.py) in a database of its own, once per dialect."""
    from tests.foreign import load_foreign
    url = ensure_database(request.param, "grid_foreign", tmp_path_factory.mktemp("foreign"))
    load_foreign(url)
    return url


@pytest.fixture(scope="session")
def fixture_db(fixture_url):
    """A read-only Database on the canonical fixture (what the dashboard would open)."""
    db = Database.connect(fixture_url)
    yield db
    db.dispose()
@pytest.fixture
def fixture_copy(load_database, tmp_path):
    """fixture_copy("UPDATE areas SET parent_id = 12345 WHERE code = 'S2'", ...) → URL of a copy of the
    DuckDB fixture with those statements applied: a broken shape (an orphaned street, a cycle, a
    duplicated id) without a database of its own. Each call makes a new copy."""
    made = []

    def make(*statements: str) -> str:
        target = tmp_path / f"fixture_copy_{len(made)}.duckdb"
        shutil.copyfile(make_url(load_database("duckdb")).database, target)
        con = duckdb.connect(str(target))
        try:
            for sql in statements:
                con.execute(sql)
        finally:
            con.close()
        made.append(target)
        return f"duckdb:///{target}"
    return make


# The fixture's areas table has id as its primary key; a platform's view may not. Run these first to
# be able to insert a second row with an existing id.
AREAS_WITHOUT_KEY = ("CREATE TABLE areas_copy AS SELECT * FROM areas", "DROP TABLE areas",
                     "ALTER TABLE areas_copy RENAME TO areas")


from tests.apptest import open_page, users_file  # noqa: E402,F401  (shared AppTest fixtures)
from tests.pgcluster import cluster  # noqa: E402,F401  (a throwaway PostgreSQL server, per module)
