"""网格治理驾驶舱 — router: settings, database, the URL's view, navigation."""
import streamlit as st

st.set_page_config(page_title="网格治理驾驶舱", page_icon=":material/shield:", layout="wide")

from data_access.errors import DatabaseUnavailable, ScopeDenied  # noqa: E402
from metrics.scope import Scope  # noqa: E402
from ui import startup  # noqa: E402
from ui.components import period_picker  # noqa: E402
from ui.context import build_context  # noqa: E402
from ui.state import read_view  # noqa: E402

# Declared first, so even the start-up screens show this menu and not Streamlit's default one.
pages = [
    st.Page("views/overview.py", title="总览", icon=":material/dashboard:", default=True),
    st.Page("views/safety.py", title="平安指数", icon=":material/shield:", url_path="safety"),
    st.Page("views/events.py", title="事件办结", icon=":material/assignment_turned_in:", url_path="events"),
    st.Page("views/satisfaction.py", title="群众满意度", icon=":material/sentiment_satisfied:", url_path="satisfaction"),
    st.Page("views/workers.py", title="网格员绩效", icon=":material/badge:", url_path="workers"),
]
page = st.navigation(pages)

settings = startup.settings_or_stop()
db = startup.database_or_retry(settings)

# Until login lands (issue 3) everyone sees the whole city; the scope still flows into every query.
scope = Scope.everywhere()

st.sidebar.title("网格治理驾驶舱")
view = period_picker(read_view(settings.timezone, settings.cache_seconds))
try:
    st.session_state["app_ctx"] = build_context(settings, db, scope, view)
    page.run()
except ScopeDenied as exc:
    st.error(f"{exc}。请从面包屑返回有权限的区域。", icon=":material/block:")
except DatabaseUnavailable as exc:
    startup.show_unavailable(exc)
