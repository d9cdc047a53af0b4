"""网格治理驾驶舱 — router: settings, login, the role's pages, database, the URL's view."""
from pathlib import Path

import streamlit as st

# A file of our own: a :material/…: page icon makes the browser fetch its favicon from fonts.gstatic.com.
st.set_page_config(page_title="网格治理驾驶舱", page_icon=str(Path(__file__).parent / "ui" / "static" / "favicon.png"),
                   layout="wide")

from data_access.errors import DatabaseUnavailable, ScopeDenied  # noqa: E402
from ui import access, browser_session, startup  # noqa: E402
from ui.components import period_picker  # noqa: E402
from ui.context import build_context  # noqa: E402
from ui.format import md_escape  # noqa: E402
from ui.state import read_view  # noqa: E402

PAGES = {  # key → (file, title, icon, url path); ui.access.ROLE_PAGES says who sees which
    "overview": ("views/overview.py", "总览", ":material/dashboard:", None),
    "safety": ("views/safety.py", "平安指数", ":material/shield:", "safety"),
    "events": ("views/events.py", "事件办结", ":material/assignment_turned_in:", "events"),
    "cases": ("views/cases.py", "事件明细", ":material/list_alt:", "cases"),
    "satisfaction": ("views/satisfaction.py", "群众满意度", ":material/sentiment_satisfied:", "satisfaction"),
    "workers": ("views/workers.py", "网格员绩效", ":material/badge:", "workers"),
    "weekly": ("views/weekly.py", "周报", ":material/summarize:", "weekly"),
    "quality": ("views/quality.py", "数据质量", ":material/rule:", "quality"),
    "audit": ("views/audit.py", "审计日志", ":material/history:", "audit"),
    "wall": ("views/wall.py", "指挥大屏", ":material/tv:", "wall"),
}

settings = startup.settings_or_stop()
store = access.user_store(str(settings.users_path), settings.embedded)
user = access.current_user(settings, store)


def navigation(keys: list[str], **kwargs):
    pages = [st.Page(PAGES[k][0], title=PAGES[k][1], icon=PAGES[k][2], url_path=PAGES[k][3], default=(i == 0))
             for i, k in enumerate(keys)]
    if PAGES[keys[0]][3]:  # a start page is served at the root URL only: serve it at its own path (/wall) too
        file, title, icon, path = PAGES[keys[0]]
        pages[0] = st.Page(file, title=title, icon=icon, url_path=f"{path}-start", default=True)
        pages.append(st.Page(file, title=title, icon=icon, url_path=path, visibility="hidden"))
    return st.navigation(pages, **kwargs)


if user is None:
    navigation(list(PAGES), position="hidden")  # keeps a deep link's page through the login; runs none
    browser_session.sync(settings)  # after 退出登录: takes the browser's sign-in cookie back
    access.login_screen(settings, store)  # stops the run: nothing below is drawn before login

page = navigation(access.ROLE_PAGES[user.role], position="hidden" if user.role == "wall" else "sidebar")
if page.title == PAGES["wall"][1]:  # full screen: no sidebar, banner or period picker (it keeps its own)
    db = startup.database_or_retry(settings)
    view, unmasked = read_view(settings.timezone, settings.cache_seconds), False
else:
    access.auth_off_banner(settings)
    db = startup.database_or_retry(settings)
    st.sidebar.title("网格治理驾驶舱")
    view = period_picker(read_view(settings.timezone, settings.cache_seconds))
    access.sidebar_account(settings, user)
    unmasked = access.unmask_switch(user)
browser_session.sync(settings)  # after a sign-in: hands the browser its cookie, so a reload stays signed in
if view.notice:  # a date in the link no period can hold: the default view instead, and why
    st.warning(md_escape(view.notice), icon=":material/event_busy:")
try:
    st.session_state["app_ctx"] = build_context(settings, db, user, view, unmasked)
    page.run()
except ScopeDenied as exc:  # names the ?area= of the link as given: the URL's text, never markup
    st.error(f"{md_escape(exc)}。请改用有权限区域的链接，或去掉链接中的 area= 参数后重新打开。", icon=":material/block:")
except DatabaseUnavailable as exc:
    startup.show_unavailable(exc)
