"""网格治理驾驶舱 — the server: `streamlit run serve.py` serves app.py with the dashboard's own HTTP route.

Streamlit's `st.App` (its public server API) adds /_grid/session (ui/session_http.py), where the
browser picks up the HttpOnly cookie that keeps a built-in sign-in across reloads and tabs.
`streamlit run app.py` still works, with every sign-in lasting only its browser tab.
"""
import streamlit as st

from ui.session_http import routes

app = st.App("app.py", routes=routes())
