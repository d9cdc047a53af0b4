"""The 周报 exports of a platform whose area names carry markup or formulas: the charts draw them as
text, the workbook stores them as text (tests/test_reports.py checks the exports' contents)."""
from __future__ import annotations

import io

import matplotlib.text
from docx import Document

from data_access.db import Database
from metrics.period import Period
from metrics.scope import Scope
from metrics.weekly import weekly_review
from reports import charts, to_docx
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
