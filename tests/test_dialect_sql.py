"""The SQL each dialect receives for the constructs that differ between engines."""
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from duckdb_engine import Dialect as DuckDBDialect

from metrics.dialect import hours_between, iso_weekday, period_start, ranked_percentiles

t = sa.table("events", sa.column("reported_at"), sa.column("closed_at"), sa.column("g"))
DIALECTS = {"duckdb": DuckDBDialect(), "postgresql": postgresql.dialect(), "mysql": mysql.dialect()}


def sql(expr, dialect) -> str:
    return str(sa.select(expr).compile(dialect=DIALECTS[dialect])).split("\nFROM")[0]


@pytest.mark.parametrize("dialect, expected", [
    ("duckdb", "date_diff('second', events.reported_at, events.closed_at) / 3600e0"),
    ("postgresql", "date_part('epoch', events.closed_at - events.reported_at) / CAST(3600 AS DOUBLE PRECISION)"),
    ("mysql", "TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0"),
])
def test_hours_between(dialect, expected):
    assert expected in sql(hours_between(t.c.reported_at, t.c.closed_at), dialect)


@pytest.mark.parametrize("dialect, grain, expected", [
    ("duckdb", "week", "CAST(date_trunc('week', events.reported_at) AS DATE)"),
    ("postgresql", "month", "CAST(date_trunc('month', events.reported_at) AS DATE)"),
    ("mysql", "day", "DATE(events.reported_at)"),
    ("mysql", "week", "DATE_SUB(DATE(events.reported_at), INTERVAL WEEKDAY(events.reported_at) DAY)"),
    ("mysql", "month", "DATE_SUB(DATE(events.reported_at), INTERVAL DAYOFMONTH(events.reported_at) - 1 DAY)"),
])
def test_period_start(dialect, grain, expected):
    assert expected in sql(period_start(grain, t.c.reported_at), dialect)


def test_weekday_is_iso_everywhere():
    assert "EXTRACT(ISODOW FROM events.reported_at)" in sql(iso_weekday(t.c.reported_at), "postgresql")
    assert "(WEEKDAY(events.reported_at) + 1)" in sql(iso_weekday(t.c.reported_at), "mysql")


def test_percentiles_native_where_the_engine_has_them():
    # a percentile is a declared aggregate (metrics.definitions), compiled inline where the engine has one
    stmt = sa.select(t.c.g, sa.func.percentile_cont(0.5).within_group(t.c.closed_at)).group_by(t.c.g)
    text = str(stmt.compile(dialect=DIALECTS["postgresql"]))
    assert "percentile_cont" in text and "WITHIN GROUP (ORDER BY events.closed_at)" in text


def test_percentiles_by_window_interpolation_on_mysql():
    stmt = ranked_percentiles(t.c.closed_at, [t.c.g], sa.true(), t, {"p50": 0.5})
    text = str(stmt.compile(dialect=DIALECTS["mysql"]))
    assert "percentile_cont" not in text.lower()
    assert "row_number() OVER (PARTITION BY events.g ORDER BY events.closed_at)" in text
    assert "floor" in text.lower() and "ceil" in text.lower()


def test_unknown_grain_is_refused():
    with pytest.raises(ValueError):
        period_start("fortnight", t.c.reported_at)
