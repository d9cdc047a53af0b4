"""A small hand-built city whose every metric was computed by hand (see tests/test_metrics.py).

All timestamps are naive local time. The periods the tests use:

    P (current)   = [2026-03-02, 2026-03-09)   Monday to Monday, 7 days
    previous      = [2026-02-23, 2026-03-02)
    last year     = [2025-03-02, 2025-03-09)
    as-of time  T = 2026-03-12 12:00

Area tree (households / population; areas above the grids carry the sums):

    D  区 (id 1)                                   2250 / 6000
    ├── S1 街道 (2) ── W1 工作片 (4) ── C1 社区 (6)       700 / 1800
    │                                     ├── G1 网格 (11)  400 / 1000
    │                                     └── G2 网格 (12)  300 /  800
    └── S2 街道 (3) ── W2 工作片 (5)                     1550 / 4200
                         ├── C2 社区 (7)                  850 / 2100
                         │     ├── G3 网格 (13)  500 / 1200
                         │     └── G4 网格 (14)  350 /  900
                         └── C3 社区 (8)                  700 / 2100
                               ├── G5 网格 (15)  450 / 1100
                               └── G6 网格 (16)  250 / 1000   (no events, no surveys, no visits)

grid_id 999 does not exist in `areas`: rows pointing there are bad rows, outside every scope.

Event table (h = hours from reported_at to closed_at; "due" = deadline_at <= T):

 id grid cat  reported        closed           deadline        status     level  reopen  what it exercises
  1 G1  PS01 03-02 09:00     03-02 13:00  4h  03-03 09:00     closed     grid   0  on time; public security
  2 G1  CM01 03-02 10:00     03-03 16:00 30h  03-03 10:00     closed     grid   0  closed late
  3 G1  DS01 03-03 08:00     03-04 08:00 24h  03-06 08:00     closed     grid   0  dispute resolved in grid
  4 G1  DS01 03-03 14:00     03-05 14:00 48h  03-06 14:00     closed     comm.  1  dispute at community; rework
  5 G1  CM01 03-04 09:00     -                03-05 09:00     rejected   -      0  rejected (not filed, never overdue)
  6 G2  SH01 03-04 10:00     03-06 09:00 47h  03-06 10:00     closed     grid   0  safety hazard on time
  7 G2  SH01 03-05 08:00     -                03-07 08:00     processing -      0  open, deadline passed: overdue, due
  8 G2  CM01 03-06 09:00     03-12 12:00 147h 03-07 09:00     closed     comm.  0  closed exactly at T (counts), late
  9 G2  CM01 03-07 09:00     03-13 09:00      03-10 09:00     closed     -      0  closed AFTER T: open at T, overdue, due
 10 G3  PS01 03-02 20:00     03-03 02:00  6h  03-03 20:00     closed     grid   0  on time
 11 G3  FI01 03-03 11:00     03-03 21:00 10h  03-03 23:00     closed     comm.  0  fire, on time
 12 G3  DS01 03-04 15:00     03-08 15:00 96h  03-07 15:00     closed     grid   2  dispute late; rework
 13 G4  CM01 03-05 10:00     03-06 10:00 24h  (none)          closed     grid   0  no deadline: not in on-time num/denom
 14 G4  SH01 03-05 16:00     03-07 16:00 48h  03-07 16:00     closed     comm.  0  closed_at == deadline_at: on time
 15 G4  SH01 03-08 09:00     -                03-14 09:00     dispatched -      0  deadline after T: not due, not overdue
 16 G5  CM01 03-06 12:00     03-06 08:00 (<0) (none)          closed     grid   0  BAD: closed before reported → no hours
 17 999 PS01 03-03 10:00     -                03-04 10:00     processing -      0  BAD: unknown grid → excluded everywhere
 18 G5  PS01 03-08 23:30     03-09 01:30  2h  03-09 23:30     closed     grid   0  reported on P's last day
 19 G1  CM01 03-09 00:00     -                03-10 00:00     accepted   -      0  reported at P's end (not in P); overdue
 20 G5  CM01 03-02 00:00     03-02 05:00  5h  03-03 00:00     closed     comm.  0  reported at P's start (in P)
 21 G4  CM01 02-27 10:00     03-03 10:00 96h  02-28 10:00     closed     grid   0  filed in previous, closed during P
 22 G3  CM01 03-06 10:00     03-07 10:00*     03-08 10:00     processing -      1  *stale closed_at, status not closed:
                                                                                     open, overdue, due
 23 G2  CM01 03-08 20:00     -                (none)          reported   -      0  open without deadline: not overdue
 24 G3  PS01 03-05 22:00     -                -               rejected   -      0  rejected public-security event
 30 G2  SH01 02-25 09:00     -                02-27 09:00     processing -      0  filed BEFORE P, still overdue at T
 31 G4  CM01 01-15 09:00     -                01-16 09:00     accepted   -      0  filed long before, overdue at T
 41 G1  PS01 02-23 10:00     02-23 14:00  4h  02-24 10:00     closed     grid   0  previous period
 42 G3  CM01 02-24 09:00     02-26 09:00 48h  02-25 09:00     closed     comm.  0  previous, late
 43 G4  DS01 02-26 10:00     02-27 10:00 24h  03-01 10:00     closed     grid   0  previous, on time
 44 G5  CM01 02-28 08:00     -                -               rejected   -      0  previous, rejected
 45 G1  CM01 03-01 23:59:59  03-02 01:59:59 2h 03-02 23:59:59 closed     grid   0  previous, last second
 51 G1  PS01 2025-03-03 09:00 2025-03-03 12:00 3h 2025-03-04 09:00 closed grid   0  last year
 52 G3  CM01 2025-03-05 10:00 2025-03-06 10:00 24h 2025-03-06 10:00 closed grid  0  last year, closed == deadline
 53 G5  FI01 2025-03-07 10:00 -               -               rejected   -      0  last year, rejected

Surveys (result; in P unless noted):
  1 G1 satisfied 03-02 15:00       2 G1 satisfied 03-04      3 G1 basically_satisfied 03-02 00:00 (P's start)
  4 G1 dissatisfied 03-04          5 G2 satisfied 03-06      6 G2 "unknown" (invalid)
  7 G3 satisfied                   8 G3 basically_satisfied  9 G3 dissatisfied
 10 G4 satisfied                  18 G4 NULL (invalid)
 11 G5 satisfied 03-09 00:00 (P's end: not in P)             13 grid 999 dissatisfied (bad grid)
 12 G1 satisfied 03-01 18:00, 14 G3 dissatisfied 02-26, 15 G4 basically_satisfied 02-27 (previous)
 16 G1 satisfied 2025-03-04, 17 G3 satisfied 2025-03-06 (last year)

Patrols (kind, households_visited):
  1 G1 visit 40 (03-03)   2 G1 patrol NULL   3 G1 visit 30 (03-06)   4 G3 visit 120 (03-05)
  5 G3 visit 400 (03-08 23:00)   6 G3 visit 50 at 03-09 00:00 (not in P)
  7 G2 PATROL with households_visited 25 (kind patrol: not a visit, not counted)
  8 G1 visit 60 (previous)   9 grid 999 visit 100 (bad grid)   10 G1 visit 50 (last year)
 11 G5 visit 300 (03-07)
 Rows 12–20 were added for the worker tests (tests/test_workers.py); they are `patrol` rows with no
 households, or one `visit` with 0 households, so no area metric changes:
 12 101 G1 patrol 03-03 15:00 (same day as #1)   13 101 G1 patrol 03-09 00:00 (P's end: not in P)
 14 101 G1 patrol 03-01 23:30 (before P)          15 107 G1 patrol 03-02 00:00 (P's start)
 16 107 G1 visit 0 households 03-04               17 107 G1 patrol 03-07 (Sat)   18 107 G1 patrol 03-08 (Sun)
 19 107 G1 patrol 03-05                           20 107 G1 patrol 03-06

Workers (id area role employment active):
 101 G1 grid_worker full_time   102 G3 grid_worker part_time   103 C1 instructor full_time
 104 W1 chief full_time         105 G5 grid_worker part_time (inactive)   106 G4 grid_worker full_time
 107 G1 grid_worker part_time   108 C1 instructor part_time    109 C2 instructor full_time
 110 C2 instructor part_time
 (107–110 added for the worker tests; no metric of tests/test_metrics.py reads workers.)

Event reporters (reporter_worker_id): events whose source is worker_app (id divisible by 5) carry
the worker of their grid — E5 101, E10 102, E15 106, E20 105, E45 101 (E30: G2 has no grid worker) —
and _REPORTED_BY adds (with source worker_app) E1 E2 E6 (G2) E19 → 101, E4 → 107, E22 → 102,
E24 → 110.

accepted_at = reported_at + (10 + id) minutes, except: status 'reported' (E23) → NULL, and
_ACCEPTED_AFTER: E2 45 min, E3 NULL, E4 exactly 30 min, E8 30 min 1 s, E9 40 min. So accepted more
than 30 minutes after the report: E2 E8 E9 and every id > 20 (E21 E22 E24 E30 …).
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from data_access.db import Database, create_tables, write_frame
from data_access.schema import CANONICAL, ENUMS, SchemaMap

START, END = date(2026, 3, 2), date(2026, 3, 9)
PREV_START, PREV_END = date(2026, 2, 23), date(2026, 3, 2)
LY_START, LY_END = date(2025, 3, 2), date(2025, 3, 9)
ASOF = datetime(2026, 3, 12, 12, 0)

BAD_GRID = 999


def _ts(s: str | None) -> datetime | None:
    """'MM-DD HH:MM[:SS]' (2026) or 'YYYY-MM-DD HH:MM[:SS]'."""
    if s is None:
        return None
    if len(s.split(" ")[0]) == 5:
        s = "2026-" + s
    return datetime.fromisoformat(s)


def _square(lon: float, lat: float, d: float = 0.002) -> str:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return '{"type": "Polygon", "coordinates": [' + str(ring) + "]}"


def areas() -> pd.DataFrame:
    grids = [  # id, parent, code, name, households, population, lon, lat
        (11, 6, "G1", "第一网格", 400, 1000, 119.150, 36.640),
        (12, 6, "G2", "第二网格", 300, 800, 119.154, 36.640),
        (13, 7, "G3", "第三网格", 500, 1200, 119.160, 36.650),
        (14, 7, "G4", "第四网格", 350, 900, 119.164, 36.650),
        (15, 8, "G5", "第五网格", 450, 1100, 119.170, 36.660),
        (16, 8, "G6", "第六网格", 250, 1000, 119.174, 36.660),
    ]
    upper = [  # id, parent, level, code, name, households, population (sums of the grids below)
        (1, None, "district", "D", "测试区", 2250, 6000),
        (2, 1, "street", "S1", "东街道", 700, 1800),
        (3, 1, "street", "S2", "西街道", 1550, 4200),
        (4, 2, "workarea", "W1", "东一工作片", 700, 1800),
        (5, 3, "workarea", "W2", "西一工作片", 1550, 4200),
        (6, 4, "community", "C1", "东一社区", 700, 1800),
        (7, 5, "community", "C2", "西一社区", 850, 2100),
        (8, 5, "community", "C3", "西二社区", 700, 2100),
    ]
    rows = [dict(id=i, parent_id=p, level=lv, code=c, name=n, households=hh, population=pop,
                 lon=119.16, lat=36.65, boundary=None) for i, p, lv, c, n, hh, pop in upper]
    rows += [dict(id=i, parent_id=p, level="grid", code=c, name=n, households=hh, population=pop,
                  lon=lon, lat=lat, boundary=_square(lon, lat)) for i, p, c, n, hh, pop, lon, lat in grids]
    return _frame("areas", rows)


def workers() -> pd.DataFrame:
    rows = [  # id, area_id, name, phone, role, employment, active, hired_on
        (101, 11, "张三明", "13800000101", "grid_worker", "full_time", True, date(2023, 5, 1)),
        (102, 13, "李四", "13800000102", "grid_worker", "part_time", True, date(2024, 1, 15)),
        (103, 6, "王五", "13800000103", "instructor", "full_time", True, date(2022, 3, 1)),
        (104, 4, "赵六", "13800000104", "chief", "full_time", True, date(2021, 7, 1)),
        (105, 15, "钱七", "13800000105", "grid_worker", "part_time", False, date(2024, 6, 1)),
        (106, 14, "孙八", "13800000106", "grid_worker", "full_time", True, date(2025, 2, 1)),
        (107, 11, "周九", "13800000107", "grid_worker", "part_time", True, date(2025, 9, 1)),
        (108, 6, "吴十", "13800000108", "instructor", "part_time", True, date(2024, 3, 1)),
        (109, 7, "郑十一", "13800000109", "instructor", "full_time", True, date(2023, 8, 1)),
        (110, 7, "冯十二", "13800000110", "instructor", "part_time", True, date(2025, 4, 1)),
    ]
    cols = ["id", "area_id", "name", "phone", "role", "employment", "active", "hired_on"]
    return _frame("workers", [dict(zip(cols, r)) for r in rows])


def event_categories() -> pd.DataFrame:
    rows = [  # code, name, parent_code, dimension, sla_hours
        ("PS", "治安", None, "public_security", None),
        ("PS01", "治安警情", "PS", "public_security", 24.0),
        ("FI01", "消防隐患警情", None, "fire", 12.0),
        ("DS01", "矛盾纠纷", None, "dispute", 72.0),
        ("SH01", "安全隐患", None, "safety_hazard", 48.0),
        ("CM", "城市管理", None, "city_management", None),
        ("CM01", "市容环境", "CM", "city_management", 24.0),
    ]
    cols = ["code", "name", "parent_code", "dimension", "sla_hours"]
    return _frame("event_categories", [dict(zip(cols, r)) for r in rows])


# id, grid, category, reported, closed, deadline, status, resolved_level, reopen_count
_EVENTS = [
    (1, 11, "PS01", "03-02 09:00", "03-02 13:00", "03-03 09:00", "closed", "grid", 0),
    (2, 11, "CM01", "03-02 10:00", "03-03 16:00", "03-03 10:00", "closed", "grid", 0),
    (3, 11, "DS01", "03-03 08:00", "03-04 08:00", "03-06 08:00", "closed", "grid", 0),
    (4, 11, "DS01", "03-03 14:00", "03-05 14:00", "03-06 14:00", "closed", "community", 1),
    (5, 11, "CM01", "03-04 09:00", None, "03-05 09:00", "rejected", None, 0),
    (6, 12, "SH01", "03-04 10:00", "03-06 09:00", "03-06 10:00", "closed", "grid", 0),
    (7, 12, "SH01", "03-05 08:00", None, "03-07 08:00", "processing", None, 0),
    (8, 12, "CM01", "03-06 09:00", "03-12 12:00", "03-07 09:00", "closed", "community", 0),
    (9, 12, "CM01", "03-07 09:00", "03-13 09:00", "03-10 09:00", "closed", "grid", 0),
    (10, 13, "PS01", "03-02 20:00", "03-03 02:00", "03-03 20:00", "closed", "grid", 0),
    (11, 13, "FI01", "03-03 11:00", "03-03 21:00", "03-03 23:00", "closed", "community", 0),
    (12, 13, "DS01", "03-04 15:00", "03-08 15:00", "03-07 15:00", "closed", "grid", 2),
    (13, 14, "CM01", "03-05 10:00", "03-06 10:00", None, "closed", "grid", 0),
    (14, 14, "SH01", "03-05 16:00", "03-07 16:00", "03-07 16:00", "closed", "community", 0),
    (15, 14, "SH01", "03-08 09:00", None, "03-14 09:00", "dispatched", None, 0),
    (16, 15, "CM01", "03-06 12:00", "03-06 08:00", None, "closed", "grid", 0),
    (17, BAD_GRID, "PS01", "03-03 10:00", None, "03-04 10:00", "processing", None, 0),
    (18, 15, "PS01", "03-08 23:30", "03-09 01:30", "03-09 23:30", "closed", "grid", 0),
    (19, 11, "CM01", "03-09 00:00", None, "03-10 00:00", "accepted", None, 0),
    (20, 15, "CM01", "03-02 00:00", "03-02 05:00", "03-03 00:00", "closed", "community", 0),
    (21, 14, "CM01", "02-27 10:00", "03-03 10:00", "02-28 10:00", "closed", "grid", 0),
    (22, 13, "CM01", "03-06 10:00", "03-07 10:00", "03-08 10:00", "processing", None, 1),
    (23, 12, "CM01", "03-08 20:00", None, None, "reported", None, 0),
    (24, 13, "PS01", "03-05 22:00", None, None, "rejected", None, 0),
    (30, 12, "SH01", "02-25 09:00", None, "02-27 09:00", "processing", None, 0),
    (31, 14, "CM01", "01-15 09:00", None, "01-16 09:00", "accepted", None, 0),
    (41, 11, "PS01", "02-23 10:00", "02-23 14:00", "02-24 10:00", "closed", "grid", 0),
    (42, 13, "CM01", "02-24 09:00", "02-26 09:00", "02-25 09:00", "closed", "community", 0),
    (43, 14, "DS01", "02-26 10:00", "02-27 10:00", "03-01 10:00", "closed", "grid", 0),
    (44, 15, "CM01", "02-28 08:00", None, None, "rejected", None, 0),
    (45, 11, "CM01", "03-01 23:59:59", "03-02 01:59:59", "03-02 23:59:59", "closed", "grid", 0),
    (51, 11, "PS01", "2025-03-03 09:00", "2025-03-03 12:00", "2025-03-04 09:00", "closed", "grid", 0),
    (52, 13, "CM01", "2025-03-05 10:00", "2025-03-06 10:00", "2025-03-06 10:00", "closed", "grid", 0),
    (53, 15, "FI01", "2025-03-07 10:00", None, None, "rejected", None, 0),
]
_SOURCES = ENUMS[("events", "source")]
_GRID_WORKER = {11: 101, 13: 102, 14: 106, 15: 105}
_REPORTED_BY = {1: 101, 2: 101, 6: 101, 19: 101, 4: 107, 22: 102, 24: 110}  # event id → worker (worker tests)
_ACCEPTED_AFTER = {2: pd.Timedelta(minutes=45), 3: None, 4: pd.Timedelta(minutes=30),  # event id → delay
                   8: pd.Timedelta(seconds=30 * 60 + 1), 9: pd.Timedelta(minutes=40)}


def _accepted_at(i: int, reported_at: datetime, status: str) -> datetime | None:
    if status == "reported":
        return None
    delay = _ACCEPTED_AFTER.get(i, pd.Timedelta(minutes=10 + i))
    return None if delay is None else reported_at + delay


def events() -> pd.DataFrame:
    rows = []
    for i, grid, cat, rep, closed, deadline, status, level, reopen in _EVENTS:
        reported_at = _ts(rep)
        source = "worker_app" if i in _REPORTED_BY else _SOURCES[i % len(_SOURCES)]
        rows.append(dict(
            id=i, case_no=f"WG{reported_at:%Y%m%d}{i:04d}", grid_id=grid, category_code=cat, source=source,
            reporter_worker_id=_REPORTED_BY.get(i, _GRID_WORKER.get(grid) if source == "worker_app" else None),
            reported_at=reported_at,
            accepted_at=_accepted_at(i, reported_at, status),
            dispatched_at=reported_at + pd.Timedelta(hours=1) if status not in ("reported", "accepted", "rejected") else None,
            closed_at=_ts(closed), deadline_at=_ts(deadline), status=status, resolved_level=level,
            reopen_count=reopen, lon=119.16 + i / 10000, lat=36.65, address=f"测试路{i}号",
            description=f"测试事件{i}", reporter_name="周小明", reporter_phone=f"1390000{i:04d}",
            department_code=None if status in ("reported", "accepted", "rejected")
            else _BOUNCED[i][-1][0] if i in _BOUNCED else _RESPONSIBLE[cat],
        ))
    return _frame("events", rows)


def departments() -> pd.DataFrame:
    rows = [("GA", "公安分局", "职能部门"), ("CG", "城管局", "职能部门"), ("ZJ", "住建局", "职能部门"),
            ("SF", "司法所", "职能部门"), ("GR", "供热公司", "公共服务企业")]  # GR: no case at all
    return _frame("departments", [dict(code=c, name=n, kind=k) for c, n, k in rows])


_RESPONSIBLE = {"PS01": "GA", "FI01": "GA", "CM01": "CG", "SH01": "ZJ", "DS01": "SF"}
_SLOW = {"ZJ": pd.Timedelta(hours=3)}  # 住建局 signs 3 h after a dispatch, the others after 30 min
# Cases that bounced: event id → [(department, dispatched, accepted ("" = +30 min / +3 h), returned, reason)]
_BOUNCED = {
    2: [("ZJ", "03-02 11:00", None, "03-02 13:00", "非本部门职责"), ("CG", "03-02 13:30", "", None, None)],
    6: [("CG", "03-04 11:00", "03-04 11:20", "03-04 15:00", "职责交叉，建议由住建局办理"), ("ZJ", "03-04 15:10", "", None, None)],
    8: [("ZJ", "03-06 10:00", None, "03-06 12:00", "非本部门职责"),
        ("SF", "03-06 12:30", "03-06 13:30", "03-06 18:30", "不属于纠纷调解"), ("CG", "03-06 19:00", "", None, None)],
    42: [("ZJ", "02-24 10:00", None, "02-24 11:00", "非本部门职责"), ("CG", "02-24 11:30", "", None, None)],
}
_UNSIGNED = {15}  # dispatched, not yet signed for at T


def dispatches() -> pd.DataFrame:
    """Every dispatched case (status dispatched, processing or closed) went to its category's
    department at its dispatched_at, except the bounced ones above (see tests/test_departments.py)."""
    rows = []
    for event in events().itertuples():
        if pd.isna(event.dispatched_at):
            continue
        default = [(_RESPONSIBLE[event.category_code], event.dispatched_at, "", None, None)]
        for dept, sent, signed, returned, reason in _BOUNCED.get(event.id, default):
            sent = _ts(sent) if isinstance(sent, str) else sent.to_pydatetime()
            if signed == "":
                signed = None if event.id in _UNSIGNED else sent + _SLOW.get(dept, pd.Timedelta(minutes=30))
            rows.append(dict(id=len(rows) + 1, event_id=event.id, department_code=dept, dispatched_at=sent,
                             accepted_at=_ts(signed) if isinstance(signed, str) else signed,
                             returned_at=_ts(returned), reason=reason))
    return _frame("dispatches", rows)


def surveys() -> pd.DataFrame:
    rows = [  # id, grid, event_id, surveyed_at, result, kind
        (1, 11, 1, "03-02 15:00", "satisfied", "callback"),
        (2, 11, 3, "03-04 10:00", "satisfied", "callback"),
        (3, 11, None, "03-02 00:00", "basically_satisfied", "resident_survey"),
        (4, 11, 2, "03-04 09:00", "dissatisfied", "callback"),
        (5, 12, 6, "03-06 12:00", "satisfied", "callback"),
        (6, 12, None, "03-06 13:00", "unknown", "resident_survey"),
        (7, 13, 10, "03-03 09:00", "satisfied", "callback"),
        (8, 13, 11, "03-04 09:00", "basically_satisfied", "callback"),
        (9, 13, 12, "03-08 18:00", "dissatisfied", "callback"),
        (10, 14, 13, "03-06 15:00", "satisfied", "callback"),
        (11, 15, 18, "03-09 00:00", "satisfied", "callback"),
        (12, 11, None, "03-01 18:00", "satisfied", "resident_survey"),
        (13, BAD_GRID, None, "03-05 10:00", "dissatisfied", "resident_survey"),
        (14, 13, 42, "02-26 12:00", "dissatisfied", "callback"),
        (15, 14, 43, "02-27 12:00", "basically_satisfied", "callback"),
        (16, 11, 51, "2025-03-04 10:00", "satisfied", "callback"),
        (17, 13, 52, "2025-03-06 12:00", "satisfied", "callback"),
        (18, 14, None, "03-07 10:00", None, "resident_survey"),
    ]
    return _frame("surveys", [dict(id=i, grid_id=g, event_id=e, surveyed_at=_ts(t), result=r, kind=k)
                              for i, g, e, t, r, k in rows])


def patrols() -> pd.DataFrame:
    rows = [  # id, worker, grid, kind, started, minutes, households_visited
        (1, 101, 11, "visit", "03-03 09:00", 120, 40),
        (2, 101, 11, "patrol", "03-04 14:00", 60, None),
        (3, 101, 11, "visit", "03-06 09:00", 90, 30),
        (4, 102, 13, "visit", "03-05 09:00", 180, 120),
        (5, 102, 13, "visit", "03-08 23:00", 50, 400),
        (6, 102, 13, "visit", "03-09 00:00", 60, 50),
        (7, 101, 12, "patrol", "03-05 10:00", 60, 25),
        (8, 101, 11, "visit", "02-25 09:00", 60, 60),
        (9, 106, BAD_GRID, "visit", "03-04 09:00", 60, 100),
        (10, 101, 11, "visit", "2025-03-04 09:00", 60, 50),
        (11, 105, 15, "visit", "03-07 09:00", 240, 300),
        (12, 101, 11, "patrol", "03-03 15:00", 30, None),
        (13, 101, 11, "patrol", "03-09 00:00", 30, None),
        (14, 101, 11, "patrol", "03-01 23:30", 60, None),
        (15, 107, 11, "patrol", "03-02 00:00", 60, None),
        (16, 107, 11, "visit", "03-04 10:00", 60, 0),
        (17, 107, 11, "patrol", "03-07 09:00", 60, None),
        (18, 107, 11, "patrol", "03-08 10:00", 60, None),
        (19, 107, 11, "patrol", "03-05 10:00", 60, None),
        (20, 107, 11, "patrol", "03-06 10:00", 60, None),
    ]
    return _frame("patrols", [dict(id=i, worker_id=w, grid_id=g, kind=k, started_at=_ts(s),
                                   ended_at=_ts(s) + pd.Timedelta(minutes=m), households_visited=hh)
                              for i, w, g, k, s, m, hh in rows])


_DATETIME_COLS = {"reported_at", "accepted_at", "dispatched_at", "closed_at", "deadline_at",
                  "started_at", "ended_at", "surveyed_at", "returned_at"}


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    cols = [c for c, _ in CANONICAL[table]]
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols:
        if c in _DATETIME_COLS:
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[us]")
    return frame


def frames() -> dict[str, pd.DataFrame]:
    """Every canonical table of the fixture city, in canonical names and values."""
    return {"areas": areas(), "workers": workers(), "event_categories": event_categories(),
            "events": events(), "patrols": patrols(), "surveys": surveys(),
            "departments": departments(), "dispatches": dispatches()}


def load_fixture(url: str, schema_map: SchemaMap | None = None) -> None:
    """(Re)create the tables at `url` (under `schema_map`'s names and codes) and fill them."""
    db = Database.connect(url, schema_map, read_only=False)
    try:
        create_tables(db)
        for table, frame in frames().items():
            write_frame(db, table, frame)
    finally:
        db.dispose()
