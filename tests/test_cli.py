"""`python -m metrics summary`: the JSON contract, checked against the fixture's hand-worked values."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.summary import SUMMARY_KEYS

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", "summary", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def summary_json(url: str, *extra: str) -> dict:
    done = cli("--from", "2026-03-02", "--to", "2026-03-09", "--url", url, "--asof", "2026-03-12 12:00",
               "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_has_every_key_for_all_three_periods(fixture_url):
    out = summary_json(fixture_url)
    for part in (out, out["previous"], out["last_year"]):
        assert set(SUMMARY_KEYS) <= set(part)
    # Hand values (tests/fixture.py): 21 reported, 2 rejected, 14 of 19 closed by T; the previous
    # week 7 reported; the same week of 2025: 3 reported, 2 filed, both closed.
    assert (out["reported"], out["filed"], out["closed"]) == (21, 19, 14)
    assert out["closure_rate"] == pytest.approx(14 / 19)
    assert out["previous"]["reported"] == 7
    assert (out["last_year"]["reported"], out["last_year"]["closure_rate"]) == (3, 1.0)


def test_area_narrows_to_a_street(fixture_url):
    out = summary_json(fixture_url, "--area", "S1")
    assert (out["reported"], out["filed"], out["closed"]) == (10, 9, 6)
    assert out["on_time_rate"] == pytest.approx(4 / 8)


def test_missing_database_file_is_a_clear_error():
    done = cli("--from", "2024-03-02", "--to", "2024-03-09", "--url", "duckdb:///" + str(ROOT / "nonexistent.duckdb"))
    assert done.returncode == 2 and "无法连接数据库" in done.stderr and "Traceback" not in done.stderr


def test_empty_period_gives_nulls_not_zero(load_database):
    url = load_database("duckdb")
    done = cli("--from", "2024-03-02", "--to", "2024-03-09", "--url", url, "--asof", "2026-03-12 12:00", "--json")
    out = json.loads(done.stdout)
    assert out["reported"] == 0 and out["closure_rate"] is None and out["satisfaction_rate"] is None


def test_unknown_area_is_refused_without_numbers(load_database):
    done = cli("--from", "2026-03-02", "--to", "2026-03-09", "--url", load_database("duckdb"), "--area", "NOPE", "--json")
    assert done.returncode == 2 and done.stdout == "" and "NOPE" in done.stderr


def test_unreachable_server_names_host_never_password():
    done = cli("--from", "2026-03-02", "--to", "2026-03-09", "--url", "postgresql://u:s3cret@127.0.0.1:1/db")
    assert done.returncode == 2
    assert "127.0.0.1" in done.stderr and "s3cret" not in done.stderr and "Traceback" not in done.stderr


def test_to_must_follow_from():
    done = cli("--from", "2026-03-09", "--to", "2026-03-02", "--json")
    assert done.returncode == 2 and "--to" in done.stderr


def _users_config(tmp_path, users_file) -> str:
    config = tmp_path / "config.toml"
    config.write_text(f'[auth]\nusers_path = "{users_file}"\n', encoding="utf-8")
    return str(config)


def test_user_scope_applies_exactly_as_on_the_pages(load_database, users_file, tmp_path):
    url, config = load_database("duckdb"), _users_config(tmp_path, users_file)
    mine = summary_json(url, "--user", "s1", "--config", config)
    assert (mine["reported"], mine["filed"], mine["closed"]) == (10, 9, 6)  # S1 only, as with --area S1
    done = cli("--from", "2026-03-02", "--to", "2026-03-09", "--url", url, "--user", "s1", "--config", config,
               "--area", "S2", "--json")
    assert done.returncode == 2 and done.stdout == "" and "S2" in done.stderr


def test_unknown_user_is_refused(load_database, users_file, tmp_path):
    done = cli("--from", "2026-03-02", "--to", "2026-03-09", "--url", load_database("duckdb"), "--user", "nobody",
               "--config", _users_config(tmp_path, users_file), "--json")
    assert done.returncode == 2 and done.stdout == "" and "nobody" in done.stderr


def test_alerts_one_json_object_per_line(fixture_url):
    done = subprocess.run([sys.executable, "-m", "metrics", "alerts", "--url", fixture_url, "--asof", "2026-03-09 00:00",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    keys = {"kind", "area_code", "area_name", "category_code", "category_name", "window_hours", "observed",
            "expected", "p_value", "since"}
    assert lines and all(keys <= set(line) for line in lines)
    # the fixture's own week: 8 filed CM01 cases in the district against 5 in the 8 weeks before
    week = next(x for x in lines if (x["kind"], x["area_code"], x["category_code"], x["window_hours"]) ==
                ("surge", "D", "CM01", 168))
    assert (week["observed"], week["expected"]) == (8, 0.69) and week["since"] == "2026-03-02T10:00"
