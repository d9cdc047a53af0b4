"""The mapping checker: `python -m data_access.check` and the start-up check that uses its structural part.

A mapping that names a missing table or column, or an expression that fails, is unusable: exit 2 and
a Chinese line naming the config key — never a traceback — and the dashboard stops before any page
with the same lines. Runs against the foreign platform (tests/foreign.py) on every dialect."""
from __future__ import annotations

import tomllib

import pytest

from data_access.check import ERROR, structure, usable
from data_access.db import Database
from data_access.schema import SchemaMap
from tests.apptest import open_app
from tests.foreign import CONFIG

BROKEN = {  # what a new administrator gets wrong, and the key the checker must name
    "missing-table": ("events = \"gd_case\"", "events = \"gd_cases\"",
                      "schema.tables.events"),
    "missing-column": ("closed_at = \"ja_sj\"", "closed_at = \"ja_time\"", "schema.columns.events.closed_at"),
    "bad-expression": ("status = \"zt\"", "status = { sql = \"CASE WHEN zt_code = 5 THEN 5 END\" }",
                       "schema.columns.events.status"),
    "missing-optional-table": ("patrols = false", "patrols = \"xc_record\"", "schema.tables.patrols"),
}


def broken(name: str) -> str:
    old, new, _key = BROKEN[name]
    assert old in CONFIG
    return CONFIG.replace(old, new, 1)


def write_config(tmp_path, url: str, schema: str, users: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n[auth]\nmode = "none"\n{users}\n{schema}', encoding="utf-8")
    return str(path)


def test_foreign_mapping_is_usable(foreign_url, tmp_path, monkeypatch, capsys):
    from data_access.check.__main__ import main
    monkeypatch.delenv("GRID_DB_URL", raising=False)
    assert main(["--config", write_config(tmp_path, foreign_url, CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "可以使用：0 个错误" in out
    assert "代码 17 出现 2 次" in out and "其他（原值 17）" in out   # cases 4 and 7 (tests/foreign.py)
    assert "grid_id 999：1 件" in out
    assert "超期未结：将显示无数据：平台未提供事件·办理期限（schema.columns.events.deadline_at = false）" in out


def test_found_columns_with_their_types(foreign_url, tmp_path, monkeypatch, capsys):
    from data_access.check.__main__ import main
    monkeypatch.delenv("GRID_DB_URL", raising=False)
    main(["--config", write_config(tmp_path, foreign_url, CONFIG), "--all"])
    out = capsys.readouterr().out.lower()
    assert "schema.columns.events.reported_at：gd_case.sb_sj（timestamp" in out or \
        "schema.columns.events.reported_at：gd_case.sb_sj（datetime" in out
    assert "schema.tables.areas：区域：v_area" in out


@pytest.mark.parametrize("name", BROKEN)
def test_unusable_mapping_names_its_key_and_exits_2(name, foreign_url, tmp_path, monkeypatch, capsys):
    from data_access.check.__main__ import main
    monkeypatch.delenv("GRID_DB_URL", raising=False)
    assert main(["--config", write_config(tmp_path, foreign_url, broken(name))]) == 2
    out = capsys.readouterr()
    errors = [line for line in out.out.splitlines() if "[错误]" in line]
    assert errors and all(BROKEN[name][2] in line for line in errors), out.out
    assert "Traceback" not in out.out + out.err


def test_invalid_config_and_unreachable_database_exit_2(tmp_path, monkeypatch, capsys):
    from data_access.check.__main__ import main
    monkeypatch.delenv("GRID_DB_URL", raising=False)
    bad = write_config(tmp_path, "postgresql://postgres@127.0.0.1:5432/test", "[schema.columns.events]\nreported_at = false\n")
    assert main(["--config", bad]) == 2
    assert "schema.columns.events.reported_at" in capsys.readouterr().err
    gone = write_config(tmp_path, "postgresql://postgres@127.0.0.1:1/none", "")
    assert main(["--config", gone]) == 2
    assert "无法连接数据库" in capsys.readouterr().err


def test_structure_is_cheap_and_says_what_each_key_found(foreign_url):
    db = Database.connect(foreign_url, SchemaMap.from_config(tomllib.loads(broken("missing-column"))["schema"]))
    found = structure(db)
    assert not usable(found)
    assert [f.key for f in found if f.level == ERROR] == ["schema.columns.events.closed_at"]
    db.dispose()


@pytest.mark.parametrize("name", ["missing-column", "bad-expression"])
def test_dashboard_stops_with_the_checkers_message(name, foreign_url, tmp_path, monkeypatch):
    at = open_app(monkeypatch, tmp_path, foreign_url, broken(name))
    assert not at.exception
    shown = at.error[0].value.replace("\\", "")  # Markdown-escaped: the key's dots and underscores
    assert len(at.error) == 1 and BROKEN[name][2] in shown and "python -m data_access.check" in shown
    assert not at.metric  # no page ran


def test_metrics_command_line_refuses_an_unusable_mapping(foreign_url, tmp_path, monkeypatch, capsys):
    from metrics.__main__ import main
    monkeypatch.delenv("GRID_DB_URL", raising=False)
    config = write_config(tmp_path, foreign_url, broken("missing-column"))
    assert main(["summary", "--config", config, "--from", "2026-03-02", "--to", "2026-03-09"]) == 2
    err = capsys.readouterr().err
    assert "schema.columns.events.closed_at" in err and "Traceback" not in err
