"""The wall's own metrics (metrics/wall.py) against values counted BY HAND from tests/fixture.py,
on DuckDB, PostgreSQL and MariaDB.

Two as-of times: T = 2026-03-12 12:00 (the fixture's, nothing reported that day) and
T5 = 2026-03-05 18:00 (a busy afternoon). "Yesterday" is the same clock time one day earlier.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from metrics import wall
from metrics.scope import Scope
from tests.fixture import ASOF, END, START

T5 = datetime(2026, 3, 5, 18, 0)
CITY, S2 = Scope.everywhere(), Scope(("S2",))


def call(fn, db, asof, scope=CITY, area_code=None, **kw):
    return fn(db, start=START, end=END, asof=asof, scope=scope, area_code=area_code, **kw)


@pytest.mark.parametrize("asof, scope, area_code, expected", [
    # 03-05 00:00–18:00: reported E7 (G2 08:00), E13 (G4 10:00), E14 (G4 16:00) — E24 (22:00) is after T;
    # closed E4 (14:00); overdue at T: E30 (deadline 02-27), E31 (01-16) — E7 is due 03-07, E5 rejected.
    # Yesterday 03-04 00:00–18:00: reported E5, E6, E12; closed E3 (08:00); overdue E30, E31.
    pytest.param(T5, CITY, None, {"reported": 3, "closed": 1, "overdue_open": 2,
                                  "previous": {"reported": 3, "closed": 1, "overdue_open": 2}}, id="city-T5"),
    # S2: reported E13, E14 (yesterday E12); nothing of S2 closed on 03-05 or 03-04 before 18:00
    # (E11 closed 03-03); overdue E31 on both days.
    pytest.param(T5, S2, None, {"reported": 2, "closed": 0, "overdue_open": 1,
                                "previous": {"reported": 1, "closed": 0, "overdue_open": 1}}, id="S2-T5"),
    # 03-12 up to 12:00: nothing reported; closed E8 (exactly at T, counts). Overdue: the six of
    # tests/test_metrics.py (E7, E9, E19, E22, E30, E31). Yesterday 03-11 12:00: same six and E15? no (due
    # 03-14); E8 was still open and past its deadline (03-07) → 7; nothing closed on 03-11.
    pytest.param(ASOF, CITY, None, {"reported": 0, "closed": 1, "overdue_open": 6,
                                    "previous": {"reported": 0, "closed": 0, "overdue_open": 7}}, id="city-T"),
    # S2 at T: overdue E22, E31 (test_metrics S2["overdue_open"] = 2), and the same yesterday.
    pytest.param(ASOF, S2, None, {"reported": 0, "closed": 0, "overdue_open": 2,
                                  "previous": {"reported": 0, "closed": 0, "overdue_open": 2}}, id="S2-T"),
    # A grid inside the scope narrows it: G4 at T5 — E13, E14 today; E31 overdue.
    pytest.param(T5, S2, "G4", {"reported": 2, "closed": 0, "overdue_open": 1,
                                "previous": {"reported": 0, "closed": 0, "overdue_open": 1}}, id="G4-T5"),
])
def test_day_counts(fixture_db, asof, scope, area_code, expected):
    assert call(wall.day_counts, fixture_db, asof, scope, area_code) == expected


def test_hot_spots_of_the_last_24_hours(fixture_db):
    # (03-04 18:00, 03-05 18:00]: E7 (G2, SH01), E13 (G4, CM01), E14 (G4, SH01)
    grids = call(wall.hot_spots, fixture_db, T5, by="grid")
    assert list(zip(grids["key"], grids["label"], grids["events"])) == [("G4", "第四网格", 2), ("G2", "第二网格", 1)]
    cats = call(wall.hot_spots, fixture_db, T5, by="category")
    assert list(zip(cats["key"], cats["label"], cats["events"])) == [("SH01", "安全隐患", 2), ("CM01", "市容环境", 1)]
    s2 = call(wall.hot_spots, fixture_db, T5, S2, by="category")
    assert list(zip(s2["key"], s2["events"])) == [("CM01", 1), ("SH01", 1)]  # ties by code
    assert call(wall.hot_spots, fixture_db, ASOF, by="grid").empty  # nothing in the 24 h before T
    assert list(call(wall.hot_spots, fixture_db, T5, by="grid", limit=1)["key"]) == ["G4"]
    with pytest.raises(ValueError):
        call(wall.hot_spots, fixture_db, T5, by="reporter_name")


def test_hourly_today_and_yesterday(fixture_db):
    frame = call(wall.hourly, fixture_db, T5)
    assert list(frame["hour"]) == list(range(24))
    today = {h: v for h, v in zip(frame["hour"], frame["today"]) if pd.notna(v) and v}
    assert today == {8: 1, 10: 1, 16: 1}  # E7, E13, E14 (E24 at 22:00 is after T)
    assert frame["today"].iloc[19:].isna().all() and frame["today"].iloc[:19].notna().all()
    yesterday = {h: v for h, v in zip(frame["hour"], frame["yesterday"]) if v}
    assert yesterday == {9: 1, 10: 1, 15: 1}  # 03-04: E5 09:00, E6 10:00, E12 15:00


def test_overdue_list_has_no_personal_column(fixture_db):
    frame = call(wall.overdue_list, fixture_db, ASOF, S2)
    assert list(frame["id"]) == [31, 22]  # deadline 01-16, then 03-08
    assert list(frame["overdue_hours"]) == [1323.0, 98.0]
    assert list(frame["grid"]) == ["第四网格", "第三网格"] and list(frame["category"]) == ["市容环境", "市容环境"]
    assert list(frame["status"]) == ["已受理", "处置中"]
    assert not {"reporter_name", "reporter_phone", "address", "description"} & set(frame.columns)
    assert list(call(wall.overdue_list, fixture_db, ASOF)["id"]) == [31, 30, 7, 22, 19, 9]


def test_newest_list_shows_the_status_at_the_asof_time(fixture_db):
    frame = call(wall.newest_list, fixture_db, T5, S2)  # (03-02 18:00, 03-05 18:00]
    assert list(frame["id"]) == [14, 13, 12, 11, 10]
    # E14, E13, E12 closed later (03-07, 03-06, 03-08): still being handled at T5
    assert list(frame["status"]) == ["处置中", "处置中", "处置中", "已结案", "已结案"]
    assert frame["closed_at"].iloc[:3].isna().all()
    assert not {"reporter_name", "reporter_phone", "address", "description"} & set(frame.columns)
    assert list(call(wall.newest_list, fixture_db, T5, S2, hours=24)["id"]) == [14, 13]
