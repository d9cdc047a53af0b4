"""部门协同: the 职能部门 the cases were dispatched to, each with how it handled them.

Case measures (received, 结案率, 按期结案率, handling time, 群众满意率 of its cases, 多次派遣率)
count a case under the department that handled it (events.department_code, its last dispatch);
dispatch measures (退单率, 响应时长) count each dispatch under the department it was sent to, so a
department that returns cases is charged with the return. Every row is in the user's scope: a
department is seen only through the cases of the focus.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.schema import MappedSchema, column_label
from metrics.availability import absent_reason, unavailable
from metrics.definitions import MEASURES, METRICS, SOURCES, inputs_of
from metrics.period import Period
from metrics.query import aggregate
from metrics.scope import AreaTree, Scope, focus_for
from metrics.summary import comparison_periods

# The ranking's columns, in the order a reader scans them; RATES also get their 环比.
COLUMNS = ("dept_handled", "closure_rate", "on_time_rate", "median_hours", "p90_hours", "satisfaction_rate",
           "return_rate", "multi_dispatch_rate", "response_hours")
RATES = ("closure_rate", "on_time_rate", "return_rate", "multi_dispatch_rate")
HIDDEN = ("due_n", "dispatches_n", "satisfaction_n")  # denominators the lists and notes read
FRAME_COLUMNS = ["key", "name", "kind", *COLUMNS, *HIDDEN, *(f"prev_{r}" for r in RATES)]


def _case_metric(name: str) -> bool:
    """Counted per the case's department (events or surveys), not per dispatch."""
    return all(SOURCES[MEASURES[i].source][0] != "dispatches" for i in inputs_of(name))


def why_absent(schema: MappedSchema) -> dict[str, str]:
    """{column: why it is 无数据 on every department} for this platform's mapping."""
    out = {}
    for name in COLUMNS:
        pairs = set(unavailable(name, schema))
        if _case_metric(name) and schema.absent("events", "department_code"):
            pairs.add(("events", "department_code"))
        if pairs:
            out[name] = absent_reason(sorted(pairs), schema)
    return out


def unavailable_reason(schema: MappedSchema) -> str | None:
    """Why the platform has no department figure at all (None: some can be computed): it records
    neither the case's department nor a dispatch history."""
    if len(why_absent(schema)) < len(COLUMNS):
        return None
    parts = [absent_reason([("events", "department_code")], schema)]
    if schema.absent("dispatches"):
        parts.append(absent_reason([("dispatches", "department_code")], schema).removeprefix("平台"))
    return "，".join(parts)


def names(db: Database) -> pd.DataFrame:
    """code → name, kind from the departments table (empty when the platform has none)."""
    if db.schema.absent("departments"):
        return pd.DataFrame(columns=["key", "name", "kind"])
    t = db.schema.table("departments")
    return db.query(sa.select(t.c.code.label("key"), t.c.name.label("name"), t.c.kind.label("kind")))


def department_names(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                     area_code: str | None = None, tree: AreaTree | None = None) -> dict:
    """{code: name} in the calling convention of the pages' cached metrics (the names are no figure,
    so the view does not narrow them)."""
    frame = names(db)
    return dict(zip(frame["key"].astype(str), frame["name"].astype(str)))


def department_table(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                     area_code: str | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """One row per department that received a case of the focus in the period: `key` (its code),
    `name`, `kind`, COLUMNS, HIDDEN and `prev_<rate>` (the previous period, judged at the same
    distance after its start). Worst 按期结案率 first; departments without one last."""
    tree, focus = focus_for(db, tree, scope, area_code)
    absent = why_absent(db.schema)
    if len(absent) == len(COLUMNS):  # unavailable_reason: no department figure at all
        return pd.DataFrame(columns=FRAME_COLUMNS)
    period = Period(start, end)
    prev, prev_asof = comparison_periods(period, asof)["previous"]
    wanted = [n for n in (*COLUMNS, *HIDDEN) if n not in absent]
    rates = [r for r in RATES if r in wanted]
    frame = _keyed(aggregate(db, focus, period, asof, wanted, by="department"), wanted)
    prev_cols = _keyed(aggregate(db, focus, prev, prev_asof, rates, by="department"), rates)
    prev_cols = prev_cols.rename(columns={r: f"prev_{r}" for r in rates})
    frame = frame.merge(prev_cols, on="key", how="left")
    counted = [c for c in ("dept_handled", "dispatches_n") if c in frame]
    frame = frame[frame[counted].fillna(0).sum(axis=1) > 0]  # received nothing in the period
    info = names(db)
    frame = frame.merge(info, on="key", how="left")
    frame["name"] = frame["name"].where(frame["name"].notna(), frame["key"].astype(str))  # a code not listed
    for col in FRAME_COLUMNS:
        if col not in frame:
            frame[col] = float("nan")
    frame = frame.sort_values(["on_time_rate", "key"], na_position="last", kind="stable")
    return frame[FRAME_COLUMNS].reset_index(drop=True)


def _keyed(frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """The aggregate's rows with a department (a case never dispatched has none), one per key."""
    if "key" not in frame:
        return pd.DataFrame(columns=["key", *wanted])
    frame = frame.dropna(subset=["key"])
    frame = frame.assign(key=frame["key"].astype(str))
    return frame[["key", *[w for w in wanted if w in frame]]]


def label(name: str) -> str:
    """A column's heading, with the hour unit where it has one."""
    return METRICS[name].heading


def department_note() -> str:
    return (f"{column_label('events', 'department_code')}为事件最后一次派往的部门；退单率、响应时长按每次派遣"
            "所派往的部门统计")
