"""事件明细: the cases behind a figure — filtered, sorted and paged — and one case's record.

A list reads exactly the rows a figure counted: the measure's source (the period on its timestamp),
its condition and the breakdown value clicked, through the compiler's own filter
(metrics.query.source_rows), so a list's total is the number on the card or bar. Filters are only
ever added to that WHERE: they narrow the user's scope, never widen it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.schema import ENUMS
from metrics.definitions import MEASURES, SOURCES, Ctx, handling_hours
from metrics.cases import name_codes
from metrics.labels import STATUS_NAMES, UNKNOWN_CATEGORY
from metrics.period import Period
from metrics.query import source_rows
from metrics.scope import AreaTree, Scope, focus_for

# The figures a list can stand behind: counts of cases (a sum or a duration is not a set of cases).
LISTABLE = tuple(n for n, m in MEASURES.items() if m.agg == "count" and SOURCES[m.source][0] == "events")
BREAKDOWNS = ("category", "dimension", "source", "weekday_hour", "department")  # a clicked bar, cell or row
SORTS = {"newest": "上报时间（新→旧）", "oldest": "上报时间（旧→新）", "deadline": "办理期限（先到期在前）",
         "hours": "办结时长（长→短）"}
LEVELS = ENUMS[("events", "resolved_level")]
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000  # rows in one download; a larger list is narrowed with the filters first
NOT_FOUND = "该事件不存在或无权查看"  # the same words whether the case is missing or outside the scope


class CaseNotFound(LookupError):
    """No such case in the user's scope. One message for both, so a probe learns nothing."""

    def __init__(self):
        super().__init__(NOT_FOUND)


@dataclass(frozen=True)
class CaseFilter:
    """Which cases of the view: the figure's rows (`measure`, a breakdown value) and the list's own
    filters. Values are canonical (status, source, level) or the platform's own codes (category);
    metrics.case_list never trusts them beyond binding them as parameters."""
    measure: str = "reported"
    breakdown: tuple[tuple[str, object], ...] = ()  # (("category", "PS01"),) · (("weekday_hour", 314),)
    status: str | None = None
    level: str | None = None
    overdue: bool = False
    reopened: bool = False
    search: str = ""
    sort: str = "newest"
    after: datetime | None = None  # reported after this and up to `until`: the window of a surge alert
    until: datetime | None = None
    due_hours: float = 24.0  # for measure "due_soon" (临期)

    def __post_init__(self):
        if self.measure not in LISTABLE or self.sort not in SORTS:
            raise ValueError(f"case list: measure {self.measure!r} / sort {self.sort!r}")
        if any(k not in BREAKDOWNS for k, _ in self.breakdown):
            raise ValueError(f"case list: breakdown {self.breakdown!r}")
        if self.status not in (None, *STATUS_NAMES) or self.level not in (None, *LEVELS):
            raise ValueError(f"case list: status {self.status!r} / level {self.level!r}")


def unsupported(db: Database, f: CaseFilter) -> list[str]:
    """The filters this platform cannot apply (their column is not recorded), in Chinese; the list
    is then not drawn rather than drawn unfiltered."""
    s = db.schema
    needs = [(f.reopened, "reopen_count", "返工"), (bool(f.level), "resolved_level", "化解层级"),
             (f.overdue, "deadline_at", "超期"), (any(k in ("category", "dimension") for k, _ in f.breakdown),
                                                  "category_code", "事件类别"),
             (any(k == "department" for k, _ in f.breakdown), "department_code", "承办部门")]
    return [label for wanted, column, label in needs if wanted and s.absent("events", column)]


def _statement(db: Database, ctx: Ctx, focus, f: CaseFilter, period: Period, asof: datetime):
    """SELECT of the filtered cases (no order, no limit) and its parameters."""
    source = MEASURES[f.measure].source
    only = dict(f.breakdown)
    joined, where = source_rows(db, ctx, source, focus, only=only, window=period)
    e, a = ctx.e.c, db.schema.table("areas")
    m = MEASURES[f.measure]
    if m.where:
        where.append(m.where(ctx))
    if f.overdue:
        where.append(MEASURES["overdue_open"].where(ctx))  # the one definition of 超期未结
    if f.reopened:
        where.append(e.reopen_count > 0)
    if f.status == "closed":  # the status as the list shows it: as of T, like the figures
        where.append(ctx.closed())
    elif f.status:
        recorded = ctx.is_(e.status, "events", "status", f.status)
        where.append(recorded if f.status == "rejected" else sa.and_(recorded, ctx.open_at_asof()))
    if f.level:
        where.append(ctx.is_(e.resolved_level, "events", "resolved_level", f.level))
    if f.after is not None:
        where.append(e.reported_at > f.after)
    if f.until is not None:
        where.append(e.reported_at <= f.until)
    if f.search:
        text = sa.cast(e.case_no, sa.String).contains(f.search, autoescape=True)
        number = f.search.isascii() and f.search.isdigit() and len(f.search) <= 18  # fits a BIGINT
        where.append(sa.or_(text, e.id == int(f.search)) if number else text)
    hours = sa.case((MEASURES["handled_n"].where(ctx), handling_hours(ctx)))
    cols = [e.id.label("id"), e.case_no.label("case_no"), e.reported_at.label("reported_at"),
            a.c.name.label("grid"), a.c.code.label("grid_code"), e.category_code.label("category_code"),
            ctx.cat.c.name.label("category"), e.source.label("source"), e.status.label("status"),
            ctx.state().label("state"), e.deadline_at.label("deadline_at"), e.closed_at.label("closed_at"),
            hours.label("handling_hours")]
    stmt = sa.select(*cols).select_from(joined.join(a, e.grid_id == a.c.id)).where(*where)
    params = {"p_start": period.start_dt, "p_end": period.end_dt, "asof": asof, "due_hours": float(f.due_hours),
              **{f"only_{k}": v for k, v in only.items()}}
    return stmt, params, hours


def _order(ctx: Ctx, sort: str, hours) -> list:
    e = ctx.e.c
    last = lambda col: sa.case((col.is_(None), 1), else_=0)  # noqa: E731  NULLS LAST, in every dialect
    return {"newest": [e.reported_at.desc(), e.id.desc()], "oldest": [e.reported_at, e.id],
            "deadline": [last(e.deadline_at), e.deadline_at, e.id],
            "hours": [last(hours), hours.desc(), e.id]}[sort]


def _finish(db: Database, frame: pd.DataFrame, asof: datetime) -> pd.DataFrame:
    frame = name_codes(db, frame)
    frame["category"] = frame["category"].where(frame["category"].notna(), UNKNOWN_CATEGORY)
    # Hours to the deadline at T: negative once it has passed (for a case still open then).
    frame["hours_left"] = ((frame["deadline_at"] - pd.Timestamp(asof)).dt.total_seconds() / 3600).round(1)
    frame["handling_hours"] = pd.to_numeric(frame["handling_hours"]).round(1)
    return frame


def case_page(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
              tree: AreaTree | None = None, case_filter: CaseFilter = CaseFilter(), page: int = 1,
              page_size: int = PAGE_SIZE) -> tuple[int, pd.DataFrame]:
    """(how many cases match, the `page`-th page of them in the filter's order). The order always
    ends on the case id, so pages neither repeat nor skip a case however many share a time."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    stmt, params, hours = _statement(db, ctx, focus, case_filter, Period(start, end), asof)
    total = int(db.query(sa.select(sa.func.count()).select_from(stmt.subquery()), params).iloc[0, 0])
    page = max(1, min(page, max(1, -(-total // page_size))))
    rows = stmt.order_by(*_order(ctx, case_filter.sort, hours)).limit(page_size).offset((page - 1) * page_size)
    return total, _finish(db, db.query(rows, params), asof)


def case_export(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                tree: AreaTree | None = None, case_filter: CaseFilter = CaseFilter()) -> pd.DataFrame:
    """Every filtered case (up to EXPORT_LIMIT), in the list's order: what a download holds."""
    _total, frame = case_page(db, start=start, end=end, asof=asof, scope=scope, area_code=area_code, tree=tree,
                             case_filter=case_filter, page=1, page_size=EXPORT_LIMIT)
    return frame


def categories(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
               tree: AreaTree | None = None) -> dict:
    """{platform category code: name} for the category filter (empty when categories are not recorded)."""
    if db.schema.absent("event_categories") or db.schema.absent("events", "category_code"):
        return {}
    c = db.schema.table("event_categories")
    frame = db.query(sa.select(c.c.code.label("code"), c.c.name.label("name")).order_by(c.c.code))
    return dict(zip(frame["code"], frame["name"]))
