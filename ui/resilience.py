"""The database going away mid-session: keep the last good figures on screen, marked stale, and recover.

Every figure a page draws comes through `AppContext.metric` (and the area tree through
`build_context`), which call `guard`. A call that succeeds is remembered in `LastGood`, a bounded
in-memory store shared by all sessions and keyed like the figure cache but *without* the as-of
time. When the database cannot be reached (`DatabaseUnavailable`), `guard` answers with the newest
result remembered for the same function, scope, area, period and arguments, and the page gets one
warning at its top ("数据库暂时无法连接（目标），以下为 hh:mm 的数据…") plus a small fragment that pings
every `RETRY_SECONDS` and reruns the app once the database answers again. A call with nothing
remembered raises `DatabaseUnavailable` as before, and app.py shows the unavailable message.

Per script run (full or fragment rerun) a `RunState` remembers whether the database was already
found down, so the remaining calls of that run go straight to the store instead of each waiting
for a connection timeout. `startup.database_or_retry` opens the run with `start_run`, which also
places the (empty until needed) slot for the warning at the top of the page.
"""
from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

import streamlit as st

from data_access.errors import DatabaseUnavailable
from ui import streamlit_internals as internals

RETRY_SECONDS = 10
MAX_ENTRIES = 512             # results kept for stale display, least recently used dropped first
MAX_BYTES = 64 * 1024 * 1024  # and at most this much pickled data in all
_STATE_KEY = "_grid_db_run_state"
_PING_KEY = "_grid_db_ping"         # the session's database ping, for the retry fragment's reruns
_JUST_TRIED = 2.0             # seconds: a ping this recent in the same run is not repeated by the fragment


# ---- the store of last good results (one per server process) ----

@dataclass
class _Entry:
    url: str
    view: str                 # digest of (url, scope, area, period): which view the result belongs to
    asof: datetime | None
    blob: bytes               # pickled, so a page mutating its copy never changes what is kept


class LastGood:
    """Bounded LRU of pickled results, newest as-of per key; thread-safe (shared by all sessions)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _kept_is_as_new(self, key: str, asof: datetime | None) -> bool:
        old = self._items.get(key)
        if old is None:
            return False
        self._items.move_to_end(key)
        return old.asof == asof or (old.asof is not None and asof is not None and old.asof > asof)

    def put(self, key: str, url: str, view: str, asof: datetime | None, value: Any) -> None:
        """Keep `value` unless an entry at the same or a later as-of time is already kept."""
        with self._lock:
            if self._kept_is_as_new(key, asof):
                return  # the common case (a cache hit of a figure already kept): no pickling
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 — an unpicklable result simply has no stale stand-in
            return
        if len(blob) > self.max_bytes:
            return
        with self._lock:
            if self._kept_is_as_new(key, asof):
                return  # another session stored it meanwhile
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.blob)
            self._items[key] = _Entry(url, view, asof, blob)
            self._bytes += len(blob)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.blob)

    def get(self, key: str) -> tuple[Any, datetime | None] | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            self._items.move_to_end(key)
        return pickle.loads(entry.blob), entry.asof

    def has_url(self, url: str) -> bool:
        with self._lock:
            return any(e.url == url for e in self._items.values())

    def oldest_for_view(self, view: str) -> datetime | None:
        with self._lock:
            times = [e.asof for e in self._items.values() if e.view == view and e.asof is not None]
        return min(times) if times else None

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        """Forget everything (tests: a fresh server). Nothing a client sends leads here."""
        with self._lock:
            self._items.clear()
            self._bytes = 0


# Not in st.cache_resource: whatever clears Streamlit's caches (st.cache_resource.clear(), or the
# clear_cache message any websocket client could send before ui/server_guard.py refused it) would
# otherwise drop exactly the figures an outage needs.
_STORE = LastGood()


def store() -> LastGood:
    return _STORE


def _digest(obj) -> str:
    try:
        raw = pickle.dumps(obj, protocol=4)
    except Exception:  # noqa: BLE001
        raw = repr(obj).encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


# ---- what one script run knows about the database ----

@dataclass
class RunState:
    token: object = None
    target: str = ""                         # host/database for messages (never the password)
    error: DatabaseUnavailable | None = None  # set once this run found the database down
    last_attempt: float = 0.0                 # monotonic time of the last connection attempt
    slot: Any = None                          # st.empty() at the top of the page, for the warning
    banner: Any = None                        # the warning's placeholder, once drawn
    retrying: bool = False                    # the retry fragment is on the page
    retry_seconds: int = RETRY_SECONDS        # how often this run's page tries again (a self-refreshing
                                              # fragment, such as the wall's, says its own interval)
    stale_times: list = field(default_factory=list)


def current() -> RunState:
    token = internals.run_token()
    if token is None:  # no script run (bare mode, a helper thread): a throwaway state
        return RunState()
    state = st.session_state.get(_STATE_KEY)
    if state is None or state.token is not token:
        state = RunState(token)
        st.session_state[_STATE_KEY] = state
    return state


def start_run(db, error: DatabaseUnavailable | None, timezone=None) -> None:
    """Called by start-up once per run after pinging: records the outcome and reserves the banner slot."""
    state = current()
    state.target, state.error, state.last_attempt = db.target, error, time.monotonic()
    st.session_state[_PING_KEY] = (db.ping, timezone)
    if not internals.in_fragment():
        state.slot = st.empty()


def can_stand_in(url: str) -> bool:
    """Is there any last good data for this database (so a run may go on while it is down)?"""
    return store().has_url(url)


def stale() -> bool:
    """True when this run found the database down (the page shows kept data, or the unavailable message)."""
    return current().error is not None


def shown_asof(view: tuple, default: datetime) -> datetime:
    """The 数据截至 time of what this run shows for `view`: `default` unless older kept data stands in."""
    state = current()
    if state.error is None:
        return default
    times = [t for t in state.stale_times if t is not None]
    if times:
        return min(times)
    return store().oldest_for_view(_digest(view)) or default


def guard(compute: Callable[[], Any], *, url: str, view: tuple, call: tuple, asof: datetime | None,
          mark: bool = True) -> Any:
    """`compute()`, remembered; while the database is down, the newest remembered result instead.

    `view` is (url, scope, area, start, end) and `call` the function and its extra arguments: the
    key leaves the as-of time out, so a newer view that fails still finds the most recent result.
    `mark=False` for reference data (the area tree), which draws no stale warning by itself."""
    state = current()
    vkey = _digest(view)
    key = _digest((vkey, call))
    if state.error is None:
        try:
            value = compute()
        except DatabaseUnavailable as exc:
            state.error, state.last_attempt = exc, time.monotonic()
            state.target = state.target or exc.target
        else:
            store().put(key, url, vkey, asof, value)
            return value
        kept = store().get(key)
    else:
        kept = store().get(key)
        if kept is None:  # nothing kept: the figure cache may still hold it (one more try at worst)
            try:
                value = compute()
            except DatabaseUnavailable:
                raise state.error from None
            store().put(key, url, vkey, asof, value)
            return value
    if kept is None:
        raise state.error
    value, kept_asof = kept
    if mark:
        state.stale_times.append(kept_asof)
        _draw_banner(state, asof)
    return value


# ---- what the user sees ----

def _when(t: datetime | None, ref: datetime | None) -> str:
    if t is None:
        return "此前"
    return f"{t:%H:%M}" if ref is not None and t.date() == ref.date() else f"{t:%Y-%m-%d %H:%M}"


def banner_text(target: str, when: str, seconds: int = RETRY_SECONDS) -> str:
    return (f"数据库暂时无法连接（{target}），以下为 {when} 的数据，"
            f"系统每 {seconds} 秒自动重试，恢复后页面自动刷新。")


def _draw_banner(state: RunState, ref: datetime | None) -> None:
    times = [t for t in state.stale_times if t is not None]
    text = banner_text(state.target or state.error.target, _when(min(times) if times else None, ref),
                       state.retry_seconds)
    if state.banner is None:
        if state.slot is not None and not internals.in_fragment():
            with state.slot.container():
                state.banner = st.empty()
                keep_retrying()
        else:  # a fragment rerun redraws only itself: the warning goes where the figure is
            state.banner = st.empty()
            keep_retrying()
    state.banner.warning(text, icon=":material/cloud_off:")


def keep_retrying(error: DatabaseUnavailable | None = None) -> None:
    """Draw, once per run, the fragment that pings the database and reruns the app once it answers.

    `error`: the failure just met (its connection attempt counts as this run's try). Inside another
    fragment nothing is drawn: that fragment's own rerun is the retry."""
    state = current()
    if error is not None and state.error is None:
        state.error, state.last_attempt = error, time.monotonic()
    if state.retrying or internals.in_fragment():
        return
    state.retrying = True
    _retry()


@st.fragment(run_every=RETRY_SECONDS)
def _retry() -> None:
    state = current()
    if state.error is not None and time.monotonic() - state.last_attempt < _JUST_TRIED:
        st.caption("正在重试连接数据库…")  # this very run has just tried
        return
    ping, timezone = st.session_state[_PING_KEY]
    try:
        ping()
    except DatabaseUnavailable:
        st.caption(f"正在重试连接数据库…（{datetime.now(timezone):%H:%M:%S} 仍未连通）")
        return
    st.rerun()  # the database is back: redraw everything with fresh figures
