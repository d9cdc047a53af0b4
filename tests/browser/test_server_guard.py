"""The server's defences against anyone who can reach its port (ui/server_guard.py), attacked for real.

A real `streamlit run serve.py` on the browser tests' demo city, with built-in sign-in, and a raw
websocket client (tests/browser/wsclient.py) in place of a browser: it sends what a script can send,
not only what the pages send. Each test performs the attack; on the code before the defences they
fail (the lockout is lifted, /_stcore/metrics answers, the first message names the server's files…).
"""
from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.browser.conftest import free_port, log_tail, serving, streamlit_command
from tests.browser.helpers import ROOT
from tests.browser.wsclient import Client

ACCOUNT, PASSWORD = "ops", "ops-password-2026"


@pytest.fixture(scope="module")
def signed(demo_city, tmp_path_factory):
    """The dashboard with built-in sign-in and one account (base URL)."""
    from data_access.users import UserStore

    folder = tmp_path_factory.mktemp("guarded")
    users = folder / "users.sqlite"
    UserStore(str(users)).add(ACCOUNT, PASSWORD, "admin")
    config = folder / "config.toml"
    config.write_text(f'[auth]\nmode = "builtin"\nusers_path = "{users}"\n', encoding="utf-8")
    with serving(demo_city["url"], folder / "streamlit-guarded.log", GRID_AUTH_MODE="builtin",
                 GRID_CONFIG=str(config)) as running:
        yield running[1]


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; an HTTP error status is an answer too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def sign_in(client: Client, name: str, password: str):
    """Fill in and submit the sign-in form as the browser would; the run that follows."""
    form = client.rerun()
    fields = [WidgetState(id=form.widget("text_input", "用户名").id, string_value=name),
              WidgetState(id=form.widget("text_input", "密码").id, string_value=password),
              WidgetState(id=form.widget("button", "登录").id, trigger_value=True)]
    return client.rerun(widgets=fields)


def signed_in(run) -> bool:
    return "当前用户" in run.text() and not any(w.label == "密码" for w in run.elements("text_input"))


def test_a_strangers_clear_cache_lifts_no_lockout(signed):
    with Client(signed) as owner:
        for _ in range(10):  # more than any lockout policy allows
            sign_in(owner, ACCOUNT, "wrong-password")
        assert not signed_in(sign_in(owner, ACCOUNT, PASSWORD)), "the account should be locked by now"
    with Client(signed) as stranger:  # never signed in: connects and asks the server to clear its caches
        stranger.send_kind("clear_cache")
        stranger.collect(1.0)
    with Client(signed) as owner:
        run = sign_in(owner, ACCOUNT, PASSWORD)
        assert not signed_in(run), "a stranger's clear_cache lifted the lockout"
        assert "登录失败次数过多" in run.text()


def test_client_messages_the_pages_never_send_do_nothing(signed):
    with Client(signed) as stranger:
        stranger.rerun()
        session = stranger.session_id
        stranger.send_kind("set_run_on_save", value=True)
        stranger.send_kind("load_git_info")
        stranger.send_kind("file_urls_request", request_id="r1", file_names=["a.csv"], session_id=session)
        stranger.send_kind("backend_operation_request", request_id="r2", session_id=session)
        answers = stranger.collect(2.0)
    kinds = [m.WhichOneof("type") for m in answers]
    assert "git_info_changed" not in kinds and "file_urls_response" not in kinds, kinds
    assert "backend_operation_response" not in kinds, kinds
    assert not any(m.session_status_changed.run_on_save for m in answers
                   if m.WhichOneof("type") == "session_status_changed"), "run-on-save was switched on"


def test_debug_messages_cannot_stop_the_server(signed):
    with Client(signed) as stranger:
        stranger.rerun()
        stranger.send_kind("debug_shutdown_runtime")
        stranger.send_kind("debug_disconnect_websocket")
        stranger.send_kind("app_heartbeat")  # the one harmless extra, still answered
        kinds = [m.WhichOneof("type") for m in stranger.collect(1.5)]
    assert "heartbeat_ack" in kinds
    assert http("GET", f"{signed}/_stcore/health")[0] == 200


def test_uploads_are_refused(signed):
    with Client(signed) as stranger:
        stranger.rerun()
        session = stranger.session_id
        status, headers, _ = http("GET", f"{signed}/_stcore/health")
        token = headers["Set-Cookie"].split("_streamlit_xsrf=")[1].split(";")[0]
        body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * 100_000 + b"\r\n--b--\r\n")
        status, _, _ = http("PUT", f"{signed}/_stcore/upload_file/{session}/f1", body,
                            {"Content-Type": "multipart/form-data; boundary=b", "X-Xsrftoken": token,
                             "Cookie": f"_streamlit_xsrf={token}"})
    assert status == 404


def test_metrics_answer_404_to_everyone(signed):
    for method in ("GET", "OPTIONS"):
        status, _, body = http(method, f"{signed}/_stcore/metrics")
        assert status == 404, (method, status)
        assert b"session" not in body and b"cache" not in body


def test_the_first_message_names_no_server_file(signed):
    with Client(signed) as stranger:
        run = stranger.rerun()
        first = stranger.new_session
    assert any(w.label == "密码" for w in run.elements("text_input"))  # before any sign-in
    raw = first.SerializeToString()
    assert first.new_session.main_script_path == "app.py"
    assert str(ROOT).encode() not in raw and b"/work" not in raw and b"site-packages" not in raw
    env = first.new_session.initialize.environment_info
    assert not env.python_version and not env.server_os


@pytest.mark.parametrize("path", ["/", "/wall", "/_stcore/health", "/_stcore/metrics", "/no-such-page"])
def test_no_other_site_may_frame_the_dashboard(signed, path):
    status, headers, _ = http("GET", f"{signed}{path}")
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'", (path, status)
    assert headers.get_all("X-Frame-Options") == ["SAMEORIGIN"], (path, status)


def test_app_py_served_directly_shows_only_how_to_start(demo_city, tmp_path):
    with serving(demo_city["url"], tmp_path / "streamlit-app-py.log", script="app.py") as (_, base, _log):
        with Client(base) as client:
            run = client.rerun()
    assert "streamlit run serve.py" in run.text()
    assert not run.elements("metric") and not run.elements("text_input")


@pytest.mark.parametrize("flag", ["--server.enableXsrfProtection=false", "--global.e2eTest=true",
                                  "--client.toolbarMode=developer"])
def test_unsafe_streamlit_settings_stop_the_server(demo_city, tmp_path, flag):
    log = tmp_path / "unsafe.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(streamlit_command(free_port(), "serve.py", flag), cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "GRID_DB_URL": demo_city["url"]})
    try:
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code != 0
    text = log_tail(log)
    assert "拒绝以不安全的 Streamlit 设置启动" in text and flag.split("=")[0].lstrip("-") in text, text
