"""事件明细's URL: the filters of the list (?measure=overdue_open&category=CM01…), the open case
(?case=17), and the links other pages' figures open it with.

Everything here is the URL's text, so nothing is trusted: a value that names no known metric,
status, level or category is dropped with a notice, codes are bound as query parameters (never
written into SQL), and no filter can reach beyond the user's scope (metrics.case_list only adds
conditions to a scoped query).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from metrics.case_list import LEVELS, LISTABLE, SORTS, CaseFilter
from metrics.labels import STATUS_NAMES
from ui.format import md_escape

CASES_PAGE = "views/cases.py"
FILTER_KEYS = ("measure", "category", "dimension", "source", "wh", "status", "level", "overdue", "reopened", "q",
               "after", "until", "department")
MAX_TEXT = 40  # a case number or a code; longer text is no filter value


def _code(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if text and len(text) <= MAX_TEXT and text.isprintable() else None


def _weekday_hour(text: str | None) -> int | None:
    """星期×时段 as the heatmap keys it (weekday·100 + hour: 314 is Wednesday 14:00)."""
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if 1 <= value // 100 <= 7 and 0 <= value % 100 <= 23 else None


def filter_from_url(categories: dict) -> tuple[CaseFilter, int, list[str]]:
    """(the list's filter, its page number, notices for values that were dropped). `categories` maps
    the platform's category codes to names: the URL's code is matched as text, then bound as the
    platform's own value (an integer code stays an integer)."""
    qp, notices = st.query_params, []

    def known(key: str, allowed) -> str | None:
        value = qp.get(key)
        if value is not None and value not in allowed:
            notices.append(f"链接中的筛选条件 {key}={md_escape(value[:MAX_TEXT])} 无法识别，已忽略。")
            return None
        return value

    measure = known("measure", LISTABLE) or "reported"
    by_text = {str(code): code for code in categories}
    breakdown = []
    if (cat := known("category", by_text)) is not None:
        breakdown.append(("category", by_text[cat]))
    for key in ("dimension", "source", "department"):
        if (value := _code(qp.get(key))) is not None:
            breakdown.append((key, value))
    if (wh := _weekday_hour(qp.get("wh"))) is not None:
        breakdown.append(("weekday_hour", wh))
    after, until = _moment(qp.get("after"), "after", notices), _moment(qp.get("until"), "until", notices)
    search = (qp.get("q") or "").strip()[:MAX_TEXT]
    f = CaseFilter(measure=measure, breakdown=tuple(breakdown), status=known("status", STATUS_NAMES),
                   level=known("level", LEVELS), overdue=qp.get("overdue") == "1", reopened=qp.get("reopened") == "1",
                   search=search if search.isprintable() else "", sort=known("sort", SORTS) or "newest",
                   after=after, until=until)
    try:
        page = max(1, int(qp.get("page") or 1))
    except ValueError:
        page = 1
    return f, page, notices


def _moment(text: str | None, key: str, notices: list) -> datetime | None:
    """A window bound of a surge alert's link (YYYY-MM-DDTHH:MM); anything else is dropped, said."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text[:MAX_TEXT]).replace(tzinfo=None)
    except ValueError:
        notices.append(f"链接中的时间 {key}={md_escape(text[:MAX_TEXT])} 无法识别，已忽略。")
        return None


def case_from_url() -> int | None | str:
    """The open case's id, None without one, or the URL's text when it is no id (answered like an
    unknown case: 该事件不存在或无权查看)."""
    text = st.query_params.get("case")
    if text is None:
        return None
    return int(text) if is_id(text) else text


def is_id(text: str) -> bool:
    """ASCII digits that fit a BIGINT ("²" and "①" are digits to Python, not to int())."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def set_params(**values) -> None:
    """Write filters to the URL (None, False or "" removes one); a changed filter goes back to page 1."""
    changed = False
    for key, value in values.items():
        text = None if value in (None, False, "") else ("1" if value is True else str(value))
        if st.query_params.get(key) != text:
            changed = True
            if text is None:
                del st.query_params[key]
            else:
                st.query_params[key] = text
    if changed and "page" not in values and "page" in st.query_params:
        del st.query_params["page"]


def open_alert(alert: dict, asof: datetime) -> None:
    """事件明细 on the cases behind an alert: a surge's filed cases of its window, category (or
    dimension) and area; the open cases of a 超期未结 jump; the 临期 cases of a grid and category."""
    params = {"measure": {"surge": "filed", "overdue_jump": "overdue_open", "due_soon": "due_soon"}[alert["kind"]],
              "category": alert.get("category_code"), "dimension": alert.get("dimension"), "sort": "deadline"}
    if alert["kind"] == "surge":
        after = asof - timedelta(hours=alert["window_hours"])
        params.update(sort=None, after=after.isoformat(timespec="minutes"), until=asof.isoformat(timespec="minutes"),
                      period="custom", to=(asof.date() + timedelta(days=1)).isoformat(), **{"from": after.date().isoformat()})
    open_cases(alert["area_code"], asof=asof.isoformat(timespec="minutes"), **params)


def open_cases(area_code: str | None = None, **filters) -> None:
    """Switch to 事件明细 listing the cases behind a clicked figure: the current view (period, as-of,
    area — or the clicked child area) and `filters` (measure=…, category=…, wh=…)."""
    params = dict(st.session_state.get("view_params", {}))
    if area_code:
        params["area"] = area_code
    params.update({k: ("1" if v is True else str(v)) for k, v in filters.items() if v not in (None, False, "")})
    st.switch_page(CASES_PAGE, query_params=params)
