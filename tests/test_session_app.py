"""A built-in sign-in that survives a reload, under AppTest (ui/browser_session.py).

Each open_page() is a new Streamlit session, as a reload or a new tab is. AppTest cannot send
cookies, so the fixture `browser` stands in for the browser's cookie jar: its cookie is what
`browser_session.browser_cookie()` returns, and it gets one only the way a browser would, by
trading the grant the page carries (tests/test_session_http.py checks the route itself)."""
import json
import re
import uuid

import pytest

from configuration.settings import load_settings
from data_access.users import UserStore
from data_access.users.sessions import Sessions
from ui import browser_session


@pytest.fixture
def browser(monkeypatch) -> dict:
    jar: dict[str, str] = {}
    monkeypatch.setattr(browser_session, "browser_cookie", lambda: jar.get("cookie"))
    return jar


@pytest.fixture
def account(users_file) -> str:
    """An official of S1 of this test's own, so disabling it or changing its password touches no other test."""
    name = f"t{uuid.uuid4().hex[:10]}"
    UserStore(users_file).add(name, "first-password", "official", ["S1"])
    return name


def scripts(at) -> list[dict]:
    """The data of each /_grid/session script on the page (ui.browser_session._script)."""
    found = []
    for html in at.get("html"):
        if html.proto.unsafe_allow_javascript and "/_grid/session" in html.proto.body:
            found.append(json.loads(re.search(r"const s = (\{.*\});", html.proto.body).group(1)))
    return found


def sign_in(open_page, name: str, password: str):
    at = open_page(login=True, check=False)
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def trade(users_file: str, at, browser: dict) -> str:
    """What the page's script makes the browser do: trade the grant for the cookie."""
    (script,) = scripts(at)
    (method, grant), = script["calls"]
    assert method == "POST"
    token, _ = Sessions(users_file).redeem(grant)
    browser["cookie"] = token
    return token


def is_login_screen(at) -> bool:
    return [t.label for t in at.text_input] == ["用户名", "密码"] and not at.metric


def test_sign_in_gives_the_page_a_grant_never_the_token(open_page, users_file, browser):
    at = sign_in(open_page, "s1", "s1-password")
    assert not at.exception and at.title[0].value == "总览 · 东街道"
    token = at.session_state[browser_session.TOKEN_KEY]
    (script,) = scripts(at)
    assert script["path"] == "/_grid/session" and script["header"] == "X-Grid-Session"
    assert token not in json.dumps(script)  # the HttpOnly cookie's value never reaches page script
    assert trade(users_file, at, browser) == token
    at.run()
    assert scripts(at) == []  # traded: nothing more to hand over


def test_a_reload_stays_signed_in_until_退出登录(open_page, users_file, browser):
    trade(users_file, sign_in(open_page, "s1", "s1-password"), browser)
    reloaded = open_page(login=True)  # a new session: only the cookie knows who this is
    assert reloaded.title[0].value == "总览 · 东街道" and not reloaded.text_input
    assert {m.label: m.value for m in reloaded.metric}["上报数"] == "10"
    next(b for b in reloaded.button if b.label == "退出登录").click().run()
    assert is_login_screen(reloaded)
    assert [s["calls"] for s in scripts(reloaded)] == [[["DELETE", "end"]]]  # the browser's cookie is cleared
    assert is_login_screen(open_page(login=True, check=False))  # even a browser that kept the cookie


def test_退出登录_in_one_tab_signs_out_the_others(open_page, users_file, browser):
    first = sign_in(open_page, "s1", "s1-password")  # the tab that was typed in
    trade(users_file, first, browser)
    other = open_page(login=True)  # a second tab, by the cookie
    next(b for b in other.button if b.label == "退出登录").click().run()
    first.run()
    assert is_login_screen(first) and "user_name" not in first.session_state


@pytest.mark.parametrize("spoil", [lambda t: t[:-3] + ("AAA" if not t.endswith("AAA") else "BBB"),
                                   lambda t: t.replace(".", "x.", 1), lambda t: "root." + t.split(".")[1],
                                   lambda t: "<script>alert(1)</script>"])
def test_a_forged_or_altered_cookie_signs_in_nobody(open_page, users_file, browser, spoil):
    token = trade(users_file, sign_in(open_page, "s1", "s1-password"), browser)
    browser["cookie"] = spoil(token)
    at = open_page(login=True, check=False)
    assert not at.exception and is_login_screen(at)


def test_disabling_the_account_signs_out_its_open_tabs(open_page, users_file, browser, account):
    trade(users_file, sign_in(open_page, account, "first-password"), browser)
    tab = open_page(login=True)
    assert tab.title[0].value == "总览 · 东街道"
    UserStore(users_file).disable(account)
    tab.run()
    assert is_login_screen(tab)
    UserStore(users_file).enable(account)
    assert is_login_screen(open_page(login=True, check=False))  # the old cookie stays dead


def test_a_new_password_signs_out_the_tab_it_was_typed_in(open_page, users_file, browser, account):
    tab = sign_in(open_page, account, "first-password")
    trade(users_file, tab, browser)
    UserStore(users_file).set_password(account, "second-password")
    tab.run()
    assert is_login_screen(tab) and browser_session.TOKEN_KEY not in tab.session_state
    assert is_login_screen(open_page(login=True, check=False))


@pytest.mark.parametrize("config", ['mode = "proxy"', 'mode = "oidc"', 'mode = "none"', "session_hours = 0"])
def test_only_builtin_sign_in_uses_sessions(tmp_path, config):
    path = tmp_path / "config.toml"
    path.write_text(f"[auth]\n{config}\n", encoding="utf-8")
    assert browser_session.sessions(load_settings(path, env={})) is None
