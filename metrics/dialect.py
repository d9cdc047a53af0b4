"""Every SQL difference between DuckDB, PostgreSQL and MySQL/MariaDB lives here.

Metric definitions use these constructs; SQLAlchemy's compiler picks the rendering per dialect.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

MYSQL_FAMILY = ("mysql", "mariadb")


class hours_between(FunctionElement):
    """(end - start) in hours, as a float."""
    type = sa.Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between)
def _hours_default(element, compiler, **kw):  # DuckDB
    start, end = list(element.clauses)
    return f"(date_diff('second', {compiler.process(start, **kw)}, {compiler.process(end, **kw)}) / 3600e0)"


@compiles(hours_between, "postgresql")
def _hours_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    # date_part, not EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, and numeric arithmetic
    # made 预警's count over nine weeks of cases 1.2 s instead of 0.7 s at 10M events (float8, as the
    # other dialects compute it, is exact to the microsecond over any span a case takes).
    return (f"(date_part('epoch', {compiler.process(end, **kw)} - {compiler.process(start, **kw)})"
            f" / CAST(3600 AS DOUBLE PRECISION))")


@compiles(hours_between, "mysql")
@compiles(hours_between, "mariadb")
def _hours_mysql(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(TIMESTAMPDIFF(SECOND, {compiler.process(start, **kw)}, {compiler.process(end, **kw)}) / 3600e0)"


GRAINS = ("day", "week", "month")


class period_start(FunctionElement):
    """The first day of the day/week (Monday)/month containing a timestamp, as a DATE."""
    type = sa.Date()
    inherit_cache = True
    name = "period_start"

    def __init__(self, grain: str, ts):
        if grain not in GRAINS:
            raise ValueError(f"grain must be one of {GRAINS}")
        self.grain = grain
        super().__init__(ts)


@compiles(period_start)
def _start_default(element, compiler, **kw):  # DuckDB and PostgreSQL: date_trunc weeks start on Monday
    (ts,) = list(element.clauses)
    return f"CAST(date_trunc('{element.grain}', {compiler.process(ts, **kw)}) AS DATE)"


@compiles(period_start, "mysql")
@compiles(period_start, "mariadb")
def _start_mysql(element, compiler, **kw):
    ts = compiler.process(list(element.clauses)[0], **kw)
    if element.grain == "day":
        return f"DATE({ts})"
    if element.grain == "week":
        return f"DATE_SUB(DATE({ts}), INTERVAL WEEKDAY({ts}) DAY)"
    return f"DATE_SUB(DATE({ts}), INTERVAL DAYOFMONTH({ts}) - 1 DAY)"


class hour_of_day(FunctionElement):
    type = sa.Integer()
    inherit_cache = True
    name = "hour_of_day"


@compiles(hour_of_day)
def _hour(element, compiler, **kw):
    return f"CAST(EXTRACT(HOUR FROM {compiler.process(list(element.clauses)[0], **kw)}) AS INTEGER)"


@compiles(hour_of_day, "mysql")
@compiles(hour_of_day, "mariadb")
def _hour_mysql(element, compiler, **kw):
    return f"HOUR({compiler.process(list(element.clauses)[0], **kw)})"


class iso_weekday(FunctionElement):
    """1 = Monday … 7 = Sunday."""
    type = sa.Integer()
    inherit_cache = True
    name = "iso_weekday"


@compiles(iso_weekday)
def _dow(element, compiler, **kw):
    return f"CAST(EXTRACT(ISODOW FROM {compiler.process(list(element.clauses)[0], **kw)}) AS INTEGER)"


@compiles(iso_weekday, "mysql")
@compiles(iso_weekday, "mariadb")
def _dow_mysql(element, compiler, **kw):
    return f"(WEEKDAY({compiler.process(list(element.clauses)[0], **kw)}) + 1)"


def ranked_percentiles(value: ColumnElement, group_cols: list, where, from_,
                       percentiles: dict[str, float]) -> sa.Select:
    """Per group, continuous percentiles (linear interpolation) of `value` over the rows of `where`,
    for MySQL and MariaDB, which lack PERCENTILE_CONT as an aggregate (MariaDB has only its window
    form): the rows are numbered per group and the two neighbours of each percentile interpolated.
    The same result as PERCENTILE_CONT, one subquery deeper. Other dialects aggregate inline."""
    keys = [c.label(f"g{i}") for i, c in enumerate(group_cols)]
    partition = list(group_cols) or None
    ranked = (sa.select(*keys, value.label("v"),
                        sa.func.row_number().over(partition_by=partition, order_by=value).label("rn"),
                        sa.func.count().over(partition_by=partition).label("n"))
              .select_from(from_).where(where, value.is_not(None)).subquery("ranked"))
    outs = []
    for name, f in percentiles.items():
        pos = (ranked.c.n - 1) * f  # 0-based position of the percentile among the sorted values
        lo = sa.func.max(sa.case((ranked.c.rn == sa.func.floor(pos) + 1, ranked.c.v)))
        hi = sa.func.max(sa.case((ranked.c.rn == sa.func.ceil(pos) + 1, ranked.c.v)))
        frac = sa.func.max(pos - sa.func.floor(pos))
        outs.append((lo + frac * (hi - lo)).label(name))
    gkeys = [ranked.c[f"g{i}"] for i in range(len(group_cols))]
    if not gkeys:  # one group: its id is 0, as in the other statements
        return sa.select(sa.literal_column("0").label("group_id"), *outs)
    return sa.select(*[k.label(c.name) for k, c in zip(gkeys, group_cols)], *outs).group_by(*gkeys)
