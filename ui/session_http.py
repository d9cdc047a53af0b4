"""/_grid/session: the dashboard's one HTTP route of its own, which sets and clears the sign-in cookie.

A script run talks to the browser over Streamlit's WebSocket and cannot set a cookie, let alone an
HttpOnly one, so `serve.py` serves app.py through `st.App` with this route added:

- POST with the header `X-Grid-Session: <grant>` trades the one-time grant a password sign-in put in
  the page (data_access.users.sessions) for the cookie `grid_session`: HttpOnly (no script can read
  it), SameSite=Strict, Path=/ (the base URL path when one is set), Max-Age the token's remaining
  life, and Secure when the request came over https (directly or as X-Forwarded-Proto says).
  A session cookie the browser already had is signed out.
- DELETE with `X-Grid-Session: end` (退出登录) signs out the cookie's session and clears the cookie.

Another site cannot use either: a cross-origin request with a custom header needs a CORS preflight,
which this route never grants, and Sec-Fetch-Site and Origin must say same-origin when sent.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from configuration.settings import load_settings
from data_access.errors import ConfigError
from data_access.users.sessions import Sessions

COOKIE = "grid_session"
HEADER = "X-Grid-Session"
END = "end"  # the header's value that asks for 退出登录
NO_STORE = {"Cache-Control": "no-store"}


def base_path() -> str:
    """Where the dashboard lives, and so the cookie's Path: / or /<server.baseUrlPath>."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else "/"


def url_path() -> str:
    return base_path().rstrip("/") + "/_grid/session"


def same_origin(headers) -> bool:
    """False when the browser says the request came from another site (Sec-Fetch-Site, Origin)."""
    site = headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    hosts = {headers.get("host"), headers.get("x-forwarded-host")} - {None}
    return urlsplit(origin).netloc in hosts


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _sessions() -> Sessions | None:
    settings = load_settings()  # per request: they are rare (a sign-in, a sign-out) and see config changes
    if settings.auth_mode != "builtin" or settings.session_hours <= 0:
        return None
    return Sessions(settings.users_path, settings.session_hours)


def _cookie_flags(request: Request) -> dict:
    return {"path": base_path(), "secure": is_https(request), "httponly": True, "samesite": "strict"}


def session_endpoint(request: Request) -> Response:
    """Sync on purpose: Starlette runs it in a worker thread, off the event loop, for the SQLite calls."""
    try:
        sessions = _sessions()
    except ConfigError:
        return Response("config.toml is invalid", status_code=503, headers=NO_STORE)
    if sessions is None:
        return Response(status_code=404, headers=NO_STORE)
    value = request.headers.get(HEADER, "")
    if not value or not same_origin(request.headers):
        return Response(status_code=403, headers=NO_STORE)
    old = request.cookies.get(COOKIE)
    response = Response(status_code=204, headers=NO_STORE)
    if request.method == "DELETE":
        if value != END:
            return Response(status_code=403, headers=NO_STORE)
        if old:
            sessions.revoke(old)
        response.delete_cookie(COOKIE, **_cookie_flags(request))
        return response
    traded = sessions.redeem(value)
    if traded is None:
        return Response(status_code=403, headers=NO_STORE)
    token, session = traded
    if old and old != token:  # the browser's earlier sign-in is replaced: nothing should still accept it
        sessions.revoke(old)
    response.set_cookie(COOKIE, token, max_age=max(0, session.expires - int(sessions.clock())),
                        **_cookie_flags(request))
    return response


def routes() -> list[Route]:
    return [Route(url_path(), session_endpoint, methods=["POST", "DELETE"])]
