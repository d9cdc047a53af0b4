"""The view a page shows (area, period, as-of time), kept in the URL so a copied link reopens it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import streamlit as st

from metrics.period import PRESET_LABELS, Period, preset, supported, week_of
from metrics.weekly import default_week, last_full_week, parse_week, week_label
from ui.format import md_escape

PRESETS = {**PRESET_LABELS, "custom": "自定义"}  # key → label of the period picker
DEFAULT_PRESET = "last_30d"
VIEW_KEYS = {"period", "area", "from", "to", "asof"}
# Parameters one page owns (周报's ?week=2026-W10, 网格员绩效's ?worker=): write_view keeps them in
# that page's URL, but they are not part of the view, so they never follow the user to another page.
PAGE_KEYS = {"week", "worker", "case", "measure", "category", "dimension", "source", "wh", "status", "level",
             "overdue", "reopened", "q", "sort", "page", "after", "until", "department"}  # from "case": 事件明细's filters (ui/case_links.py)


@dataclass(frozen=True)
class View:
    area_code: str | None
    period: Period
    preset: str
    asof: datetime
    pinned: bool = False  # as-of time fixed by the URL (a reproducible link), not "now"
    # Why a date the URL names was not used (plain text, for a warning above the page); not part of the view.
    notice: str | None = field(default=None, compare=False)

    @property
    def period_label(self) -> str:
        name = PRESETS[self.preset]
        return self.period.label() if self.preset == "custom" else f"{name}（{self.period.label()}）"


def _date(text) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def _datetime(text, tz) -> datetime | None:
    """A local wall-clock time; one given with an offset (…T12:00+08:00) is converted to the zone."""
    try:
        moment = datetime.fromisoformat(str(text)) if text else None
        return moment.astimezone(tz).replace(tzinfo=None) if moment and moment.tzinfo else moment
    except (ValueError, OverflowError):
        return None


def _out_of_range(*days: date) -> str | None:
    """metrics.period.supported's words for the first of `days` outside the supported dates, or None."""
    for day in days:
        try:
            supported(day)
        except ValueError as exc:
            return str(exc)
    return None


def floor_to(moment: datetime, step_seconds: int) -> datetime:
    """`moment` floored to a step of the day (300 s: 10:07:42 → 10:05:00)."""
    moment = moment.replace(microsecond=0)
    return moment - timedelta(seconds=(moment.hour * 3600 + moment.minute * 60 + moment.second) % step_seconds)


def now_local(tz, step_seconds: int) -> datetime:
    """Now in the configured zone, floored to the cache step so sessions share computed figures."""
    return floor_to(datetime.now(tz).replace(tzinfo=None), step_seconds)


def read_view(tz, step_seconds: int) -> View:
    """The view named by the URL; anything unreadable falls back to the default and is corrected.
    A date that reads but lies outside the supported range (0001-01-01, 9999-12-31) falls back too,
    and the view's `notice` says so, naming the date (never the URL's raw text)."""
    qp = dict(st.query_params)
    if not qp.keys() & VIEW_KEYS:  # a page switch from the menu carries no parameters: keep the view
        qp = st.session_state.get("view_params", {})
    now = now_local(tz, step_seconds)
    pinned = _datetime(qp.get("asof"), tz)
    notices = []
    if pinned and (why := _out_of_range(pinned.date())):
        notices.append(f"链接指定的数据时点 {why}，已改为当前时间。")
        pinned = None
    asof = min(pinned, now) if pinned else now  # a link may look back in time, never ahead
    today = asof.date()
    key = qp.get("period", DEFAULT_PRESET)
    key = key if key in PRESETS else DEFAULT_PRESET
    period = None
    if key == "custom":
        start, end = _date(qp.get("from")), _date(qp.get("to"))
        why = _out_of_range(start, end) if start and end else None
        if why:
            notices.append(f"链接指定的统计周期中，{why}，已改为{PRESETS[DEFAULT_PRESET]}。")
        period = Period(start, end) if start and end and end > start and not why else None
    if period is None:
        key = DEFAULT_PRESET if key == "custom" else key
        period = preset(key, today)
    area = qp.get("area") or None
    return View(area, period, key, asof, pinned is not None, "".join(notices) or None)


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


# ---- page-owned parameters ----

def week_from_url(view: View, weeks_back: int) -> tuple[Period, list[Period], str | None]:
    """周报's week: ?week= if it names a week that has begun; else the week of the view's period
    (metrics.weekly.default_week: a user arriving with a chosen period sees a week of it, one who chose
    none the last full week), also in place of an unusable ?week= (with a notice, Markdown-escaped:
    the URL's text is never markup). Also the weeks its picker offers, newest first."""
    today = view.asof.date()
    default = default_week(view.period, today, view.preset)
    latest = last_full_week(today)
    weeks = [week_of(latest.start - timedelta(days=7 * i)) for i in range(weeks_back)]
    asked, notice = st.query_params.get("week"), None
    try:
        week = parse_week(asked) if asked else default
        if week.start > today:
            raise ValueError(f"周次 {asked} 尚未开始")
    except ValueError as exc:
        notice, week = md_escape(f"{exc}；已改为显示 {week_label(default)}（{default.label()}）。"), default
    if week not in weeks:
        weeks = sorted({*weeks, week}, key=lambda p: p.start, reverse=True)
    return week, weeks, notice


def week_to_url(week: Period) -> None:
    """A copied link reopens this week."""
    if st.query_params.get("week") != week_label(week):
        st.query_params["week"] = week_label(week)


def worker_to_url(worker_id: int | None) -> None:
    """网格员绩效's open record: a copied link reopens this worker (no record: no parameter)."""
    if str(worker_id or "") != st.query_params.get("worker", ""):
        if worker_id is None:
            del st.query_params["worker"]
        else:
            st.query_params["worker"] = str(worker_id)
