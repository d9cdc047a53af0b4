"""Audit log: who saw unmasked personal data or exported, for which area and period (README: Login, roles and personal data).

Kept in the dashboard's own SQLite file (`settings.users_path`, shared with the accounts), never in
the platform database. Append-only: there is no update or delete API, and triggers in the file
refuse UPDATE and DELETE on the table.

    python -m data_access.audit [--limit N] [--json] [--config PATH] [--path FILE]
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

from data_access.errors import AuditUnavailable
from data_access.users import connect, transaction

ACTIONS = {"unmask": "查看未脱敏信息", "export": "导出"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ts          TEXT NOT NULL,        -- local time, ISO 8601 with UTC offset
    user        TEXT NOT NULL,
    action      TEXT NOT NULL,
    area        TEXT,                 -- area code; NULL: the user's whole scope
    period_from TEXT,
    period_to   TEXT,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END;
"""
COLUMNS = ("id", "ts", "user", "action", "area", "period_from", "period_to", "detail")


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _open(path: str | Path) -> sqlite3.Connection:
    conn = connect(path)
    conn.executescript(_SCHEMA)
    return conn


def record(path: str | Path, *, user, action: str, area: str | None, period_from, period_to,
           detail: str = "", at: datetime | None = None) -> int:
    """Append one entry and return its id.

    `user` is an account name or a `data_access.users.User`; `action` one of ACTIONS; `area` an area
    code (None: the whole scope); the period bounds are dates, datetimes or strings; `detail` says
    what was revealed or exported (never the personal data itself). `at` defaults to now, local time
    with its offset (pass `datetime.now(settings.timezone)` to use the configured zone). Raises
    AuditUnavailable when the entry cannot be written."""
    name = getattr(user, "name", user)
    if not isinstance(name, str) or not name.strip():
        raise ValueError("审计记录缺少用户名")
    if action not in ACTIONS:
        raise ValueError(f"未知的审计操作 {action!r}，应为 " + "、".join(ACTIONS))
    at = at or datetime.now().astimezone()
    try:
        conn = _open(path)
        try:
            with transaction(conn):
                cur = conn.execute(
                    "INSERT INTO audit (ts, user, action, area, period_from, period_to, detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (at.isoformat(timespec="seconds"), name.strip(), action, _text(area), _text(period_from),
                     _text(period_to), str(detail or "")))
                return int(cur.lastrowid)
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:  # a full disk, a read-only or locked file: the caller must not go on
        raise AuditUnavailable(exc) from exc


def recent(path: str | Path, limit: int = 100) -> list[dict]:
    """The newest `limit` entries, newest first, as dicts with the keys of COLUMNS."""
    if not Path(path).exists():
        return []
    conn = _open(path)
    try:
        rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY id DESC LIMIT ?",
                            (max(0, int(limit)),)).fetchall()
    finally:
        conn.close()
    return [dict(row) for row in rows]
