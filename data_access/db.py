"""Engines for the shared database: read-only for the dashboard, writable only for building a demo.

`Database` bundles an engine with the mapped schema, so every query knows both the dialect and the
real table names. Bulk loading (demo city, test fixtures) uses each dialect's fast path.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from data_access.errors import DatabaseUnavailable
from data_access.schema import CANONICAL, CANONICAL_MAP, MappedSchema, SchemaMap


def describe(url: str | sa.URL) -> str:
    """Host and database of a URL for messages; the password never appears. (A password with an
    unencoded "@" would be parsed partly into the host or database: check_url refuses such URLs,
    and anything up to an "@" is left out here as well.)"""
    u = make_url(url)
    if u.get_backend_name() == "duckdb":
        return f"嵌入式 DuckDB（{u.database or ':memory:'}）"
    port = f":{u.port}" if u.port else ""
    host, database = ((part or "").rpartition("@")[2] for part in (u.host, u.database))
    return f"{u.get_backend_name()}://{host or 'localhost'}{port}/{database}"


_HOST = re.compile(r"^([A-Za-z0-9_.-]*|[0-9A-Fa-f:.]+(%\w+)?)$")  # a name, IPv4 or (from [brackets]) IPv6


def check_url(url: str) -> None:
    """ValueError, in words that never repeat the URL, unless `url` reads as the URL it was meant to
    be. SQLAlchemy ends a password at its first "@", so with an unencoded "@" in it the rest becomes
    host, port or database, which messages then show; a URL it cannot parse fails in words that
    quote it (the port of postgresql://grid:secret@127.0.0.1:59x9/x)."""
    encode = "用户名或密码中的 @ : / ? # % 须按 URL 编码，如 @ 写作 %40、: 写作 %3A、/ 写作 %2F、% 写作 %25"
    try:
        u = make_url(url)
    except Exception:  # the parser's own words quote the URL
        raise ValueError(f"无法解析。端口应为数字；{encode}") from None
    if u.get_backend_name() in ("duckdb", "sqlite"):
        return  # a file path: no password, and any character is allowed
    if url.count("@") > 1 or not _HOST.match(u.host or ""):
        raise ValueError(f"无法确定主机名（@ 多于一个，或主机名含不允许的字符）。{encode}")


def normalize_url(url: str) -> str:
    """Accept short dialect names for the drivers we ship (postgresql → psycopg, mysql → pymysql)."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    elif u.drivername in ("mysql", "mariadb"):
        u = u.set(drivername=f"{u.drivername}+pymysql")
    return u.render_as_string(hide_password=False)


def _read_only(engine: sa.Engine) -> None:
    dialect = engine.dialect.name
    if dialect == "duckdb":
        return  # opened with read_only=True below

    @sa.event.listens_for(engine, "connect")
    def _set_read_only(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        if dialect == "postgresql":
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_conn.commit()
        else:  # MySQL family
            cur.execute("SET SESSION TRANSACTION READ ONLY")
        cur.close()


def create_engine(url: str, *, read_only: bool = True) -> sa.Engine:
    url = normalize_url(url)
    u = make_url(url)
    kwargs: dict = {"pool_pre_ping": True}
    if u.get_backend_name() == "duckdb":
        if read_only and u.database not in (None, "", ":memory:"):
            if not Path(u.database).exists():
                raise DatabaseUnavailable(describe(url), FileNotFoundError(u.database))
            kwargs["connect_args"] = {"read_only": True}
        kwargs.pop("pool_pre_ping")
    elif u.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
    elif u.get_backend_name() in ("mysql", "mariadb"):
        kwargs["connect_args"] = {"connect_timeout": 5, "charset": "utf8mb4"}
    engine = sa.create_engine(url, **kwargs)
    if read_only:
        _read_only(engine)
    return engine


@dataclass
class Database:
    """A connection target plus the schema mapping used to address it."""
    engine: sa.Engine
    schema: MappedSchema

    @classmethod
    def connect(cls, url: str, schema_map: SchemaMap | None = None, *, read_only: bool = True) -> "Database":
        return cls(create_engine(url, read_only=read_only), (schema_map or CANONICAL_MAP).metadata())

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def target(self) -> str:
        return describe(self.engine.url)

    def query(self, stmt: sa.Executable, params: dict | None = None) -> pd.DataFrame:
        """Run one statement and return its (already aggregated) rows."""
        try:
            with self.engine.connect() as conn:
                result = conn.execute(stmt, params or {})
                return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        except sa.exc.OperationalError:
            self.ping()  # raises DatabaseUnavailable when the server is gone; else the query itself failed
            raise

    def ping(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.DBAPIError as exc:
            raise DatabaseUnavailable(self.target, exc, self.engine.url.password) from exc

    def dispose(self) -> None:
        self.engine.dispose()


# ---- writing (demo city and test fixtures only; the dashboard never writes) ----

def create_tables(db: Database, *, drop: bool = True) -> None:
    md = db.schema.md
    with db.engine.begin() as conn:
        if drop:
            md.drop_all(conn)
        md.create_all(conn)


def write_frame(db: Database, table: str, frame: pd.DataFrame, *, chunk: int = 20_000) -> None:
    """Append a DataFrame with canonical column names and values to a (mapped) table."""
    if db.schema.derived(table):  # absent, computed or shared columns have nowhere to be written
        raise ValueError(f"{table} is read through a derived table and cannot be written")
    t = db.schema.table(table)
    frame = _to_real_values(db.schema.map, table, _typed(table, frame))
    cols = [t.c[c].name for c in frame.columns]
    if frame.empty:
        return
    if db.dialect == "duckdb":
        with db.engine.begin() as conn:
            raw = conn.connection.driver_connection
            raw.register("_frame", frame)
            quoted = ", ".join(f'"{c}"' for c in cols)
            raw.execute(f'INSERT INTO "{t.name}" ({quoted}) SELECT * FROM _frame')
            raw.unregister("_frame")
    elif db.dialect == "postgresql":
        buf = io.StringIO()
        frame.to_csv(buf, index=False, header=False, quoting=csv.QUOTE_MINIMAL, date_format="%Y-%m-%d %H:%M:%S")
        quoted = ", ".join(f'"{c}"' for c in cols)
        with db.engine.begin() as conn:
            with conn.connection.driver_connection.cursor() as cur:
                with cur.copy(f'COPY "{t.name}" ({quoted}) FROM STDIN WITH (FORMAT csv)') as copy:
                    copy.write(buf.getvalue())
    else:  # MySQL family: PyMySQL folds executemany of a plain INSERT into multi-row statements
        records = frame.astype(object).where(frame.notna(), None)
        rows = list(records.itertuples(index=False, name=None))
        quoted = ", ".join(f"`{c}`" for c in cols)
        sql = f"INSERT INTO `{t.name}` ({quoted}) VALUES ({', '.join(['%s'] * len(cols))})"
        with db.engine.begin() as conn:
            with conn.connection.driver_connection.cursor() as cur:
                for i in range(0, len(rows), chunk):
                    cur.executemany(sql, rows[i:i + chunk])


def _typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical column order, and nullable integers so a missing value never turns 3 into 3.0."""
    frame = frame[[c for c, _ in CANONICAL[table] if c in frame]].copy()
    for col, typ in CANONICAL[table]:
        if col in frame and typ in (sa.Integer, sa.BigInteger):
            frame[col] = frame[col].astype("Int64")
        elif col in frame and typ is sa.Boolean:
            frame[col] = frame[col].astype("boolean")
    return frame


def _to_real_values(smap: SchemaMap, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    mapped = smap.values.get(table, {})
    if not mapped:
        return frame
    frame = frame.copy()
    for col in mapped:
        if col in frame:
            frame[col] = frame[col].map(lambda v: smap.value(table, col, v) if isinstance(v, str) else v)
    return frame
