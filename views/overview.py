"""总览: KPI cards with 环比 and 同比, trends, and the area's children ranked; click a child to drill in."""
import streamlit as st

from ui.figures import overview as charts
from ui.figures.common import GRAIN_NAMES, grain_for, has_index, pending_note
from ui.alerts_panel import alerts_section
from ui.figures.quality import tree_notice
from ui.components import (KPIS, breadcrumb, children_level, drill_from_chart, drill_from_table, kpi_rows,
                           number_columns, overdue_button)
from ui.context import current

ctx = current()
breadcrumb(ctx)
st.title(f"总览 · {ctx.area_name}")
st.caption(ctx.caption())

if ctx.scope.area_codes is None:  # leaders and admins: a whole-city total is only whole if the tree is
    notice = tree_notice(ctx.tree_findings(), ctx.tree)
    if notice:
        where = ("详见“数据质量”页的“区域树”一节。" if ctx.user.role == "admin"
                 else "管理员可在“数据质量”页的“区域树”一节查看明细。")
        st.warning(notice + where, icon=":material/account_tree:")

data = ctx.summary()
if not data["reported"] and not data["satisfaction_n"]:
    st.info("所选区域在该周期内没有上报事件，也没有满意度评价。可在左侧更换统计周期。")
kpi_rows(KPIS, data, per_row=5)
overdue_button(data)
if data["safety_missing"]:
    st.caption("平安指数未计入（无数据）的指标：" + "、".join(data["safety_missing"]))

alerts_section(ctx)

grain = grain_for(ctx.view.period.days)
trend = ctx.trend(grain)
left, right = st.columns(2)
if trend.empty:
    st.info("该周期内没有可绘制趋势的数据。")
else:
    left.plotly_chart(charts.volume_trend(trend, f"事件量趋势（按{GRAIN_NAMES[grain]}）"))
    right.plotly_chart(charts.rate_trend(trend, f"结案、按期与满意率趋势（按{GRAIN_NAMES[grain]}）"))
    pending = pending_note(trend)
    st.caption(ctx.caption() + (f" · {pending}" if pending else ""))

children = ctx.children()
level = children_level(children)
if level:
    st.subheader(f"下级{level}排名（按平安指数，点击条形或表格行下钻）")
    key = ctx.view.area_code or "top"
    if has_index(children):
        chart = st.plotly_chart(charts.children_ranking(children, f"各{level}平安指数"), on_select="rerun",
                                selection_mode="points", key=f"rank_chart_{key}")
        drill_from_chart(chart)
    else:  # a chart of empty bars would look like a ranking of zeros
        st.info(f"各{level}在该周期内都没有平安指数（无数据），无法排名；下表列出其余指标。")
    table = charts.ranking_table(children)
    picked = st.dataframe(table, on_select="rerun", selection_mode="single-row", key=f"rank_table_{key}",
                          hide_index=True, column_config=number_columns(table))
    drill_from_table(picked, table.index)
    st.caption(ctx.caption())
