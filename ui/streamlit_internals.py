"""Every use of a non-public Streamlit attribute, in one place, checked rather than guessed.

Streamlit offers no public way to tell one script run from the next, to know whether the code runs
inside a fragment, or to drop the per-key compute locks its data cache keeps forever. The dashboard
needs all three (ui/resilience.py, ui/cache_hygiene.py), so they are read here and nowhere else.
Nor does it offer a way to refuse what any websocket client may send a session (`clear_cache`
empties every cache of the server for everyone), to keep the server's file paths out of the first
message of a session, or to tell a real server from AppTest: `guard_sessions` and `served` do that
for ui/server_guard.py, here too.
Nothing falls back silently: when an upgrade changes one of them, `check()` — run at start-up and
by tests/test_streamlit_internals.py — raises `InternalsChanged` naming what moved, and the
functions below raise it too instead of returning a harmless-looking default.

Written against streamlit 1.67 (requirements.txt pins it).
"""
from __future__ import annotations

import functools
import logging
import os
import threading
from typing import Iterator

import streamlit


class InternalsChanged(RuntimeError):
    def __init__(self, what: str):
        super().__init__(f"Streamlit {streamlit.__version__} 与本驾驶舱依赖的内部接口不一致：{what}。"
                         "请使用 requirements.txt 固定的版本，或按 ui/streamlit_internals.py 调整。")


def _script_run_ctx():
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError as exc:
        raise InternalsChanged("streamlit.runtime.scriptrunner.get_script_run_ctx") from exc
    return get_script_run_ctx()


def run_token() -> object | None:
    """An object that is replaced at the start of every script run, full or fragment rerun, of the
    current session (ScriptRunContext.reset() gives it a new `cursors` dict); None outside a run."""
    ctx = _script_run_ctx()
    if ctx is None:
        return None
    if not isinstance(getattr(ctx, "cursors", None), dict):
        raise InternalsChanged("ScriptRunContext.cursors")
    return ctx.cursors


def in_fragment() -> bool:
    """True while a fragment (st.fragment) is running, in its first run or a rerun; False outside
    any script run (bare mode, a helper thread), where Streamlit keeps no thread state."""
    if _script_run_ctx() is None:
        return False
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
    except ImportError as exc:
        raise InternalsChanged("streamlit.runtime.scriptrunner_utils.script_run_context.ThreadState") from exc
    state = ThreadState.get()
    if not hasattr(state, "fragment_id"):
        raise InternalsChanged("ThreadState.fragment_id")
    return bool(state.fragment_id)


def _data_caches():
    try:
        from streamlit.runtime.caching.cache_data_api import _data_caches as caches
    except ImportError as exc:
        raise InternalsChanged("streamlit.runtime.caching.cache_data_api._data_caches") from exc
    if not isinstance(getattr(caches, "_function_caches", None), dict) or not hasattr(caches, "_caches_lock"):
        raise InternalsChanged("DataCaches._function_caches / _caches_lock")
    return caches


def data_cache_locks() -> Iterator[tuple[object, dict, threading.Lock]]:
    """For every st.cache_data function cache: (the keys it holds, its per-key compute locks, the
    lock guarding those). The caller may delete locks of keys no longer held and not locked."""
    caches = _data_caches()
    with caches._caches_lock:
        found = [c for per_session in caches._function_caches.values() for c in per_session.values()]
    for cache in found:
        stored = getattr(getattr(cache, "storage", None), "_mem_cache", None)
        locks, guard = getattr(cache, "_value_locks", None), getattr(cache, "_value_locks_lock", None)
        if stored is None or not isinstance(locks, dict) or guard is None:
            raise InternalsChanged("DataCache.storage._mem_cache / _value_locks / _value_locks_lock")
        yield stored, locks, guard


# ---- what a websocket client may ask of its session (ui/server_guard.py) ----

# The BackMsg types the dashboard's pages send. Every other one is dropped before Streamlit sees it:
# clear_cache (clears st.cache_resource and st.cache_data of the whole server, for every user),
# load_git_info (answers with the repository, branch and uncommitted files), set_run_on_save,
# file_urls_request (the dashboard takes no uploads), and the debug_* messages (Streamlit refuses
# those itself unless global.developmentMode or global.e2eTest is on; server_guard requires both off).
CLIENT_MESSAGES = frozenset({"rerun_script", "stop_script", "app_heartbeat", "backend_operation_request"})
REFUSED_MESSAGES = frozenset({"clear_cache", "load_git_info", "set_run_on_save", "file_urls_request",
                              "debug_disconnect_websocket", "debug_shutdown_runtime"})
# Backend operations the pages use: lazy rows of st.dataframe and deferred downloads. The skills
# nudge's two write files on the server and are never shown headless.
BACKEND_OPERATIONS = frozenset({"dataframe_chunk", "deferred_file"})
REFUSED_OPERATIONS = frozenset({"install_skills", "dismiss_skills_nudge"})
_GUARDED = "_grid_guarded"  # marks the wrapped methods, so guarding twice wraps once
_log = logging.getLogger(__name__)


def _app_session():
    try:
        from streamlit.proto.BackMsg_pb2 import BackendOperationRequest, BackMsg
        from streamlit.runtime.app_session import AppSession
    except ImportError as exc:
        raise InternalsChanged(str(exc)) from exc
    types = {f.name for f in BackMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    if types != CLIENT_MESSAGES | REFUSED_MESSAGES:  # a new message type must be judged, not let through
        raise InternalsChanged(f"BackMsg 的消息类型 {sorted(types)}")
    operations = {f.name for f in BackendOperationRequest.DESCRIPTOR.oneofs_by_name["payload"].fields}
    if operations != BACKEND_OPERATIONS | REFUSED_OPERATIONS:
        raise InternalsChanged(f"BackendOperationRequest 的操作 {sorted(operations)}")
    for name in ("handle_backmsg", "_create_new_session_message"):
        if not callable(getattr(AppSession, name, None)):
            raise InternalsChanged(f"AppSession.{name}")
    return AppSession


def allowed(msg) -> bool:
    """Does a BackMsg from a client reach its session? (Only what the dashboard's pages send.)"""
    kind = msg.WhichOneof("type")
    if kind == "backend_operation_request":
        return msg.backend_operation_request.WhichOneof("payload") in BACKEND_OPERATIONS
    return kind in CLIENT_MESSAGES


def strip_new_session(msg) -> None:
    """Leave the server's file system and machine out of a new_session ForwardMsg: the script's
    file name instead of its absolute path; no Python version, operating system or display."""
    new = msg.new_session
    new.main_script_path = os.path.basename(new.main_script_path)
    env = new.initialize.environment_info
    env.python_version, env.server_os, env.has_display = "", "", False


def guard_sessions() -> None:
    """Wrap AppSession (once per process, before any session connects) so that a BackMsg not
    `allowed` is dropped with a warning in the server log, and every new_session is stripped."""
    cls = _app_session()
    if getattr(cls.handle_backmsg, _GUARDED, False):
        return
    handle, new_session = cls.handle_backmsg, cls._create_new_session_message

    @functools.wraps(handle)
    def handle_backmsg(self, msg):
        if allowed(msg):
            return handle(self, msg)
        _log.warning("Refused a %s message from a client (session %s)", msg.WhichOneof("type"), self.id)
        return None

    @functools.wraps(new_session)
    def create_new_session_message(self, *args, **kwargs):
        msg = new_session(self, *args, **kwargs)
        strip_new_session(msg)
        return msg

    setattr(handle_backmsg, _GUARDED, True)
    cls.handle_backmsg, cls._create_new_session_message = handle_backmsg, create_new_session_message


def sessions_guarded() -> bool:
    return bool(getattr(_app_session().handle_backmsg, _GUARDED, False))


def served() -> bool:
    """True when a real Streamlit server runs this script; False under AppTest and outside any run.
    (AppTest puts a MagicMock(spec=Runtime) in Runtime's place, which passes isinstance: hence `type`.)"""
    try:
        from streamlit.runtime import Runtime, exists, get_instance
    except ImportError as exc:
        raise InternalsChanged("streamlit.runtime.Runtime / exists / get_instance") from exc
    return _script_run_ctx() is not None and exists() and type(get_instance()) is Runtime


def check() -> None:
    """Raise InternalsChanged unless every internal used here is where this module expects it."""
    _script_run_ctx()
    in_fragment()
    _data_caches()
    _app_session()
    served()
    try:
        from streamlit.runtime.caching.cache_utils import Cache  # holds _value_locks
        from streamlit.runtime.caching.storage.in_memory_cache_storage_wrapper import \
            InMemoryCacheStorageWrapper  # holds _mem_cache
        from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
    except ImportError as exc:
        raise InternalsChanged(str(exc)) from exc
    if "cursors" not in getattr(ScriptRunContext, "__dataclass_fields__", {}):
        raise InternalsChanged("ScriptRunContext.cursors")
    import inspect  # the two attributes are set in __init__: read the source rather than guess
    if "self._value_locks" not in inspect.getsource(Cache.__init__):
        raise InternalsChanged("Cache._value_locks")
    if "self._mem_cache" not in inspect.getsource(InMemoryCacheStorageWrapper.__init__):
        raise InternalsChanged("InMemoryCacheStorageWrapper._mem_cache")
