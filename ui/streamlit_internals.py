"""Every use of a non-public Streamlit attribute, in one place, checked rather than guessed.

Streamlit offers no public way to tell one script run from the next, to know whether the code runs
inside a fragment, or to drop the per-key compute locks its data cache keeps forever. The dashboard
needs all three (ui/resilience.py, ui/cache_hygiene.py), so they are read here and nowhere else.
Nothing falls back silently: when an upgrade changes one of them, `check()` — run at start-up and
by tests/test_streamlit_internals.py — raises `InternalsChanged` naming what moved, and the
functions below raise it too instead of returning a harmless-looking default.

Written against streamlit 1.67 (requirements.txt pins it).
"""
from __future__ import annotations

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


def check() -> None:
    """Raise InternalsChanged unless every internal used here is where this module expects it."""
    _script_run_ctx()
    in_fragment()
    _data_caches()
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
