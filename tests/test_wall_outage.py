"""The 指挥大屏 while its database goes away and comes back, on a real PostgreSQL server the test
stops itself (tests/pgcluster.py, as tests/test_db_failure.py).

AppTest runs the wall's fragment inside the full script run, so this checks what the fragment draws
(the warning in its status strip, the kept figures) and that the next run recovers. The timed
fragment-only reruns of a real browser were checked the same way by hand (README, 指挥大屏).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.pgcluster import PASSWORD  # the `cluster` fixture comes from conftest.py
from ui import resilience

ROOT = Path(__file__).resolve().parent.parent
EARLIER, LATER = "2026-11-16T10:00", "2026-11-16T10:05"


@pytest.fixture
def wall(cluster, monkeypatch):
    cluster.start()
    monkeypatch.setenv("GRID_DB_URL", cluster.url("demo", "grid", PASSWORD))
    monkeypatch.setenv("GRID_AUTH_MODE", "none")
    monkeypatch.delenv("GRID_CONFIG", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    resilience.store().clear()  # as on a freshly started server: no last good figures
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["asof"] = EARLIER
    at.run()
    at.switch_page("views/wall.py").run()
    yield at
    cluster.start()


def texts(at) -> str:
    return "\n".join([e.value for e in (*at.markdown, *at.caption, *at.warning, *at.error)])


def test_outage_keeps_the_figures_with_a_warning_in_the_strip_and_recovers(wall, cluster):
    before = [(m.label, m.value) for m in wall.metric]
    assert len(before) == 6 and not wall.warning and not wall.error
    assert any(c.value.startswith("数据截至 **2026-11-16 10:00**") for c in wall.caption)

    cluster.stop()
    st.cache_data.clear()  # as if the figures had expired: the next refresh must ask the database
    wall.query_params["asof"] = LATER
    wall.run()
    assert not wall.error and not wall.exception
    assert [(m.label, m.value) for m in wall.metric] == before  # the last good figures stay
    (banner,) = [w.value for w in wall.warning]
    assert "数据库暂时无法连接" in banner and "以下为 10:00 的数据" in banner and "每 60 秒自动重试" in banner
    assert f"127.0.0.1:{cluster.port}/demo" in banner and PASSWORD not in texts(wall)
    assert not any(c.value.startswith("数据截至") for c in wall.caption)  # the warning takes its place

    cluster.start()
    wall.run()  # the fragment's next refresh
    assert not wall.warning and not wall.error
    assert any(c.value.startswith("数据截至 **2026-11-16 10:05**") for c in wall.caption)
    assert len(wall.metric) == 6


def test_nothing_kept_says_so_in_the_strip_without_a_stack_trace(wall, cluster):
    cluster.stop()
    st.cache_data.clear()
    wall.query_params["asof"] = "2026-11-15T10:00"  # another day: nothing kept for its figures
    wall.run()
    assert not wall.exception
    messages = [w.value for w in wall.warning] + [e.value for e in wall.error]
    assert any("无法连接数据库" in m and f"127.0.0.1:{cluster.port}/demo" in m for m in messages), messages
    assert PASSWORD not in texts(wall)
