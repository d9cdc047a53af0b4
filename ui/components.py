"""Streamlit building blocks shared by the pages: period picker, breadcrumb, KPI cards."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Callable

import streamlit as st

from metrics.availability import PAGE_DATA, absent_reason
from metrics.definitions import METRICS
from metrics.formats import CHANGE, WRITERS
from metrics.period import Period, preset
from metrics.scope import LEVEL_NAMES
from metrics.stable_index import INSUFFICIENT
from metrics.summary import KPI_ROW
from ui import format as fmt, glossary
from ui.case_links import open_cases
from ui.context import AppContext
from ui.state import PRESETS, View, drill, write_view


def number_columns(frame) -> dict:
    """st.dataframe's column_config for every number column of `frame` that ui.format knows by name,
    so a table writes its numbers as the cards and charts do (1,234 · 93.0 · 91.2%)."""
    return {c: st.column_config.NumberColumn(format=f) for c in frame.columns if (f := fmt.column_format(c))}


def period_picker(view: View) -> View:
    """Sidebar preset selector with a custom range; the choice is written to the URL."""
    keys = list(PRESETS)
    key = st.sidebar.selectbox("统计周期", keys, index=keys.index(view.preset), format_func=PRESETS.get)
    period = view.period
    if key == "custom":
        picked = st.sidebar.date_input("自定义日期范围", value=(view.period.start, view.period.end - timedelta(days=1)),
                                       format="YYYY-MM-DD")
        if isinstance(picked, (list, tuple)) and len(picked) == 2:
            period = Period(picked[0], picked[1] + timedelta(days=1))
    elif key != view.preset:
        period = preset(key, view.asof.date())
    new = replace(view, period=period, preset=key)
    write_view(new)
    return new


def breadcrumb(ctx: AppContext) -> None:
    """Ancestors as buttons from the top of the user's scope; the current area is plain text."""
    crumbs = ctx.breadcrumb()
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    for i, (code, name) in enumerate(crumbs):
        if i < len(crumbs) - 1:
            if row.button(name, key=f"crumb_{code}_{i}", type="tertiary"):
                drill(code)
            row.markdown("›")
        else:
            row.markdown(f"**{name}**")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    render: Callable
    change: str  # how its change is shown: "pp", "pct" or "points" (see format.delta)
    better: str  # "up", "down" or "none": which direction of change is good
    help: str


def kpi(name: str) -> Kpi:
    """A card for a declared metric: its label, format, change style, good direction and help."""
    m = METRICS[name]
    return Kpi(name, m.label, WRITERS[m.kind], CHANGE[m.kind], m.better, m.help)


KPIS = [kpi(name) for name in KPI_ROW]


def kpi_rows(cards: list[Kpi], data: dict, per_row: int) -> None:
    """Cards in rows of `per_row` columns; every card gets its column (a short last row stays short)."""
    for i in range(0, len(cards), per_row):
        for card, col in zip(cards[i:i + per_row], st.columns(per_row), strict=False):
            kpi_card(card, data, col)


def kpi_card(kpi: Kpi, data: dict, container) -> None:
    """A bordered card: value, 环比 as the metric's delta, 同比 (and n / interval) underneath."""
    cur = data.get(kpi.key)
    mom = fmt.delta(cur, data["previous"].get(kpi.key), kpi.change)
    yoy = fmt.delta(cur, data["last_year"].get(kpi.key), kpi.change)
    value = kpi.render(cur)
    if kpi.key == "safety_index" and data.get("safety_grade") == INSUFFICIENT:
        value = INSUFFICIENT  # too few cases to grade: no number (the reason is the card's caption)
    elif kpi.key == "safety_index" and data.get("safety_grade"):
        value = f"{value} {data['safety_grade']}"
    box = container.container(border=True)
    flat = fmt.unchanged(mom)  # +0.0pp: no green arrow for a change that rounds away
    help_text = kpi.help + ("\n\n" + glossary.explain("pp") if kpi.change == "pp" else "")
    if kpi.key == "satisfaction_rate":
        help_text += "\n\n" + glossary.explain("95% 置信区间")
    box.metric(kpi.label, value, delta=mom, delta_color="off" if flat else fmt.DELTA_COLOR[kpi.better],
               delta_arrow="off" if flat else "auto", delta_description="环比" if mom else None, help=help_text)
    why = data.get("why", {}).get(kpi.key) if fmt.missing(cur) else None
    extra = f"{fmt.NO_DATA}：{why}" if why else f"同比 {yoy or fmt.NO_DATA}" + ("" if mom else f" · 环比 {fmt.NO_DATA}")
    if kpi.key == "satisfaction_rate" and data.get("satisfaction_n"):
        extra += (f" · n={fmt.count(data['satisfaction_n'])}，95%区间 {fmt.pct(data['satisfaction_ci_low'])}"
                  f"–{fmt.pct(data['satisfaction_ci_high'])}")
    box.caption(extra)


def overdue_button(data: dict) -> None:
    """Under the KPI cards: the 超期未结 card's cases in 事件明细, longest overdue first."""
    n = data.get("overdue_open")
    if n and st.button(f"查看超期未结的 {fmt.count(n)} 件事件", icon=":material/list_alt:", type="tertiary"):
        open_cases(measure="overdue_open", sort="deadline")


def drill_from_chart(event) -> None:
    """Drill into the area a clicked plotly point carries as customdata[0] (its area code)."""
    points = event.selection.points if event else []
    if points and points[0].get("customdata"):
        drill(points[0]["customdata"][0])


def cases_from_chart(event, keys: tuple[str, ...], rows=None) -> None:
    """Open 事件明细 on the cases behind a clicked point: its customdata, named by `keys` in order
    ("area" an area code, the others ui.case_links filters such as "category", "measure", "wh").
    With `rows` (a Series), the first customdata entry is a row label and the value is rows[label]."""
    points = event.selection.points if event else []
    data = points[0].get("customdata") if points else None
    if data is not None and data != []:
        data = data if isinstance(data, list) else [data]
        if rows is not None:
            data = [rows.loc[data[0]], *data[1:]]
        values = dict(zip(keys, data))
        open_cases(values.pop("area", None), **values)


def drill_from_table(event, codes) -> None:
    """Drill into the area of a selected dataframe row; `codes` lists each row's area code in order."""
    rows = event.selection.rows if event else []
    if rows:
        drill(list(codes)[rows[0]])


def caption(ctx: AppContext, note: str = "") -> None:
    """The line under every figure: scope, period and 数据截至 time (plus what the figure counts)."""
    st.caption(ctx.caption() + (f" · {note}" if note else ""))


def page_needs(ctx: AppContext, page: str) -> None:
    """Stop the page with one line when the platform lacks what it is about (metrics.availability.PAGE_DATA)."""
    absent = [(t, c) for t, c in PAGE_DATA[page] if ctx.db.schema.absent(t, c)]
    if absent:
        st.info(f"{page}：{absent_reason(absent, ctx.db.schema)}，本页没有可显示的内容。"
                "可在 config.toml 的 [schema] 中映射这些数据。", icon=":material/database_off:")
        st.stop()


def children_level(children) -> str | None:
    """The level name of an area's children (街道, 网格…) for headings; None, with a note on the
    page, when the area is a grid and has no children to compare."""
    if children.empty:
        st.info("当前区域是最末级网格，没有下级区域可比较。")
        return None
    return LEVEL_NAMES.get(children["level"].iloc[0], "下级区域")
