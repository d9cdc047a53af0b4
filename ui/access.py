"""Who is looking: login in one of four modes, the pages a role may use, and the unmask switch.

No page is drawn before this module has named a user. The user's scope then flows into every
metrics call (ui/context.py), so hiding menu items is never what protects the data.
"""
from __future__ import annotations

import math
from datetime import datetime

import streamlit as st

from configuration.settings import Settings
from data_access import audit
from data_access.users import ROLES, User, UserStore, ensure_demo_users, remove_demo_users
from ui import browser_session
from ui.format import md_escape

# Pages per role, by key (see PAGES in app.py); the first is the role's start page. The wall display
# gets the wall only: no page with personal data, no export.
ANALYSIS = ["overview", "safety", "events", "cases", "satisfaction", "workers"]
ROLE_PAGES = {
    "leader": ANALYSIS + ["weekly", "quality", "wall"],
    "official": ANALYSIS + ["weekly", "quality", "wall"],
    "wall": ["wall"],
    "admin": ANALYSIS + ["weekly", "quality", "wall", "audit"],
}
WALL_TOKEN_PARAM = "token"  # /wall?token=…: a wall display signs in without typing (data_access.users)
LOCAL_USER = User(name="local", role="leader", areas=(), display_name="本地使用（未启用登录）", can_unmask=False,
                  active=True)


@st.cache_resource(show_spinner=False)
def user_store(path: str, demo: bool) -> UserStore:
    """The accounts store. It holds no state of its own (failed sign-ins are counted in its file), so
    a cleared cache or a restart only opens it again."""
    store = UserStore(path)
    if demo:  # demo accounts only beside the embedded demo city, never on a real deployment
        ensure_demo_users(store)
    else:  # their passwords are published: gone as soon as another database is configured
        remove_demo_users(store)
    return store


def current_user(settings: Settings, store: UserStore) -> User | None:
    """The logged-in user, or None (the caller then shows the login screen and stops).

    When the mode's own sign-in names nobody, a wall token in the URL may name a wall account:
    that is how an unattended display gets in, and stays in across reloads and restarts."""
    mode = settings.auth_mode
    if mode == "none":
        return LOCAL_USER
    return _signed_in(settings, store) or store.wall_token_user(st.query_params.get(WALL_TOKEN_PARAM))


def _signed_in(settings: Settings, store: UserStore) -> User | None:
    mode = settings.auth_mode
    if mode == "proxy":
        name = st.context.headers.get(settings.proxy_header, "").strip()
        return _known(store, name)
    if mode == "oidc":
        if not st.user.is_logged_in:
            return None
        return _known(store, str(st.user.get("email") or st.user.get("name") or ""))
    signed_in = browser_session.user(settings)  # this tab's session or the browser's cookie (builtin)
    if signed_in is not None:
        return signed_in
    name = st.session_state.get("user_name")
    return _known(store, name) if name else None


def _known(store: UserStore, name: str) -> User | None:
    user = store.get(name) if name else None
    return user if user and user.active else None


def login_screen(settings: Settings, store: UserStore) -> None:
    """Draw the way in for the configured mode, then stop the run: nothing else is drawn."""
    st.title("网格治理驾驶舱")
    if settings.auth_mode == "proxy":
        st.error(f"未能识别登录用户：反向代理未提供请求头 {settings.proxy_header}，或该用户未在驾驶舱开通。"
                 "请联系管理员。", icon=":material/block:")
    elif settings.auth_mode == "oidc":
        if st.user.is_logged_in:
            st.error("您已通过统一身份认证登录，但该账号未在驾驶舱开通，请联系管理员。", icon=":material/block:")
            st.button("退出登录", on_click=st.logout)
        else:
            st.info("请使用统一身份认证登录。", icon=":material/login:")
            st.button("登录", on_click=lambda: st.login(settings.oidc_provider or None), type="primary")
    else:
        _password_form(settings, store)
    st.stop()


def _password_form(settings: Settings, store: UserStore) -> None:
    _, middle, _ = st.columns([2, 3, 2])
    with middle, st.form("login", enter_to_submit=True):
        st.subheader("登录")
        name = st.text_input("用户名", max_chars=64)
        password = st.text_input("密码", type="password", max_chars=256)
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        return
    # The address as Streamlit's server reports it; X-Forwarded-For is never read here (any client can
    # send it), only trusted through the server's own proxy setting (README, Security).
    attempt = store.sign_in(name, password, st.context.ip_address)
    if attempt.retry_after:
        middle.error(f"登录失败次数过多，请 {math.ceil(attempt.retry_after / 60)} 分钟后再试；"
                     "如需立即解除，请联系管理员。")
        return
    user = attempt.user
    if user is None:
        middle.error("用户名或密码错误，或账号已停用。")
        return
    browser_session.start(settings, user)
    st.rerun()


def sidebar_account(settings: Settings, user: User) -> None:
    st.sidebar.caption(f"当前用户：{md_escape(user.display_name)}（{ROLES.get(user.role, user.role)}）")  # an IdP may name it
    if settings.auth_mode == "builtin" and st.sidebar.button("退出登录", type="tertiary"):
        browser_session.end(settings)
        st.rerun()
    if settings.auth_mode == "oidc":
        st.sidebar.button("退出登录", on_click=st.logout, type="tertiary")


def auth_off_banner(settings: Settings) -> None:
    if settings.auth_mode == "none":
        st.warning("登录已关闭（GRID_AUTH_MODE=none 或 config.toml [auth] mode = \"none\"），仅供本机使用，"
                   "请勿在网络上开放。", icon=":material/lock_open:")


def unmask_switch(user: User) -> bool:
    """Users with the permission may show personal data; the pages then write it to the audit log."""
    if not user.can_unmask or not user.sees_personal_data:
        return False
    return st.sidebar.toggle("显示个人信息（记入审计日志）", value=False, key="unmask")


def log_export(settings: Settings, user: User, area: str | None, period, file_name: str) -> None:
    """A download button's callback: every export is one audit line (the file name as its detail)."""
    audit.record(str(settings.users_path), user=user.name, action="export", area=area, period_from=period.start,
                 period_to=period.end, detail=file_name, at=datetime.now(settings.timezone))


def audited_export(settings: Settings, user: User, area: str | None, period, file_name: str, build):
    """A download button's `data`: a callable that writes the export's audit line, then builds the
    file. The file is made only on the click, in the same request, so no download goes unrecorded:
    if the audit log cannot be written the download fails (an on_click audit runs in a separate
    rerun, which a client can leave out)."""
    def data() -> bytes:
        log_export(settings, user, area, period, file_name)
        return build()
    return data


def log_unmasked_view(settings: Settings, user: User, page: str, area: str | None, period) -> None:
    """One audit line per distinct unmasked view in a session (a rerun of the same view adds none)."""
    key = ("unmask", page, area, period.start, period.end)
    seen = st.session_state.setdefault("_audited", set())
    if key in seen:
        return
    audit.record(str(settings.users_path), user=user.name, action="unmask", area=area or "全部",
                 period_from=period.start, period_to=period.end, detail=page,
                 at=datetime.now(settings.timezone))
    seen.add(key)
