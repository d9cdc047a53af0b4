"""事件办结: the lifecycle funnel, handling time, closure and on-time rates by child area and by
category, sources, the level that resolved each case, and the overdue list (personal data masked)."""
import streamlit as st

from metrics import breakdowns, cases, departments, events_extra
from ui import format as fmt
from ui.case_links import open_cases
from ui.components import (breadcrumb, caption, cases_from_chart, children_level, drill_from_chart, drill_from_table,
                           kpi, kpi_rows, number_columns, overdue_button)
from ui.context import current
from ui.figures import events as charts

CARDS = [kpi(name) for name in ("reported", "filed", "closure_rate", "on_time_rate", "overdue_open", "median_hours",
                                 "p90_hours", "grid_resolved_rate")]

ctx = current()
key = ctx.view.area_code or "top"
breadcrumb(ctx)
st.title(f"事件办结 · {ctx.area_name}")
st.caption(ctx.caption())

data = ctx.summary()
kpi_rows(CARDS, data, per_row=4)
overdue_button(data)

left, right = st.columns(2)
with left:
    if data["reported"]:
        stages = st.plotly_chart(charts.funnel(ctx.metric(breakdowns.funnel), "事件流转漏斗（上报→立案→派遣→结案）"),
                                 on_select="rerun", selection_mode="points", key=f"events_funnel_{key}")
        cases_from_chart(stages, ("measure",))
    else:
        st.info("所选区域在该周期内没有上报事件。可在左侧更换统计周期。")
    caption(ctx, "百分比为占上报数的比例；点击一个环节查看其事件")
with right:
    hist = ctx.metric(breakdowns.handling_histogram)
    if hist["count"].sum():
        st.plotly_chart(charts.handling_histogram(hist, data["median_hours"], data["p90_hours"], "办结时长分布"))
    else:
        st.info("该周期内立案的事件截至统计时点还没有办结，暂无办结时长。")
    caption(ctx, f"周期内立案并已结案的 {fmt.count(data['handled_n'] or 0)} 件")

children = ctx.children()
level = children_level(children)
if level:
    st.subheader(f"各{level}结案与按期结案率（点击条形或表格行下钻）")
    left, right = st.columns([5, 6])
    with left:
        chart = st.plotly_chart(charts.rate_bars(children, f"各{level}结案率与按期结案率"), on_select="rerun",
                                selection_mode="points", key=f"events_child_chart_{key}")
        drill_from_chart(chart)
        caption(ctx)
    with right:
        table = charts.child_table(children)
        picked = st.dataframe(table, on_select="rerun", selection_mode="single-row", hide_index=True,
                              key=f"events_child_table_{key}", column_config=number_columns(table))
        drill_from_table(picked, table.index)
        caption(ctx, "超期未结按统计时点计，不论立案日期")

st.subheader("按事件类别与来源")
left, right = st.columns([5, 6])
with left:
    by_category = ctx.metric(breakdowns.breakdown, by="category")
    if by_category.empty:
        st.info("该周期内没有上报事件，无法按类别统计。")
    else:
        bars = st.plotly_chart(charts.rate_bars(by_category, "各类别结案率与按期结案率", label="label", code="key"),
                               on_select="rerun", selection_mode="points", key=f"events_category_{key}")
        cases_from_chart(bars, ("category",))
    caption(ctx, "点击类别查看其周期内上报的事件")
with right:
    by_source = ctx.metric(breakdowns.breakdown, by="source", names=("reported",))
    levels = ctx.metric(events_extra.resolution_levels)
    if by_source.empty:
        st.info("该周期内没有上报事件，无法按来源统计。")
    else:
        bars = st.plotly_chart(charts.sources(by_source, "事件来源（上报数）"), on_select="rerun", selection_mode="points",
                               key=f"events_source_{key}")
        cases_from_chart(bars, ("source",), by_source["key"])
    caption(ctx, "点击来源查看其事件")
    if levels["closed"].sum():
        st.plotly_chart(charts.resolution_levels(
            levels, f"结案事件化解层级 · 网格内化解率 {fmt.pct(charts.grid_share(levels))}（小事不出网格）"))
    else:
        st.info("该周期内立案的事件截至统计时点还没有结案，无法统计化解层级。")
    caption(ctx, "周期内立案并已结案的事件，按化解层级")

st.subheader("部门协同（承办部门办理情况，按期结案率低的在前）")
no_departments = departments.unavailable_reason(ctx.db.schema)
depts = None if no_departments else ctx.metric(departments.department_table)
if no_departments:
    st.info(f"无数据：{no_departments}。平台记录承办部门后，这里按部门列出结案、按期、退单与多次派遣情况。",
            icon=":material/database_off:")
elif depts.empty:
    st.info("所选区域在该周期内没有派往职能部门的事件。")
else:
    absent = departments.why_absent(ctx.db.schema)
    table = charts.department_table(depts, absent)
    picked = st.dataframe(table, on_select="rerun", selection_mode="single-row", hide_index=True,
                          key=f"events_departments_{key}", column_config=number_columns(table))
    if picked and picked.selection.rows:
        open_cases(measure="dept_handled", department=table.index[picked.selection.rows[0]])
    gaps = "；".join(f"{departments.label(n)}无数据：{why}" for n, why in absent.items())
    caption(ctx, f"{departments.department_note()}；环比为与上一周期之差；点击一行查看该部门承办的事件"
                 + (f"；{gaps}" if gaps else ""))

st.subheader("超期未结事件")
ctx.reveal("事件办结")  # the audit line before any name is fetched or drawn
overdue = ctx.metric(cases.overdue_cases, unmasked=ctx.unmasked)
if overdue.empty:
    st.info(f"截至 {ctx.view.asof:%Y-%m-%d %H:%M} 没有超期未结的事件。")
else:
    row = st.dataframe(charts.overdue_table(overdue), hide_index=True, on_select="rerun", selection_mode="single-row",
                       key=f"events_overdue_{key}")
    if row and row.selection.rows:
        open_cases(case=int(overdue["id"].iloc[row.selection.rows[0]]))
shown = f"，显示超期最久的 {len(overdue)} 件" if len(overdue) < (data["overdue_open"] or 0) else ""
caption(ctx, f"共 {fmt.count(data['overdue_open'] or 0)} 件{shown}；超期按统计时点计、不论立案日期；点击一行查看办理过程；"
             f"{ctx.privacy_note()}")
