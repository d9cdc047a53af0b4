"""One case, whole: its steps 上报 → 受理 → 派遣 → 结案 against the category's time limit, where it
is, who reported it, and the residents' verdicts on it. Personal data masked unless asked for.

A case outside the user's scope and a case that does not exist raise the same CaseNotFound, so the
answer never tells which ids exist.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.case_list import CaseNotFound
from metrics.definitions import Ctx
from metrics.labels import (LEVEL_NAMES, NOT_RECORDED, SOURCE_NAMES, STATUS_NAMES, UNKNOWN_CATEGORY, name_of)
from metrics.privacy import mask_address, mask_name, mask_phone
from metrics.scope import AreaTree, Scope, focus_for, in_scope

STEPS = (("reported_at", "上报"), ("accepted_at", "受理"), ("dispatched_at", "派遣"), ("closed_at", "结案"))
RESULT_NAMES = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
SURVEY_KINDS = {"callback": "回访", "resident_survey": "入户调查"}
HIDDEN = "（已隐藏：含个人信息）"


def _hours(a, b) -> float | None:
    if pd.isna(a) or pd.isna(b):
        return None
    return (pd.Timestamp(b) - pd.Timestamp(a)).total_seconds() / 3600


def steps(row: dict, asof: datetime) -> list[dict]:
    """The recorded steps up to T, each with its time, the hours since the step before it and since
    the report. A step stamped after T had not happened yet at T and is left out."""
    out, before = [], None
    for column, label in STEPS:
        when = row.get(column)
        if pd.isna(when) or pd.Timestamp(when) > pd.Timestamp(asof):
            continue
        out.append({"step": label, "at": pd.Timestamp(when), "since_previous": _hours(before, when),
                    "since_report": _hours(row.get("reported_at"), when)})
        before = when
    return out


def verdict(row: dict, asof: datetime) -> dict:
    """Against the deadline at T: closed on time or late by how long; open with how long left or
    how long overdue; no deadline recorded."""
    deadline, closed = row.get("deadline_at"), row.get("closed_at")
    closed = None if pd.isna(closed) or pd.Timestamp(closed) > pd.Timestamp(asof) or row["state"] != "closed" else closed
    if pd.isna(deadline):
        return {"kind": "no_deadline", "hours": None}
    if closed is not None:
        late = _hours(deadline, closed)
        return {"kind": "late" if late > 0 else "on_time", "hours": max(late, 0.0)}
    if row["state"] == "rejected":
        return {"kind": "rejected", "hours": None}
    left = _hours(asof, deadline)
    return {"kind": "open_left" if left >= 0 else "open_overdue", "hours": abs(left)}


def _event_statement(db: Database, ctx: Ctx, focus) -> sa.Select:
    e, a, s = ctx.e.c, db.schema.table("areas"), db.schema
    cols = [e[c].label(c) for c in ("id", "case_no", "grid_id", "category_code", "source", "status", "reported_at",
                                     "accepted_at", "dispatched_at", "closed_at", "deadline_at", "resolved_level",
                                     "reopen_count", "lon", "lat", "address", "description", "reporter_name",
                                     "reporter_phone", "reporter_worker_id")]
    cols += [ctx.state().label("state"), ctx.cat.c.name.label("category"), ctx.cat.c.sla_hours.label("sla_hours"),
             a.c.name.label("grid"), a.c.code.label("grid_code"), a.c.lon.label("grid_lon"),
             a.c.lat.label("grid_lat"), a.c.boundary.label("boundary")]
    joined = ctx.e.outerjoin(ctx.cat, e.category_code == ctx.cat.c.code).join(a, e.grid_id == a.c.id)
    if not s.absent("workers") and not s.absent("events", "reporter_worker_id"):
        w = s.table("workers")
        joined = joined.outerjoin(w, e.reporter_worker_id == w.c.id)
        cols.append(w.c.name.label("worker_name"))
    return (sa.select(*cols).select_from(joined)
            .where(e.id == sa.bindparam("case_id", type_=sa.BigInteger), in_scope(db, e.grid_id, focus)))


def _surveys(db: Database, focus, case_id: int) -> list[dict]:
    s = db.schema
    if s.absent("surveys") or s.absent("surveys", "event_id"):
        return []
    t = s.table("surveys")
    frame = db.query(sa.select(t.c.surveyed_at.label("at"), t.c.result.label("result"), t.c.kind.label("kind"))
                     .where(t.c.event_id == sa.bindparam("case_id", type_=sa.BigInteger),
                            in_scope(db, t.c.grid_id, focus))
                     .order_by(t.c.surveyed_at), {"case_id": case_id})
    smap = s.map
    return [{"at": pd.Timestamp(r["at"]),
             "result": name_of(RESULT_NAMES, smap.canonical_value("surveys", "result", r["result"]), NOT_RECORDED),
             "kind": name_of(SURVEY_KINDS, smap.canonical_value("surveys", "kind", r["kind"]), NOT_RECORDED)}
            for r in frame.to_dict("records")]


def _personal(row: dict, unmasked: bool) -> dict:
    fields = {k: (None if pd.isna(row.get(k)) else str(row.get(k)))
              for k in ("address", "description", "reporter_name", "reporter_phone", "worker_name")}
    if unmasked:
        return fields
    return {"address": mask_address(fields["address"]), "reporter_name": mask_name(fields["reporter_name"]),
            "reporter_phone": mask_phone(fields["reporter_phone"]), "worker_name": mask_name(fields["worker_name"]),
            "description": HIDDEN if fields["description"] else None}


def case_record(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                tree: AreaTree | None = None, case_id: int, unmasked: bool = False) -> dict:
    """The record of case `case_id` within the user's whole scope (whatever area the page shows), as of
    T. CaseNotFound when it does not exist or lies outside the scope."""
    tree, focus = focus_for(db, tree, scope, None)
    ctx = Ctx(db.schema)
    frame = db.query(_event_statement(db, ctx, focus), {"case_id": int(case_id), "asof": asof})
    if frame.empty:
        raise CaseNotFound()
    row = frame.iloc[0].to_dict()
    smap = db.schema.map
    path = [str(tree.row(i)["name"]) for i in tree.ancestors(int(row["grid_id"]))] if int(row["grid_id"]) in tree.frame.index else []
    lon, lat = (row["lon"], row["lat"]) if not (pd.isna(row["lon"]) or pd.isna(row["lat"])) else (row["grid_lon"], row["grid_lat"])
    level = smap.canonical_value("events", "resolved_level", row["resolved_level"])
    return {
        "id": int(row["id"]), "case_no": None if pd.isna(row["case_no"]) else str(row["case_no"]),
        "category": UNKNOWN_CATEGORY if pd.isna(row["category"]) else str(row["category"]),
        "sla_hours": None if pd.isna(row["sla_hours"]) else float(row["sla_hours"]),
        "source": name_of(SOURCE_NAMES, smap.canonical_value("events", "source", row["source"]), NOT_RECORDED),
        "status": name_of(STATUS_NAMES, smap.canonical_value("events", "status", row["status"]), NOT_RECORDED),
        "state": row["state"], "deadline_at": None if pd.isna(row["deadline_at"]) else pd.Timestamp(row["deadline_at"]),
        "reopen_count": None if pd.isna(row["reopen_count"]) else int(row["reopen_count"]),
        "resolved_level": name_of(LEVEL_NAMES, level, NOT_RECORDED),
        "grid": str(row["grid"]), "grid_code": str(row["grid_code"]), "path": path,
        "lon": None if pd.isna(lon) else float(lon), "lat": None if pd.isna(lat) else float(lat),
        "boundary": None if pd.isna(row["boundary"]) else str(row["boundary"]),
        "steps": steps(row, asof), "verdict": verdict(row, asof),
        "handling_hours": _hours(row["reported_at"], row["closed_at"]) if row["state"] == "closed" else None,
        "surveys": _surveys(db, focus, int(case_id)),
        **_personal(row, unmasked),
    }
