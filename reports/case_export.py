"""The case list as shown and as downloaded (事件明细): one table, so a file holds exactly the page's
columns — no personal data, which the list never shows — and nothing a spreadsheet would run."""
from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from metrics.formats import duration
from reports.workbook import FORMULA_STARTS, HEADER_FILL, put_cell

COLUMNS = ("上报时间", "案卷号", "网格", "事件类别", "来源", "状态", "办理期限", "期限情况", "办结时长（小时）")


def due_text(row) -> str:
    """The deadline at T in words: 剩余 5 小时 / 超期 3 天 for a case still open, 按期结案 / 超期 30 小时结案
    for a closed one, 无期限 without one; nothing for a rejected case."""
    if row["state"] == "rejected":
        return "—"
    if pd.isna(row["deadline_at"]):
        return "无期限"
    if row["state"] == "closed":
        late = (row["closed_at"] - row["deadline_at"]).total_seconds() / 3600
        return "按期结案" if late <= 0 else f"超期 {duration(late)}结案"
    left = row["hours_left"]
    return f"剩余 {duration(left)}" if left >= 0 else f"超期 {duration(-left)}"


def status_text(row) -> str:
    """The platform's status, except where it says closed and the case was still open at T (closed
    later, or a stale closing date): the list is as of T, like the figure it came from."""
    if row["state"] == "open" and row["status"] == "已结案":
        return "截至统计时点未结案"
    return row["status"]


def case_table(frame: pd.DataFrame) -> pd.DataFrame:
    """metrics.case_list rows → the columns the page and the downloads show, in the list's order."""
    if frame.empty:
        return pd.DataFrame(columns=["id", *COLUMNS])
    return pd.DataFrame({
        "id": frame["id"].astype("int64"),
        "上报时间": frame["reported_at"].dt.strftime("%Y-%m-%d %H:%M"),
        "案卷号": frame["case_no"].where(frame["case_no"].notna(), frame["id"].astype(str)).astype(str),
        "网格": frame["grid"].astype(str), "事件类别": frame["category"].astype(str), "来源": frame["source"],
        "状态": [status_text(r) for r in frame.to_dict("records")],
        "办理期限": frame["deadline_at"].dt.strftime("%Y-%m-%d %H:%M").fillna("无"),
        "期限情况": [due_text(r) for r in frame.to_dict("records")],
        "办结时长（小时）": frame["handling_hours"],
    })


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Beyond OWASP's =, +, -, @, tab and CR: "|" (DDE) and ";" (a formula where ";" separates fields),
# and any of them after leading spaces, which Excel skips.
CSV_STARTS = (*FORMULA_STARTS, "\n", "|", ";")


def _safe(value):
    """A CSV cell a spreadsheet reads as text: control characters dropped, and a cell that could start
    a formula gets the apostrophe Excel itself adds to typed text (OWASP, CSV injection)."""
    if not isinstance(value, str):
        return value
    value = CONTROL.sub("", value)
    return "'" + value if value.lstrip(" ").startswith(CSV_STARTS) else value


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese from a CSV."""
    out = table.drop(columns=["id"]).map(_safe)
    return out.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(table: pd.DataFrame, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "事件明细"
    shown = table.drop(columns=["id"])
    for r, values in enumerate([list(shown.columns), *shown.itertuples(index=False)], start=1):
        for c, value in enumerate(values, start=1):
            put_cell(ws, r, c, value)
    for c in range(1, len(shown.columns) + 1):
        head = ws.cell(row=1, column=c)
        head.font, head.fill = Font(bold=True), HEADER_FILL
        ws.column_dimensions[head.column_letter].width = 18
    ws.freeze_panes = "A2"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

