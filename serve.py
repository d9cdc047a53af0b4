"""The dashboard's web server: `streamlit run serve.py` (what `make run` does), never app.py directly.

This file is the ASGI application (st.App) around the router app.py: the server's defences of
ui/server_guard.py are put in place before the first browser connects, and the dashboard's one HTTP
route, /_grid/session (ui/session_http.py), is where the browser picks up the HttpOnly cookie that
keeps a built-in sign-in across reloads and tabs. app.py started any other way shows only a message
saying how to start it.
"""
import streamlit as st

from ui import server_guard
from ui.session_http import routes

server_guard.install()  # refuses unsafe Streamlit settings; guards every session's messages
app = st.App("app.py", routes=routes(), middleware=server_guard.middleware())
