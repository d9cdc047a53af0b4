"""The 周报 in a real browser: the default week, picking another week, and both downloads.

The KPI 上报数 is checked against a plain SQL count on the demo database (a second path, not the
metrics layer); the downloaded files are opened with openpyxl and python-docx.
"""
from __future__ import annotations

import re

import duckdb
import pytest

from tests.browser.helpers import IDLE, MAIN, PAINTED, captions, errors, js, kpis, open, query, rerun_after, shot, \
    title, wait_until

VIEW = "period=custom&from=2026-11-09&to=2026-11-16&asof=2026-11-16T10:00"  # a Monday morning
WEEKS = {"2026-W46": ("2026-11-09", "2026-11-16"), "2026-W45": ("2026-11-02", "2026-11-09")}


def reported(demo_city, week: str) -> str:
    start, end = WEEKS[week]
    con = duckdb.connect(demo_city["url"].removeprefix("duckdb:///"), read_only=True)
    try:
        (n,), = con.execute("SELECT count(*) FROM events WHERE reported_at >= ? AND reported_at < ?",
                            [start, end]).fetchall()
    finally:
        con.close()
    return f"{n:,}"


def week_is(week: str) -> str:
    return f"() => new URLSearchParams(location.search).get('week') === {js(week)}"


def open_weekly(page, extra: str = "") -> None:
    open(page, f"/weekly?{VIEW}{extra}")
    wait_until(page, IDLE, PAINTED, "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length === 9")


def test_opens_on_the_last_full_week_and_its_numbers(page, demo_city):
    open_weekly(page)
    wait_until(page, week_is("2026-W46"))  # the page writes its week into the URL
    shot(page, "weekly")
    assert title(page).startswith("周报 · ")
    assert any("周次：2026-W46" in c and "数据截至 2026-11-16 10:00" in c for c in captions(page)), captions(page)
    assert kpis(page)[0] == reported(demo_city, "2026-W46")
    narrative = page.locator(f'{MAIN} [data-testid="stMarkdownContainer"] li').all_inner_texts()
    assert narrative and any(reported(demo_city, "2026-W46") in line for line in narrative), narrative
    assert not errors(page)  # must not happen


def test_picking_a_week_changes_url_and_numbers_and_the_link_reopens_it(page, new_page, demo_city):
    open_weekly(page)
    box = page.locator(f'{MAIN} [data-testid="stSelectbox"]').first

    def pick():
        box.click()
        page.get_by_role("option", name=re.compile(r"^2026-W45")).click()

    rerun_after(page, pick, week_is("2026-W45"))
    wait_until(page, IDLE, "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length === 9")
    assert any("周次：2026-W45" in c for c in captions(page)), captions(page)
    assert kpis(page)[0] == reported(demo_city, "2026-W45") != reported(demo_city, "2026-W46")

    again = new_page()  # a fresh session opening the copied link
    open_weekly(again, "&week=2026-W45")
    assert query(again)["week"] == "2026-W45" and kpis(again) == kpis(page)
    assert not errors(again)  # must not happen


@pytest.mark.parametrize("label, check", [
    ("下载 Excel 周报", "xlsx"),
    ("下载 Word 周报", "docx"),
])
def test_downloads_open_with_their_tables_and_charts(page, tmp_path, label, check):
    open_weekly(page, "&week=2026-W46")
    button = page.locator(f'{MAIN} [data-testid="stDownloadButton"] button').filter(has_text=label)
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"weekly-2026-W46.{check}"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    if check == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        assert book.sheetnames == ["概况", "KPI", "街道红黑榜", "网格红黑榜", "部门红黑榜", "等级下降", "文字摘要"]
        assert book["街道红黑榜"].max_row > 1 and book["KPI"].max_row > 1 and book["部门红黑榜"].max_row > 1
    else:
        from docx import Document

        doc = Document(str(path))
        assert doc.tables and len(doc.inline_shapes) >= 1
        assert any("2026-W46" in p.text for p in doc.paragraphs)
    assert not errors(page)  # must not happen
