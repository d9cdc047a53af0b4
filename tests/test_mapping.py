"""README: Connecting your platform database: the dashboard reads a platform database under other table, column and code names.

The fixture city is written through a SchemaMap (write_frame translates canonical values into the
platform's codes) into separate databases; every metric read through the same map must equal the
canonical database's. Also: the fixture loads on every dialect, and a bad map names its key.
"""
from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from data_access.db import Database
from data_access.errors import ConfigError
from data_access.schema import SchemaMap
from tests.conftest import DIALECTS
from tests.fixture import ASOF, END, START, frames

MAPPED_DB = "grid_fixture_mapped"

PLATFORM = SchemaMap(
    tables={"events": "t_case", "areas": "t_region", "surveys": "t_feedback", "patrols": "t_xuncha",
            "workers": "t_staff", "event_categories": "t_case_type"},
    columns={
        "events": {"reported_at": "report_time", "status": "case_state", "grid_id": "wg_id",
                   "closed_at": "finish_time", "deadline_at": "limit_time", "category_code": "type_code",
                   "resolved_level": "solve_level", "reopen_count": "rework_times", "id": "case_id"},
        "areas": {"parent_id": "pid", "level": "jb", "code": "region_code", "households": "hs",
                  "population": "rk", "id": "region_id"},
        "surveys": {"result": "myd", "grid_id": "wg_id", "surveyed_at": "hf_time", "event_id": "case_id"},
        "patrols": {"kind": "lx", "grid_id": "wg_id", "started_at": "ks_time", "households_visited": "zf_hs"},
        "event_categories": {"code": "type_code", "dimension": "wd", "parent_code": "p_type_code"},
        "workers": {"area_id": "wg_id", "role": "js"},
    },
    values={
        "events": {
            "status": {"reported": "0", "accepted": "1", "dispatched": "2", "processing": "3", "closed": "5",
                       "rejected": "9"},
            "resolved_level": {"grid": "1", "community": "2", "street": "3", "district": "4"},
            "source": {"worker_app": "APP", "hotline_12345": "12345", "video": "SP", "resident": "JM",
                       "department": "BM"},
        },
        "areas": {"level": {"district": "区", "street": "街道", "workarea": "工作片", "community": "社区",
                            "grid": "网格"}},
        "surveys": {"result": {"satisfied": "1", "basically_satisfied": "2", "dissatisfied": "3"},
                    "kind": {"callback": "HF", "resident_survey": "CY"}},
        "patrols": {"kind": {"visit": "ZF", "patrol": "XC"}},
        "event_categories": {"dimension": {"public_security": "ZA", "dispute": "MD", "safety_hazard": "AQ",
                                           "fire": "XF", "city_management": "CG", "public_service": "MS",
                                           "other": "QT"}},
        "workers": {"role": {"grid_worker": "WGY", "instructor": "ZDY", "chief": "WGZ"},
                    "employment": {"full_time": "ZZ", "part_time": "JZ"}},
    },
)


@pytest.fixture(scope="session", params=DIALECTS)
def both_dbs(request, load_database):
    """(canonical, mapped) read-only Databases holding the same fixture on one dialect."""
    canonical = Database.connect(load_database(request.param))
    mapped = Database.connect(load_database(request.param, MAPPED_DB, PLATFORM), PLATFORM)
    yield canonical, mapped
    canonical.dispose()
    mapped.dispose()


# ---- the fixture itself (needs data_access only) ----

def _count(db: Database, table: str) -> int:
    return int(db.query(sa.select(sa.func.count()).select_from(db.schema.table(table))).iloc[0, 0])


def test_fixture_loads(fixture_db):
    for table, frame in frames().items():
        assert _count(fixture_db, table) == len(frame), table
    ev = fixture_db.schema.table("events")
    rows = fixture_db.query(sa.select(ev.c.status, sa.func.count().label("n")).group_by(ev.c.status))
    assert dict(zip(rows["status"], rows["n"])) == {"closed": 22, "rejected": 4, "processing": 4,
                                                   "accepted": 2, "dispatched": 1, "reported": 1}
    # timestamps come back naive and to the second
    got = fixture_db.query(sa.select(ev.c.reported_at, ev.c.closed_at, ev.c.deadline_at).where(ev.c.id == 45))
    assert pd.Timestamp(got.iloc[0, 0]) == pd.Timestamp("2026-03-01 23:59:59")
    assert pd.Timestamp(got.iloc[0, 1]) == pd.Timestamp("2026-03-02 01:59:59")
    assert pd.isna(fixture_db.query(sa.select(ev.c.deadline_at).where(ev.c.id == 13)).iloc[0, 0])


def test_mapped_fixture_uses_platform_names_and_codes(both_dbs):
    _canonical, mapped = both_dbs
    for table, frame in frames().items():
        assert _count(mapped, table) == len(frame), table
    q = mapped.engine.dialect.identifier_preparer.quote
    with mapped.engine.connect() as conn:
        states = dict(conn.execute(sa.text(
            f"SELECT {q('case_state')}, COUNT(*) FROM {q('t_case')} GROUP BY {q('case_state')}")).all())
        levels = dict(conn.execute(sa.text(
            f"SELECT {q('jb')}, COUNT(*) FROM {q('t_region')} GROUP BY {q('jb')}")).all())
        answers = dict(conn.execute(sa.text(
            f"SELECT {q('myd')}, COUNT(*) FROM {q('t_feedback')} GROUP BY {q('myd')}")).all())
    assert states == {"5": 22, "9": 4, "3": 4, "1": 2, "2": 1, "0": 1}
    assert levels == {"区": 1, "街道": 2, "工作片": 2, "社区": 3, "网格": 6}
    # an answer outside the map stays as it is (still invalid); NULL stays NULL
    assert answers == {"1": 9, "2": 3, "3": 4, "unknown": 1, None: 1}


# ---- every metric through the map equals the canonical one ----

def _assert_same(a, b, where=""):
    if isinstance(a, dict):
        assert set(a) == set(b), f"{where}: keys differ {set(a) ^ set(b)}"
        for k in a:
            _assert_same(a[k], b[k], f"{where}.{k}")
    elif a is None or b is None:
        assert a is None and b is None, f"{where}: {a!r} != {b!r}"
    elif isinstance(a, float) or isinstance(b, float):
        assert b == pytest.approx(a, rel=1e-9, abs=1e-9), f"{where}: {a!r} != {b!r}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


SCOPES = [  # (scope subtree codes or None for everywhere, area_code)
    pytest.param(None, None, id="city"),
    pytest.param(None, "S2", id="S2"),
    pytest.param(None, "C3", id="C3"),
    pytest.param(None, "G4", id="G4"),
    pytest.param(("S1",), None, id="scope-S1"),
    pytest.param(("S1",), "G1", id="scope-S1-G1"),
    pytest.param((), None, id="empty-scope"),
]


def _scope(Scope, codes):
    return Scope.everywhere() if codes is None else Scope(codes)


@pytest.mark.parametrize("codes, area_code", SCOPES)
def test_summary_identical_through_the_map(both_dbs, codes, area_code):
    from metrics.scope import Scope
    from metrics.summary import summarize
    canonical, mapped = both_dbs
    kw = dict(start=START, end=END, asof=ASOF, scope=_scope(Scope, codes), area_code=area_code)
    want = summarize(canonical, **kw)
    assert want["reported"] > 0 or codes == (), "the canonical summary is empty: fixture not loaded?"
    _assert_same(want, summarize(mapped, **kw), f"{codes}/{area_code}")


def test_children_and_trend_identical_through_the_map(both_dbs):
    from metrics.scope import Scope
    from metrics.summary import children_table, trend
    canonical, mapped = both_dbs
    kw = dict(start=START, end=END, asof=ASOF, scope=Scope.everywhere())
    for area in ("D", "S2", "C3"):
        a = children_table(canonical, area_code=area, **kw).sort_values("code").reset_index(drop=True)
        b = children_table(mapped, area_code=area, **kw).sort_values("code").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9)
    a = trend(canonical, area_code=None, grain="day", **kw)
    b = trend(mapped, area_code=None, grain="day", **kw)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9)


# ---- an invalid map names its key ----

@pytest.mark.parametrize("section, key", [
    ({"tables": {"cases": "t_case"}}, "schema.tables.cases"),
    ({"tables": {"events": ""}}, "schema.tables.events"),
    ({"columns": {"events": {"foo": "bar"}}}, "schema.columns.events.foo"),
    ({"columns": {"incidents": {"status": "s"}}}, "schema.columns.incidents"),
    ({"values": {"events": {"status": {"finished": "5"}}}}, "schema.values.events.status.finished"),
    ({"values": {"events": {"case_no": {"x": "y"}}}}, "schema.values.events.case_no"),
    ({"values": {"surveys": {"result": {"unknown": "4"}}}}, "schema.values.surveys.result.unknown"),
    ({"tabels": {}}, "schema.tabels"),
])
def test_invalid_map_names_the_key(section, key):
    with pytest.raises(ConfigError) as err:
        SchemaMap.from_config(section)
    assert err.value.key == key
    assert key in str(err.value)


def test_platform_map_is_valid():
    PLATFORM.validate()
    assert SchemaMap.from_config({"tables": dict(PLATFORM.tables), "columns": PLATFORM.columns,
                                  "values": PLATFORM.values}) == PLATFORM
