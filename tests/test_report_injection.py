"""The 周报 exports of a platform whose area names carry markup or formulas: the charts draw them as
text, the workbook stores them as text (tests/test_reports.py checks the exports' contents)."""
from __future__ import annotations

import io

import matplotlib.text
from docx import Document
from openpyxl import load_workbook

from data_access.db import Database
from metrics.period import Period
from metrics.scope import Scope
from metrics.weekly import weekly_review
from reports import charts, to_docx, to_xlsx
from tests.fixture import ASOF, END, START


def review_named(url: str):
    db = Database.connect(url)
    try:
        return weekly_review(db, week=Period(START, END), asof=ASOF, scope=Scope.everywhere())
    finally:
        db.dispose()


def renamed(fixture_copy, names: dict[str, str]) -> str:
    """A copy of the fixture with these areas (by code) renamed."""
    return fixture_copy(*(f"UPDATE areas SET name = '{name.replace(chr(39), chr(39) * 2)}' WHERE code = '{code}'"
                          for code, name in names.items()))


MATH = {"S1": "东街道 $\\evil{x}$", "S2": "西街道 $x^2$", "G1": "第一网格 $\\frac{1}{0}$", "G5": "$5$ 网格"}


def test_dollar_signs_in_names_are_drawn_as_text(fixture_copy, monkeypatch):
    """matplotlib reads "$…$" as mathtext: a formula drawn in place of the name, or (here, \\evil and
    \\frac{1}{0} do not parse) a ValueError that stopped the Word document. Every text is drawn as is."""
    drawn = []
    png = charts._png

    def keep(fig):
        out = png(fig)  # drawn with weekly_charts' settings
        drawn.extend(t for t in fig.findobj(matplotlib.text.Text) if "$" in t.get_text())
        return out
    monkeypatch.setattr(charts, "_png", keep)

    review = review_named(renamed(fixture_copy, MATH))
    pictures = charts.weekly_charts(review)
    assert len(pictures) == 4
    assert {t.get_text() for t in drawn} >= {MATH["S1"], MATH["S2"], MATH["G1"], MATH["G5"]}
    assert not [t.get_text() for t in drawn if t.get_parse_math()]
    text = "\n".join(p.text for p in Document(io.BytesIO(to_docx(review, pictures))).paragraphs)
    assert MATH["G5"] in text  # the document is plain text: the name as stored


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
FORMULAS = {"D": "=1+1", "S1": '=HYPERLINK("https://evil.example/login","点我")', "S2": "+1+1",
            "G1": "-1+1", "G2": "@SUM(1,1)", "G3": "\t=1+1", "G4": "\r=1+1", "G5": '=cmd|" /C calc"!A0'}


def test_names_that_look_like_formulas_are_stored_as_text(fixture_copy):
    """openpyxl stores any string starting with "=" as a formula (an area named =HYPERLINK(…) was a
    live link in 网格/街道红黑榜 and 等级下降), and Excel evaluates +, -, @ once a cell is edited: every
    text cell of every sheet is a string as written, with Excel's quote prefix when it starts so."""
    review = review_named(renamed(fixture_copy, FORMULAS))
    book = load_workbook(io.BytesIO(to_xlsx(review)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    found = {(ws.title, c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    for sheet, name in (("网格红黑榜", FORMULAS["G1"]), ("网格红黑榜", FORMULAS["S1"]), ("街道红黑榜", FORMULAS["S1"]),
                        ("街道红黑榜", FORMULAS["S2"]), ("等级下降", FORMULAS["G5"]), ("等级下降", FORMULAS["S2"]),
                        ("概况", FORMULAS["D"] + "（区）"), ("网格红黑榜", FORMULAS["G3"]), ("网格红黑榜", FORMULAS["G4"])):
        assert (sheet, name) in found, (sheet, name)  # unchanged: the name exactly as the platform has it


def test_control_characters_in_names_do_not_stop_the_workbook(fixture_copy):
    review = review_named(renamed(fixture_copy, {"G1": "第一\x01网格\x1b"}))
    book = load_workbook(io.BytesIO(to_xlsx(review)))  # openpyxl refused the whole workbook
    assert "第一网格" in {c.value for row in book["网格红黑榜"].iter_rows() for c in row}
