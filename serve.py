"""The dashboard's web server: `streamlit run serve.py` (what `make run` does), never app.py directly.

This file is the ASGI application (st.App) around the router app.py, with the server's defences of
ui/server_guard.py put in place before the first browser connects; app.py started any other way
shows only a message saying how to start it.
"""
import streamlit as st

from ui import server_guard

server_guard.install()  # refuses unsafe Streamlit settings; guards every session's messages
app = st.App("app.py", middleware=server_guard.middleware())
