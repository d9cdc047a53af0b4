"""The embedded demo city (docs/demo-city.md): a deterministic, Fangzi-shaped district with three years of
grid-governance data, generated with vectorised numpy so it scales from 20k to 10M events.

    frames = generate(seed=20261121, events=300_000, end=None)   # pure: dict of DataFrames
    build("duckdb:///data/demo.duckdb", events=300_000)           # generate and load a database

`python -m data_access.demo --url URL [--events N] [--seed S] [--end "YYYY-MM-DD HH:MM"] [--bad-rows N]`.
`bad_rows` appends N bad rows of each kind for the 数据质量 page (`bad_rows.py`); 0 keeps the city clean.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

import numpy as np
import pandas as pd

from data_access.demo import activity, dispatch, eventtext, events, lifecycle, texts, timeline
from data_access.demo.bad_rows import inject as inject_bad_rows
from data_access.demo.city import build_city
from data_access.demo.people import build_staff

DEFAULT_SEED = 20261121
DEFAULT_EVENTS = 300_000
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")   # no daylight saving
TABLES = ("areas", "workers", "event_categories", "departments", "events", "dispatches", "patrols", "surveys")
Progress = Callable[[float, str], None]

__all__ = ["generate", "build", "default_end", "DEFAULT_SEED", "DEFAULT_EVENTS", "TABLES"]


def default_end() -> datetime:
    """Now on the Asia/Shanghai wall clock, truncated to the hour, without time zone."""
    return datetime.now(CHINA_STANDARD_TIME).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def generate(seed: int = DEFAULT_SEED, events: int = DEFAULT_EVENTS, end: datetime | None = None,
             bad_rows: int = 0) -> dict[str, pd.DataFrame]:
    """All demo tables, keyed by canonical table name. Same arguments ⇒ identical frames."""
    return generate_with_progress(seed, events, end, None, bad_rows)


def generate_with_progress(seed: int, n_events: int, end: datetime | None, progress: Progress | None,
                           bad_rows: int = 0) -> dict[str, pd.DataFrame]:
    if n_events < 1:
        raise ValueError("events must be at least 1")
    report = progress or (lambda fraction, message: None)
    end = (end or default_end()).replace(tzinfo=None)
    start_s, end_s = timeline.window(end)

    report(0.0, "正在生成区划与网格…")
    city = build_city(seed)
    staff = build_staff(seed, city, end)

    report(0.05, f"正在生成 {n_events:,} 条事件…")
    draw = events.draw_events(np.random.default_rng([seed, 3]), city, n_events, start_s, end_s)
    order = np.argsort(draw.t, kind="stable")
    draw = events.Draw(draw.grid[order], draw.category[order], draw.source[order], draw.t[order])
    report(0.3, "正在生成事件处置过程…")
    plan = dispatch.plan(np.random.default_rng([seed, 9]), draw.category)
    life = lifecycle.follow_up(np.random.default_rng([seed, 4]), draw, city, start_s, end_s,
                               plan.wait, plan.bounce, plan.late)
    report(0.45, "正在生成派遣记录…")
    dispatches, department = dispatch.history(plan, life.dispatched, end_s)
    side = plan.side
    del plan
    event_frame = eventtext.event_frame(np.random.default_rng([seed, 7]), city, staff, draw, life, side, department)

    report(0.6, "正在生成巡查走访记录…")
    patrols = activity.patrol_frame(seed, city, staff, start_s, end_s)
    report(0.85, "正在生成满意度调查…")
    surveys = activity.survey_frame(seed, city, draw.grid, event_frame["id"].to_numpy(), life, start_s, end_s)
    frames = {"areas": city.areas, "workers": staff.workers, "event_categories": category_frame(),
              "departments": dispatch.department_frame(), "events": event_frame, "dispatches": dispatches,
              "patrols": patrols, "surveys": surveys}
    return inject_bad_rows(frames, bad_rows, seed) if bad_rows else frames


def category_frame() -> pd.DataFrame:
    """Seven dimension groups, each with its leaf categories; a group's SLA is its longest leaf's."""
    rows = []
    for code, name, dimension in texts.CATEGORY_GROUPS:
        leaves = [c for c in texts.CATEGORIES if c[0].startswith(code)]
        rows.append((code, name, None, dimension, float(max(h for _, _, h in leaves))))
        rows += [(c, n, code, dimension, float(h)) for c, n, h in leaves]
    frame = pd.DataFrame(rows, columns=["code", "name", "parent_code", "dimension", "sla_hours"])
    return frame.astype({"code": "str", "name": "str", "parent_code": "str", "dimension": "str"})


def build(url: str, *, events: int = DEFAULT_EVENTS, seed: int = DEFAULT_SEED, end: datetime | None = None,
          progress: Progress | None = None, bad_rows: int = 0) -> None:
    """Generate the demo city and load it into the database at `url` (tables dropped and recreated)."""
    build_and_count(url, events=events, seed=seed, end=end, progress=progress, bad_rows=bad_rows)


def build_and_count(url: str, *, events: int = DEFAULT_EVENTS, seed: int = DEFAULT_SEED,
                    end: datetime | None = None, progress: Progress | None = None,
                    bad_rows: int = 0) -> dict[str, int]:
    """`build`, returning the number of rows written per table."""
    from data_access.demo.load import load

    return load(url, lambda report: generate_with_progress(seed, events, end, report, bad_rows), progress)
