"""Audit log: append-only entries in the dashboard's own users file, newest first."""
import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from configuration.settings import load_settings
from data_access import audit
from data_access.users import User, UserStore

ROOT = Path(__file__).resolve().parent.parent


def test_record_and_recent_newest_first(tmp_path):
    path = tmp_path / "users.sqlite"
    first = audit.record(path, user="admin", action="unmask", area="370704002",
                         period_from=date(2026, 11, 9), period_to=date(2026, 11, 16), detail="超期未结清单")
    second = audit.record(path, user=User("li", "official", ("370704002",), "李", False, True), action="export",
                          area=None, period_from="2026-11-01", period_to="2026-11-16", detail="网格员绩效.xlsx",
                          at=datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert second > first
    entries = audit.recent(path)
    assert [e["id"] for e in entries] == [second, first]
    assert entries[0] == {"id": second, "ts": "2026-11-16T10:00:00+08:00", "user": "li", "action": "export",
                          "area": None, "period_from": "2026-11-01", "period_to": "2026-11-16",
                          "detail": "网格员绩效.xlsx"}
    assert entries[1]["user"] == "admin" and entries[1]["area"] == "370704002"
    assert entries[1]["period_from"] == "2026-11-09" and entries[1]["period_to"] == "2026-11-16"
    assert datetime.fromisoformat(entries[1]["ts"]).tzinfo is not None  # local time with its offset
    assert audit.recent(path, limit=1) == entries[:1]


def test_recent_of_a_missing_file_is_empty_and_creates_nothing(tmp_path):
    assert audit.recent(tmp_path / "absent.sqlite") == []
    assert not (tmp_path / "absent.sqlite").exists()


@pytest.mark.parametrize("kwargs, message", [
    (dict(user="admin", action="delete"), "未知的审计操作"),
    (dict(user="", action="export"), "缺少用户名"),
])
def test_bad_entries_are_refused(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        audit.record(tmp_path / "u.sqlite", area=None, period_from=None, period_to=None, **kwargs)
    assert audit.recent(tmp_path / "u.sqlite") == []


def test_append_only(tmp_path):
    path = tmp_path / "users.sqlite"
    audit.record(path, user="admin", action="export", area="370704", period_from="2026-11-09", period_to="2026-11-16")
    assert not any(hasattr(audit, name) for name in ("delete", "update", "clear", "purge"))
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
        conn.execute("UPDATE audit SET user = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
        conn.execute("DELETE FROM audit")
    conn.close()
    assert audit.recent(path)[0]["user"] == "admin"


def test_lives_in_the_users_file_not_the_platform_database(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\ndemo_path = "{tmp_path / "demo.duckdb"}"\n'
                      f'[auth]\nusers_path = "{tmp_path / "own" / "users.sqlite"}"\n', encoding="utf-8")
    s = load_settings(config, env={})
    store = UserStore(s.users_path)
    store.add("admin", "admin-password", "admin", can_unmask=True)
    audit.record(s.users_path, user="admin", action="unmask", area="370704", period_from="2026-11-09",
                 period_to="2026-11-16")
    with sqlite3.connect(s.users_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"users", "audit"} <= tables
        assert conn.execute("SELECT user, action FROM audit").fetchall() == [("admin", "unmask")]
    assert not s.demo_path.exists()  # the platform (demo) database was never opened
    assert store.get("admin") is not None  # the accounts are still readable beside the log


def test_cli_prints_json(tmp_path):
    path = tmp_path / "users.sqlite"
    audit.record(path, user="admin", action="export", area="370704", period_from="2026-11-09", period_to="2026-11-16")
    audit.record(path, user="leader", action="export", area=None, period_from="2026-11-09", period_to="2026-11-16")
    done = subprocess.run([sys.executable, "-m", "data_access.audit", "--path", str(path), "--limit", "1", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [e["user"] for e in out] == ["leader"]
