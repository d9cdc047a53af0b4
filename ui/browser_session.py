"""A built-in sign-in that survives a reload and reaches new tabs (auth.mode = builtin, auth.session_hours > 0).

A password typed in a tab starts a session (data_access.users.sessions): its token stays in that
tab's session state, and a hidden element hands the browser a one-time grant, which its script
trades at /_grid/session for the HttpOnly cookie (ui/session_http.py; the token itself never
reaches the page). A reload or a new tab is a new Streamlit session: it finds the cookie in
`st.context.cookies`, which the browser sent with the WebSocket's opening request. Both are
checked against the users file on every run, so 退出登录 in any tab, disabling the account or a
new password signs every tab out at its next run.
"""
from __future__ import annotations

import json

import streamlit as st

from configuration.settings import Settings
from data_access.users import User
from data_access.users.sessions import Sessions
from ui.session_http import COOKIE, END, HEADER, url_path

NAME_KEY = "user_name"  # the signed-in account, as ui/access.py keeps it
TOKEN_KEY = "grid_session_token"  # this tab's own session, when the password was typed here
GRANT_KEY = "grid_session_grant"  # waiting for the browser to trade it for the cookie
CLEAR_KEY = "grid_session_clear"  # 退出登录 happened: the browser's cookie is to be cleared
SLOT = "grid-session"  # the hidden element's container
# The container and the layout wrapper Streamlit puts round it: a wrapper of height 0 would still
# take a gap in the page's column.
_HIDE = (f"<style>.st-key-{SLOT}, [data-testid=\"stLayoutWrapper\"]:has(> .st-key-{SLOT}) "
         "{ display: none !important; }</style>")


@st.cache_resource(show_spinner=False)
def _sessions(path: str, hours: float) -> Sessions:
    return Sessions(path, hours)


def sessions(settings: Settings) -> Sessions | None:
    if settings.auth_mode != "builtin" or settings.session_hours <= 0:
        return None
    return _sessions(str(settings.users_path), settings.session_hours)


def browser_cookie() -> str | None:
    """The session cookie the browser sent when this tab connected. (AppTest cannot send cookies,
    so tests put their own function here.)"""
    return st.context.cookies.get(COOKIE)


def _forget() -> None:
    for key in (NAME_KEY, TOKEN_KEY, GRANT_KEY):
        st.session_state.pop(key, None)


def user(settings: Settings) -> User | None:
    """The account of this tab's own session, else of the browser's cookie; None when neither is
    live. A tab whose own session has ended is signed out altogether."""
    found = sessions(settings)
    if found is None:
        return None
    own = st.session_state.get(TOKEN_KEY)
    if own is not None:
        account = found.user(own)
        if account is None:
            _forget()
        return account
    return found.user(browser_cookie())


def start(settings: Settings, account: User) -> None:
    """The password was right: sign this tab in, and the browser too when sessions are on."""
    st.session_state[NAME_KEY] = account.name
    found = sessions(settings)
    if found is not None:
        token = found.issue(account.name)
        st.session_state[TOKEN_KEY] = token
        st.session_state[GRANT_KEY] = found.grant(token)


def end(settings: Settings) -> None:
    """退出登录: end this tab's session and the one the browser's cookie names, and clear the cookie."""
    found = sessions(settings)
    if found is not None:
        for token in {st.session_state.get(TOKEN_KEY), browser_cookie()} - {None}:
            found.revoke(token)
        st.session_state[CLEAR_KEY] = True
    _forget()


def _script(calls: list[tuple[str, str]]) -> str:
    """fetch() calls to /_grid/session, one after the other; only our own values, written as JSON."""
    data = json.dumps({"path": url_path(), "header": HEADER, "calls": calls}).replace("<", "\\u003c")
    return ("<script>\n(async () => {\n"
            f"  const s = {data};\n"
            "  for (const [method, value] of s.calls) {\n"
            "    try {\n"
            "      await fetch(s.path, {method, headers: {[s.header]: value}, credentials: 'same-origin',\n"
            "                           cache: 'no-store'});\n"
            "    } catch (e) {}  // offline for a moment: the sign-in then lasts this tab only\n"
            "  }\n"
            "})();\n</script>")


def sync(settings: Settings) -> None:
    """The hidden element that gives the browser its cookie after a sign-in, or takes it back after
    退出登录. Drawn in every run, in the same place before the page, so its coming and going never
    moves what the page draws."""
    found = sessions(settings)
    if found is None:
        return
    grant = st.session_state.get(GRANT_KEY)
    if grant is not None and not found.pending(grant):  # traded (or expired): nothing left to hand over
        st.session_state.pop(GRANT_KEY, None)
        grant = None
    calls = [("DELETE", END)] if st.session_state.pop(CLEAR_KEY, False) else []
    calls += [("POST", grant)] if grant else []
    with st.container(key=SLOT):  # drawn even when empty (the browser then gets no element at all)
        if calls:
            st.html(_HIDE)  # only a style: Streamlit puts it where it takes no space
            st.html(_script(calls), unsafe_allow_javascript=True)
