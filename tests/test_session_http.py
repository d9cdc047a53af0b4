"""/_grid/session (ui/session_http.py), called as the browser would over ASGI: the cookie's flags, and
the requests it must refuse — another site, a replayed or made-up grant, no custom header."""
from http.cookies import SimpleCookie

import pytest
from starlette.applications import Starlette

from data_access.users import UserStore
from data_access.users.sessions import Sessions
from tests import asgi
from ui import session_http

SAME_ORIGIN = {"host": "127.0.0.1:8501", "origin": "http://127.0.0.1:8501", "sec-fetch-site": "same-origin"}


@pytest.fixture
def sessions(tmp_path, monkeypatch) -> Sessions:
    store = UserStore(tmp_path / "users.sqlite")
    store.add("zhang", "zhang-password", "leader")
    config = tmp_path / "config.toml"
    config.write_text(f'[auth]\nmode = "builtin"\nusers_path = "{store.path}"\n', encoding="utf-8")
    monkeypatch.setenv("GRID_CONFIG", str(config))
    monkeypatch.delenv("GRID_AUTH_MODE", raising=False)
    return Sessions(store.path)


def call(method: str, headers: dict, cookie: str | None = None, scheme: str = "http",
         path: str = "/_grid/session") -> tuple[int, SimpleCookie, dict]:
    """One request to the route: (status, cookies set, response headers)."""
    app = Starlette(routes=session_http.routes())
    sent = {**headers, **({"cookie": f"{session_http.COOKIE}={cookie}"} if cookie else {})}
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": scheme, "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8501)}
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    asgi.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
    jar = SimpleCookie()
    for k, v in raw:
        if k == "set-cookie":
            jar.load(v)
    return start["status"], jar, dict(raw)


def grant(sessions: Sessions) -> tuple[str, str]:
    token = sessions.issue("zhang")
    return token, sessions.grant(token)


def test_a_grant_becomes_an_httponly_strict_cookie(sessions):
    token, code = grant(sessions)
    status, jar, headers = call("POST", {**SAME_ORIGIN, session_http.HEADER: code})
    assert status == 204 and headers["cache-control"] == "no-store"
    cookie = jar[session_http.COOKIE]
    assert cookie.value == token
    assert cookie["httponly"] and cookie["samesite"] == "strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # plain http: a Secure cookie would never come back
    assert 12 * 3600 - 5 <= int(cookie["max-age"]) <= 12 * 3600


@pytest.mark.parametrize("scheme, extra", [("https", {}), ("http", {"x-forwarded-proto": "https"})])
def test_over_https_the_cookie_is_secure(sessions, scheme, extra):
    _, code = grant(sessions)
    origin = {**SAME_ORIGIN, "origin": "https://127.0.0.1:8501"}
    status, jar, _ = call("POST", {**origin, **extra, session_http.HEADER: code}, scheme=scheme)
    assert status == 204 and jar[session_http.COOKIE]["secure"]


def test_a_grant_works_once(sessions):
    _, code = grant(sessions)
    assert call("POST", {**SAME_ORIGIN, session_http.HEADER: code})[0] == 204
    status, jar, _ = call("POST", {**SAME_ORIGIN, session_http.HEADER: code})
    assert status == 403 and session_http.COOKIE not in jar


@pytest.mark.parametrize("headers", [
    {"host": "127.0.0.1:8501", "origin": "http://evil.example", "sec-fetch-site": "cross-site"},
    {"host": "127.0.0.1:8501", "sec-fetch-site": "same-site"},
    {"host": "127.0.0.1:8501", "origin": "http://evil.example"},
    {"host": "127.0.0.1:8501", "origin": "null"},
])
def test_another_site_cannot_plant_a_sign_in(sessions, headers):
    """Login CSRF: a page elsewhere posting an attacker's own grant must not sign the victim in."""
    _, code = grant(sessions)
    status, jar, _ = call("POST", {**headers, session_http.HEADER: code})
    assert status == 403 and session_http.COOKIE not in jar
    assert sessions.pending(code)  # and the grant was not spent


@pytest.mark.parametrize("value", ["", "A" * 43, "end"])
def test_no_or_made_up_grant_gets_no_cookie(sessions, value):
    grant(sessions)
    headers = {**SAME_ORIGIN, **({session_http.HEADER: value} if value else {})}
    status, jar, _ = call("POST", headers)
    assert status == 403 and session_http.COOKIE not in jar


def test_a_new_sign_in_signs_out_the_cookie_it_replaces(sessions):
    old, _ = grant(sessions)
    _, code = grant(sessions)
    assert call("POST", {**SAME_ORIGIN, session_http.HEADER: code}, cookie=old)[0] == 204
    assert sessions.user(old) is None


def test_sign_out_ends_the_session_and_clears_the_cookie(sessions):
    token, _ = grant(sessions)
    status, jar, _ = call("DELETE", {**SAME_ORIGIN, session_http.HEADER: session_http.END}, cookie=token)
    assert status == 204 and sessions.user(token) is None
    cleared = jar[session_http.COOKIE]
    assert cleared.value == "" and cleared["max-age"] == "0" and cleared["httponly"]


@pytest.mark.parametrize("headers", [{**SAME_ORIGIN}, {**SAME_ORIGIN, session_http.HEADER: "yes"},
                                     {"host": "127.0.0.1:8501", "sec-fetch-site": "cross-site",
                                      session_http.HEADER: session_http.END}])
def test_sign_out_needs_our_own_request(sessions, headers):
    token, _ = grant(sessions)
    assert call("DELETE", headers, cookie=token)[0] == 403
    assert sessions.user(token).name == "zhang"


def test_other_methods_are_not_allowed(sessions):
    _, code = grant(sessions)
    assert call("GET", {**SAME_ORIGIN, session_http.HEADER: code})[0] == 405


@pytest.mark.parametrize("config", ['mode = "proxy"', 'mode = "builtin"\nsession_hours = 0'])
def test_the_route_is_off_unless_builtin_sessions_are_on(sessions, tmp_path, config):
    (tmp_path / "config.toml").write_text(f'[auth]\n{config}\nusers_path = "{sessions.store.path}"\n',
                                          encoding="utf-8")
    _, code = grant(sessions)
    assert call("POST", {**SAME_ORIGIN, session_http.HEADER: code})[0] == 404


def test_under_a_base_url_path_route_and_cookie_follow_it(sessions, monkeypatch):
    real = session_http.st.get_option
    monkeypatch.setattr(session_http.st, "get_option",
                        lambda key: "grid/" if key == "server.baseUrlPath" else real(key))
    _, code = grant(sessions)
    status, jar, _ = call("POST", {**SAME_ORIGIN, session_http.HEADER: code}, path="/grid/_grid/session")
    assert status == 204 and jar[session_http.COOKIE]["path"] == "/grid"
