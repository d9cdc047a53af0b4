"""Keeping Streamlit's figure cache from growing while a wall display runs for days.

`st.cache_data` keeps, per cached function, one `threading.Lock` for every key it has ever
computed (`Cache._value_locks`, a defaultdict that only `clear()` empties), even after the value
itself has expired or been evicted. The dashboard's keys include the as-of time, so a wall that
refreshes every minute adds about ten keys a minute: some 2.6 MB a day that is never given back
(measured: 237 bytes per key). `prune_value_locks` drops the locks of keys that are no longer cached
and that nobody holds, which is all the lock is for (only one session computes a missing value).

The caches' internals are read through ui/streamlit_internals.py, which fails loudly when an
upgrade moves them.

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

from ui import streamlit_internals as internals

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
    dropped = 0
    for stored, locks, guard in internals.data_cache_locks():
        with guard:
            for key in [k for k, lock in list(locks.items()) if k not in stored and not lock.locked()]:
                del locks[key]
                dropped += 1
    release_free_memory()
    return dropped
