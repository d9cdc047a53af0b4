"""Loading the generated frames into a database (DuckDB file, PostgreSQL or the MySQL family).

A DuckDB file is built under a temporary name beside the target and renamed into place only when
complete, so a reader never sees a half-built demo database at the final path.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from data_access.db import Database, create_tables, describe, normalize_url, write_frame
from data_access.errors import DatabaseUnavailable
from data_access.schema import CANONICAL

GENERATION_SHARE = 0.35           # of the progress bar; writing takes the rest
WRITE_CHUNK = 100_000             # events rows per write_frame call, so progress moves during big tables; a
                                  # narrower table takes as many values per call (each call commits: DuckDB
                                  # pays per call, so 1M dispatches load in 4 calls instead of 10, 0.45 s sooner)
TABLE_LABELS = {"areas": "区划网格", "workers": "网格员", "event_categories": "事件分类", "departments": "职能部门",
                "events": "事件", "dispatches": "派遣记录", "patrols": "巡查走访", "surveys": "满意度调查"}


def duckdb_file(url: str) -> Path | None:
    u = make_url(normalize_url(url))
    if u.get_backend_name() != "duckdb" or u.database in (None, "", ":memory:"):
        return None
    return Path(u.database)


def load(url: str, make_frames: Callable, progress: Callable[[float, str], None] | None) -> dict[str, int]:
    """Connect, generate (via make_frames(progress)), write every table; returns rows per table."""
    report = progress or (lambda fraction, message: None)
    final = duckdb_file(url)
    temporary = None
    if final is not None:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(describe(url), exc) from exc
        temporary = final.with_name(f".{final.name}.{os.getpid()}-{threading.get_ident()}.building")
        _remove(temporary)
        url = make_url(normalize_url(url)).set(database=str(temporary)).render_as_string(hide_password=False)
    try:
        db = Database.connect(url, read_only=False)
        try:
            db.ping()                                   # fail fast, before minutes of generating
            frames = make_frames(lambda f, m: report(f * GENERATION_SHARE, m))
            write_all(db, frames, report)
            counts = {table: len(frame) for table, frame in frames.items()}
            refresh_statistics(db, frames)
        except sa.exc.OperationalError:
            db.ping()       # DatabaseUnavailable if the server went away; otherwise the statement failed
            raise
        finally:
            db.dispose()
        if temporary is not None:
            _remove(Path(f"{final}.wal"))               # a stale log would be replayed onto the new file
            os.replace(temporary, final)
    finally:
        if temporary is not None:
            _remove(temporary)
            _remove(Path(f"{temporary}.wal"))
    report(1.0, "示范数据已就绪")
    return counts


def write_all(db: Database, frames: dict[str, pd.DataFrame], report: Callable[[float, str], None]) -> None:
    report(GENERATION_SHARE, "正在建表…")
    create_tables(db)
    total = sum(len(f) for f in frames.values()) or 1
    done = 0
    for table, frame in frames.items():
        rows = chunk_rows(table)
        for start in range(0, max(len(frame), 1), rows):
            chunk = frame.iloc[start:start + rows]
            write_frame(db, table, chunk)
            done += len(chunk)
            report(GENERATION_SHARE + (1 - GENERATION_SHARE) * done / total,
                   f"正在写入{TABLE_LABELS[table]}（{table}）{start + len(chunk):,} / {len(frame):,} 行…")


def chunk_rows(table: str) -> int:
    """Rows per write_frame call: WRITE_CHUNK rows of events, as many values of any other table."""
    return WRITE_CHUNK * len(CANONICAL["events"]) // len(CANONICAL[table])


def refresh_statistics(db: Database, frames: dict) -> None:
    """Planner statistics for the fresh tables (without them PostgreSQL and MariaDB guess badly and
    pick nested loops); DuckDB writes its log into the file instead."""
    with db.engine.begin() as conn:
        if db.dialect == "duckdb":
            conn.execute(sa.text("CHECKPOINT"))
        elif db.dialect == "postgresql":
            conn.execute(sa.text("ANALYZE"))
        else:
            names = ", ".join(f"`{db.schema.table(t).name}`" for t in frames)
            conn.execute(sa.text(f"ANALYZE TABLE {names}"))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
