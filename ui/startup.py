"""Getting from `streamlit run serve.py` to a page: a guarded server (ui/server_guard.py), valid
settings, a built demo city, a reachable database.

Whatever goes wrong is shown as a clear Chinese message (never a stack trace), and a database that
is down is retried automatically. A database lost mid-session (there are figures to stand in) lets
the run go on: the pages show their last good figures, marked stale (ui/resilience.py).
"""
from __future__ import annotations

import threading

import streamlit as st

from configuration.bootstrap import ensure_demo
from configuration.settings import Settings
from data_access import check
from data_access.db import Database
from data_access.errors import ConfigError, DatabaseUnavailable
from ui import resilience, server_guard
from ui.format import md_escape
from ui import streamlit_internals as internals
from ui.context import get_database, get_settings

RETRY_SECONDS = resilience.RETRY_SECONDS


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    return threading.Lock()  # one build per server, however many browsers open at once


@st.cache_resource(show_spinner=False)
def _internals_checked() -> bool:
    internals.check()  # once per server: raises when a Streamlit upgrade moved what the dashboard reads
    return True


def settings_or_stop() -> Settings:
    try:
        _internals_checked()
        unguarded = internals.served() and not server_guard.guarded()
    except internals.InternalsChanged as exc:
        st.error(f"驾驶舱无法启动：{md_escape(exc)}", icon=":material/error:")
        st.stop()
    if unguarded:  # `streamlit run app.py`: a server without its defences (ui/server_guard.py)
        st.error("驾驶舱须以 streamlit run serve.py 启动（make run），不能直接运行 app.py："
                 "直接运行时服务器缺少安全防护。", icon=":material/gpp_bad:")
        st.stop()
    try:
        return get_settings()
    except ConfigError as exc:  # drawn before sign-in: names the key, never the database URL (settings._db_url)
        st.error(f"配置错误，驾驶舱无法启动。\n\n{md_escape(exc)}\n\n请修改 config.toml 后刷新页面。", icon=":material/error:")
        st.stop()


def _build_demo(settings: Settings) -> None:
    with _build_lock():
        if settings.demo_path.exists():
            return
        st.title("网格治理驾驶舱")
        st.info("首次启动：正在生成内置演示数据库（坊子区演示城市），完成后自动打开总览。", icon=":material/construction:")
        bar = st.progress(0.0, text="准备中…")
        ensure_demo(settings, progress=lambda f, msg: bar.progress(min(1.0, max(0.0, f)), text=msg))
        bar.empty()


def database_or_retry(settings: Settings) -> Database:
    if settings.embedded and not settings.demo_path.exists():
        _build_demo(settings)
        st.rerun()
    try:
        db = get_database(settings.db_url, settings)
    except DatabaseUnavailable as exc:
        show_unavailable(exc)
        st.stop()
    try:
        db.ping()
    except DatabaseUnavailable as exc:
        if not resilience.can_stand_in(str(db.engine.url)):
            show_unavailable(exc)
            st.stop()
        resilience.start_run(db, exc, settings.timezone)  # mid-session: the pages show their last good figures, marked stale
        return db
    mapping_or_stop(db)
    resilience.start_run(db, None, settings.timezone)
    return db


@st.cache_resource(show_spinner=False)
def _structure(url: str, _db: Database) -> list:
    return check.structure(_db)  # once per server and database: the catalogue and a LIMIT 0 per table


def mapping_or_stop(db: Database) -> None:
    """The checker's structural checks before any page: an unusable mapping stops with its message
    (checked again on the next load, so fixing config.toml and refreshing is enough)."""
    findings = _structure(str(db.engine.url), db)
    if check.usable(findings):
        return
    _structure.clear()
    errors = "\n".join(f"- {md_escape(line)}" for line in check.error_lines(findings))
    st.error(f"数据库映射无法使用，驾驶舱无法启动（{md_escape(db.target)}）：\n\n{errors}\n\n"
             "完整报告：python -m data_access.check。修改 config.toml 的 [schema] 后刷新页面。", icon=":material/error:")
    st.stop()


def show_unavailable(exc: DatabaseUnavailable) -> None:
    """The message plus a background retry that reloads the app once the database answers."""
    st.error(f"{md_escape(exc)}\n\n系统每 {RETRY_SECONDS} 秒自动重试，恢复后页面自动刷新。", icon=":material/cloud_off:")
    resilience.keep_retrying(exc)
