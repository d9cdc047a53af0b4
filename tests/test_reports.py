"""周报 exports (reports/): the workbook and the document read back, and `python -m reports weekly`
writes both, within the user's scope, auditing each file (fixture week 2026-W10, tests/test_weekly.py)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from data_access import audit
from metrics.period import Period
from metrics.scope import Scope
from metrics.weekly import narrative, weekly_review
from reports import file_name, to_docx, to_xlsx, weekly_charts
from reports.tables import SHEETS
from tests.fixture import ASOF, END, START

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def review(load_database):
    from data_access.db import Database
    db = Database.connect(load_database("duckdb"))
    yield weekly_review(db, week=Period(START, END), asof=ASOF, scope=Scope.everywhere())
    db.dispose()


@pytest.fixture(scope="module")
def charts(review):
    return weekly_charts(review)


def sheet_rows(book, name: str) -> list[dict]:
    ws = book[name]
    values = list(ws.values)
    return [dict(zip(values[0], row)) for row in values[1:]]


def all_text(book) -> str:
    return "\n".join(str(v) for ws in book.worksheets for row in ws.values for v in row if v is not None)


def test_workbook_has_one_sheet_per_table_with_the_values(review):
    book = load_workbook(io.BytesIO(to_xlsx(review)))
    assert tuple(book.sheetnames) == SHEETS
    kpi = {r["指标"]: r for r in sheet_rows(book, "KPI")}
    # hand values: 21 reported (7 the week before, 3 last year); 14/19 closed; index 53.7 预警
    assert (kpi["上报数"]["本周"], kpi["上报数"]["上周"], kpi["上报数"]["去年同期"]) == (21, 7, 3)
    assert (kpi["上报数"]["环比"], kpi["上报数"]["同比"]) == ("+200.0%", "+600.0%")
    assert kpi["结案率"]["本周"] == pytest.approx(14 / 19) and kpi["结案率"]["环比"] == "-9.6pp"
    assert book["KPI"]["B4"].number_format == "0.0%"  # rates stay numbers, shown as percentages
    assert kpi["平安等级"]["本周"] == "预警"
    streets = sheet_rows(book, "街道红黑榜")
    assert [(r["榜单"], r["名称"]) for r in streets] == [
        ("红榜·平安指数最高", "西街道"), ("黑榜·平安指数最低", "东街道"),
        ("红榜·按期结案率最高", "西街道"), ("黑榜·按期结案率最低", "东街道")]
    assert streets[1]["变化最大的指标"] == "群众满意率" and streets[1]["得分变化"] == "-40.0 分"
    grids = sheet_rows(book, "网格红黑榜")
    assert [r["编码"] for r in grids if r["榜单"] == "黑榜·平安指数最低"] == ["G3", "G1", "G5"]
    assert {r["所属街道"] for r in grids if r["编码"] == "G1"} == {"东街道"}
    drops = sheet_rows(book, "等级下降")
    assert [(r["名称"], r["上周等级"], r["本周等级"], r["下降最多的指标"]) for r in drops] == [
        ("第五网格", "基本平安", "预警", "治安警情率")]
    assert [r["内容"] for r in sheet_rows(book, "文字摘要")] == narrative(review)
    overview = {r["项目"]: r["内容"] for r in sheet_rows(book, "概况")}
    assert (overview["区域"], overview["周次"], overview["数据截至"]) == ("测试区", "2026-W10", "2026-03-12 12:00")


def test_charts_are_png_images(charts):
    assert [c[0][:2] for c in charts] == ["图1", "图2", "图3", "图4"]
    assert all(png.startswith(PNG) and len(png) > 5000 for _, png in charts)


def test_document_has_the_narrative_tables_and_charts(review, charts):
    doc = Document(io.BytesIO(to_docx(review, charts)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "网格治理周报" in text and "测试区 · 2026-W10（2026-03-02 至 2026-03-08）" in text
    for sentence in narrative(review):
        assert sentence in text
    assert len(doc.inline_shapes) >= 2 and len(doc.inline_shapes) == len(charts)
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"上报数", "21", "+200.0%", "西街道", "第五网格", "基本平安→预警"} <= cells


def test_exports_of_a_week_without_data_say_so(load_database):
    """2026-W06 holds no data (tests/test_weekly.py): with a model of rates only there is no index at
    all, and neither file may claim anything about the missing numbers."""
    from datetime import datetime

    from data_access.db import Database
    from metrics.safety_index import SafetyModel
    from metrics.weekly import parse_week

    model = SafetyModel(indicators=tuple(i for i in SafetyModel().indicators
                                         if i.key in ("on_time_rate", "satisfaction_rate")))
    db = Database.connect(load_database("duckdb"))
    empty = weekly_review(db, week=parse_week("2026-W06"), asof=datetime(2026, 2, 9, 12), scope=Scope.everywhere(),
                          model=model)
    book = load_workbook(io.BytesIO(to_xlsx(empty)))
    assert [r["内容"] for r in sheet_rows(book, "文字摘要")] == narrative(empty)
    kpi = {r["指标"]: r for r in sheet_rows(book, "KPI")}
    assert (kpi["平安指数"]["本周"], kpi["平安指数"]["环比"], kpi["平安等级"]["本周"]) == (None, "无数据", "无数据")
    assert (kpi["结案率"]["本周"], kpi["结案率"]["同比"]) == (None, "无数据")
    doc = Document(io.BytesIO(to_docx(empty, weekly_charts(empty))))
    text = "\n".join(p.text for p in doc.paragraphs)
    for sentence in narrative(empty):
        assert sentence in text
    assert "本周没有可排名的街道（平安指数均无数据）。" in text and "本周没有可排名的网格（应结案件不少于 3 件才参与按期结案率排名）。" in text
    assert text.count("街道和网格本周或上周均无平安等级，无法比较等级升降。") == 2  # the narrative and section 六
    for claim in ("均未下降", "低于上周", "最高的是", "最低的是"):
        assert claim not in text, claim
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert cells.count("无数据") >= 10  # every missing value of the KPI table written as such
    db.dispose()


def test_file_names(review):
    assert file_name(review, "xlsx") == "weekly-2026-W10.xlsx"


# ---- the command line ----

@pytest.fixture
def config(tmp_path, users_file) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[auth]\nusers_path = "{users_file}"\n', encoding="utf-8")
    return path


def cli(url: str, config: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run([sys.executable, "-m", "reports", "weekly", "--week", "2026-W10", "--out", str(out),
                           "--url", url, "--asof", "2026-03-12 12:00", "--config", str(config), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def test_cli_writes_both_files_and_audits_them(load_database, config, users_file, tmp_path):
    out = tmp_path / "out"
    done = cli(load_database("duckdb"), config, out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["weekly-2026-W10.docx", "weekly-2026-W10.xlsx"]
    book = load_workbook(out / "weekly-2026-W10.xlsx")
    assert {r["指标"]: r["本周"] for r in sheet_rows(book, "KPI")}["上报数"] == 21
    doc = Document(str(out / "weekly-2026-W10.docx"))
    assert len(doc.inline_shapes) >= 2
    entries = audit.recent(users_file, 2)  # the newest two: this run's
    assert sorted(e["detail"] for e in entries) == ["weekly-2026-W10.docx", "weekly-2026-W10.xlsx"]
    assert {e["action"] for e in entries} == {"export"} and all(e["user"].startswith("cli:") for e in entries)


def test_cli_user_scope_limits_the_content(load_database, config, users_file, tmp_path):
    out = tmp_path / "s1"
    done = cli(load_database("duckdb"), config, out, "--user", "s1")
    assert done.returncode == 0, done.stderr
    book = load_workbook(out / "weekly-2026-W10.xlsx")
    text = all_text(book)
    assert "东街道" in text and "第一网格" in text
    leaked = [n for n in ("西街道", "西一社区", "第三网格", "第四网格", "第五网格", "第六网格") if n in text]
    assert not leaked
    assert {r["指标"]: r["本周"] for r in sheet_rows(book, "KPI")}["上报数"] == 10  # S1's 10 reports
    doc = Document(str(out / "weekly-2026-W10.docx"))
    doc_text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "西街道" not in doc_text and "东街道" in doc_text
    assert audit.recent(users_file, 1)[0]["user"] == "s1"


@pytest.mark.parametrize("extra, said", [
    (("--user", "s1", "--area", "S2"), "S2"),      # an area outside the user's scope
    (("--area", "NOPE"), "NOPE"),                  # an area that does not exist
    (("--user", "nobody"), "nobody"),              # an unknown account
])
def test_cli_refuses_with_exit_2_and_writes_nothing(load_database, config, tmp_path, extra, said):
    out = tmp_path / "refused"
    done = cli(load_database("duckdb"), config, out, *extra)
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_cli_bad_week_exits_2(load_database, config, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "reports", "weekly", "--week", "2026-10", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "YYYY-Www" in done.stderr


def test_the_department_lists_read_back_from_both_files(review, charts):
    """部门红黑榜 of W10 (hand values: tests/test_departments.py): 按期结案率 公安分局 4/4, 司法所 2/3 and
    住建局 2/3 (tied: the lower code, SF, goes to the red list), 城管局 1/5 (1/3 the week before)."""
    book = load_workbook(io.BytesIO(to_xlsx(review)))
    rows = sheet_rows(book, "部门红黑榜")
    assert [(r["榜单"], r["名次"], r["部门"]) for r in rows] == [
        ("红榜·按期结案率最高", 1, "公安分局"), ("红榜·按期结案率最高", 2, "司法所"),
        ("黑榜·按期结案率最低", 1, "城管局"), ("黑榜·按期结案率最低", 2, "住建局")]
    cg, zj = rows[2], rows[3]
    assert (cg["按期结案率"], cg["按期较上周"], cg["应结案件"], cg["承办事件数"]) == (pytest.approx(1 / 5), "-13.3pp", 5, 7)
    assert (cg["退单率"], cg["派遣次数"], cg["多次派遣率"]) == (pytest.approx(1 / 9), 9, pytest.approx(2 / 7))
    assert (zj["退单率"], zj["退单较上周"], zj["响应时长（小时）"]) == (pytest.approx(2 / 6), "-16.7pp", 3.0)
    assert book["部门红黑榜"]["E2"].number_format == "0.0%"
    doc = Document(io.BytesIO(to_docx(review, charts)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "五、部门红黑榜" in text and "部门黑榜·按期结案率最低" in text
    assert "部门按期结案率最高的是公安分局（100.0%），最低的是城管局（20.0%，较上周下降 13.3 个百分点）。" in text
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "部门" and t.rows[1].cells[1].text == "城管局")
    assert [c.text for c in table.rows[1].cells] == ["1", "城管局", "20.0%", "-13.3pp", "7", "11.1%", "0.5 小时"]


def test_without_department_data_both_files_say_why(load_database):
    from data_access.db import Database
    from data_access.schema import SchemaMap

    smap = SchemaMap(tables={"dispatches": False, "departments": False}, columns={"events": {"department_code": False}})
    db = Database.connect(load_database("duckdb"), smap)
    try:
        bare = weekly_review(db, week=Period(START, END), asof=ASOF, scope=Scope.everywhere())
    finally:
        db.dispose()
    why = ("平台未提供事件·承办部门（schema.columns.events.department_code = false），"
           "没有派遣记录数据（schema.tables.dispatches = false）")
    assert not bare.departments and f"部门红黑榜无数据：{why}。" in narrative(bare)
    book = load_workbook(io.BytesIO(to_xlsx(bare)))
    assert [r["榜单"] for r in sheet_rows(book, "部门红黑榜")] == [f"无数据：{why}"]
    text = "\n".join(p.text for p in Document(io.BytesIO(to_docx(bare, weekly_charts(bare)))).paragraphs)
    assert f"五、部门红黑榜\n无数据：{why}。" in text and "最高的是公安分局" not in text
