"""Keeping Streamlit's figure cache from growing while a wall display runs for days.

`st.cache_data` keeps, per cached function, one `threading.Lock` for every key it has ever
computed (`Cache._value_locks`, a defaultdict that only `clear()` empties), even after the value
itself has expired or been evicted. The dashboard's keys include the as-of time, so a wall that
refreshes every minute adds about ten keys a minute: some 2.6 MB a day that is never given back
(measured: 237 bytes per key). `prune_value_locks` drops the locks of keys that are no longer cached
and that nobody holds, which is all the lock is for (only one session computes a missing value).

This reaches into Streamlit's internals (1.67); on any other shape it does nothing, never fails.

`release_free_memory` then asks glibc to hand freed heap pages back to the system (`malloc_trim`):
every script run is a new thread, and glibc keeps what a thread's arena once held, so a server
that has stopped growing in Python objects can still creep in resident memory. Elsewhere (musl,
macOS) it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

import streamlit as st

EVERY_SECONDS = 600  # prune at most this often per server


@st.cache_resource(show_spinner=False)
def _last_run() -> dict:
    return {"at": 0.0, "lock": threading.Lock()}


def release_free_memory() -> bool:
    """glibc's malloc_trim(0): True when some memory was returned to the system."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):  # not glibc
        return False


def prune_value_locks(force: bool = False) -> int:
    """Drop the compute locks of values no longer in any data cache; returns how many were dropped."""
    state = _last_run()
    now = time.monotonic()
    with state["lock"]:
        if not force and now - state["at"] < EVERY_SECONDS:
            return 0
        state["at"] = now
    try:
        from streamlit.runtime.caching.cache_data_api import _data_caches

        with _data_caches._caches_lock:
            caches = [c for per_session in _data_caches._function_caches.values() for c in per_session.values()]
        dropped = 0
        for cache in caches:
            stored = getattr(getattr(cache, "storage", None), "_mem_cache", None)
            locks, guard = getattr(cache, "_value_locks", None), getattr(cache, "_value_locks_lock", None)
            if stored is None or locks is None or guard is None:
                continue
            with guard:
                for key in [k for k, lock in list(locks.items()) if k not in stored and not lock.locked()]:
                    del locks[key]
                    dropped += 1
        release_free_memory()
        return dropped
    except Exception:  # noqa: BLE001 — another Streamlit version: leave its cache alone
        return 0
