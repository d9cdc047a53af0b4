"""The demo-city generator: shape of the city, consistency of every table, realistic aggregates
(docs/metrics.md definitions computed with plain pandas), determinism, and loading into each database."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from data_access.db import Database, normalize_url
from data_access.demo import TABLES, build, generate
from data_access.demo.__main__ import main
from data_access.demo.city import build_city
from data_access.demo.dispatch import RESPONSE_MEDIAN_MIN, RESPONSIBLE, SLOW
from data_access.demo.events import spike_week
from data_access.demo.texts import CROSS_REASON, RETURN_REASONS
from data_access.demo.timeline import seconds
from data_access.schema import CANONICAL, ENUMS

END = datetime(2026, 11, 21, 16, 0)
T = pd.Timestamp(END)
START = T - pd.DateOffset(years=3)
EVENTS = 20_000
SEED = 20261121
LEVEL_ABOVE = {"street": "district", "workarea": "street", "community": "workarea", "grid": "community"}
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
MYSQL = "mysql://root@127.0.0.1:3306"


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate(seed=SEED, events=EVENTS, end=END)


@pytest.fixture(scope="module")
def city():
    return build_city(SEED)


def filed_stats(events: pd.DataFrame) -> dict[str, float]:
    """docs/metrics.md with T = END: closure, on-time, filing rate."""
    filed = events[events["status"] != "rejected"]
    closed = filed["closed_at"].notna()
    due_or_closed = (filed["deadline_at"] <= T) | closed
    on_time = closed & (filed["closed_at"] <= filed["deadline_at"])
    return {"filed": len(filed) / len(events), "closure": closed.mean(), "on_time": on_time.sum() / due_or_closed.sum()}


def satisfied(results: pd.Series) -> float:
    return results.isin(["satisfied", "basically_satisfied"]).mean()


# ---- shape and contract ----

def test_tables_have_canonical_columns_and_values(frames):
    assert tuple(frames) == TABLES
    for table, frame in frames.items():
        assert list(frame.columns) == [c for c, _ in CANONICAL[table]], table
        assert frame[[c for c, _ in CANONICAL[table]][0]].is_unique, table
    for (table, column), allowed in ENUMS.items():
        assert set(frames[table][column].dropna()) <= set(allowed), (table, column)
    assert len(frames["events"]) == EVENTS


def test_area_tree_has_fangzi_shape(frames):
    areas = frames["areas"]
    counts = areas["level"].value_counts()
    assert (counts["district"], counts["street"], counts["workarea"], counts["grid"]) == (1, 7, 45, 422)
    assert 100 <= counts["community"] <= 140
    grids = areas[areas["level"] == "grid"]
    assert grids["households"].between(300, 500).all()                  # the norm: 300–500 households …
    assert (grids["population"] / grids["households"]).between(2.29, 2.81).all()
    assert 950 <= grids["population"].mean() <= 1100                     # … or about 1,000 residents per grid
    assert areas["id"].is_unique and areas["code"].is_unique and grids["name"].is_unique

    by_id = areas.set_index("id")
    for _, row in areas[areas["level"] != "district"].iterrows():
        parent = by_id.loc[row["parent_id"]]
        assert parent["level"] == LEVEL_ABOVE[row["level"]]
        assert row["code"].startswith(parent["code"])
    # Every area's households and population are the sum of its grids'.
    grid_sums = grids.set_index("id")[["households", "population"]]
    for level in ("community", "workarea", "street", "district"):
        members = _grids_under(areas, level)
        summed = grid_sums.loc[members["grid"]].groupby(members["area"].to_numpy()).sum()
        mine = by_id.loc[summed.index, ["households", "population"]]
        assert (mine.to_numpy() == summed.to_numpy()).all(), level
    assert areas["lon"].between(118.9, 119.4).all() and areas["lat"].between(36.5, 36.8).all()


def test_grid_polygons_tile_the_district_and_blocks_are_contiguous(frames):
    areas = frames["areas"]
    grids = areas[areas["level"] == "grid"]
    rings = {}
    for gid, text in zip(grids["id"], grids["boundary"]):
        shape = json.loads(text)
        assert shape["type"] == "Polygon"
        ring = [tuple(p) for p in shape["coordinates"][0]]
        assert ring[0] == ring[-1] and len(ring) >= 4
        rings[gid] = ring
    # Neighbours share an edge: both of its (jittered) end points.
    edges: dict[frozenset, list[int]] = {}
    for gid, ring in rings.items():
        for a, b in zip(ring, ring[1:]):
            edges.setdefault(frozenset((a, b)), []).append(gid)
    assert max(len(v) for v in edges.values()) == 2
    neighbours = {g: set() for g in rings}
    for owners in edges.values():
        if len(owners) == 2:
            neighbours[owners[0]].add(owners[1])
            neighbours[owners[1]].add(owners[0])
    assert _connected(set(rings), neighbours)
    for level in ("street", "workarea", "community"):
        members = _grids_under(areas, level)
        for _, group in members.groupby("area"):
            assert _connected(set(group["grid"]), neighbours), level
    assert areas.loc[areas["level"] != "grid", "boundary"].map(lambda b: json.loads(b)["type"]).eq("Polygon").all()


def test_workers_cover_every_grid_community_and_work_area(frames):
    workers, areas = frames["workers"], frames["areas"]
    level_of = areas.set_index("id")["level"]
    assert 950 <= len(workers) <= 1050
    assert (workers["area_id"].map(level_of) == workers["role"].map(
        {"grid_worker": "grid", "instructor": "community", "chief": "workarea"})).all()
    for role, level in (("grid_worker", "grid"), ("instructor", "community"), ("chief", "workarea")):
        assert set(workers.loc[workers["role"] == role, "area_id"]) == set(areas.loc[areas["level"] == level, "id"])
    # The norm: one full-time grid worker (专职网格员) per grid; everyone else is part-time.
    full_time = workers[workers["employment"] == "full_time"]
    assert (full_time["role"] == "grid_worker").all() and full_time["active"].all()
    assert full_time["area_id"].value_counts().reindex(areas.loc[areas["level"] == "grid", "id"]).eq(1).all()
    assert workers["phone"].str.fullmatch(r"1\d{10}").all() and workers["phone"].is_unique
    assert workers["active"].mean() > 0.9
    assert workers["hired_on"].map(lambda d: d < END.date()).all()


def test_categories_cover_every_dimension(frames):
    cats = frames["event_categories"]
    assert set(cats["dimension"]) == set(ENUMS[("event_categories", "dimension")])
    assert 15 <= len(cats) <= 35
    parents = cats["parent_code"].dropna()
    assert parents.isin(cats["code"]).all()
    assert cats["sla_hours"].between(24, 168).all()
    leaves = cats[cats["parent_code"].notna()]
    assert frames["events"]["category_code"].isin(leaves["code"]).all()


# ---- events, patrols and surveys are consistent ----

def test_events_reference_real_grids_categories_and_workers(frames):
    events, areas, workers = frames["events"], frames["areas"], frames["workers"]
    grids = areas.loc[areas["level"] == "grid", "id"]
    assert events["grid_id"].isin(grids).all()
    app = events["source"] == "worker_app"
    assert events.loc[app, "reporter_worker_id"].notna().all() and events.loc[~app, "reporter_worker_id"].isna().all()
    reporter_area = events.loc[app, "reporter_worker_id"].map(workers.set_index("id")["area_id"])
    assert (reporter_area == events.loc[app, "grid_id"]).all()
    assert events["case_no"].is_unique
    assert (events["deadline_at"] - events["reported_at"]).eq(
        pd.to_timedelta(events["category_code"].map(frames["event_categories"].set_index("code")["sla_hours"]), unit="h")).all()
    assert frames["patrols"]["grid_id"].isin(grids).all() and frames["surveys"]["grid_id"].isin(grids).all()
    callbacks = frames["surveys"].dropna(subset=["event_id"])
    assert callbacks["event_id"].isin(events.loc[events["status"] == "closed", "id"]).all()


def test_event_points_lie_in_their_grid_cell(frames):
    events, areas = frames["events"], frames["areas"]
    grids = areas[areas["level"] == "grid"].set_index("id")
    box = grids["boundary"].map(lambda b: np.array(json.loads(b)["coordinates"][0]))
    lo = np.stack(box.map(lambda r: r.min(axis=0)))
    hi = np.stack(box.map(lambda r: r.max(axis=0)))
    pos = grids.index.get_indexer(events["grid_id"])
    assert ((events["lon"] >= lo[pos, 0]) & (events["lon"] <= hi[pos, 0])).all()
    assert ((events["lat"] >= lo[pos, 1]) & (events["lat"] <= hi[pos, 1])).all()


def test_nothing_happens_after_end_and_steps_are_ordered(frames):
    events = frames["events"]
    assert events["reported_at"].min() >= START
    for col in ("reported_at", "accepted_at", "dispatched_at", "closed_at"):
        assert (events[col].dropna() < T).all(), col
    assert (frames["patrols"]["ended_at"] < T).all() and (frames["patrols"]["started_at"] >= START).all()
    assert (frames["surveys"]["surveyed_at"] < T).all()
    assert (events["accepted_at"].dropna() >= events.loc[events["accepted_at"].notna(), "reported_at"]).all()
    both = events.dropna(subset=["accepted_at", "dispatched_at"])
    assert (both["dispatched_at"] > both["accepted_at"]).all()
    done = events.dropna(subset=["closed_at"])
    assert (done["closed_at"] > done["dispatched_at"]).all()

    closed = events["status"] == "closed"
    assert events.loc[closed, "closed_at"].notna().all() and events.loc[~closed, "closed_at"].isna().all()
    assert events.loc[closed, "resolved_level"].notna().all() and events.loc[~closed, "resolved_level"].isna().all()
    assert (events.loc[~closed, "reopen_count"] == 0).all()
    still_open = events[~closed & (events["status"] != "rejected")]
    assert still_open["status"].isin(["reported", "accepted", "dispatched", "processing"]).all()
    assert (still_open.loc[still_open["status"] == "reported", "accepted_at"]).isna().all()


def test_same_seed_same_frames_other_seed_other_frames(frames):
    again = generate(seed=SEED, events=EVENTS, end=END)
    for table in TABLES:
        pd.testing.assert_frame_equal(frames[table], again[table])
    other = generate(seed=SEED + 1, events=EVENTS, end=END)
    assert not frames["events"]["grid_id"].equals(other["events"]["grid_id"])
    assert not frames["areas"]["boundary"].equals(other["areas"]["boundary"])


# ---- realistic aggregates ----

def test_closure_and_on_time_rates_are_realistic(frames):
    events = frames["events"]
    whole = filed_stats(events)
    assert 0.96 <= whole["filed"] <= 0.985
    assert whole["closure"] >= 0.99                 # three years on, nearly everything is closed
    assert 0.85 <= whole["on_time"] <= 0.95
    last_month = filed_stats(events[events["reported_at"] >= T - pd.Timedelta(days=30)])
    assert 0.95 <= last_month["closure"] <= 0.99
    assert 0.85 <= last_month["on_time"] <= 0.96
    open_ = events[~events["status"].isin(["closed", "rejected"])]
    overdue = (open_["deadline_at"] < T).sum()
    assert 0 < overdue < 0.002 * len(events)
    old = events[(events["reported_at"] < T - pd.Timedelta(days=180)) & (events["status"] != "rejected")]
    assert old["closed_at"].notna().all()            # old periods: everything closed
    closed = events[events["status"] == "closed"]
    assert 0.75 <= (closed["resolved_level"] == "grid").mean() <= 0.85
    assert (closed["reopen_count"] > 0).mean() <= 0.003
    filed = events[events["status"] != "rejected"].dropna(subset=["accepted_at"])
    assert 0.85 <= ((filed["accepted_at"] - filed["reported_at"]) <= pd.Timedelta(minutes=30)).mean() <= 0.97


def test_safety_incidents_match_the_index_scale(frames):
    events, cats = frames["events"], frames["event_categories"]
    dim = events["category_code"].map(cats.set_index("code")["dimension"])
    shares = dim.value_counts(normalize=True)
    assert set(shares.index) == set(ENUMS[("event_categories", "dimension")])
    # Scaled to the default 300k events, public security + fire ≈ 0.2–0.8 per grid per 30 days.
    per_grid_30d = (dim.isin(["public_security", "fire"]).sum() / 422) / ((T - START).days / 30)
    assert 0.2 <= per_grid_30d * 300_000 / EVENTS <= 0.8


def test_satisfaction_is_about_95_percent_and_improving(frames):
    surveys = frames["surveys"]
    assert 0.93 <= satisfied(surveys["result"]) <= 0.97
    year = ((surveys["surveyed_at"] - START).dt.days // 365.25).clip(0, 2)
    by_year = surveys.groupby(year)["result"].apply(satisfied)
    assert list(by_year.index) == [0, 1, 2]
    assert by_year.is_monotonic_increasing and 0.03 <= by_year.iloc[2] - by_year.iloc[0] <= 0.07
    residents = surveys[surveys["kind"] == "resident_survey"]
    assert 8 <= len(residents) / 422 / 36 <= 12


def test_patrols_cover_grids_about_monthly(frames):
    patrols, areas = frames["patrols"], frames["areas"]
    grids = areas[areas["level"] == "grid"].set_index("id")
    recent = patrols[patrols["started_at"] >= T - pd.Timedelta(days=30)]
    coverage = recent.groupby("grid_id")["households_visited"].sum().reindex(grids.index, fill_value=0) / grids["households"]
    assert 0.7 <= coverage.median() <= 1.2
    assert 500_000 <= len(patrols) <= 900_000
    visits = patrols[patrols["kind"] == "visit"]["households_visited"]
    assert 10 <= visits.mean() <= 25


def test_weak_grids_and_the_spike_stand_out(frames, city):
    events, surveys = frames["events"], frames["surveys"]
    weak_ids = set(city.grid_ids[city.weak])
    assert 10 <= len(weak_ids) <= 15 and len(set(city.grid_street[city.weak])) <= 2
    weak = events["grid_id"].isin(weak_ids)
    assert filed_stats(events[weak])["on_time"] < filed_stats(events[~weak])["on_time"] - 0.1
    weak_s = surveys["grid_id"].isin(weak_ids)
    assert satisfied(surveys.loc[weak_s, "result"]) < satisfied(surveys.loc[~weak_s, "result"]) - 0.03

    street_of_grid = dict(zip(city.grid_ids, city.street_ids[city.grid_street]))
    week_start, _ = spike_week(seconds(END))
    week = (events["reported_at"] - pd.Timestamp(datetime(1970, 1, 1) + timedelta(seconds=week_start))).dt.days // 7
    hazard = events[events["category_code"].str.startswith("AQ")
                    & (events["grid_id"].map(street_of_grid) == city.street_ids[city.spike_street])]
    weekly = hazard.groupby(week[hazard.index]).size()
    assert weekly.get(0, 0) >= 3 * weekly.loc[-20:-1].mean()


# ---- departments and dispatch history ----

def _histories(frames) -> pd.DataFrame:
    """One row per dispatched event: its dispatches in order (count, returns, first and last)."""
    d = frames["dispatches"].sort_values(["event_id", "dispatched_at", "id"], kind="stable")
    g = d.groupby("event_id")
    last = d.drop_duplicates("event_id", keep="last").set_index("event_id")   # NULLs included, unlike .last()
    return pd.DataFrame({"rows": g.size(), "returns": g["returned_at"].count(), "first_at": g["dispatched_at"].first(),
                         "last_department": last["department_code"], "last_at": last["dispatched_at"],
                         "last_accepted": last["accepted_at"], "last_returned": last["returned_at"]})


def test_every_category_has_a_responsible_department(frames):
    deps, cats, events = frames["departments"], frames["event_categories"], frames["events"]
    assert 12 <= len(deps) <= 15 and deps["code"].str.fullmatch(r"[A-Z]{2}").all() and deps["name"].is_unique
    assert set(deps["kind"]) == {"职能部门", "公共服务企业"}
    assert set(RESPONSIBLE) == set(cats.loc[cats["parent_code"].notna(), "code"])
    name = deps.set_index("code")["name"]
    for code, (first, second, share, confused) in RESPONSIBLE.items():
        assert first in name and (second is None or second in name) and set(confused) <= set(name.index), code
        assert (share == 0) == (second is None) and share < 0.5, code
    assert name[RESPONSIBLE["CG01"][0]] == "区城市管理局" and name[RESPONSIBLE["MD04"][0]] == "区人力资源和社会保障局"
    assert name[RESPONSIBLE["ZA01"][0]] == "公安坊子分局" and name[RESPONSIBLE["XF01"][0]] == "区消防救援大队"
    assert {name[RESPONSIBLE["AQ01"][0]], name[RESPONSIBLE["AQ01"][1]]} == {"区燃气公司", "区住房和城乡建设局"}
    # A case that reached its department is handled by its category's responsible one (mostly) or second one.
    h = _histories(frames)
    reached = events.set_index("id").loc[h.index[h["last_returned"].isna()]]
    first = reached["category_code"].map({c: r[0] for c, r in RESPONSIBLE.items()})
    second = reached["category_code"].map({c: r[1] for c, r in RESPONSIBLE.items()})
    assert ((reached["department_code"] == first) | (reached["department_code"] == second)).all()
    assert (reached.groupby("category_code")["department_code"].agg(lambda s: s.mode()[0]) == first.groupby(reached["category_code"]).first()).all()
    # The wording fits the department: heating complaints go to the 热力公司, 低保 questions to the 民政局.
    for phrase, dept in (("冬季室内温度不达标", "GR"), ("低保申请材料咨询", "MZ"), ("小区电梯长期故障，业主与物业矛盾突出", "SJ")):
        assert (reached.loc[reached["description"] == phrase, "department_code"] == dept).all(), phrase
        assert (reached["description"] == phrase).sum() > 0, phrase
    assert set(events.loc[events["department_code"].notna(), "department_code"]) <= set(name.index)


def test_every_dispatched_event_has_its_dispatch_history(frames):
    events, d = frames["events"].set_index("id"), frames["dispatches"]
    h = _histories(frames)
    dispatched = events[events["dispatched_at"].notna()]
    assert set(h.index) == set(dispatched.index) and d["event_id"].isin(events.index).all()
    assert (h.loc[dispatched.index, "first_at"] == dispatched["dispatched_at"]).all()
    assert (h["last_department"] == events.loc[h.index, "department_code"]).all()
    assert events.loc[events["dispatched_at"].isna(), "department_code"].isna().all()
    assert h["rows"].between(1, 3).all() and (h["rows"] - h["returns"]).isin([0, 1]).all()
    assert d["id"].is_unique and d["dispatched_at"].is_monotonic_increasing      # ids follow dispatched_at
    returned = d["returned_at"].notna()
    assert (d["reason"].notna() == returned).all()
    reasons = d.loc[returned, "reason"]
    crossing = reasons.str.fullmatch(CROSS_REASON.format(".+"))
    assert (reasons.isin(RETURN_REASONS) | crossing).all() and crossing.any() and (reasons == "地址不属辖区").any()
    # Returned before the department signed for it, or after.
    assert 0.25 <= d.loc[returned, "accepted_at"].isna().mean() <= 0.55
    # A returned case goes to another department next (the one a 职责交叉 return names).
    s = d.sort_values(["event_id", "dispatched_at", "id"], kind="stable")
    nxt = s.groupby("event_id")["department_code"].shift(-1)
    back = s[s["returned_at"].notna() & nxt.notna()]
    assert (nxt[back.index] != back["department_code"]).all()
    names = frames["departments"].set_index("code")["name"]
    cross = back[back["reason"].str.startswith("职责交叉")]
    assert (cross["reason"] == nxt[cross.index].map(lambda c: CROSS_REASON.format(names[c]))).all()


def test_about_four_percent_of_dispatched_cases_are_returned(frames):
    h = _histories(frames)
    assert 0.033 <= (h["returns"] >= 1).mean() <= 0.047
    assert 0.003 <= (h["returns"] == 2).mean() <= 0.008
    d = frames["dispatches"]
    assert 0.035 <= d["returned_at"].notna().mean() <= 0.05                       # 退单率, per dispatch


def test_dispatches_keep_time_order_and_stop_at_end(frames):
    d, events = frames["dispatches"], frames["events"].set_index("id")
    for col in ("dispatched_at", "accepted_at", "returned_at"):
        assert (d[col].dropna() < T).all(), col
    signed, back = d.dropna(subset=["accepted_at"]), d.dropna(subset=["returned_at"])
    assert (signed["accepted_at"] >= signed["dispatched_at"]).all()
    assert (back["returned_at"] > back["dispatched_at"]).all()
    assert (back.dropna(subset=["accepted_at"]).eval("returned_at > accepted_at")).all()
    assert (d["dispatched_at"] >= d["event_id"].map(events["accepted_at"]).fillna(pd.Timestamp.min)).all()
    s = d.sort_values(["event_id", "dispatched_at", "id"], kind="stable")
    previous = s.groupby("event_id")["returned_at"].shift()
    again = s[s.groupby("event_id").cumcount() > 0]
    assert previous[again.index].notna().all() and (again["dispatched_at"] > previous[again.index]).all()
    # Not signed and not returned: only recent dispatches, still waiting at the end.
    waiting = d[d["accepted_at"].isna() & d["returned_at"].isna()]
    assert (waiting["dispatched_at"] > T - pd.Timedelta(days=3)).all()
    # A case closes after its department signed for it; one returned and not yet dispatched again is open.
    h = _histories(frames)
    closed = events.loc[h.index, "closed_at"]
    done = closed.notna()
    assert (closed[done] > h.loc[done, "last_accepted"]).all() and h.loc[done, "last_accepted"].notna().all()
    assert closed[h["last_returned"].notna()].isna().all()


def test_the_slow_department_is_slowest_every_year(frames):
    d = frames["dispatches"]
    minutes = (d["accepted_at"] - d["dispatched_at"]).dt.total_seconds() / 60
    median = minutes.groupby(d["department_code"]).median().sort_values(ascending=False)
    assert median.index[0] == SLOW and median.iloc[0] >= 3 * median.iloc[1]
    assert median.drop(SLOW).between(20, 70).all()
    assert abs(median[SLOW] / RESPONSE_MEDIAN_MIN[SLOW] - 1) < 0.15
    year = ((d["dispatched_at"] - START).dt.days // 365.25).clip(0, 2)
    by_year = minutes.groupby([year, d["department_code"]]).median().unstack()
    assert (by_year.idxmax(axis=1) == SLOW).all() and (by_year[SLOW] >= 3 * by_year.drop(columns=SLOW).max(axis=1)).all()
    # … and its cases close late more often.
    events = frames["events"]
    slow = events["department_code"] == SLOW
    assert filed_stats(events[slow])["on_time"] < filed_stats(events[~slow])["on_time"] - 0.04


# ---- the default demo city (300k events): a well-run district with a few real problems ----

DEFAULT_END = datetime(2026, 11, 29, 18, 0)


@pytest.fixture(scope="module")
def default_frames() -> dict[str, pd.DataFrame]:
    return generate(seed=SEED, events=300_000, end=DEFAULT_END)


def test_default_city_has_a_handful_of_long_overdue_cases(default_frames):
    events, t = default_frames["events"], pd.Timestamp(DEFAULT_END)
    open_ = events[~events["status"].isin(["closed", "rejected"])]
    days_overdue = (t - open_["deadline_at"]).dt.total_seconds() / 86400
    overdue = days_overdue[days_overdue > 0]
    assert 20 <= len(overdue) <= 100                   # a few dozen overdue at the end …
    assert 1 <= (overdue > 30).sum() <= 10             # … a handful of them by over a month …
    assert overdue.max() < 120                         # … and none for years
    assert (open_["reported_at"] >= t - pd.Timedelta(days=180)).all()


def test_default_city_grades_spread_like_published_evaluations(default_frames, tmp_path_factory):
    """Through the dashboard's own 网格员绩效 (metrics/workers.py, default weights) over 近30天: most workers
    B or C, some A, few D, hardly any E; and every grid meets the household norm with its full-time worker."""
    from metrics.period import preset
    from metrics.scope import Scope
    from metrics.workers import worker_table

    url = f"duckdb:///{tmp_path_factory.mktemp('default-city') / 'demo.duckdb'}"
    build(url, events=300_000, seed=SEED, end=DEFAULT_END)
    db = Database.connect(url)
    try:
        period = preset("last_30d", DEFAULT_END.date())
        table = worker_table(db, start=period.start, end=period.end, asof=DEFAULT_END, scope=Scope.everywhere())
    finally:
        db.dispose()
    share = table["grade"].value_counts(normalize=True).reindex(list("ABCDE"), fill_value=0)
    assert 0.15 <= share["A"] <= 0.25 and 0.35 <= share["B"] <= 0.45 and 0.25 <= share["C"] <= 0.35
    assert 0.03 <= share["D"] <= 0.10 and share["E"] <= 0.03
    grids = default_frames["areas"].query("level == 'grid'").set_index("id")["households"]
    per_grid = table[table["role"] == "grid_worker"].drop_duplicates("area_id").set_index("area_id")["households_per_worker"]
    assert per_grid.reindex(grids.index).eq(grids).all()  # one full-time worker per grid: its households, 300–500


# ---- loading into databases ----

def test_build_into_new_duckdb_folder(tmp_path, frames):
    target = tmp_path / "new" / "folder" / "demo.duckdb"
    messages = []
    build(f"duckdb:///{target}", events=EVENTS, seed=SEED, end=END, progress=lambda f, m: messages.append((f, m)))
    assert sorted(p.name for p in target.parent.iterdir()) == ["demo.duckdb"]
    assert messages[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in messages)
    assert [f for f, _ in messages] == sorted(f for f, _ in messages)
    _assert_row_counts(f"duckdb:///{target}", frames)


def test_build_into_postgresql(frames):
    engine = sa.create_engine(normalize_url(f"{POSTGRES}/test"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = 'demo_gen_test'")).first():
            conn.execute(sa.text("CREATE DATABASE demo_gen_test"))
    engine.dispose()
    _build_small_and_count(f"{POSTGRES}/demo_gen_test")


def test_build_into_mariadb():
    engine = sa.create_engine(normalize_url(f"{MYSQL}/test"))
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE IF NOT EXISTS demo_gen_test CHARACTER SET utf8mb4"))
    engine.dispose()
    _build_small_and_count(f"{MYSQL}/demo_gen_test")


def test_cli_reports_unreachable_database_in_one_line(capsys):
    assert main(["--url", "postgresql://postgres@127.0.0.1:1/nowhere", "--events", "100"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("无法连接数据库") and "\n" not in err and "Traceback" not in err


@pytest.mark.parametrize("args", [["--events", "many"], ["--events", "0"], ["--end", "yesterday"],
                                  ["--url", "nosuchdb://x/y"], []])
def test_cli_rejects_bad_arguments(args):
    if args and "--url" not in args:
        args = [*args, "--url", "duckdb:///:memory:"]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


# ---- helpers ----

def _build_small_and_count(url: str) -> None:
    small = generate(seed=SEED, events=300, end=END)
    build(url, events=300, seed=SEED, end=END)
    _assert_row_counts(url, small)


def _assert_row_counts(url: str, frames: dict[str, pd.DataFrame]) -> None:
    db = Database.connect(url)
    try:
        for table, frame in frames.items():
            rows = db.query(sa.text(f"SELECT COUNT(*) AS n FROM {table}"))["n"].iloc[0]
            assert rows == len(frame), table
    finally:
        db.dispose()


def _grids_under(areas: pd.DataFrame, level: str) -> pd.DataFrame:
    """(area, grid) pairs: every grid below each area of the given level."""
    parent = areas.set_index("id")["parent_id"]
    lvl = areas.set_index("id")["level"]
    pairs = []
    for gid in areas.loc[areas["level"] == "grid", "id"]:
        node = gid
        while lvl[node] != level:
            node = parent[node]
        pairs.append((node, gid))
    return pd.DataFrame(pairs, columns=["area", "grid"])


def _connected(nodes: set, neighbours: dict) -> bool:
    start = next(iter(nodes))
    seen, todo = {start}, [start]
    while todo:
        for n in neighbours[todo.pop()] & nodes:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen == nodes
