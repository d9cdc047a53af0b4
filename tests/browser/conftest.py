"""A real dashboard server on a small demo city, and headless Chromium to look at it.

Session-wide: the demo database is built once (30,000 events, seed 7, ending 2026-11-16 10:00, so
the numbers are the same on every run), `streamlit run serve.py` serves it on a free localhost port,
and one Chromium (Debian's, /usr/bin/chromium; never downloaded) opens a fresh 1920×1080 context per
test. Missing Chromium is a failure, never a skip: `make test` installs it (scripts/browser-deps.sh).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from tests.browser.helpers import ARTIFACTS, CHROMIUM_ARGS, ROOT, TIMEOUT_MS

CHROMIUM = os.environ.get("GRID_TEST_CHROMIUM", "/usr/bin/chromium")
DEMO = dict(events=30_000, seed=7, end=datetime(2026, 11, 16, 10))
START_SECONDS = 60
STOP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> dict:
    """Builds the demo database once. Returns its URL and the district's streets {code: name}."""
    from data_access.demo import build
    import duckdb

    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    build(f"duckdb:///{path}", **DEMO)
    con = duckdb.connect(str(path), read_only=True)
    try:
        (top_code, top_name), = con.execute(
            "SELECT code, name FROM areas WHERE parent_id IS NULL").fetchall()
        streets = dict(con.execute(
            "SELECT code, name FROM areas WHERE parent_id = (SELECT id FROM areas WHERE parent_id IS NULL)"
        ).fetchall())
    finally:
        con.close()
    return {"url": f"duckdb:///{path}", "top": (top_code, top_name), "streets": streets}


def demo_copy(demo_city: dict, folder: Path, *statements: tuple[str, list]) -> str:
    """URL of a copy of the demo city in `folder` with (sql, parameters) statements applied: names a
    real platform may hold, for a second server, without touching the shared city."""
    import duckdb

    path = folder / "demo-copy.duckdb"
    shutil.copyfile(demo_city["url"].removeprefix("duckdb:///"), path)
    con = duckdb.connect(str(path))
    try:
        for sql, params in statements:
            con.execute(sql, params)
    finally:
        con.close()
    return f"duckdb:///{path}"


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the whole process group, bounded wait, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, STOP_SECONDS)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def streamlit_command(port: int, script: str = "serve.py", *args: str) -> list[str]:
    """`streamlit run serve.py` (the dashboard's server, serve.py) on a localhost port, plus `args`."""
    return [sys.executable, "-m", "streamlit", "run", script,
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            # other engineers edit pages while tests run: no reloads mid-test
            "--server.fileWatcherType", "none", "--server.runOnSave", "false", *args]


@contextmanager
def serving(db_url: str, log: Path, script: str = "serve.py", **env_extra: str):
    """`streamlit run serve.py` (or `script`) on `db_url` with extra environment: yields (process,
    base URL, log path) once it answers its health check; stops it afterwards and keeps its log in
    artifacts/browser/."""
    port = free_port()
    env = {**os.environ, "GRID_DB_URL": db_url,
           # These tests are about pages, drilling and links, not sign-in: no login screen in front.
           "GRID_AUTH_MODE": "none"}
    env.pop("GRID_CONFIG", None)  # the repository's config.toml unless env_extra names another
    env.update(env_extra)
    cmd = streamlit_command(port, script)
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with status {proc.returncode} before answering:\n{log_tail(log)}",
                            pytrace=False)
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on {base} within {START_SECONDS} s:\n{log_tail(log)}",
                            pytrace=False)
            time.sleep(0.2)  # poll interval of the health check (the browser waits never sleep)
        yield proc, base, log
    finally:
        _stop(proc)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / log.name)
    assert proc.returncode is not None, "streamlit server did not stop"


@pytest.fixture(scope="session")
def streamlit_server(demo_city, tmp_path_factory):
    """The dashboard on the demo city with the repository's config: (process, base URL, log path)."""
    with serving(demo_city["url"], tmp_path_factory.mktemp("streamlit") / "streamlit.log") as running:
        yield running


@pytest.fixture(scope="session")
def server(streamlit_server) -> str:
    """Base URL of the dashboard under test, e.g. http://127.0.0.1:41234."""
    return streamlit_server[1]


def _alive(streamlit_server) -> None:
    proc, base, log = streamlit_server
    if proc.poll() is not None:
        pytest.fail(f"the streamlit server on {base} has exited (status {proc.returncode}); "
                    f"was it killed from outside? Last log lines:\n{log_tail(log)}", pytrace=False)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with the screenshot tool's flags."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: the browser tests need it. Install it with "
                    f"`bash scripts/browser-deps.sh` (apt-get install chromium fonts-noto-cjk), which `make test` "
                    f"runs, or point GRID_TEST_CHROMIUM at a Chromium binary.", pytrace=False)
    from playwright.sync_api import sync_playwright

    for old in ARTIFACTS.glob("FAILED-*.png"):  # failure shots of an earlier run would mislead
        old.unlink(missing_ok=True)
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        except Exception as exc:  # a broken install: say so instead of a Playwright traceback
            pytest.fail(f"Chromium at {CHROMIUM} failed to start: {exc}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server, streamlit_server, request):
    """new_page([width, height, base]) → a page in a fresh browser context (no shared session) with
    that viewport (1920×1080 unless given), base URL = the server (or `base`, another one)."""
    _alive(streamlit_server)
    contexts = []

    def make(width: int = 1920, height: int = 1080, base: str = server):
        ctx = browser.new_context(viewport={"width": width, "height": height}, base_url=base,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    for i, ctx in enumerate(contexts):
        if report is not None and report.failed:  # keep what the failing test saw
            for j, pg in enumerate(ctx.pages):
                name = re.sub(r"[^0-9A-Za-z_.-]+", "_", request.node.name)
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                try:
                    pg.screenshot(path=str(ARTIFACTS / f"FAILED-{name}-{i}{j}.png"))
                except Exception:  # a crashed page: the test's own failure says enough
                    pass
        ctx.close()
    _alive(streamlit_server)  # a server that died during the test explains its failure


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
