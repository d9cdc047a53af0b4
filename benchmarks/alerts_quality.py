"""How well 预警 finds the demo city's injected incident and how often it cries wolf:
`python -m benchmarks.alerts_quality [--url URL] [--weeks 52]`.

On the demo city ending 2026-11-29 18:00 (built into a temporary DuckDB file when no --url is given),
whose generator injects a gas-safety campaign into 坊安街道 in 2026-W45:

- the incident: running the surge detector every hour of the campaign's first day, the first hour
  at which 坊安街道 alerts, and the grids that alert in that first day;
- the false alarms: the detector run every day at 18:00 for `--weeks` weeks back from the city's end
  (so a case is counted in every run whose window holds it), the distinct (area, category or
  dimension) surges per ISO week over the whole district, W45 and the week after it left out (the
  week after still has the campaign in its 7-day windows). Prints the weeks' median, mean and
  maximum and how many weeks exceed 5. Also the detector's time per run.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from data_access.db import Database, describe
from data_access.demo import build
from metrics.alerts import AlertModel, surges
from metrics.period import week_of
from metrics.scope import AreaTree, Scope
from metrics.weekly import parse_week, week_label

DEMO_END = datetime(2026, 11, 29, 18, 0)
SPIKE_WEEK, SPIKE_STREET = "2026-W45", "坊安街道"
BOUND = 5  # the goal: at most this many surge alerts a week in an ordinary week


def detect(db, tree, asof: datetime, model: AlertModel) -> list[dict]:
    return surges(db, start=asof.date(), end=asof.date() + timedelta(days=1), asof=asof, scope=Scope.everywhere(),
                  tree=tree, model=model)


def incident(db, tree, model: AlertModel) -> None:
    start = parse_week(SPIKE_WEEK).start_dt
    first, grids = None, set()
    for hour in range(1, 25):
        asof = start + timedelta(hours=hour)
        found = detect(db, tree, asof, model)
        if first is None and any(a["area_name"] == SPIKE_STREET for a in found):
            first = asof
        grids |= {a["area_name"] for a in found if a["level"] == "grid"}
    week = set()
    for d in range(7):  # and over the week, each day at 18:00
        week |= {a["area_name"] for a in detect(db, tree, start + timedelta(days=d, hours=18), model)
                 if a["level"] == "grid"}
    when = f"{first:%Y-%m-%d %H:%M}（开始后 {(first - start).total_seconds() / 3600:.0f} 小时）" if first else "未发现"
    print(f"- {SPIKE_WEEK} 的注入事件：{SPIKE_STREET} 首次预警 {when}；首日内预警的网格 {len(grids)} 个，"
          f"当周（每天 18:00）预警的网格 {len(week)} 个")


def false_alarms(db, tree, end: datetime, weeks: int, model: AlertModel) -> None:
    per_week: dict[str, set] = {}
    times = []
    day = end.replace(hour=18, minute=0, second=0, microsecond=0)
    for i in range(weeks * 7):
        asof = day - timedelta(days=i)
        t = time.perf_counter()
        found = detect(db, tree, asof, model)
        times.append(time.perf_counter() - t)
        per_week.setdefault(week_label(week_of(asof.date())), set()).update(
            (a["area_code"], a["unit"], a["category_code"] or a["dimension"]) for a in found)
    after = week_label(week_of(parse_week(SPIKE_WEEK).end))
    ordinary = {w: len(s) for w, s in per_week.items() if w not in (SPIKE_WEEK, after)}
    counts = sorted(ordinary.values())
    print(f"- 普通周（{len(counts)} 周，不含 {SPIKE_WEEK} 与 {after}）每周全区异常增多预警（去重的区域×类别/维度）："
          f"中位数 {statistics.median(counts):g}，平均 {statistics.mean(counts):.2f}，最多 {max(counts)}；"
          f"超过 {BOUND} 条的周 {sum(c > BOUND for c in counts)} 个")
    print(f"- 注入周 {SPIKE_WEEK} {len(per_week.get(SPIKE_WEEK, ()))} 条，其后一周 {len(per_week.get(after, ()))} 条")
    print(f"- 每次检测用时（全区）：中位数 {statistics.median(times):.2f} s，最长 {max(times):.2f} s（{len(times)} 次）")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a database holding the demo city (default: build it, ending 2026-11-29 18:00)")
    ap.add_argument("--weeks", type=int, default=52, help="weeks of daily runs for the false-alarm count")
    args = ap.parse_args(argv)
    model = AlertModel()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url
        if not url:
            url = f"duckdb:///{Path(tmp) / 'demo.duckdb'}"
            print(f"Building the demo city (ending {DEMO_END:%Y-%m-%d %H:%M}) into {url} …")
            build(url, end=DEMO_END)
        db = Database.connect(url)
        tree = AreaTree.load(db)
        print(f"{describe(url)} — alerts model {model}\n")
        incident(db, tree, model)
        false_alarms(db, tree, DEMO_END, args.weeks, model)
        db.engine.dispose()


if __name__ == "__main__":
    main()
