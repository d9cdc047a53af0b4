"""Start-up failures end in a clear Chinese message, never a stack trace or a half-drawn page."""
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access.db import Database
from tests.markup import shown

ROOT = Path(__file__).resolve().parent.parent


def run_app(monkeypatch, **env) -> AppTest:
    env.setdefault("GRID_AUTH_MODE", "none")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_invalid_config_stops_start_up_naming_the_key(tmp_path, monkeypatch):
    bad = tmp_path / "config.toml"
    bad.write_text("[map]\nzoom = 'near'\n", encoding="utf-8")
    at = run_app(monkeypatch, GRID_CONFIG=str(bad))
    assert at.error and "map.zoom" in shown(at.error[0].value) and "配置错误" in at.error[0].value
    assert not at.metric


def test_unreachable_database_names_host_not_password(monkeypatch):
    at = run_app(monkeypatch, GRID_DB_URL="postgresql://grid:s3cret@127.0.0.1:1/platform")
    message = shown(at.error[0].value)  # as the browser shows the escaped Markdown
    assert "无法连接数据库" in message and "127.0.0.1" in message and "platform" in message
    assert "s3cret" not in message and "自动重试" in message
    assert not at.metric


def test_dashboard_connection_cannot_write(fixture_url):
    db = Database.connect(fixture_url)  # what the dashboard opens
    events = db.schema.table("events")
    with pytest.raises(sa.exc.DBAPIError):
        with db.engine.begin() as conn:
            conn.execute(events.delete())
    assert int(db.query(sa.select(sa.func.count()).select_from(events)).iloc[0, 0]) > 0
    db.dispose()
