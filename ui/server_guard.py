"""The web server's own defences: what anyone who can reach the port may ask of it, signed in or not.

`streamlit run serve.py` builds the server with them (serve.py is the ASGI application, st.App,
around the router app.py); app.py served any other way draws nothing but a message saying so
(ui/startup.py). What they are, and why:

- `/_stcore/metrics` answers 404: Streamlit serves it to anyone, with the names of cached functions,
  session counts and cache statistics.
- `/_stcore/upload_file/…` answers 404: the dashboard takes no uploads, and Streamlit keeps in memory
  whatever any session sends there (up to server.maxUploadSize a file) until that session ends.
- Every HTTP response carries `Content-Security-Policy: frame-ancestors 'self'` and
  `X-Frame-Options: SAMEORIGIN`: no other site may put the sign-in form in a frame (click-jacking).
- A websocket client's messages reach its session only if the dashboard's own pages send them
  (`clear_cache` would empty every cache of the server, for everyone), and the first message of a
  session does not name the server's files (ui/streamlit_internals.py, guard_sessions).
- Streamlit settings that would undo part of this stop the server at start (UNSAFE_SETTINGS).
"""
from __future__ import annotations

import streamlit as st

from ui import streamlit_internals as internals

REFUSED_PATHS = ("_stcore/metrics", "_stcore/upload_file")
FRAME_HEADERS = ((b"content-security-policy", b"frame-ancestors 'self'"), (b"x-frame-options", b"SAMEORIGIN"))
# option → the values it may have. developmentMode and e2eTest let a client shut the server down
# (debug_shutdown_runtime); the others keep cross-site requests out, the developer menu (with its
# "Clear cache") off the screen and the browser from reporting usage to Streamlit's servers.
SAFE_SETTINGS = {
    "global.developmentMode": (False,),
    "global.e2eTest": (False,),
    "server.enableXsrfProtection": (True,),
    "server.enableCORS": (True,),
    "client.toolbarMode": ("viewer", "minimal"),
    "browser.gatherUsageStats": (False,),
}
_active = {"http": False}  # set once Starlette has built FrameGuard into the server


class UnsafeServer(RuntimeError):
    pass


def unsafe_settings() -> list[str]:
    return [f"{key} = {st.get_option(key)!r}（应为 {' 或 '.join(repr(v) for v in allowed)}）"
            for key, allowed in SAFE_SETTINGS.items() if st.get_option(key) not in allowed]


def install() -> None:
    """At server start, before any session: refuse unsafe settings, then guard the sessions."""
    wrong = unsafe_settings()
    if wrong:
        raise UnsafeServer("驾驶舱拒绝以不安全的 Streamlit 设置启动：" + "；".join(wrong)
                           + "。请修改 .streamlit/config.toml 或启动参数。")
    internals.guard_sessions()


def guarded() -> bool:
    """Is this process the server serve.py builds (sessions guarded, FrameGuard in place)?"""
    return internals.sessions_guarded() and _active["http"]


def refused(path: str, base: str = "") -> bool:
    """Is `path` (of an HTTP request, under server.baseUrlPath `base`) one of REFUSED_PATHS?"""
    rel, base = path.strip("/"), base.strip("/")
    if base:
        if not (rel == base or rel.startswith(base + "/")):
            return False
        rel = rel[len(base) + 1:]
    return any(rel == p or rel.startswith(p + "/") for p in REFUSED_PATHS)


class FrameGuard:
    """ASGI middleware (outermost, so it sees every request first): REFUSED_PATHS get 404, and every
    HTTP response gets FRAME_HEADERS (replacing any X-Frame-Options of its own)."""

    def __init__(self, app):
        self.app, self.base = app, st.get_option("server.baseUrlPath") or ""
        _active["http"] = True

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if refused(scope["path"], self.base):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), *FRAME_HEADERS]})
            return await send({"type": "http.response.body", "body": b"Not Found"})

        async def framed(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-frame-options"]
                message = {**message, "headers": kept + list(FRAME_HEADERS)}
            await send(message)
        return await self.app(scope, receive, framed)


def middleware() -> list:
    from starlette.middleware import Middleware  # Streamlit's own web framework, for st.App

    return [Middleware(FrameGuard)]
