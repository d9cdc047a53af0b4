"""群众满意度: the rate with its 95% interval and n, 环比 and 同比 in pp with a significance mark, the
trend, each child and each event category with intervals, and the worst grids; click a child to drill in."""
import streamlit as st

from metrics import satisfaction as sat
from ui.components import (breadcrumb, caption, children_level, drill_from_chart, drill_from_table, number_columns,
                           page_needs)
from ui import glossary
from ui.context import current
from ui.figures import satisfaction as charts
from ui.figures.common import GRAIN_NAMES, grain_for

ctx = current()
key = ctx.view.area_code or "top"
breadcrumb(ctx)
st.title(f"群众满意度 · {ctx.area_name}")
caption(ctx, "满意率 =（满意 + 基本满意）/ 有效评价数")
page_needs(ctx, "群众满意度")

data = ctx.metric(sat.satisfaction_summary)
if not data["satisfaction_n"]:
    st.info("所选区域在该周期内没有有效的满意度评价。可在左侧更换统计周期。")
for card, col in zip(charts.headline_cards(data), st.columns(4)):
    box = col.container(border=True, height="stretch")
    box.metric(card.label, card.value, help=card.help)
    if card.badge:
        box.badge(card.badge, color=card.color)
    box.caption(card.note)
st.caption(glossary.reading_note())

grain = grain_for(ctx.view.period.days)
trend = ctx.metric(sat.satisfaction_trend, grain=grain)
if trend.empty:
    st.info("该周期内没有有效评价，无法绘制满意率趋势。")
else:
    st.plotly_chart(charts.trend_figure(trend, f"满意率趋势（按{GRAIN_NAMES[grain]}，阴影为 95% 置信区间）", grain))
    caption(ctx)

children = ctx.metric(sat.satisfaction_by_child)
level = children_level(children)
if level:
    st.subheader(f"各{level}满意率与 95% 置信区间（点击圆点或表格行下钻）")
    missing = charts.no_answers(children)
    if len(missing) == len(children):
        st.info(f"该周期内各{level}都没有有效评价。")
    else:
        chart = st.plotly_chart(charts.children_dots(children, f"各{level}满意率（颜色为环比显著性）",
                                                     data["satisfaction_rate"]),
                                on_select="rerun", selection_mode="points", key=f"sat_chart_{key}")
        drill_from_chart(chart)
        caption(ctx, "无有效评价、未绘出：" + "、".join(missing) if missing else "")
    table = charts.children_table(children)
    picked = st.dataframe(table, on_select="rerun", selection_mode="single-row", key=f"sat_table_{key}",
                          hide_index=True, column_config=number_columns(table))
    drill_from_table(picked, table.index)
    caption(ctx, "环比对比上一个等长周期，同比对比去年同期；pp 为百分点（两个百分比之差）")

left, right = st.columns(2)
with left:
    categories = ctx.metric(sat.satisfaction_by_category)
    if categories.empty:
        st.info("该周期内没有有效评价，无法按事件类别分析。")
    else:
        st.plotly_chart(charts.category_dots(categories, "按事件类别的满意率", data["satisfaction_rate"]))
        caption(ctx, "回访评价归入所评事件的类别；抽样调查不关联事件，记为“无关联事件”")
with right:
    grids = ctx.metric(sat.worst_grids, min_n=sat.MIN_N)
    worst = charts.worst_table(grids)
    st.markdown(f"**满意率最低的网格**（有效评价不少于 {sat.MIN_N} 条才参与排名，点击行下钻）")
    if grids.empty:
        st.info("当前区域是网格，没有下属网格可排名。")
    else:
        if worst.empty:
            st.info(f"没有网格在该周期内达到 {sat.MIN_N} 条有效评价，暂不排名。")
        else:
            picked = st.dataframe(worst, on_select="rerun", hide_index=True, selection_mode="single-row",
                                  key=f"sat_worst_{key}", column_config=number_columns(worst))
            drill_from_table(picked, worst.index)
        caption(ctx, f"{int((~grids['ranked']).sum())} 个网格评价不足 {sat.MIN_N} 条，未参与排名")
