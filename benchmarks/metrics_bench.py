"""Time the dashboard's metric calls on a database: `python -m benchmarks.metrics_bench --url URL`.

Each call is what a page asks for (uncached): the overview's summary with its two comparison
periods, the children ranking, a trend, and the worker table of a street. Prints a Markdown table
of the first (cold) run and the median of the following runs, in milliseconds.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from data_access.db import Database, describe
from metrics.scope import AreaTree, Scope
from metrics.summary import children_table, summarize, trend
from metrics.workers import worker_table


def _latest(db: Database) -> datetime:
    e = db.schema.table("events")
    return db.query(sa.select(sa.func.max(e.c.reported_at).label("t"))).iloc[0, 0].to_pydatetime()


def cases(db: Database):
    tree = AreaTree.load(db)
    asof = _latest(db)
    end = asof.date() + timedelta(days=1)
    month, week = end - timedelta(days=30), end - timedelta(days=7)
    street = str(tree.row(tree.children(tree.roots()[0])[0])["code"])
    common = dict(asof=asof, scope=Scope.everywhere(), tree=tree)
    return {
        "总览 summary, 30 days, with 环比 and 同比": lambda: summarize(db, start=month, end=end, **common),
        "children ranking (streets), 30 days": lambda: children_table(db, start=month, end=end, **common),
        "children ranking (grids of a street), 30 days": lambda: children_table(db, start=month, end=end,
                                                                               area_code=street, **common),
        "daily trend, 30 days": lambda: trend(db, start=month, end=end, grain="day", **common),
        "weekly trend, one year": lambda: trend(db, start=end - timedelta(days=364), end=end, grain="week", **common),
        "worker table of a street, 7 days": lambda: worker_table(db, start=week, end=end, area_code=street,
                                                                 **{k: v for k, v in common.items()}),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", default="duckdb:///data/demo.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    db = Database.connect(args.url)
    e = db.schema.table("events")
    n = int(db.query(sa.select(sa.func.count().label("n")).select_from(e)).iloc[0, 0])
    print(f"{describe(args.url)} — {n:,} events, {args.repeat} warm runs\n")
    print("| call | cold ms | warm median ms |\n| --- | ---: | ---: |")
    for name, call in cases(db).items():
        times = []
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            call()
            times.append((time.perf_counter() - t) * 1000)
        print(f"| {name} | {times[0]:.0f} | {statistics.median(times[1:]):.0f} |")
    db.dispose()


if __name__ == "__main__":
    main()
