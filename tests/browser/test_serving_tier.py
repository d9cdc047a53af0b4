"""Two dashboard processes behind nginx with sticky sessions (deploy/nginx.conf, docs/scaling.md).

nginx runs deploy/nginx.conf itself, unprivileged, with its own prefix, temp folders and logs under
the test's temp dir and only the listen port, the two upstream ports and the paths substituted.
Both `streamlit run serve.py` processes read the same demo city and the same users file (built-in
sign-in). Which process served a request is read from nginx's access log, whose format (in the
example) names the browser's route cookie and the upstream address of every request; a websocket
is logged when it closes.

Shown: a browser signed in through the proxy stays on one process across a rerun and a reload (all
its requests, both websockets included, went to one upstream); a second browser with another route
lands on the other process and is signed in there by the first browser's sign-in cookie, so the
two processes share the session secret; 总览 renders through the proxy.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from data_access.users import UserStore
from tests.browser.conftest import free_port, log_tail, serving
from tests.browser.helpers import ARTIFACTS, IDLE, ROOT, TIMEOUT_MS, errors, shot, title, wait_until
from tests.browser.helpers import open as open_page
from tests.browser.test_session import COOKIE, DISPLAY, NAME, PASSWORD, VIEW, reload, sign_in, signed_in_as

NGINX = os.environ.get("GRID_TEST_NGINX", "/usr/sbin/nginx")
EXAMPLE = ROOT / "deploy" / "nginx.conf"
ROUTE = "grid_route"
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<uri>\S+)" (?P<status>\d+) .*route=(?P<route>\S+) upstream=(?P<upstream>\S+)')
WAIT_SECONDS = TIMEOUT_MS / 1000


def substitute(text: str, old: str, new: str, count: int = 1) -> str:
    """`text` with `old` replaced: exactly `count` times, so a reshaped example fails loudly here."""
    found = text.count(old)
    assert found == count, f"deploy/nginx.conf: expected {count}× {old!r}, found {found}"
    return text.replace(old, new)


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = substitute(text, "listen 8080;", f"listen 127.0.0.1:{port};")
    for default, real in zip((8501, 8502), upstreams):
        text = substitute(text, f"server 127.0.0.1:{default} ", f"server 127.0.0.1:{real} ")
    text = re.sub(r"^pid .*;$", f"pid {folder}/nginx.pid;", text, count=1, flags=re.M)
    text = re.sub(r"^error_log .*;$", f"error_log {folder}/error.log;", text, count=1, flags=re.M)
    text = substitute(text, "/var/log/nginx/grid-dashboard.log", str(folder / "access.log"))
    temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = substitute(text, "http {\n", "http {\n" + temp)
    # As root, nginx's workers would become `nobody`, who cannot enter pytest's 0700 temp dirs.
    header = "daemon off;\nuser root;\n" if os.geteuid() == 0 else "daemon off;\n"
    path = folder / "nginx.conf"
    path.write_text(header + text, encoding="utf-8")
    return path


@contextmanager
def nginx(folder: Path, upstreams: list[int]):
    if not Path(NGINX).is_file():
        pytest.fail(f"nginx not found at {NGINX}: `bash scripts/nginx-deps.sh` (which `make test` runs) "
                    f"installs it, or point GRID_TEST_NGINX at an nginx binary.", pytrace=False)
    port = free_port()
    config = nginx_config(folder, port, upstreams)
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not answer on {base}:\n{log_tail(folder / 'error.log')}", pytrace=False)
            time.sleep(0.2)  # poll interval of the health check
        yield base, folder / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name in ("access.log", "error.log"):  # kept beside the servers' logs
            if (folder / name).exists():
                shutil.copyfile(folder / name, ARTIFACTS / f"nginx-{name}")


@pytest.fixture(scope="module")
def tier(demo_city, tmp_path_factory):
    """(proxy base URL, access log, {upstream "127.0.0.1:port": process name})."""
    folder = tmp_path_factory.mktemp("serving-tier")
    store = UserStore(folder / "users.sqlite")
    store.add(NAME, PASSWORD, "leader", display_name=DISPLAY)
    config = folder / "config.toml"
    config.write_text(f'[auth]\nmode = "builtin"\nusers_path = "{store.path}"\n', encoding="utf-8")
    shared = dict(GRID_AUTH_MODE="builtin", GRID_CONFIG=str(config))
    with serving(demo_city["url"], folder / "streamlit-tier-a.log", **shared) as a, \
            serving(demo_city["url"], folder / "streamlit-tier-b.log", **shared) as b:
        ports = [int(running[1].rsplit(":", 1)[1]) for running in (a, b)]
        (folder / "nginx").mkdir()
        with nginx(folder / "nginx", ports) as (base, log):
            yield base, log, {f"127.0.0.1:{p}": name for p, name in zip(ports, "AB")}


def served(log: Path, route: str) -> list[dict]:
    """The access log's requests of one route cookie: method, uri, status, upstream."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [m.groupdict() for m in map(LOG_LINE.search, lines) if m and m["route"] == route]


def websockets_closed(log: Path, route: str, count: int) -> list[dict]:
    """Waits until `count` websockets of `route` have closed and been logged (nginx writes a
    websocket's line when it ends); returns them."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = [r for r in served(log, route) if r["uri"].endswith("/_stcore/stream")]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)  # polls a file that nginx appends to


def route_to_other(base: str, log: Path, upstream: str) -> str:
    """A route cookie nginx hashes to a process other than `upstream`: plain requests without a
    cookie each get a fresh random route; half of them land elsewhere."""
    for _ in range(64):
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as resp:
            # the dashboard may set cookies of its own (Streamlit's XSRF cookie)
            route = re.search(rf"\b{ROUTE}=([0-9a-f]+)", " ".join(resp.headers.get_all("Set-Cookie"))).group(1)
        deadline = time.monotonic() + WAIT_SECONDS
        while not (lines := served(log, route)) and time.monotonic() < deadline:
            time.sleep(0.05)  # the log line follows the response by a moment
        if lines and lines[0]["upstream"] != upstream:
            return route
    pytest.fail(f"64 fresh routes all went to {upstream}: the upstream hash does not spread browsers")


def route_of(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == ROUTE)


def test_a_browser_stays_on_one_process_and_its_sign_in_works_on_both(browser, tier):
    base, log, processes = tier
    contexts = []

    def fresh(**cookies):
        ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, base_url=base,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
        contexts.append(ctx)
        return ctx.new_page()

    try:
        first = fresh()
        sign_in(first)  # through the proxy: the cookie hand-over at /_grid/session included
        assert title(first).startswith("总览") and not errors(first)
        first.get_by_role("link", name="平安指数").click()  # a rerun of this session, over its websocket
        wait_until(first, IDLE, "() => document.querySelector('[data-testid=\"stMain\"] h1')"
                                "?.innerText.startsWith('平安指数')")
        reload(first)  # a new Streamlit session and websocket, which know the browser by its cookies only
        assert DISPLAY in signed_in_as(first) and title(first).startswith("平安指数") and not errors(first)
        shot(first, "serving-tier-first")
        route, sign_in_cookie = route_of(first), next(c["value"] for c in first.context.cookies()
                                                      if c["name"] == COOKIE)

        # Another browser on the other process, holding the first one's sign-in cookie.
        home = {r["upstream"] for r in served(log, route)}
        assert len(home) == 1, f"the first browser's requests went to several processes: {home}"
        other_route = route_to_other(base, log, *home)
        second = fresh(**{ROUTE: other_route, COOKIE: sign_in_cookie})
        open_page(second, f"/?{VIEW}")
        assert DISPLAY in signed_in_as(second) and title(second).startswith("总览") and not errors(second)
    except Exception:  # keep what the browsers saw
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for i, ctx in enumerate(contexts):
            for pg in ctx.pages:
                pg.screenshot(path=str(ARTIFACTS / f"FAILED-serving-tier-{i}.png"))
        raise
    finally:
        for ctx in contexts:
            ctx.close()

    first_ws = websockets_closed(log, route, 2)
    second_ws = websockets_closed(log, other_route, 1)
    assert len(first_ws) >= 2, f"expected the first browser's two websockets in the log, got {first_ws}"
    first_upstreams = {r["upstream"] for r in served(log, route)}
    second_upstreams = {r["upstream"] for r in served(log, other_route)}
    assert first_upstreams == home and len(second_upstreams) == 1 and second_ws
    assert first_upstreams | second_upstreams == set(processes), "the two browsers were on the same process"
    assert not [r for r in served(log, route) + served(log, other_route) if r["status"].startswith("5")]
