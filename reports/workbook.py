"""The review as an Excel workbook: one sheet per table (reports.tables), ready to print."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from metrics.weekly import WeeklyReview
from reports.tables import KIND_FORMATS, NUMBER_FORMATS, tables

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WIDE = {"内容": 100, "榜单": 20, "名称": 18, "所属街道": 14, "变化最大的指标": 18, "下降最多的指标": 18, "指标": 18}


# Text a spreadsheet would read as a formula (OWASP's list for CSV injection): openpyxl itself stores
# any string starting with "=" as a formula, and Excel evaluates +, - and @ once a cell is edited.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(v):
    """Workbook cells take plain Python values; NaN and None both become an empty cell. Characters
    XML cannot hold (control characters in a name) are dropped: openpyxl would refuse the workbook."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    v = v.item() if hasattr(v, "item") else v
    return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v


def put_cell(ws, row: int, column: int, value):
    """Every cell of every sheet is written here. Text stays text whatever it starts with: an area
    named =HYPERLINK(…) or =1+1 is stored as that string (type "s", value unchanged) with Excel's
    quote prefix, the mark a typed leading apostrophe leaves, so it is never evaluated, not even
    after someone edits the cell."""
    cell = ws.cell(row=row, column=column, value=_cell(value))
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type, cell.quotePrefix = "s", True
    return cell


def to_xlsx(review: WeeklyReview) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables(review).items():
        ws = wb.create_sheet(name)
        kinds = list(frame.pop("_kind")) if "_kind" in frame else None
        for r, values in enumerate([list(frame.columns), *frame.itertuples(index=False)], start=1):
            for c, value in enumerate(values, start=1):
                put_cell(ws, r, c, value)
        for c, col in enumerate(frame.columns, start=1):
            head = ws.cell(row=1, column=c)
            head.font, head.fill = Font(bold=True), HEADER_FILL
            ws.column_dimensions[get_column_letter(c)].width = WIDE.get(col, 12)
            for r in range(2, len(frame) + 2):
                cell = ws.cell(row=r, column=c)
                if kinds and col in ("本周", "上周", "去年同期"):
                    cell.number_format = KIND_FORMATS[kinds[r - 2]]
                elif col in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[col]
                if col == "内容":
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
    wb.properties.title = f"网格治理周报 {review.area_name} {review.label}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
