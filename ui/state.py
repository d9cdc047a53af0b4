"""The view a page shows (area, period, as-of time), kept in the URL so a copied link reopens it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import streamlit as st

from metrics.period import Period, preset

PRESETS = {"this_week": "本周", "last_week": "上周", "this_month": "本月", "last_month": "上月",
           "last_30d": "近30天", "this_quarter": "本季度", "this_year": "本年", "custom": "自定义"}
DEFAULT_PRESET = "last_30d"
VIEW_KEYS = {"period", "area", "from", "to", "asof"}
# Parameters one page owns (周报's ?week=2026-W10, 网格员绩效's ?worker=): write_view keeps them in
# that page's URL, but they are not part of the view, so they never follow the user to another page.
PAGE_KEYS = {"week", "worker"}


@dataclass(frozen=True)
class View:
    area_code: str | None
    period: Period
    preset: str
    asof: datetime
    pinned: bool = False  # as-of time fixed by the URL (a reproducible link), not "now"

    @property
    def period_label(self) -> str:
        name = PRESETS[self.preset]
        return self.period.label() if self.preset == "custom" else f"{name}（{self.period.label()}）"


def _date(text) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def _datetime(text) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def now_local(tz, step_seconds: int) -> datetime:
    """Now in the configured zone, floored to the cache step so sessions share computed figures."""
    now = datetime.now(tz).replace(tzinfo=None, microsecond=0)
    return now - timedelta(seconds=(now.hour * 3600 + now.minute * 60 + now.second) % step_seconds)


def read_view(tz, step_seconds: int) -> View:
    """The view named by the URL; anything unreadable falls back to the default and is corrected."""
    qp = dict(st.query_params)
    if not qp.keys() & VIEW_KEYS:  # a page switch from the menu carries no parameters: keep the view
        qp = st.session_state.get("view_params", {})
    now = now_local(tz, step_seconds)
    pinned = _datetime(qp.get("asof"))
    asof = min(pinned, now) if pinned else now  # a link may look back in time, never ahead
    today = asof.date()
    key = qp.get("period", DEFAULT_PRESET)
    key = key if key in PRESETS else DEFAULT_PRESET
    period = None
    if key == "custom":
        start, end = _date(qp.get("from")), _date(qp.get("to"))
        period = Period(start, end) if start and end and end > start else None
    if period is None:
        key = DEFAULT_PRESET if key == "custom" else key
        period = preset(PRESETS[key], today)
    area = qp.get("area") or None
    return View(area, period, key, asof, pinned is not None)


def write_view(view: View) -> None:
    params = {"period": view.preset}
    if view.area_code:
        params["area"] = view.area_code
    if view.preset == "custom":
        params.update({"from": view.period.start.isoformat(), "to": view.period.end.isoformat()})
    if view.pinned:
        params["asof"] = view.asof.isoformat(timespec="minutes")
    st.session_state["view_params"] = params
    url = {**params, **{k: v for k, v in st.query_params.items() if k in PAGE_KEYS}}
    if dict(st.query_params) != url:
        st.query_params.from_dict(url)


def drill(area_code: str | None) -> None:
    """Open another area (a child, or an ancestor from the breadcrumb), keeping the period."""
    if area_code:
        st.query_params["area"] = area_code
    elif "area" in st.query_params:
        del st.query_params["area"]
    st.rerun()
