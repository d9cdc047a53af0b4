"""Every page on every shape of platform data: no exception, no error box, and 无数据 said with its reason.

The shapes come from config alone, over the same fixture city: each optional column and each optional
table declared absent (`false`), integer and several-to-one codes computed by `{ sql = … }`, several
roots, areas without polygons or coordinates. A real platform database lacks exactly such things.

On DuckDB every optional column is removed one at a time. On PostgreSQL and MariaDB, where what could
differ is how the mapped SQL compiles and runs (typed NULLs, expressions, IN lists), each table's optional
columns are removed all at once instead — the same constructs, a tenth of the runs.
"""
from __future__ import annotations

import pytest

from data_access.schema import CANONICAL, REQUIRED, REQUIRED_TABLES
from tests.apptest import assert_clean, open_app
from tests.conftest import DIALECTS

PAGES = ["views/overview.py", "views/safety.py", "views/events.py", "views/cases.py", "views/satisfaction.py",
         "views/workers.py", "views/weekly.py", "views/quality.py", "views/wall.py"]
OPTIONAL_TABLES = [t for t in CANONICAL if t not in REQUIRED_TABLES]


def optional_columns(table: str) -> list[str]:
    return [c for c, _ in CANONICAL[table] if c not in REQUIRED[table]]


SOURCE_CODES = ("CASE source WHEN 'worker_app' THEN 1 WHEN 'hotline_12345' THEN 2 WHEN 'video' THEN 3 "
                "WHEN 'resident' THEN 4 ELSE 17 END")
STATUS_CODES = ("CASE status WHEN 'reported' THEN 10 WHEN 'accepted' THEN 11 WHEN 'dispatched' THEN 20 "
                "WHEN 'processing' THEN 21 WHEN 'closed' THEN 90 WHEN 'rejected' THEN 99 END")
SPECIAL = {
    # numeric codes, two codes for one value, and one code (17: 部门移交) mapped to nothing
    "integer-codes": {"columns": {"events": {"source": {"sql": SOURCE_CODES}, "status": {"sql": STATUS_CODES}}},
                      "values": {"events": {"source": {"worker_app": 1, "hotline_12345": [2, 3], "resident": 4},
                                            "status": {"reported": 10, "accepted": 11, "dispatched": 20,
                                                       "processing": 21, "closed": 90, "rejected": 99}}}},
    "several-roots": {"columns": {"areas": {"parent_id": {"sql": "CASE WHEN level = 'street' THEN NULL ELSE parent_id END"}}}},
    "no-polygons": {"columns": {"areas": {"boundary": False}}},
    "no-coordinates": {"columns": {"areas": {"lon": False, "lat": False}, "events": {"lon": False, "lat": False}}},
    "no-geometry": {"columns": {"areas": {"boundary": False, "lon": False, "lat": False}}},
    "status-from-closing-date": {"columns": {"events": {
        "status": {"sql": "CASE WHEN closed_at IS NULL THEN 'processing' ELSE 'closed' END"},
        "resolved_level": {"sql": "'grid'"}, "case_no": "id"}}},
}


def shapes(dialect: str):
    out = {f"no-table-{t}": {"tables": {t: False}} for t in OPTIONAL_TABLES}
    if dialect == "duckdb":
        out |= {f"no-{t}.{c}": {"columns": {t: {c: False}}} for t in CANONICAL for c in optional_columns(t)}
    else:
        out |= {f"no-optional-{t}": {"columns": {t: {c: False for c in optional_columns(t)}}} for t in CANONICAL}
    return out | SPECIAL


CASES = [pytest.param(d.values[0], name, section, id=f"{d.values[0]}-{name}")
         for d in DIALECTS for name, section in shapes(d.values[0]).items()]


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"


def schema_toml(section: dict) -> str:
    """[schema.columns.events] deadline_at = false … as config.toml would say it."""
    lines = []
    for part, tables in section.items():
        if part == "tables":
            lines += ["[schema.tables]"] + [f"{t} = {toml_value(v)}" for t, v in tables.items()]
            continue
        for t, cols in tables.items():
            if part == "columns":
                lines += [f"[schema.columns.{t}]"] + [f"{c} = {toml_value(v)}" for c, v in cols.items()]
            else:
                for c, mapping in cols.items():
                    lines += [f"[schema.values.{t}.{c}]"] + [f"{k} = {toml_value(v)}" for k, v in mapping.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("dialect, name, section", CASES)
def test_every_page_survives_the_shape(load_database, monkeypatch, tmp_path, dialect, name, section):
    at = open_app(monkeypatch, tmp_path, load_database(dialect), schema_toml(section))
    assert_clean(at)
    for page in PAGES:
        at.switch_page(page).run()
        try:
            assert_clean(at)
        except AssertionError as exc:
            raise AssertionError(f"{page} on {name}: {exc}") from None
    at.query_params["case"] = "2"  # a case record (E2, in every shape) with whatever the shape lacks
    at.switch_page("views/cases.py").run()
    assert_clean(at)
    assert any(t.value.startswith("事件 ") for t in at.title), f"case record on {name}"


def test_toml_of_a_shape_reads_back():
    import tomllib
    section = SPECIAL["integer-codes"] | {"tables": {"surveys": False}}
    assert tomllib.loads(schema_toml(section))["schema"] == section
