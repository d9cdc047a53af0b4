"""The review as a printable Word document (.docx): the narrative, the KPI table, the charts and the
lists. Word, WPS and LibreOffice all open it; the text uses the reader's Chinese font (Microsoft
YaHei where there is one, else the system's substitute), the charts are PNG images (reports.charts).
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from metrics.definitions import METRICS
from metrics.scope import LEVEL_NAMES
from metrics.formats import count as fmt_count, index as fmt_index, pct as fmt_pct, value as fmt_value
from metrics.weekly import (DEPARTMENT_LISTS, KPIS, LISTS, MIN_DUE, AreaWeek, WeeklyReview, kpi_change, narrative,
                            no_grade_drop_words)
from reports.tables import signed

FONT_LATIN, FONT_CJK = "Arial", "Microsoft YaHei"
MAX_DROPS = 30  # rows of the grade-drop table in print; the workbook has them all


def _fonts(style, size: float | None = None) -> None:
    style.font.name = FONT_LATIN
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT_CJK)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")  # so a substitute font is chosen for Simplified Chinese
    if size:
        style.font.size = Pt(size)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        shade = cell._tc.get_or_add_tcPr()
        fill = shade.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "DCE6F1"})
        shade.append(fill)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = str(text)
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                for run in p.runs:
                    run.font.size = Pt(9)
            if widths:
                cell.width = Cm(widths[i])
    doc.add_paragraph()


def _image(doc, caption: str, png: bytes, width_cm: float = 16.0) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph(caption)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.runs[0].font.size, p.runs[0].font.color.rgb = Pt(9), RGBColor(0x55, 0x55, 0x55)


def _mover(m) -> str:
    return "" if m is None else f"{m.name} {m.change:+.1f}"


def _list_rows(rows: tuple[AreaWeek, ...], metric: str, with_street: bool) -> list[list[str]]:
    out = []
    for i, r in enumerate(rows, start=1):
        value = fmt_index(r.safety_index) if metric == "safety_index" else fmt_pct(r.on_time_rate)
        change = signed("index", r.index_change) if metric == "safety_index" else signed("rate", r.on_time_change_pp)
        out.append([str(i), r.name, *([r.street] if with_street else []), value, change, r.safety_grade or "无数据",
                    _mover(r.mover)])
    return out


def _lists(doc, lists: dict, level: str, with_street: bool) -> None:
    for key, (metric, _end, title) in LISTS.items():
        rows = lists[key]
        doc.add_heading(f"{level}{title}", level=3)
        if not rows:
            doc.add_paragraph(f"本周没有可排名的{level}" + (f"（应结案件不少于 {MIN_DUE} 件才参与按期结案率排名）。"
                                                        if metric == "on_time_rate" else "（平安指数均无数据）。"))
            continue
        value = "平安指数" if metric == "safety_index" else "按期结案率"
        header = ["名次", level, *(["所属街道"] if with_street else []), value, "较上周", "等级", "变化最大的指标（得分）"]
        widths = [1.2, 4.2, *([2.6] if with_street else []), 2.0, 1.8, 1.8, 4.2]
        _table(doc, header, _list_rows(rows, metric, with_street), widths)


def _department_lists(doc, review: WeeklyReview) -> None:
    if review.departments_absent:
        doc.add_paragraph(f"无数据：{review.departments_absent}。")
        return
    if not review.departments:
        doc.add_paragraph("本周没有派往职能部门的事件。")
        return
    for key, (_metric, _end, title) in DEPARTMENT_LISTS.items():
        rows = review.department_lists[key]
        doc.add_heading(f"部门{title}", level=3)
        if not rows:
            doc.add_paragraph(f"本周没有可排名的部门（应结案件不少于 {MIN_DUE} 件才参与按期结案率排名）。")
            continue
        _table(doc, ["名次", "部门", "按期结案率", "较上周", "承办事件", "退单率", "响应时长"],
               [[str(i), d.name, fmt_value("rate", d.on_time_rate), signed("rate", d.on_time_change_pp),
                 fmt_count(d.handled), fmt_value("rate", d.return_rate), fmt_value("hours", d.response_hours)]
                for i, d in enumerate(rows, start=1)], [1.2, 4.2, 2.2, 1.8, 2.0, 2.0, 2.4])
    doc.add_paragraph("部门按其承办事件计，只计本区域的事件；退单率按每次派遣所派往的部门统计；完整各列见 Excel 周报。")


def to_docx(review: WeeklyReview, charts: list[tuple[str, bytes]]) -> bytes:
    """The document; `charts` is reports.charts.weekly_charts(review) (caption, PNG) in order."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    _fonts(doc.styles["Normal"], 10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _fonts(doc.styles[name])
    doc.core_properties.title = f"网格治理周报 {review.area_name} {review.label}"

    doc.add_heading("网格治理周报", level=0)
    doc.add_paragraph(f"{review.area_name} · {review.label}（{review.week.label()}）")
    meta = doc.add_paragraph(f"数据截至 {review.asof:%Y-%m-%d %H:%M}；环比对比上周（{review.previous.label()}），"
                             f"同比对比去年同期（{review.last_year.label()}），两者均按与本周相同的办理时长计算。")
    meta.runs[0].font.size, meta.runs[0].font.color.rgb = Pt(9), RGBColor(0x55, 0x55, 0x55)
    section.footer.paragraphs[0].text = f"网格治理周报 · {review.area_name} · {review.label} · 数据截至 {review.asof:%Y-%m-%d %H:%M}"

    doc.add_heading("一、本周概况", level=1)
    for sentence in narrative(review):
        doc.add_paragraph(sentence)

    doc.add_heading("二、核心指标", level=1)
    k, rows = review.kpis, []
    for key in KPIS:
        kind, label = METRICS[key].kind, METRICS[key].label
        cur, prev, ly = k[key], k["previous"][key], k["last_year"][key]
        rows.append([label, fmt_value(kind, cur), fmt_value(kind, prev), signed(kind, kpi_change(kind, cur, prev)),
                     fmt_value(kind, ly), signed(kind, kpi_change(kind, cur, ly))])
    rows.append(["平安等级", k["safety_grade"] or "无数据", k["previous"]["safety_grade"] or "无数据", "",
                 k["last_year"]["safety_grade"] or "无数据", ""])
    _table(doc, ["指标", "本周", "上周", "环比", "去年同期", "同比"], rows, [3.6, 2.6, 2.6, 2.2, 2.6, 2.2])
    charts = list(charts)
    for caption, png in charts[:2]:
        _image(doc, caption, png)

    rest = charts[2:]
    doc.add_heading("三、街道红黑榜", level=1)
    if review.streets:
        if rest and "街道" in rest[0][0]:
            _image(doc, *rest.pop(0))
        _lists(doc, review.street_lists, "街道", with_street=False)
    else:
        doc.add_paragraph("所选区域下没有街道。")
    doc.add_heading("四、网格红黑榜", level=1)
    if review.grids:
        if rest:
            _image(doc, *rest.pop(0))
        _lists(doc, review.grid_lists, "网格", with_street=True)
    else:
        doc.add_paragraph("所选区域下没有网格。")

    doc.add_heading("五、部门红黑榜", level=1)
    _department_lists(doc, review)

    doc.add_heading("六、平安等级下降的区域", level=1)
    drops = review.grade_drops
    if not drops:
        doc.add_paragraph(no_grade_drop_words(review) if review.streets or review.grids else "所选区域下没有街道或网格。")
    else:
        doc.add_paragraph(f"共 {fmt_count(len(drops))} 个区域的平安等级低于上周"
                          + (f"，下表列出指数下降最多的 {MAX_DROPS} 个，完整名单见 Excel 周报。" if len(drops) > MAX_DROPS else "。"))
        rows = [[LEVEL_NAMES.get(r.level, r.level), r.name, r.street, f"{r.prev_grade}→{r.safety_grade}",
                 f"{fmt_index(r.prev_index)}→{fmt_index(r.safety_index)}", _mover(r.faller)]
                for r in drops[:MAX_DROPS]]
        _table(doc, ["层级", "名称", "所属街道", "等级", "平安指数", "下降最多的指标（得分）"], rows,
               [1.2, 4.0, 2.6, 2.8, 2.8, 4.0])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
