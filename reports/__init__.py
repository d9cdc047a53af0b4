"""Reports for printing and sending: the 周报 as an Excel workbook and a Word document with charts.

    python -m reports weekly --week 2026-W46 --out DIR [--area CODE] [--user NAME] [--url URL]
                             [--config PATH] [--asof "YYYY-MM-DD HH:MM"]

`to_xlsx(review)` and `to_docx(review, weekly_charts(review))` are pure (bytes out) and shared with
the 周报 page's download buttons.
"""
import re

from reports.charts import weekly_charts
from reports.document import to_docx
from reports.workbook import to_xlsx

__all__ = ["to_docx", "to_xlsx", "weekly_charts", "file_name"]


def file_name(review, ext: str) -> str:
    """weekly-2026-W10.xlsx for the user's whole scope; weekly-2026-W10-S1.docx for an area in it."""
    area = re.sub(r"[^0-9A-Za-z_-]", "_", review.area_code) if review.area_code else ""
    return f"weekly-{review.label}{'-' + area if area else ''}.{ext}"
