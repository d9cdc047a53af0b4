"""A built-in sign-in that survives a reload, in a real browser: the HttpOnly cookie from
/_grid/session keeps a reload and a new tab signed in, 退出登录 ends it, and a copied, forged or
altered cookie signs in nobody.

A server of its own signs in with passwords (auth.mode = builtin, the default 12-hour sessions).
The waits are the page's own state and the /_grid/session responses, never a fixed time.
"""
from __future__ import annotations

import base64
import json

import pytest

from data_access.users import UserStore
from tests.browser.conftest import serving
from tests.browser.helpers import IDLE, TIMEOUT_MS, errors, open, shot, title, wait_until

VIEW = "period=custom&from=2026-11-09&to=2026-11-16&asof=2026-11-16T10:00"
NAME, PASSWORD, DISPLAY = "zhang", "zhang-password", "张主任"
COOKIE = "grid_session"
PASSWORD_BOX = '[data-testid="stTextInput"] input[type="password"]'
ACCOUNT = '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]'
SLOT_HIDDEN = """() => {
  const w = document.querySelector('[data-testid="stLayoutWrapper"]:has(> .st-key-grid-session)');
  return !!w && getComputedStyle(w).display === 'none' && w.getBoundingClientRect().height === 0;
}"""


@pytest.fixture(scope="module")
def signin_server(demo_city, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("session")
    store = UserStore(folder / "users.sqlite")
    store.add(NAME, PASSWORD, "leader", display_name=DISPLAY)
    store.add("boss", "boss-password", "admin", can_unmask=True)
    config = folder / "config.toml"
    config.write_text(f'[auth]\nmode = "builtin"\nusers_path = "{store.path}"\n', encoding="utf-8")
    with serving(demo_city["url"], folder / "streamlit-session.log", GRID_AUTH_MODE="builtin",
                 GRID_CONFIG=str(config)) as running:
        yield running[1]


def session_call(page, method: str):
    """Expect the page's own call to /_grid/session (the cookie handed over, or taken back)."""
    return page.expect_response(lambda r: r.url.endswith("/_grid/session") and r.request.method == method)


def sign_in(page) -> None:
    open(page, f"/?{VIEW}")
    page.get_by_label("用户名").fill(NAME)
    page.get_by_label("密码").fill(PASSWORD)
    with session_call(page, "POST") as traded:
        page.get_by_role("button", name="登录").click()
    assert traded.value.status == 204
    wait_until(page, f"() => !!document.querySelector({json.dumps(ACCOUNT)})")


def reload(page) -> None:
    """F5: a new Streamlit session, which knows nobody but by the cookie."""
    page.reload()
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    wait_until(page, IDLE)


def signed_in_as(page) -> str:
    """The sidebar's 当前用户 line, or "" on the sign-in screen."""
    if page.locator(PASSWORD_BOX).count():
        return ""
    return " ".join(page.locator(ACCOUNT).all_inner_texts())


def cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def test_a_sign_in_survives_reload_and_new_tab_until_退出登录(new_page, signin_server):
    page = new_page(base=signin_server)
    sign_in(page)
    wait_until(page, SLOT_HIDDEN)  # the element that handed the cookie over takes no room on the page
    jar = cookie(page)
    assert jar and jar["httpOnly"] and jar["sameSite"] == "Strict" and jar["path"] == "/" and not jar["secure"]
    assert COOKIE not in page.evaluate("document.cookie")  # no script on the page can read it

    reload(page)
    assert DISPLAY in signed_in_as(page) and title(page).startswith("总览")

    tab = page.context.new_page()
    open(tab, f"/safety?{VIEW}")
    assert DISPLAY in signed_in_as(tab) and title(tab).startswith("平安指数")
    shot(tab, "session-new-tab")

    with session_call(tab, "DELETE") as ended:
        tab.get_by_role("button", name="退出登录").click()
    assert ended.value.status == 204
    wait_until(tab, f"() => !!document.querySelector({json.dumps(PASSWORD_BOX)})")
    assert cookie(tab) is None

    reload(page)  # the first tab
    assert signed_in_as(page) == "" and not errors(page)
    shot(page, "session-after-sign-out")

    replay = new_page(base=signin_server)  # someone who copied the cookie before 退出登录
    replay.context.add_cookies([{"name": COOKIE, "value": jar["value"], "url": signin_server}])
    open(replay, f"/?{VIEW}")
    assert signed_in_as(replay) == ""


def _as_boss(value: str) -> str:
    """The same cookie claiming the administrator's account, its signature kept."""
    payload, mac = value.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw = json.dumps({**claims, "u": "boss"}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + mac


@pytest.mark.parametrize("spoil", [_as_boss, lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),
                                   lambda v: "forged." + v.split(".")[1]], ids=["other-account", "signature", "garbage"])
def test_a_forged_or_altered_cookie_is_refused(new_page, signin_server, spoil):
    page = new_page(base=signin_server)
    sign_in(page)
    value = cookie(page)["value"]
    forged = new_page(base=signin_server)
    forged.context.add_cookies([{"name": COOKIE, "value": spoil(value), "url": signin_server}])
    open(forged, f"/?{VIEW}")
    assert signed_in_as(forged) == "" and not errors(forged)
    reload(page)  # the genuine cookie still works: the refusal is the spoiling's doing
    assert DISPLAY in signed_in_as(page)
