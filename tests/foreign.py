"""A small platform database in a schema that is not ours: mapped through config and one view only.

Names and codes are a made-up 工单 (work-order) system's: districts and streets in `org_region`, grids
in `org_grid`, joined into one area list by the view `v_area`; cases in `gd_case` with integer status
and channel codes and no deadline, resolving level or reopen count; categories in `gd_type` with
integer dimension codes; callbacks in `hf_record`; the handling unit's code on the case (`cbdw`) and
the units in `sys_dept`, but no dispatch history; no patrols and no workers at all.

    D01 东城区 (1)
    ├── S01 北街道 (2) ── G101 北一网格 (101) 400 户 / 1000 人 · G102 北二网格 (102) 300 / 800
    └── S02 南街道 (3) ── G103 南一网格 (103) 500 / 1500 · G104 南二网格 (104) 200 / 700

Period P = [2026-03-02, 2026-03-09), T = 2026-03-12 12:00. Cases (zt: 1 new, 2 accepted, 3 dispatched,
4 processing, 5 closed, 6 closed and archived, 9 rejected; qd: 1 app, 2 12345 phone, 3 12345 web,
7 video, 17 a channel the mapping leaves unmapped):

 id grid type qd reported     accepted dispatched closed        zt  what it exercises
  1 101  ZA01  1 03-02 09:00  09:10    09:30      03-02 13:00    5  closed, 4 h
  2 101  CG01  2 03-03 10:00  10:20    11:00      03-04 10:00    6  closed (archived code), 24 h
  3 102  JF01  3 03-04 08:00  08:30    -          -              4  open; 12345 by its second code
  4 102  CG01 17 03-05 14:00  -        -          -              9  rejected; unmapped channel
  5 103  XF01  7 03-06 20:00  20:05    20:30      03-07 06:00    5  fire, closed, 10 h
  6 103  CG01  2 03-07 09:00  09:30    10:00      03-13 09:00    5  closed after T: open at T
  7 104  ZA01 17 03-08 22:00  22:10    -          -              1  new; unmapped channel
  8 104  CG01  1 03-01 10:00  -        -          03-01 12:00    5  before P
  9 101  CG01  1 03-09 00:00  -        -          -              2  at P's end: not in P
 10 999  ZA01  1 03-03 10:00  -        -          03-03 11:00    5  a grid that does not exist

Callbacks (myd: 1 满意, 2 基本满意, 3 不满意, 0 未接通 — unmapped, so not a valid answer):
  1 case 1 grid 101 03-02 15:00 1    2 case 2 grid 101 03-04 12:00 2    3 case 5 grid 103 03-07 08:00 3
  4 case 6 grid 103 03-08 10:00 0    5 no case grid 102 03-05 09:00 1    6 grid 104 03-10 09:00 1 (after P)
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from data_access.db import create_engine

START, END, ASOF = datetime(2026, 3, 2).date(), datetime(2026, 3, 9).date(), datetime(2026, 3, 12, 12)

md = sa.MetaData()
REGION = sa.Table("org_region", md, sa.Column("rid", sa.Integer, primary_key=True, autoincrement=False),
                  sa.Column("up_rid", sa.Integer), sa.Column("rtype", sa.Integer), sa.Column("rcode", sa.String(20)),
                  sa.Column("rname", sa.String(50)), sa.Column("x", sa.Float), sa.Column("y", sa.Float))
GRID = sa.Table("org_grid", md, sa.Column("gid", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("street_rid", sa.Integer), sa.Column("gcode", sa.String(20)), sa.Column("gname", sa.String(50)),
                sa.Column("hh", sa.Integer), sa.Column("pop", sa.Integer), sa.Column("x", sa.Float), sa.Column("y", sa.Float))
CASE = sa.Table("gd_case", md, sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("wg", sa.Integer), sa.Column("lb_dm", sa.String(10)), sa.Column("qd", sa.Integer),
                sa.Column("sb_sj", sa.DateTime), sa.Column("sl_sj", sa.DateTime), sa.Column("pq_sj", sa.DateTime),
                sa.Column("ja_sj", sa.DateTime), sa.Column("zt", sa.Integer), sa.Column("dz", sa.String(100)),
                sa.Column("cbdw", sa.String(10)))
DEPT = sa.Table("sys_dept", md, sa.Column("dept_id", sa.String(10), primary_key=True), sa.Column("dept_mc", sa.String(50)))
TYPE = sa.Table("gd_type", md, sa.Column("type_dm", sa.String(10), primary_key=True),
                sa.Column("type_mc", sa.String(50)), sa.Column("wd", sa.Integer))
CALLBACK = sa.Table("hf_record", md, sa.Column("hf_id", sa.Integer, primary_key=True, autoincrement=False),
                    sa.Column("case_id", sa.Integer), sa.Column("wg", sa.Integer), sa.Column("hf_sj", sa.DateTime),
                    sa.Column("myd", sa.Integer))


def t(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute)


ROWS = {
    REGION: [(1, None, 1, "D01", "东城区", 119.10, 36.60), (2, 1, 2, "S01", "北街道", 119.12, 36.66),
             (3, 1, 2, "S02", "南街道", 119.14, 36.58)],
    GRID: [(101, 2, "G101", "北一网格", 400, 1000, 119.11, 36.67), (102, 2, "G102", "北二网格", 300, 800, 119.13, 36.67),
           (103, 3, "G103", "南一网格", 500, 1500, 119.13, 36.57), (104, 3, "G104", "南二网格", 200, 700, 119.15, 36.57)],
    CASE: [
        (1, 101, "ZA01", 1, t(2, 9), t(2, 9, 10), t(2, 9, 30), t(2, 13), 5, "北一路1号", "GAJ"),
        (2, 101, "CG01", 2, t(3, 10), t(3, 10, 20), t(3, 11), t(4, 10), 6, "北一路2号", "CGJ"),
        (3, 102, "JF01", 3, t(4, 8), t(4, 8, 30), None, None, 4, "北二路3号", None),
        (4, 102, "CG01", 17, t(5, 14), None, None, None, 9, "北二路4号", None),
        (5, 103, "XF01", 7, t(6, 20), t(6, 20, 5), t(6, 20, 30), t(7, 6), 5, "南一路5号", "XFJ"),
        (6, 103, "CG01", 2, t(7, 9), t(7, 9, 30), t(7, 10), t(13, 9), 5, "南一路6号", "CGJ"),
        (7, 104, "ZA01", 17, t(8, 22), t(8, 22, 10), None, None, 1, "南二路7号", None),
        (8, 104, "CG01", 1, t(1, 10), None, None, t(1, 12), 5, "南二路8号", "CGJ"),
        (9, 101, "CG01", 1, t(9, 0), None, None, None, 2, "北一路9号", None),
        (10, 999, "ZA01", 1, t(3, 10), None, None, t(3, 11), 5, "不存在的网格", "GAJ"),
    ],
    DEPT: [("GAJ", "公安局"), ("CGJ", "城管执法局"), ("XFJ", "消防救援大队")],
    TYPE: [("ZA01", "盗窃", 1), ("JF01", "邻里纠纷", 2), ("CG01", "占道经营", 5), ("XF01", "消防通道堵塞", 4)],
    CALLBACK: [(1, 1, 101, t(2, 15), 1), (2, 2, 101, t(4, 12), 2), (3, 5, 103, t(7, 8), 3), (4, 6, 103, t(8, 10), 0),
               (5, None, 102, t(5, 9), 1), (6, None, 104, t(10, 9), 1)],
}

# The one view: the platform keeps regions and grids apart; the dashboard wants one area list.
VIEW = """CREATE VIEW v_area AS
SELECT rid AS area_id, up_rid AS up_id, CASE rtype WHEN 1 THEN 'district' ELSE 'street' END AS area_level,
       rcode AS area_code, rname AS area_name, NULL AS hu, NULL AS ren, x, y
FROM org_region
UNION ALL
SELECT gid, street_rid, 'grid', gcode, gname, hh, pop, x, y FROM org_grid"""

# …and config.toml's [schema] for it: names, absent tables and columns, codes (several to one).
CONFIG = """
[schema.tables]
areas = "v_area"
events = "gd_case"
event_categories = "gd_type"
surveys = "hf_record"
departments = "sys_dept"
dispatches = false
patrols = false
workers = false

[schema.columns.areas]
id = "area_id"
parent_id = "up_id"
level = "area_level"
code = "area_code"
name = "area_name"
households = "hu"
population = "ren"
lon = "x"
lat = "y"
boundary = false

[schema.columns.events]
id = "case_id"
case_no = "case_id"
grid_id = "wg"
category_code = "lb_dm"
source = "qd"
reporter_worker_id = false
reported_at = "sb_sj"
accepted_at = "sl_sj"
dispatched_at = "pq_sj"
closed_at = "ja_sj"
deadline_at = false
status = "zt"
resolved_level = false
reopen_count = false
lon = false
lat = false
address = "dz"
description = false
reporter_name = false
reporter_phone = false
department_code = "cbdw"

[schema.columns.departments]
code = "dept_id"
name = "dept_mc"
kind = false

[schema.columns.event_categories]
code = "type_dm"
name = "type_mc"
parent_code = false
dimension = "wd"
sla_hours = false

[schema.columns.surveys]
id = "hf_id"
grid_id = "wg"
event_id = "case_id"
surveyed_at = "hf_sj"
result = "myd"
kind = false

[schema.values.events.status]
reported = 1
accepted = 2
dispatched = 3
processing = 4
closed = [5, 6]
rejected = 9

[schema.values.events.source]
worker_app = 1
hotline_12345 = [2, 3]
video = 7

[schema.values.event_categories.dimension]
public_security = 1
dispute = 2
safety_hazard = 3
fire = 4
city_management = 5
public_service = 6

[schema.values.surveys.result]
satisfied = 1
basically_satisfied = 2
dissatisfied = 3
"""


def load_foreign(url: str) -> None:
    """(Re)create the foreign tables and the view, and write the rows above."""
    engine = create_engine(url, read_only=False)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP VIEW IF EXISTS v_area"))
            md.drop_all(conn)
            md.create_all(conn)
            for table, rows in ROWS.items():
                conn.execute(table.insert(), [dict(zip(table.c.keys(), r)) for r in rows])
            conn.execute(sa.text(VIEW))
    finally:
        engine.dispose()
