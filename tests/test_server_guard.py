"""ui/server_guard.py without a server: which paths are refused, which settings stop the start, and
the middleware's answers (the real server is attacked in tests/browser/test_server_guard.py)."""

import pytest
import streamlit as st

from tests import asgi
from ui import server_guard


@pytest.mark.parametrize("path, base, refused", [
    ("/_stcore/metrics", "", True), ("/_stcore/upload_file/s/f", "", True), ("/_stcore/health", "", False),
    ("/", "", False), ("/wall", "", False), ("/grid/_stcore/metrics", "grid", True),
    ("/_stcore/metrics", "grid", False), ("/grid/_stcore/metricsx", "grid", False),
])
def test_refused_paths(path, base, refused):
    assert server_guard.refused(path, base) is refused


def test_unsafe_settings_are_named_and_stop_the_start(monkeypatch):
    options = {**{k: v[0] for k, v in server_guard.SAFE_SETTINGS.items()}, "server.enableXsrfProtection": False}
    monkeypatch.setattr(st, "get_option", options.__getitem__)
    assert [w.split(" = ")[0] for w in server_guard.unsafe_settings()] == ["server.enableXsrfProtection"]
    with pytest.raises(server_guard.UnsafeServer, match="server.enableXsrfProtection"):
        server_guard.install()


def _call(path: str, inner_headers: list) -> list[dict]:
    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": inner_headers})
        await send({"type": "http.response.body", "body": b"<html>"})

    sent = []

    async def send(message):
        sent.append(message)

    asgi.run(server_guard.FrameGuard(inner)({"type": "http", "path": path}, None, send))
    return sent


def test_middleware_refuses_metrics_and_frames_nothing_elsewhere():
    refused = _call("/_stcore/metrics", [])
    assert refused[0]["status"] == 404 and refused[1]["body"] == b"Not Found"
    start = _call("/", [(b"x-frame-options", b"ALLOWALL"), (b"content-type", b"text/html")])[0]
    assert start["status"] == 200 and (b"content-type", b"text/html") in start["headers"]
    assert [v for k, v in start["headers"] if k == b"x-frame-options"] == [b"SAMEORIGIN"]
    assert (b"content-security-policy", b"frame-ancestors 'self'") in start["headers"]
