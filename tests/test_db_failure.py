"""The database going down at start-up or mid-session, on a real PostgreSQL server the test stops itself.

A throwaway cluster (tests/pgcluster.py) holds a small demo city; the dashboard connects as `grid`
with a password in the URL, so every message can be checked for naming host and database and
never the password. Missing server tools fail these tests (they are never skipped).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.markup import shown
from tests.pgcluster import PASSWORD  # the `cluster` fixture comes from conftest.py
from ui import resilience
from ui.resilience import LastGood

ROOT = Path(__file__).resolve().parent.parent
WEEK = {"period": "custom", "from": "2026-11-09", "to": "2026-11-16"}
EARLIER, LATER = "2026-11-15T10:00", "2026-11-16T10:00"  # two as-of times with different figures
BANNER = "数据库暂时无法连接"


@pytest.fixture
def app(cluster, monkeypatch):
    """app(asof) → an AppTest on the overview of the demo week, against the throwaway cluster (running)."""
    cluster.start()
    monkeypatch.setenv("GRID_DB_URL", cluster.url("demo", "grid", PASSWORD))
    monkeypatch.setenv("GRID_AUTH_MODE", "none")
    st.cache_resource.clear()
    st.cache_data.clear()
    resilience.store().clear()  # as on a freshly started server: no last good figures
    yield lambda: AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    cluster.start()


def run(at: AppTest, asof: str | None = None, **params) -> AppTest:
    for k, v in {**WEEK, **params}.items():
        at.query_params[k] = v
    if asof:
        at.query_params["asof"] = asof
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def kpis(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def banners(at: AppTest) -> list[str]:
    return [shown(w.value) for w in at.warning if BANNER in w.value]


def texts(at: AppTest) -> str:
    return "\n".join(shown(str(e.value)) for kind in (at.error, at.warning, at.info, at.caption, at.markdown, at.title)
                     for e in kind)


def test_outage_mid_session_keeps_last_good_figures_marked_stale_and_recovers(app, cluster):
    at = run(app(), EARLIER)
    assert not at.error and not banners(at)
    before = kpis(at)
    assert len(before) >= 9 and any(v not in ("", "无数据") for _, v in before)
    assert "数据截至 2026-11-15 10:00" in texts(at)

    cluster.stop()
    st.cache_data.clear()  # as if every cached figure (and the area tree) had expired meanwhile
    run(at, LATER)         # a newer view: nothing cached for it, the database is gone
    assert not at.error, [e.value for e in at.error]
    assert kpis(at) == before  # the last good figures of the same call stay on screen
    (banner,) = banners(at)
    assert f"127.0.0.1:{cluster.port}/demo" in banner and "2026-11-15 10:00" in banner and "自动重试" in banner
    assert "数据截至 2026-11-15 10:00（数据库连接中断" in texts(at)
    assert PASSWORD not in texts(at)

    run(at)  # still down, another rerun: same figures, still one warning
    assert kpis(at) == before and len(banners(at)) == 1 and not at.error

    cluster.start()
    run(at)  # what the retry fragment does once its ping succeeds: rerun the app
    assert not at.error and not banners(at)
    after = kpis(at)
    assert len(after) == len(before) and after != before  # fresh figures of the newer as-of time
    assert "数据截至 2026-11-16 10:00" in texts(at) and "数据库连接中断" not in texts(at)


def test_outage_with_nothing_kept_shows_the_unavailable_message(app, cluster):
    at = run(app(), EARLIER)
    assert kpis(at) and not at.error
    cluster.stop()
    run(at, **{"from": "2026-11-02", "to": "2026-11-09"})  # a period never shown: nothing kept to stand in
    assert at.error, "expected the unavailable message"
    message = shown(at.error[0].value)  # as the browser shows the escaped Markdown
    assert "无法连接数据库" in message and f"127.0.0.1:{cluster.port}/demo" in message and "自动重试" in message
    assert PASSWORD not in texts(at) and not at.metric and not banners(at)

    run(at, EARLIER)
    at.switch_page("views/events.py")
    run(at)  # the same week on another page: its KPI figures are kept, its other sections are not
    assert kpis(at) and len(banners(at)) == 1
    assert at.error and "无法连接数据库" in at.error[0].value and PASSWORD not in texts(at)


def test_unreachable_at_start_up_names_host_and_database_not_password(app, cluster):
    cluster.stop()
    at = run(app(), LATER)
    assert at.error and not at.metric
    message = shown(at.error[0].value)  # as the browser shows the escaped Markdown
    assert "无法连接数据库" in message and f"127.0.0.1:{cluster.port}/demo" in message and "自动重试" in message
    assert PASSWORD not in texts(at) and not banners(at)

    cluster.start()
    run(at)  # the retry's rerun once the server answers
    assert not at.error and kpis(at)


def test_last_good_store_keeps_the_newest_and_stays_bounded():
    kept = LastGood(max_entries=3, max_bytes=10_000)
    kept.put("a", "u", "v", datetime(2026, 1, 1, 10), {"n": 1})
    kept.put("a", "u", "v", datetime(2026, 1, 1, 9), {"n": 0})  # an older view computed later: not kept
    assert kept.get("a") == ({"n": 1}, datetime(2026, 1, 1, 10))
    value, _ = kept.get("a")
    value["n"] = 99  # a page changing its copy changes nothing kept
    assert kept.get("a")[0] == {"n": 1}
    for i in range(5):
        kept.put(f"k{i}", "u", "v", datetime(2026, 1, 1, 10), list(range(100)))
    assert len(kept) == 3 and kept.get("a") is None and kept.has_url("u") and not kept.has_url("x")
    kept.put("big", "u", "v", None, b"x" * 20_000)  # larger than the whole budget: not kept
    assert kept.get("big") is None and kept.nbytes <= 10_000
    kept.put("k4", "u", "v", datetime(2026, 1, 1, 11), "x" * 4_000)
    kept.put("k5", "u", "v", datetime(2026, 1, 1, 11), "y" * 4_000)
    kept.put("k6", "u", "v", datetime(2026, 1, 1, 11), "z" * 4_000)  # bytes bound drops the oldest
    assert kept.nbytes <= 10_000 and kept.get("k4") is None and kept.get("k6") is not None


def test_clearing_streamlit_caches_keeps_the_last_good_figures():
    """What a client's clear_cache message makes Streamlit do (AppSession._handle_clear_cache_request:
    st.cache_data.clear() and st.cache_resource.clear()) must not empty the store an outage needs."""
    resilience.store().put("clear-cache-probe", "u", "v", datetime(2026, 11, 16, 10), {"reported": 199})
    st.cache_data.clear()
    st.cache_resource.clear()
    assert resilience.store().get("clear-cache-probe") == ({"reported": 199}, datetime(2026, 11, 16, 10))
