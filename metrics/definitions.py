"""Every metric of SPEC §4, declared once: measures are SQL aggregates, ratios divide two measures.

A measure names its source (which rows and which timestamp the period applies to), its aggregate
and a condition written with canonical names. `query.py` compiles them for any dialect.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from data_access.schema import MappedSchema
from metrics.dialect import hour_of_day, hours_between, iso_weekday

# Sources: the rows a measure aggregates, and the timestamp the period filters on (None: no period).
SOURCES = {
    "events": ("events", "reported_at"),      # cases reported in P
    "open_events": ("events", None),          # the state at T, whatever the filing date
    "handling": ("events", "reported_at"),    # closed cases of P, for duration statistics
    "surveys": ("surveys", "surveyed_at"),
    "patrols": ("patrols", "started_at"),
    "grids": ("areas", None),                 # the grids themselves: households, population
}


class Ctx:
    """What a measure's expression can refer to: canonical tables, enum codes, the as-of time T."""

    def __init__(self, schema: MappedSchema):
        self.schema = schema
        self.e = schema.table("events")
        self.cat = schema.table("event_categories")
        self.s = schema.table("surveys")
        self.p = schema.table("patrols")
        self.a = schema.table("areas")
        self.asof = sa.bindparam("asof", type_=sa.DateTime)
        self.verify_hours = sa.bindparam("verify_hours", 0.5, type_=sa.Float)

    def v(self, table: str, column: str, *canonical: str):
        vals = self.schema.values(table, column, canonical)
        return vals[0] if len(vals) == 1 else vals

    # Event states, reused by several measures.
    def filed(self):
        return self.e.c.status != self.v("events", "status", "rejected")

    def closed(self):
        e = self.e.c
        return sa.and_(self.filed(), e.status == self.v("events", "status", "closed"), e.closed_at <= self.asof)

    def open_at_asof(self):
        """Filed and not closed by T, written so an index on (status, closed_at) can find the few
        open cases without reading every case ever filed."""
        e = self.e.c
        still_open = self.v("events", "status", "reported", "accepted", "dispatched", "processing")
        return sa.or_(e.status.in_(still_open),
                      sa.and_(e.status == self.v("events", "status", "closed"),
                              sa.or_(e.closed_at > self.asof, e.closed_at.is_(None))))

    def on_time(self):
        e = self.e.c  # a closure before the report is a bad row, never "on time"
        return sa.and_(self.closed(), e.deadline_at.is_not(None), e.closed_at <= e.deadline_at,
                       e.closed_at >= e.reported_at)

    def due_or_closed(self):
        e = self.e.c
        return sa.and_(self.filed(), e.deadline_at.is_not(None), sa.or_(e.deadline_at <= self.asof, self.closed()))

    def dimension(self, *dims: str):
        return self.cat.c.dimension.in_(self.schema.values("event_categories", "dimension", dims))

    def grid_level(self):
        return self.e.c.resolved_level == self.v("events", "resolved_level", "grid")


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    source: str
    agg: str  # "count": rows meeting `where`; "sum" / "mean" / "median" / "p90": of `value` where `where`
    where: Callable[[Ctx], sa.ColumnElement] | None = None
    value: Callable[[Ctx], sa.ColumnElement] | None = None


@dataclass(frozen=True)
class Ratio:
    name: str
    label: str
    numerator: str
    denominator: str


def handling_hours(c: Ctx):
    return hours_between(c.e.c.reported_at, c.e.c.closed_at)


def _handled(c: Ctx):  # closed cases with a usable duration (a closure before the report is a bad row)
    return sa.and_(c.closed(), c.e.c.closed_at >= c.e.c.reported_at)


MEASURES = {m.name: m for m in [
    Measure("reported", "上报数", "events", "count"),
    Measure("filed", "立案数", "events", "count", lambda c: c.filed()),
    Measure("closed", "结案数", "events", "count", lambda c: c.closed()),
    Measure("on_time_n", "按期结案数", "events", "count", lambda c: c.on_time()),
    Measure("due_n", "应结案数", "events", "count", lambda c: c.due_or_closed()),
    Measure("reopened", "返工数", "events", "count", lambda c: sa.and_(c.closed(), c.e.c.reopen_count > 0)),
    Measure("grid_resolved", "网格内化解数", "events", "count", lambda c: sa.and_(c.closed(), c.grid_level())),
    Measure("security_n", "治安消防警情数", "events", "count",
            lambda c: sa.and_(c.filed(), c.dimension("public_security", "fire"))),
    Measure("dispute_closed", "矛盾纠纷结案数", "events", "count",
            lambda c: sa.and_(c.closed(), c.dimension("dispute"))),
    Measure("dispute_grid", "矛盾纠纷网格内化解数", "events", "count",
            lambda c: sa.and_(c.closed(), c.dimension("dispute"), c.grid_level())),
    Measure("hazard_on_time_n", "安全隐患按期整改数", "events", "count",
            lambda c: sa.and_(c.on_time(), c.dimension("safety_hazard"))),
    Measure("hazard_due_n", "安全隐患应整改数", "events", "count",
            lambda c: sa.and_(c.due_or_closed(), c.dimension("safety_hazard"))),
    Measure("verified_n", "已受理数", "events", "count", lambda c: c.e.c.accepted_at.is_not(None)),
    Measure("verified_on_time", "按时核实数", "events", "count",
            lambda c: sa.and_(c.e.c.accepted_at.is_not(None),
                              hours_between(c.e.c.reported_at, c.e.c.accepted_at) <= c.verify_hours)),
    Measure("dispatched", "派遣数", "events", "count",
            lambda c: sa.and_(c.filed(), c.e.c.dispatched_at.is_not(None), c.e.c.dispatched_at <= c.asof)),
    Measure("overdue_open", "超期未结", "open_events", "count",
            lambda c: sa.and_(c.open_at_asof(), c.e.c.reported_at <= c.asof, c.e.c.deadline_at < c.asof)),
    Measure("handled_n", "有效办结数", "handling", "count", _handled),
    Measure("mean_hours", "平均办结时长（小时）", "handling", "mean", _handled, handling_hours),
    Measure("median_hours", "办结时长中位数（小时）", "handling", "median", _handled, handling_hours),
    Measure("p90_hours", "办结时长P90（小时）", "handling", "p90", _handled, handling_hours),
    Measure("satisfied_n", "满意及基本满意数", "surveys", "count",
            lambda c: c.s.c.result.in_(c.schema.values("surveys", "result", ["satisfied", "basically_satisfied"]))),
    Measure("satisfaction_n", "有效评价数", "surveys", "count",
            lambda c: c.s.c.result.in_(c.schema.values("surveys", "result",
                                                       ["satisfied", "basically_satisfied", "dissatisfied"]))),
    Measure("visited", "走访户次", "patrols", "sum",
            lambda c: c.p.c.kind == c.v("patrols", "kind", "visit"), lambda c: c.p.c.households_visited),
    Measure("households", "户数", "grids", "sum", None, lambda c: c.a.c.households),
    Measure("population", "人口", "grids", "sum", None, lambda c: c.a.c.population),
]}

RATIOS = {r.name: r for r in [
    Ratio("filing_rate", "立案率", "filed", "reported"),
    Ratio("closure_rate", "结案率", "closed", "filed"),
    Ratio("on_time_rate", "按期结案率", "on_time_n", "due_n"),
    Ratio("rework_rate", "返工率", "reopened", "closed"),
    Ratio("grid_resolved_rate", "网格内化解率", "grid_resolved", "closed"),
    Ratio("verify_rate", "按时核实率", "verified_on_time", "verified_n"),
    Ratio("satisfaction_rate", "群众满意率", "satisfied_n", "satisfaction_n"),
    Ratio("dispute_grid_rate", "矛盾纠纷网格化解率", "dispute_grid", "dispute_closed"),
    Ratio("hazard_on_time_rate", "安全隐患按期整改率", "hazard_on_time_n", "hazard_due_n"),
]}

LABELS = {**{m.name: m.label for m in MEASURES.values()}, **{r.name: r.label for r in RATIOS.values()}}

# What event-based measures can be broken down by (surveys follow their event to its category).
DIMENSIONS: dict[str, tuple[str, Callable[[Ctx], sa.ColumnElement]]] = {
    "dimension": ("事件维度", lambda c: c.cat.c.dimension),
    "category": ("事件类别", lambda c: c.cat.c.code),
    "source": ("来源", lambda c: c.e.c.source),
    "hour": ("时段", lambda c: hour_of_day(c.e.c.reported_at)),
    "weekday": ("星期", lambda c: iso_weekday(c.e.c.reported_at)),
    # both at once, as weekday·100 + hour, for the hour-of-day × weekday heatmap
    "weekday_hour": ("星期×时段", lambda c: iso_weekday(c.e.c.reported_at) * 100 + hour_of_day(c.e.c.reported_at)),
}
SURVEY_DIMENSIONS = ("dimension", "category", "source")
