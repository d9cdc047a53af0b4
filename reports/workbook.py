"""The review as an Excel workbook: one sheet per table (reports.tables), ready to print."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from metrics.weekly import WeeklyReview
from reports.tables import KIND_FORMATS, NUMBER_FORMATS, tables

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WIDE = {"内容": 100, "榜单": 20, "名称": 18, "所属街道": 14, "变化最大的指标": 18, "下降最多的指标": 18, "指标": 18}


def _cell(v):
    """Workbook cells take plain Python values; NaN and None both become an empty cell."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def to_xlsx(review: WeeklyReview) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables(review).items():
        ws = wb.create_sheet(name)
        kinds = list(frame.pop("_kind")) if "_kind" in frame else None
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([_cell(v) for v in row])
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
