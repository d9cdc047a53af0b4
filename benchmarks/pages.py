"""Server time of every page: `python -m benchmarks.pages --url URL [--events N] [--json OUT]`.

For the whole city and for one street, each page is opened the way a browser opens it (a fresh
session through `streamlit.testing.v1.AppTest`, so the area tree is loaded too) with the figure caches
emptied first (cold), then run again in the same session (warm, the median of `--repeat` runs). It
also reports how much of the cold time the database queries took, how many statements the page
sent, and the process's resident memory. Times are the server's: a browser adds its drawing.

With `--events N` and a DuckDB file that does not exist yet, the demo city of N events is built
first (`data_access.demo`, ending `--end`); for PostgreSQL and MySQL/MariaDB build it beforehand with
`python -m data_access.demo --url URL --events N --end …`.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import traceback
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PAGES = {  # page file → title, in menu order
    "views/overview.py": "总览", "views/safety.py": "平安指数", "views/events.py": "事件办结", "views/cases.py": "事件明细",
    "views/satisfaction.py": "群众满意度", "views/workers.py": "网格员绩效", "views/weekly.py": "周报",
    "views/quality.py": "数据质量", "views/wall.py": "指挥大屏",
}
DEFAULT_END = "2026-11-29 18:00"


class QueryClock:
    """Counts the statements the dashboard sends and the time they take, wherever they come from."""

    def __init__(self):
        from data_access.db import Database

        self.seconds, self.statements = 0.0, 0
        self.keep = 0  # --slowest N: remember each statement and its time (compiled only afterwards)
        self.log: list[tuple] = []
        original = Database.query

        def timed(db, stmt, params=None):
            t = time.perf_counter()
            try:
                return original(db, stmt, params)
            finally:
                took = time.perf_counter() - t
                self.seconds += took
                self.statements += 1
                if self.keep:
                    self.log.append((took, caller(), db, stmt))
        Database.query = timed

    def reset(self) -> None:
        self.seconds, self.statements, self.log = 0.0, 0, []

    def slowest(self, n: int) -> list[str]:
        """The n slowest statements of the last run: seconds and the start of the SQL, one line each."""
        out = []
        for took, where, db, stmt in sorted(self.log, key=lambda x: -x[0])[:n]:
            sql = " ".join(str(stmt.compile(db.engine)).split()) if hasattr(stmt, "compile") else str(stmt)
            out.append(f"{took:6.2f} s  {where}  {sql[:100]}")
        return out


def caller() -> str:
    """Which figure sent a statement: the innermost two frames in metrics/ above the compiler."""
    frames = [f for f in traceback.extract_stack() if f"{os.sep}metrics{os.sep}" in f.filename
              and not f.filename.endswith(("query.py", "dialect.py"))]
    return " ← ".join(f"{Path(f.filename).stem}.{f.name}:{f.lineno}" for f in reversed(frames[-2:]))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def ensure_demo(url: str, events: int | None, end: str) -> None:
    if events is None or not url.startswith("duckdb:///"):
        return
    path = Path(url.removeprefix("duckdb:///"))
    if path.exists():
        return
    from data_access.demo import build

    print(f"building a demo city of {events:,} events in {path} …", file=sys.stderr)
    t = time.perf_counter()
    build(url, events=events, end=datetime.fromisoformat(end))
    print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr)


def one_street(url: str) -> tuple[str, int]:
    from data_access.db import Database
    from metrics.scope import AreaTree

    db = Database.connect(url)
    try:
        tree = AreaTree.load(db)
        e = db.schema.table("events")
        n = int(db.query(sa.select(sa.func.count().label("n")).select_from(e)).iloc[0, 0])
        return str(tree.row(tree.children(tree.roots()[0])[0])["code"]), n
    finally:
        db.dispose()


def open_page(page: str, view: dict):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()  # cold: no figure is kept from an earlier page
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for k, v in view.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at


def measure(page: str, view: dict, clock: QueryClock, repeat: int) -> dict:
    at = open_page(page, view)
    clock.reset()
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    cold_queries, statements = clock.seconds, clock.statements
    slowest = clock.slowest(clock.keep) if clock.keep else []
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    warm = []
    for _ in range(repeat):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    return {"cold_s": round(cold, 3), "cold_query_s": round(cold_queries, 3), "statements": statements,
            "warm_s": round(statistics.median(warm), 3) if warm else None, "rss_mb": round(rss_mb()),
            "problems": problems, **({"slowest": slowest} if slowest else {})}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=f"duckdb:///{ROOT / 'data' / 'demo.duckdb'}")
    ap.add_argument("--events", type=int, help="build a DuckDB demo city of this size if the file is missing")
    ap.add_argument("--end", default=DEFAULT_END, help=f"as-of time of the views (default {DEFAULT_END})")
    ap.add_argument("--period", default="last_30d", help="period preset of the views (default last_30d)")
    ap.add_argument("--repeat", type=int, default=3, help="warm runs per page (median reported)")
    ap.add_argument("--street", help="area code of the street view (default: the first street)")
    ap.add_argument("--pages", nargs="*", choices=list(PAGES), help="only these pages")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--slowest", type=int, default=0, metavar="N",
                    help="also print each page's N slowest statements of the cold run (where its time goes)")
    args = ap.parse_args(argv)

    ensure_demo(args.url, args.events, args.end)
    street, n_events = one_street(args.url)
    street = args.street or street
    config = Path(tempfile.mkdtemp()) / "config.toml"
    config.write_text('[auth]\nmode = "none"\n', encoding="utf-8")
    # STREAMLIT_LOGGER_LEVEL before Streamlit is imported: AppTest outside a server warns "no runtime"
    # on every page, which would bury the table.
    os.environ.update(GRID_DB_URL=args.url, GRID_CONFIG=str(config), STREAMLIT_LOGGER_LEVEL="error")
    os.environ.pop("GRID_AUTH_MODE", None)
    os.chdir(ROOT)
    clock = QueryClock()
    clock.keep = args.slowest

    from data_access.db import describe

    asof = args.end.replace(" ", "T")
    views = {"全市": {"period": args.period, "asof": asof},
             f"街道 {street}": {"period": args.period, "asof": asof, "area": street}}
    rows = []
    print(f"{describe(args.url)} — {n_events:,} events; as-of {args.end}, {args.period}; "
          f"cold = fresh session, caches emptied; warm = median of {args.repeat}\n")
    print("| view | page | cold s | of which queries s | statements | warm s | RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for view_name, view in views.items():
        for page in args.pages or PAGES:
            got = measure(page, view, clock, args.repeat)
            rows.append({"view": view_name, "page": PAGES[page], **got})
            flag = " ⚠ " + "; ".join(got["problems"])[:120] if got["problems"] else ""
            print(f"| {view_name} | {PAGES[page]} | {got['cold_s']:.2f} | {got['cold_query_s']:.2f} | "
                  f"{got['statements']} | {got['warm_s']:.2f} | {got['rss_mb']} |{flag}", flush=True)
            for line in got.get("slowest", []):
                print("    " + line, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({"url": describe(args.url), "events": n_events, "asof": args.end,
                                         "period": args.period, "pages": rows}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 1 if any(r["problems"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
