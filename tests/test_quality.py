"""数据质量 (docs/metrics.md: bad rows): bad rows counted BY HAND on the fixture city (tests/fixture.py) on all three
dialects, the scope rules (rows of unknown grids only in the whole-city view), a fixture with duplicated
ids behind a view, and the demo generator's `--bad-rows` with the metrics it must not disturb.

Periods as in tests/test_metrics.py: P = [2026-03-02, 2026-03-09), previous = [2026-02-23, 2026-03-02),
T = 2026-03-12 12:00. Event ids are "E<n>", surveys "Q<n>", patrols "R<n>".
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from configuration.settings import MapSettings
from data_access.db import Database, write_frame
from data_access.demo import bad_rows, generate
from data_access.demo.__main__ import main
from data_access.demo.load import load
from data_access.errors import ScopeDenied
from data_access.schema import PRIMARY_KEYS, SchemaMap
from metrics.breakdowns import breakdown, handling_histogram
from metrics.definitions import MEASURES
from metrics.geo import event_density
from metrics.period import Period
from metrics.quality import RULE_KEYS, quality_report
from metrics.query import aggregate
from metrics.scope import AreaTree, Scope, resolve
from metrics.summary import summarize
from tests.conftest import DIALECTS, ensure_database
from tests.fixture import ASOF, END, PREV_END, PREV_START, START, events, load_fixture

CITY = Scope.everywhere()
S1, S2 = Scope(("S1",)), Scope(("S2",))
CITY_ONLY = {"missing_reported_at", "unknown_grid", "survey_unknown_grid", "patrol_unknown_grid"}
ZERO = dict.fromkeys(RULE_KEYS, 0)


def report(db, scope=CITY, start=START, end=END, **kw) -> pd.DataFrame:
    return quality_report(db, start=start, end=end, asof=ASOF, scope=scope, **kw).set_index("rule")


def counts(frame: pd.DataFrame) -> dict:
    return {k: (None if pd.isna(v) else int(v)) for k, v in frame["count"].items()}


def hidden(expected: dict) -> dict:
    """An area official's view: the city-only rules have no count at all."""
    return {k: (None if k in CITY_ONLY else v) for k, v in expected.items()}


# ---- the fixture city, by hand ----

def test_whole_city_counts_by_hand(fixture_db):
    got = report(fixture_db)
    assert list(got.index) == list(RULE_KEYS)
    assert counts(got) == {**ZERO,
                           "closed_before_reported": 1,   # E16 (G5): closed 03-06 08:00, reported 12:00
                           "unknown_grid": 1,             # E17 on grid 999
                           "survey_invalid_result": 2,    # Q6 "unknown" (G2), Q18 NULL (G4)
                           "survey_unknown_grid": 1,      # Q13 on grid 999
                           "patrol_unknown_grid": 1}      # R9 on grid 999
    # Q11 (G5, 03-09 00:00) is P's end; the default city box holds every fixture point.


def test_examples_show_the_offending_values_masked(fixture_db):
    got = report(fixture_db)
    closed = got.at["closed_before_reported", "examples"]
    assert closed[["id", "grid_code", "status"]].values.tolist() == [[16, "G5", "closed"]]
    assert closed.at[0, "reported_at"] == pd.Timestamp("2026-03-06 12:00")
    assert closed.at[0, "closed_at"] == pd.Timestamp("2026-03-06 08:00")
    assert closed.at[0, "address"] == "测试路****"          # 测试路16号, masked
    unknown = got.at["unknown_grid", "examples"]
    assert unknown[["id", "grid_id"]].values.tolist() == [[17, 999]] and unknown["grid_name"].isna().all()
    surveys = got.at["survey_invalid_result", "examples"]
    assert surveys["id"].tolist() == [6, 18] and surveys.at[0, "result"] == "unknown" and pd.isna(surveys.at[1, "result"])
    patrol = got.at["patrol_unknown_grid", "examples"]
    assert patrol[["id", "grid_id", "worker_id", "households_visited"]].values.tolist() == [[9, 999, 106, 100]]
    assert all(got.at[k, "examples"].empty for k in got.index if got.at[k, "count"] == 0)
    for frame in got["examples"]:
        for col in ("reporter_name", "reporter_phone", "description"):
            assert col not in frame


def test_area_official_sees_only_rows_of_their_area(fixture_db):
    # S1 = G1 G2: E16 is in G5; of the invalid answers only Q6 (G2). Grid-999 rows belong to no area.
    s1 = report(fixture_db, S1)
    assert counts(s1) == hidden({**ZERO, "survey_invalid_result": 1})
    assert s1.at["survey_invalid_result", "examples"]["id"].tolist() == [6]
    assert all(s1.at[k, "examples"].empty for k in CITY_ONLY)
    # S2 = G3..G6: E16 and Q18.
    expected = hidden({**ZERO, "closed_before_reported": 1, "survey_invalid_result": 1})
    assert counts(report(fixture_db, S2)) == expected
    # The city leader drilled into S2 sees the same: unknown grids cannot be attributed to S2.
    assert counts(report(fixture_db, CITY, area_code="S2")) == expected


def test_a_grid_without_bad_rows_and_the_empty_scope(fixture_db):
    assert counts(report(fixture_db, CITY, area_code="G6")) == hidden(ZERO)
    assert counts(report(fixture_db, Scope(()))) == hidden(ZERO)       # default-deny: nothing at all
    with pytest.raises(ScopeDenied):
        report(fixture_db, S1, area_code="S2")


def test_previous_period_is_clean(fixture_db):
    # E21 E30 E41–E45, Q12 Q14 Q15, R8: nothing wrong with any of them.
    got = report(fixture_db, start=PREV_START, end=PREV_END)
    assert counts(got) == ZERO and all(f.empty for f in got["examples"])


def test_coordinates_outside_the_configured_box(fixture_db):
    # Fixture points are lon 119.16 + id/10000, lat 36.65: a box ending at lon 119.161 leaves out ids > 10.
    box = (119.0, 36.0, 119.161, 37.0)
    got = report(fixture_db, box=box, examples=3)
    # In P: E11–E18, E20, E22–E24 (E17 too: the whole city sees its unknown grid).
    assert got.at["bad_coordinates", "count"] == 12
    ex = got.at["bad_coordinates", "examples"]
    assert ex["id"].tolist() == [11, 12, 13] and ex["lon"].tolist() == pytest.approx([119.1611, 119.1612, 119.1613])
    # S1 (G1 G2) in P: E1–E9, E23 → only E23 lies east of 119.161.
    assert report(fixture_db, S1, box=box).at["bad_coordinates", "count"] == 1


@pytest.fixture(scope="module", params=DIALECTS)
def mapped_db(request, load_database):
    """The fixture written under the platform names and codes of tests/test_mapping.py."""
    from tests.test_mapping import MAPPED_DB, PLATFORM
    db = Database.connect(load_database(request.param, MAPPED_DB, PLATFORM), PLATFORM)
    yield db
    db.dispose()


def test_a_mapped_platform_database_gives_the_same_report(mapped_db):
    got = report(mapped_db)
    assert counts(got) == {**ZERO, "closed_before_reported": 1, "unknown_grid": 1, "survey_invalid_result": 2,
                           "survey_unknown_grid": 1, "patrol_unknown_grid": 1}
    assert got.at["closed_before_reported", "examples"]["status"].tolist() == ["closed"]   # code "5", canonical
    assert got.at["survey_invalid_result", "examples"]["id"].tolist() == [6, 18]
    assert counts(report(mapped_db, S1)) == hidden({**ZERO, "survey_invalid_result": 1})


# ---- duplicated ids and the other kinds, behind a view (as a platform database bridges its tables) ----

def _extra_events() -> pd.DataFrame:
    """Rows added to the fixture's events through a view `events` = events_raw UNION ALL events_extra."""
    base = events().set_index("id", drop=False)
    rows = []

    def copy(of: int, **changes):
        rows.append({**base.loc[of].to_dict(), **changes})

    copy(1)                                                    # E1 again: duplicated id (G1, P)
    copy(17)                                                   # E17 again: duplicated id on grid 999 (P)
    copy(41)                                                   # E41 again: duplicated id (G1, previous)
    copy(3, id=2000)                                           # E3's case_no again: duplicated case_no (G1, P)
    copy(2, id=3000, case_no="X3000", grid_id=6)               # filed against community C1 (S1), not a grid
    copy(10, id=3001, case_no="X3001", category_code="XX99")   # unknown category (G3)
    copy(5, id=3002, case_no="X3002", reported_at=pd.NaT)      # no reported_at (G1)
    copy(11, id=3003, case_no="X3003", lon=None)               # no longitude (G3)
    copy(6, id=3004, case_no="X3004", lon=36.65, lat=119.1606)  # lon and lat swapped (G2)
    frame = pd.DataFrame(rows, columns=base.columns)
    for col in ("reported_at", "accepted_at", "dispatched_at", "closed_at", "deadline_at"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    return frame.astype({"lon": float, "lat": float, "reporter_worker_id": "Int64"})


@pytest.fixture(scope="module", params=DIALECTS)
def view_db(request, tmp_path_factory):
    url = ensure_database(request.param, "grid_quality", tmp_path_factory.mktemp("quality"))
    writer = Database.connect(url, read_only=False)
    with writer.engine.begin() as conn:
        conn.execute(sa.text("DROP VIEW IF EXISTS events"))
    writer.dispose()
    load_fixture(url, SchemaMap(tables={"events": "events_raw"}))
    extra = Database.connect(url, SchemaMap(tables={"events": "events_extra"}), read_only=False)
    table = extra.schema.table("events")
    with extra.engine.begin() as conn:
        table.drop(conn, checkfirst=True)
        table.create(conn)
        conn.execute(sa.text("CREATE VIEW events AS SELECT * FROM events_raw UNION ALL SELECT * FROM events_extra"))
    write_frame(extra, "events", _extra_events())
    extra.dispose()
    db = Database.connect(url)
    yield db
    db.dispose()


def test_duplicates_and_every_event_rule_behind_a_view(view_db):
    got = report(view_db)
    assert counts(got) == {**ZERO,
                           "missing_reported_at": 1,      # 3002
                           "closed_before_reported": 1,   # E16
                           "unknown_grid": 2,             # E17 twice
                           "not_grid": 1,                 # 3000 on community C1
                           "unknown_category": 1,         # 3001
                           "bad_coordinates": 2,          # 3003 (no lon), 3004 (swapped)
                           "duplicate_id": 2,             # E1, E17: one row too many each (E41 is not in P)
                           "duplicate_case_no": 1,        # E3 / 2000
                           "survey_invalid_result": 2, "survey_unknown_grid": 1, "patrol_unknown_grid": 1}
    dup = got.at["duplicate_id", "examples"]
    assert dup[["id", "rows"]].values.tolist() == [[1, 2], [17, 2]]
    assert dup.at[0, "first_case_no"] == dup.at[0, "last_case_no"] == "WG202603020001"
    case = got.at["duplicate_case_no", "examples"]
    assert case[["case_no", "rows", "first_id", "last_id"]].values.tolist() == [["WG202603030003", 2, 3, 2000]]
    not_grid = got.at["not_grid", "examples"]
    assert not_grid[["id", "grid_code", "level"]].values.tolist() == [[3000, "C1", "community"]]
    assert got.at["missing_reported_at", "examples"]["id"].tolist() == [3002]
    assert got.at["unknown_category", "examples"][["id", "category_code"]].values.tolist() == [[3001, "XX99"]]

    # S1 (G1 G2 and the community C1 above them): E1 twice, E3/2000, 3000, 3004, Q6.
    assert counts(report(view_db, S1)) == hidden({**ZERO, "duplicate_id": 1, "duplicate_case_no": 1, "not_grid": 1,
                                                  "bad_coordinates": 1, "survey_invalid_result": 1})
    assert counts(report(view_db, S2)) == hidden({**ZERO, "closed_before_reported": 1, "unknown_category": 1,
                                                  "bad_coordinates": 1, "survey_invalid_result": 1})
    # No period holds a missing reported_at: the previous week sees it again, and E41's duplicate.
    assert counts(report(view_db, start=PREV_START, end=PREV_END)) == {**ZERO, "missing_reported_at": 1,
                                                                       "duplicate_id": 1}


def test_metrics_leave_out_what_they_can(view_db):
    """What the metrics do with the view's extra rows (see the rules' `treatment`)."""
    tree = AreaTree.load(view_db)
    got = aggregate(view_db, resolve(tree, CITY), Period(START, END), ASOF,
                    ["reported", "handled_n", "dispute_closed", "security_n"]).iloc[0]
    # reported 21 by hand + E1's duplicate, 2000, 3000, 3001, 3003, 3004 (3002 has no period, E17 no area)
    assert got["reported"] == 27
    # handled 13 + E1 again, 2000 (E3), 3000 (E2), 3003 (E11), 3004 (E6); 3001 (E10) too: its category
    # is unknown but its duration is fine
    assert got["handled_n"] == 19
    # PS01/FI01 filed: E1 E10 E11 E18, + E1 again and 3003 (E11's copy); not 3001 (E10's, category unknown)
    assert got["security_n"] == 6
    by_category = breakdown(view_db, start=START, end=END, asof=ASOF, scope=CITY, by="category",
                            names=("reported",))
    assert by_category["reported"].sum() == 27 and by_category["key"].isna().sum() == 1   # 3001 in no category


@pytest.mark.xfail(strict=True, reason="docs/metrics.md: bad rows: duplicated ids should not be counted twice; the metrics "
                                       "layer counts every row (see metrics.quality RULES['duplicate_id'])")
def test_duplicated_ids_are_not_counted_twice(view_db):
    tree = AreaTree.load(view_db)
    got = aggregate(view_db, resolve(tree, CITY, "G1"), Period(START, END), ASOF, ["reported"]).iloc[0]
    # G1 in P: E1 E2 E3 E4 E5, 2000 (its own id): 6 events, E1's second row is the same event
    assert got["reported"] == 6


# ---- the demo generator's bad rows ----

GEN_END = datetime(2026, 11, 21, 16, 0)
GEN_SEED = 7
GEN_EVENTS = 3000
N = 6
LAST_30 = Period(GEN_END.date() - timedelta(days=29), GEN_END.date() + timedelta(days=1))   # 近30天 at the end
EVERYTHING = Period(date(2023, 1, 1), GEN_END.date() + timedelta(days=1))
INJECTED = set(bad_rows.KINDS)
EXCLUDED_EVERYWHERE = ("missing_reported_at", "unknown_grid", "survey_invalid_result", "survey_unknown_grid",
                       "patrol_unknown_grid")


@pytest.fixture(scope="module")
def clean_frames():
    return generate(seed=GEN_SEED, events=GEN_EVENTS, end=GEN_END)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, clean_frames):
    """kinds → a DuckDB database of the clean city plus N rows of each of those kinds (built once)."""
    folder = tmp_path_factory.mktemp("bad_rows")
    built: dict = {}

    def get(kinds: tuple[str, ...] = ()) -> Database:
        if kinds not in built:
            url = f"duckdb:///{folder / ('_'.join(kinds) or 'clean')}.duckdb"
            frames = bad_rows.inject(clean_frames, N, GEN_SEED, kinds) if kinds else clean_frames
            load(url, lambda report: frames, None)
            built[kinds] = Database.connect(url)
        return built[kinds]

    yield get
    for db in built.values():
        db.dispose()


def _bad_counts(frames: dict) -> dict:
    """Each kind counted in plain pandas on the frames."""
    e, s, p = frames["events"], frames["surveys"], frames["patrols"]
    grids = set(frames["areas"]["id"])
    x0, y0, x1, y1 = MapSettings().city_box
    return {
        "missing_reported_at": e["reported_at"].isna().sum(),
        "closed_before_reported": (e["closed_at"] < e["reported_at"]).sum(),
        "closed_without_time": ((e["status"] == "closed") & e["closed_at"].isna()).sum(),
        "unknown_grid": (~e["grid_id"].isin(grids)).sum(),
        "unknown_category": (~e["category_code"].isin(frames["event_categories"]["code"])).sum(),
        "bad_coordinates": (~(e["lon"].between(x0, x1) & e["lat"].between(y0, y1))).sum(),
        "duplicate_case_no": e["case_no"].duplicated().sum(),
        "survey_invalid_result": (~s["result"].isin(["satisfied", "basically_satisfied", "dissatisfied"])).sum(),
        "survey_unknown_grid": (~s["grid_id"].isin(grids)).sum(),
        "patrol_unknown_grid": (~p["grid_id"].isin(grids)).sum(),
    }


def test_generator_injects_exactly_n_of_each_kind_deterministically(clean_frames):
    bad = generate(seed=GEN_SEED, events=GEN_EVENTS, end=GEN_END, bad_rows=N)
    again = generate(seed=GEN_SEED, events=GEN_EVENTS, end=GEN_END, bad_rows=N)
    for table, frame in bad.items():
        pd.testing.assert_frame_equal(frame, again[table])
        clean = clean_frames[table]
        pd.testing.assert_frame_equal(frame.iloc[:len(clean)], clean)   # the generated rows are untouched
        assert frame[PRIMARY_KEYS[table]].is_unique, table              # the primary keys still hold
        assert (frame.dtypes == clean.dtypes).all(), table
    assert {k: int(v) for k, v in _bad_counts(clean_frames).items()} == dict.fromkeys(INJECTED, 0)
    assert {k: int(v) for k, v in _bad_counts(bad).items()} == dict.fromkeys(INJECTED, N)
    assert len(bad["events"]) == GEN_EVENTS + N * len(bad_rows.EVENT_KINDS)
    assert len(bad["surveys"]) - len(clean_frames["surveys"]) == N * len(bad_rows.SURVEY_KINDS)
    assert len(bad["patrols"]) - len(clean_frames["patrols"]) == N * len(bad_rows.PATROL_KINDS)
    other = generate(seed=GEN_SEED + 1, events=GEN_EVENTS, end=GEN_END, bad_rows=N)
    assert not other["events"].iloc[-N:]["case_no"].equals(bad["events"].iloc[-N:]["case_no"])
    with pytest.raises(ValueError):
        bad_rows.inject(clean_frames, -1, GEN_SEED)


def test_cli_bad_rows_show_up_in_the_report_of_the_last_30_days(tmp_path, demo_db):
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    assert main(["--url", url, "--events", str(GEN_EVENTS), "--seed", str(GEN_SEED),
                 "--end", GEN_END.strftime("%Y-%m-%d %H:%M"), "--bad-rows", str(N)]) == 0
    db = Database.connect(url)
    try:
        for period in (LAST_30, EVERYTHING):
            got = quality_report(db, start=period.start, end=period.end, asof=GEN_END, scope=CITY).set_index("rule")
            assert counts(got) == {**ZERO, **dict.fromkeys(INJECTED, N)}, period
            assert all(len(got.at[k, "examples"]) == 5 for k in INJECTED)
    finally:
        db.dispose()
    clean = demo_db()
    got = quality_report(clean, start=EVERYTHING.start, end=EVERYTHING.end, asof=GEN_END, scope=CITY)
    assert counts(got.set_index("rule")) == ZERO


def _all_measures(db: Database, period: Period, **kw) -> pd.DataFrame:
    tree = AreaTree.load(db)
    streets = [int(i) for i in tree.frame.index[tree.frame["level"] == "street"]]
    return aggregate(db, resolve(tree, CITY), period, GEN_END, list(MEASURES), groups=streets, **kw)


def test_rows_excluded_everywhere_change_no_metric(demo_db):
    clean, bad = demo_db(), demo_db(EXCLUDED_EVERYWHERE)
    for period in (LAST_30, EVERYTHING):
        pd.testing.assert_frame_equal(_all_measures(bad, period), _all_measures(clean, period))
    kw = dict(start=LAST_30.start, end=LAST_30.end, asof=GEN_END, scope=CITY)
    assert summarize(bad, **kw) == summarize(clean, **kw)
    pd.testing.assert_frame_equal(breakdown(bad, by="category", **kw), breakdown(clean, by="category", **kw))


def test_closed_before_reported_leaves_handling_time_alone(demo_db):
    clean, bad = demo_db(), demo_db(("closed_before_reported",))
    handling = ["handled_n", "mean_hours", "median_hours", "p90_hours"]
    pd.testing.assert_frame_equal(_all_measures(bad, LAST_30)[handling], _all_measures(clean, LAST_30)[handling])
    kw = dict(start=LAST_30.start, end=LAST_30.end, asof=GEN_END, scope=CITY)
    pd.testing.assert_frame_equal(handling_histogram(bad, **kw), handling_histogram(clean, **kw))
    # …but they are reports all the same (docs/metrics.md counts every report of P)
    assert _all_measures(bad, LAST_30)["reported"].sum() == _all_measures(clean, LAST_30)["reported"].sum() + N


def test_coordinates_outside_the_box_leave_the_density_map_alone(demo_db):
    clean, bad = demo_db(), demo_db(("bad_coordinates",))
    kw = dict(start=LAST_30.start, end=LAST_30.end, asof=GEN_END, scope=CITY, box=MapSettings().city_box)
    density = [event_density(db, **kw).sort_values(["lon", "lat"]).reset_index(drop=True) for db in (bad, clean)]
    assert len(density[0]) > 100
    pd.testing.assert_frame_equal(*density)


def test_a_closure_without_its_time_is_listed(fixture_copy):
    from data_access.db import Database
    db = Database.connect(fixture_copy(
        "INSERT INTO events (id, case_no, grid_id, category_code, source, reported_at, status, deadline_at) "
        "VALUES (600, 'WG202603030600', 11, 'CM01', 'worker_app', TIMESTAMP '2026-03-03 10:00:00', 'closed', "
        "TIMESTAMP '2026-03-04 10:00:00')"))
    try:
        got = report(db)
    finally:
        db.dispose()
    assert got.at["closed_without_time", "count"] == 1
    assert got.at["closed_without_time", "examples"]["id"].tolist() == [600]
