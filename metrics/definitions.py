"""Every metric, declared once: what it is called, how it is read, and how it is computed.

Measures are SQL aggregates over one source (which rows, and which timestamp the period applies
to), with a condition written in canonical names; `query.py` compiles them for every dialect.
Ratios divide two measures; derived metrics compute from measures and the period's length. Each
declaration also carries its Chinese label, kind (how it is written and how its change is
expressed), which direction is good and a one-line help: cards, wall tiles, the weekly narrative,
exports and the command line read them from here. `needs()` tells the canonical columns a metric
reads, from its own expressions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import ColumnClause

from data_access.schema import MappedSchema
from metrics.dialect import hour_of_day, hours_between, iso_weekday
from metrics.formats import KINDS, UNITS
from metrics.stats import rate

# Sources: the rows a measure aggregates, and the timestamp the period filters on (None: no period).
SOURCES = {
    "events": ("events", "reported_at"),      # cases reported in P
    "closures": ("events", "closed_at"),      # cases closed in P, whenever reported
    "open_events": ("events", None),          # the state at T, whatever the filing date
    "surveys": ("surveys", "surveyed_at"),
    "patrols": ("patrols", "started_at"),
    "grids": ("areas", None),                 # the grids themselves: households, population
    "dispatches": ("dispatches", "dispatched_at"),  # dispatches to departments in P (scoped through their case)
}
SOURCE_TABLES = ("events", "event_categories", "surveys", "patrols", "areas", "dispatches")  # what measures may read
# The columns that place a source's rows in an area: its grid, or for a dispatch its case's grid.
SCOPE_COLUMNS = {"areas": [("areas", "id")], "dispatches": [("dispatches", "event_id"), ("events", "grid_id")]}


class Ctx:
    """What a measure's expression can refer to: canonical tables, enum codes, the as-of time T."""

    def __init__(self, schema: MappedSchema):
        self.schema = schema
        self.e = schema.table("events")
        self.cat = schema.table("event_categories")
        self.s = schema.table("surveys")
        self.p = schema.table("patrols")
        self.a = schema.table("areas")
        self.d = schema.table("dispatches")
        self.asof = sa.bindparam("asof", type_=sa.DateTime)
        self.verify_hours = sa.bindparam("verify_hours", 0.5, type_=sa.Float)
        self.due_hours = sa.bindparam("due_hours", 24.0, type_=sa.Float)  # 临期: due within this many hours

    def is_(self, expr, table: str, column: str, *canonical: str):
        """expr holds one of these canonical values (whatever codes the platform uses for them)."""
        return self.schema.is_(expr, table, column, *canonical)

    # Event states, reused by several measures.
    def filed(self):
        return self.schema.is_not(self.e.c.status, "events", "status", "rejected")

    def closed(self):
        """Closed by T. A case the platform marks closed without a closing time is closed at a time
        unknown: closed (its status says so), never 超期未结, and left out of handling times."""
        e = self.e.c
        return sa.and_(self.filed(), self.is_(e.status, "events", "status", "closed"),
                       sa.or_(e.closed_at <= self.asof, e.closed_at.is_(None)))

    def open_at_asof(self):
        """Filed and not closed by T, written so an index on (status, closed_at) can find the few
        open cases without reading every case ever filed. (Counting a closed case without a closing
        time as open also made PostgreSQL guess 3 % of all cases open, where 0.07 % are, and read the
        whole table for each 超期未结 count: 1.1 s instead of 0.08 s at 10M events.)"""
        e = self.e.c
        still_open = self.schema.values("events", "status", ["reported", "accepted", "dispatched", "processing"])
        return sa.or_(e.status.in_(still_open),
                      sa.and_(self.is_(e.status, "events", "status", "closed"), e.closed_at > self.asof))

    def state(self):
        """'rejected', 'closed' (by T) or 'open' at T: a case as the figures count it."""
        return sa.case((sa.not_(self.filed()), "rejected"), (self.closed(), "closed"), else_="open")

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
        return self.is_(self.e.c.resolved_level, "events", "resolved_level", "grid")

    def departments_by_asof(self):
        """How many departments the case had been dispatched to by T (a correlated count over the
        dispatch history, read through its event_id index)."""
        d = self.d.c
        return (sa.select(sa.func.count(sa.distinct(d.department_code))).select_from(self.d)
                .where(d.event_id == self.e.c.id, d.dispatched_at <= self.asof).scalar_subquery())


@dataclass(frozen=True, kw_only=True)
class Metric:
    """What every metric declares besides how it is computed: the words and the reading of it."""
    name: str
    label: str                 # the Chinese name on cards, tiles, tables, narratives, exports and the CLI
    kind: str = "count"        # count | rate | hours | index: how it is written (metrics.formats) and
                               # how its change is expressed (counts and hours in %, rates in pp, the index in points)
    better: str = "none"       # which way is good: up | down | none
    help: str = ""             # one line for a card's tooltip and the README
    short: str = ""            # a shorter form where the window is said around it (今日上报); default the label

    def __post_init__(self):
        if self.kind not in KINDS or self.better not in ("up", "down", "none"):
            raise ValueError(f"metric {self.name}: kind {self.kind!r} / better {self.better!r}")

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def heading(self) -> str:
        """The label for a table column of bare numbers: hours say their unit (平均办结时长（小时）)."""
        return f"{self.label}（{self.unit}）" if self.kind == "hours" else self.label

    @property
    def shortest(self) -> str:
        return self.short or self.label


@dataclass(frozen=True, kw_only=True)
class Measure(Metric):
    """An aggregate over the rows of one source, compiled to SQL for every dialect by query.py.

    agg: "count" (rows meeting `where`), "sum" or "mean" (of `value` where `where`), "percentile"
    (continuous, linear interpolation, of `value` at `fraction`, where `where`), "count_distinct"
    (distinct values of `value` where `where`).

    recorded: (rows, column, what the rows are) for a measure whose column a platform may leave
    empty: when some rows exist but none of them has the column filled in, the measure is 无数据
    (the platform does not record it there), not 0. "No reopened case" and "reopening not recorded"
    are different answers."""
    source: str
    agg: str = "count"
    where: Callable[["Ctx"], sa.ColumnElement] | None = None
    value: Callable[["Ctx"], sa.ColumnElement] | None = None
    fraction: float | None = None
    recorded: tuple[Callable[["Ctx"], sa.ColumnElement], str, str] | None = None

    def __post_init__(self):
        super().__post_init__()
        if self.source not in SOURCES or self.agg not in AGGREGATES:
            raise ValueError(f"measure {self.name}: source {self.source!r} / aggregate {self.agg!r}")
        if (self.agg == "percentile") != (self.fraction is not None) or (self.agg != "count") != (self.value is not None):
            raise ValueError(f"measure {self.name}: a percentile needs its fraction, a {self.agg} its value")


@dataclass(frozen=True, kw_only=True)
class Ratio(Metric):
    """numerator / denominator of two measures of the same rows; 无数据 when the denominator is 0."""
    numerator: str
    denominator: str
    kind: str = "rate"


@dataclass(frozen=True, kw_only=True)
class Derived(Metric):
    """A value computed from aggregated measures and the period's length in days (pure Python).
    `compute` None: computed by its own model (the 平安指数 by metrics/safety_index.py)."""
    inputs: tuple[str, ...]
    compute: Callable[[Mapping, int], float | None] | None = None


AGGREGATES = ("count", "sum", "mean", "percentile", "count_distinct")


def handling_hours(c: Ctx):
    return hours_between(c.e.c.reported_at, c.e.c.closed_at)


def _handled(c: Ctx):  # closed cases with a usable duration (a closure before the report is a bad row)
    return sa.and_(c.closed(), c.e.c.closed_at >= c.e.c.reported_at)


def _dispatched_by_asof(c: Ctx):  # EXISTS stops at the first dispatch; a count would read them all
    d = c.d.c
    return sa.and_(c.filed(), sa.exists().where(d.event_id == c.e.c.id, d.dispatched_at <= c.asof))


def _dispatch_by_asof(c: Ctx):  # a dispatch in P that had happened by T
    return c.d.c.dispatched_at <= c.asof


def _response_hours(c: Ctx):
    return hours_between(c.d.c.dispatched_at, c.d.c.accepted_at)


def _signed(c: Ctx):  # signed for by T, not before it was sent (a bad row)
    d = c.d.c
    return sa.and_(_dispatch_by_asof(c), d.accepted_at <= c.asof, d.accepted_at >= d.dispatched_at)


def _visit(c: Ctx):
    return c.is_(c.p.c.kind, "patrols", "kind", "visit")


MEASURES = {m.name: m for m in [
    Measure(name="reported", label="上报数", short="上报", source="events", help="周期内上报的事件数"),
    Measure(name="filed", label="立案数", source="events", where=lambda c: c.filed(), help="上报且未被驳回的事件数"),
    Measure(name="closed", label="结案数", short="结案", source="events", where=lambda c: c.closed(),
            better="up", help="周期内立案、截至统计时点已结案的事件数"),
    Measure(name="closed_in_p", label="结案数（按结案时间）", short="结案", source="closures",
            where=_handled, better="up", help="周期内结案的事件数，不论上报日期"),  # a closure before its report is a bad row
    Measure(name="on_time_n", label="按期结案数", source="events", where=lambda c: c.on_time(), better="up",
            help="周期内立案、在办理期限内结案的事件数"),
    Measure(name="due_n", label="应结案数", source="events", where=lambda c: c.due_or_closed(),
            help="周期内立案、已到期或已结案且有办理期限的事件数（按期结案率的分母）"),
    Measure(name="pending_n", label="未到期未结数", source="events",
            where=lambda c: sa.and_(c.filed(), c.open_at_asof(), c.e.c.deadline_at > c.asof),
            help="周期内立案、统计时点未结案且尚未到办理期限的事件数（趋势中结案率是否可比）"),
    Measure(name="reopened", label="返工数", source="events",
            where=lambda c: sa.and_(c.closed(), c.e.c.reopen_count > 0), better="down", help="结案后又被重新打开过的事件数",
            recorded=(Ctx.closed, "reopen_count", "已结案事件")),
    Measure(name="grid_resolved", label="网格内化解数", source="events",
            where=lambda c: sa.and_(c.closed(), c.grid_level()), better="up", help="在网格层级化解的结案事件数",
            recorded=(Ctx.closed, "resolved_level", "已结案事件")),
    Measure(name="security_n", label="治安消防警情数", source="events", better="down",
            where=lambda c: sa.and_(c.filed(), c.dimension("public_security", "fire")),
            help="周期内立案的治安警情与消防事件数"),
    Measure(name="dispute_closed", label="矛盾纠纷结案数", source="events",
            where=lambda c: sa.and_(c.closed(), c.dimension("dispute")), help="周期内立案并已结案的矛盾纠纷数"),
    Measure(name="dispute_grid", label="矛盾纠纷网格内化解数", source="events", better="up",
            where=lambda c: sa.and_(c.closed(), c.dimension("dispute"), c.grid_level()),
            help="在网格层级化解的矛盾纠纷结案数",
            recorded=(lambda c: sa.and_(c.closed(), c.dimension("dispute")), "resolved_level", "已结案矛盾纠纷")),
    Measure(name="hazard_on_time_n", label="安全隐患按期整改数", source="events", better="up",
            where=lambda c: sa.and_(c.on_time(), c.dimension("safety_hazard")), help="在期限内整改完毕的安全隐患数"),
    Measure(name="hazard_due_n", label="安全隐患应整改数", source="events",
            where=lambda c: sa.and_(c.due_or_closed(), c.dimension("safety_hazard")),
            help="已到期或已整改且有期限的安全隐患数"),
    Measure(name="verified_n", label="已受理数", source="events", where=lambda c: c.e.c.accepted_at.is_not(None),
            help="有受理（核实）时间的事件数", recorded=(Ctx.filed, "accepted_at", "立案事件")),
    Measure(name="verified_on_time", label="按时核实数", source="events", better="up",
            where=lambda c: sa.and_(c.e.c.accepted_at.is_not(None),
                                    hours_between(c.e.c.reported_at, c.e.c.accepted_at) <= c.verify_hours),
            help="上报后在规定时间内受理（核实）的事件数"),
    Measure(name="dispatched", label="派遣数", source="events",
            where=lambda c: sa.and_(c.filed(), c.e.c.dispatched_at.is_not(None), c.e.c.dispatched_at <= c.asof),
            help="周期内立案、截至统计时点已派遣的事件数", recorded=(Ctx.filed, "dispatched_at", "立案事件")),
    Measure(name="overdue_open", label="超期未结", source="open_events", better="down",
            where=lambda c: sa.and_(c.open_at_asof(), c.e.c.reported_at <= c.asof, c.e.c.deadline_at < c.asof),
            help="统计时点未结案且已超过办理期限的事件，不论立案日期",
            recorded=(lambda c: sa.and_(c.open_at_asof(), c.e.c.reported_at <= c.asof), "deadline_at", "未结案事件")),
    Measure(name="due_soon", label="临期", source="open_events", better="down",
            where=lambda c: sa.and_(c.open_at_asof(), c.e.c.reported_at <= c.asof, c.e.c.deadline_at > c.asof,
                                    hours_between(c.asof, c.e.c.deadline_at) <= c.due_hours),
            help="统计时点未结案、将在规定时间（alerts.due_hours，默认 24 小时）内到期的事件"),
    Measure(name="handled_n", label="有效办结数", source="events", where=_handled,
            help="周期内立案并已结案、办结时长有效的事件数"),
    Measure(name="mean_hours", label="平均办结时长", kind="hours", better="down", source="events", agg="mean",
            where=_handled, value=handling_hours, help="周期内立案并已结案事件的上报至结案时长，平均数"),
    Measure(name="median_hours", label="办结时长中位数", kind="hours", better="down", source="events",
            agg="percentile", fraction=0.5, where=_handled, value=handling_hours,
            help="周期内立案并已结案事件的上报至结案时长，中位数"),
    Measure(name="p90_hours", label="办结时长P90", kind="hours", better="down", source="events",
            agg="percentile", fraction=0.9, where=_handled, value=handling_hours,
            help="周期内立案并已结案事件的上报至结案时长，90% 分位数"),
    Measure(name="satisfied_n", label="满意及基本满意数", source="surveys", better="up",
            where=lambda c: c.s.c.result.in_(c.schema.values("surveys", "result", ["satisfied", "basically_satisfied"])),
            help="周期内回答满意或基本满意的评价数"),
    Measure(name="satisfaction_n", label="有效评价数", source="surveys",
            where=lambda c: c.s.c.result.in_(c.schema.values("surveys", "result",
                                                             ["satisfied", "basically_satisfied", "dissatisfied"])),
            help="周期内回答满意、基本满意或不满意的评价数"),
    Measure(name="visited", label="走访户次", source="patrols", agg="sum", where=_visit,
            value=lambda c: c.p.c.households_visited, better="up", help="周期内走访的户次之和",
            recorded=(_visit, "households_visited", "走访记录")),
    Measure(name="visits_n", label="走访次数", source="patrols", where=_visit, help="周期内的走访记录数"),
    Measure(name="patrols_n", label="巡查次数", source="patrols",
            where=lambda c: c.is_(c.p.c.kind, "patrols", "kind", "patrol"), help="周期内的巡查记录数"),
    Measure(name="patrol_days", label="巡查天数", source="patrols", agg="count_distinct",
            value=lambda c: sa.cast(c.p.c.started_at, sa.Date), better="up",
            help="周期内至少有一次走访或巡查的天数"),
    Measure(name="dept_handled", label="承办事件数", source="events",
            where=lambda c: sa.and_(c.filed(), c.e.c.department_code.is_not(None)),
            help="周期内立案、已交由职能部门承办的事件数"),
    Measure(name="dept_cases", label="派遣事件数", source="events", where=_dispatched_by_asof,
            help="周期内立案、截至统计时点已派遣至职能部门的事件数（按派遣记录）"),
    Measure(name="multi_dispatched", label="多次派遣事件数", source="events", better="down",
            where=lambda c: sa.and_(c.filed(), c.departments_by_asof() > 1),
            help="周期内立案、截至统计时点先后派往两个及以上部门的事件数"),
    Measure(name="dispatches_n", label="派遣次数", source="dispatches", where=_dispatch_by_asof,
            help="周期内向职能部门派遣的次数（一件事件退回后再派算两次）"),
    Measure(name="returned_n", label="退单次数", source="dispatches", better="down",
            where=lambda c: sa.and_(_dispatch_by_asof(c), c.d.c.returned_at <= c.asof),
            help="周期内的派遣中，截至统计时点被部门退回的次数"),
    Measure(name="response_hours", label="响应时长", kind="hours", better="down", source="dispatches", agg="mean",
            where=_signed, value=_response_hours, help="周期内派遣至部门签收的时长，平均数（未签收的不计）"),
    Measure(name="households", label="户数", source="grids", agg="sum", value=lambda c: c.a.c.households,
            help="所选区域各网格的登记户数之和"),
    Measure(name="population", label="人口", source="grids", agg="sum", value=lambda c: c.a.c.population,
            help="所选区域各网格的登记人口之和"),
]}

RATIOS = {r.name: r for r in [
    Ratio(name="filing_rate", label="立案率", numerator="filed", denominator="reported", help="立案数 / 上报数"),
    Ratio(name="closure_rate", label="结案率", numerator="closed", denominator="filed", better="up",
          help="周期内立案事件中截至统计时点已结案的比例"),
    Ratio(name="on_time_rate", label="按期结案率", numerator="on_time_n", denominator="due_n", better="up",
          help="按期结案数 / 已到期或已结案的立案事件数（无期限的不计）"),
    Ratio(name="rework_rate", label="返工率", numerator="reopened", denominator="closed", better="down",
          help="结案事件中被重新打开过的比例"),
    Ratio(name="grid_resolved_rate", label="网格内化解率", numerator="grid_resolved", denominator="closed", better="up",
          help="已结案事件中在网格层级化解的比例（小事不出网格）"),
    Ratio(name="verify_rate", label="按时核实率", numerator="verified_on_time", denominator="verified_n", better="up",
          help="已受理事件中在规定时间内受理（核实）的比例"),
    Ratio(name="satisfaction_rate", label="群众满意率", numerator="satisfied_n", denominator="satisfaction_n",
          better="up", help="（满意 + 基本满意）/ 有效评价数，附 95% 置信区间"),
    Ratio(name="dispute_grid_rate", label="矛盾纠纷网格化解率", numerator="dispute_grid", denominator="dispute_closed",
          better="up", help="已结案矛盾纠纷中在网格层级化解的比例"),
    Ratio(name="return_rate", label="退单率", numerator="returned_n", denominator="dispatches_n", better="down",
          help="周期内的派遣中被部门退回的比例"),
    Ratio(name="multi_dispatch_rate", label="多次派遣率", numerator="multi_dispatched", denominator="dept_cases",
          better="down", help="已派遣事件中先后派往两个及以上部门的比例（推诿、职责不清的信号）"),
    Ratio(name="hazard_on_time_rate", label="安全隐患按期整改率", numerator="hazard_on_time_n",
          denominator="hazard_due_n", better="up", help="已到期或已整改的安全隐患中按期整改的比例"),
]}


def _security_rate(r: Mapping, days: int):
    """Public-security and fire cases per 10,000 residents per 30 days."""
    if not r["population"] or not days:
        return None
    return r["security_n"] / r["population"] * 10_000 * 30 / days


def _coverage(r: Mapping, days: int):
    cov = rate(r["visited"], r["households"])
    return None if cov is None else min(1.0, cov)


DERIVED = {d.name: d for d in [
    Derived(name="security_rate", label="治安警情率", kind="index", better="down", inputs=("security_n", "population"),
            compute=_security_rate, help="治安警情与消防事件数，每万人每 30 天"),
    Derived(name="visit_coverage", label="巡查走访覆盖率", kind="rate", better="up", inputs=("visited", "households"),
            compute=_coverage, help="走访户次 / 户数，最高 100%"),
    # The index itself: inputs and weights come from the configured model (metrics/safety_index.py).
    Derived(name="safety_index", label="平安指数", kind="index", better="up", inputs=(),
            help="按 config.toml 中的平安指数模型计算，0–100"),
]}

METRICS: dict[str, Metric] = {**MEASURES, **RATIOS, **DERIVED}
LABELS = {name: m.label for name, m in METRICS.items()}


def value_of(name: str, row: Mapping, days: int):
    """A ratio's or derived metric's value from one aggregated row (None when it has no data)."""
    m = METRICS[name]
    if isinstance(m, Ratio):
        return rate(row[m.numerator], row[m.denominator])
    if isinstance(m, Derived):
        if m.compute is None:
            raise ValueError(f"{name} is computed by its own model, not from one row")
        return m.compute(row, days)
    return row[name]


def inputs_of(name: str) -> tuple[str, ...]:
    """The measures a metric is computed from (a measure is its own input)."""
    m = METRICS[name]
    if isinstance(m, Ratio):
        return (m.numerator, m.denominator)
    if isinstance(m, Derived):
        return tuple(dict.fromkeys(i for n in m.inputs for i in inputs_of(n)))
    return (name,)


def needs(name: str, schema: MappedSchema) -> set[tuple[str, str]]:
    """The canonical (table, column) pairs a metric reads, found in its compiled expressions and its
    source (the timestamp the period filters on and the key the scope joins on)."""
    m = METRICS[name]
    if not isinstance(m, Measure):
        return set().union(*(needs(i, schema) for i in inputs_of(name))) if inputs_of(name) else set()
    ctx = Ctx(schema)
    canonical = {id(schema.table(t)): t for t in SOURCE_TABLES}
    table, ts = SOURCES[m.source]
    found = set(SCOPE_COLUMNS.get(table, [(table, "grid_id")])) | ({(table, ts)} if ts else set())
    for fn in (m.where, m.value):
        if fn is not None:
            # a table's columns are Columns, a derived table's (schema mapping) ColumnClauses
            found |= {(canonical[id(col.table)], col.key) for col in visitors.iterate(fn(ctx))
                      if isinstance(col, ColumnClause) and id(getattr(col, "table", None)) in canonical}
    if any(t == "event_categories" for t, _ in found):  # reached through the event's category code
        found |= {("events", "category_code"), ("event_categories", "code")}
    return found

# What event-based measures can be broken down by (surveys follow their event to its category).
DIMENSIONS: dict[str, tuple[str, Callable[[Ctx], sa.ColumnElement]]] = {
    "dimension": ("事件维度", lambda c: c.schema.canonical(c.cat.c.dimension, "event_categories", "dimension")),
    "category": ("事件类别", lambda c: c.cat.c.code),
    "source": ("来源", lambda c: c.schema.canonical(c.e.c.source, "events", "source")),
    "department": ("承办部门", lambda c: c.e.c.department_code),  # a dispatch: its own department (query.py)
    "hour": ("时段", lambda c: hour_of_day(c.e.c.reported_at)),
    "weekday": ("星期", lambda c: iso_weekday(c.e.c.reported_at)),
    # both at once, as weekday·100 + hour, for the hour-of-day × weekday heatmap
    "weekday_hour": ("星期×时段", lambda c: iso_weekday(c.e.c.reported_at) * 100 + hour_of_day(c.e.c.reported_at)),
}
SURVEY_DIMENSIONS = ("dimension", "category", "source", "department")
# Whose work a row is: the reporting worker of an event, the worker of a patrol (网格员绩效 groups by it).
WORKER_COLUMNS = {"events": "reporter_worker_id", "patrols": "worker_id"}
WORKER_KEYS: dict[str, Callable[[Ctx], sa.ColumnElement]] = {
    table: (lambda c, t=table, col=column: c.schema.table(t).c[col]) for table, column in WORKER_COLUMNS.items()}
