"""周报: one week against the week before and the same week last year — KPIs, red/black lists of
streets and grids with the indicator that moved most, the areas that fell a grade, a generated
narrative, and the workbook and document to download (docs/pages.md: 周报). The week is in the URL (?week=)."""
import streamlit as st

from metrics import weekly
from metrics.scope import LEVEL_NAMES
from reports import file_name, tables, to_docx, to_xlsx, weekly_charts
from reports.charts import FontMissing, cjk_family
from ui import format as fmt
from ui.access import audited_export
from ui.components import KPIS, breadcrumb, kpi_rows, number_columns
from ui.context import current
from ui.figures.weekly import for_display, index_vs_last_week
from ui.state import week_from_url, week_to_url

WEEKS_BACK = 104  # weeks offered in the picker, besides one named by the URL
DEPARTMENT_SHOWN = ["名次", "部门", "按期结案率", "按期较上周", "应结案件", "退单率", "响应时长（小时）"]


COLUMNS = {  # the list columns shown per ranking (the workbook has them all)
    "safety_index": ["名次", "名称", "所属街道", "平安指数", "等级", "较上周", "变化最大的指标", "得分变化"],
    "on_time_rate": ["名次", "名称", "所属街道", "按期结案率", "按期较上周", "应结案件", "变化最大的指标", "得分变化"],
}


ctx = current()
breadcrumb(ctx)
st.title(f"周报 · {ctx.area_name}")

week, weeks, notice = week_from_url(ctx.view, WEEKS_BACK)
if notice:
    st.warning(notice, icon=":material/event_busy:")
week = st.columns([1, 2])[0].selectbox("周次", weeks, index=weeks.index(week),
                    format_func=lambda p: f"{weekly.week_label(p)}（{p.label()}）"
                    + ("，本周未结束" if p.end > ctx.view.asof.date() else ""))
week_to_url(week)

review = ctx.metric(weekly.review_of_week, week_start=week.start, model=ctx.settings.safety)
scope_line = (f"范围：{ctx.area_name} · 周次：{review.label}（{review.week.label()}）· 数据截至 "
              f"{ctx.data_asof:%Y-%m-%d %H:%M}")
st.caption(f"{scope_line} · 环比对比上周（{review.previous.label()}），同比对比去年同期（{review.last_year.label()}），"
           "均按与本周相同的办理时长计算；左侧“统计周期”不参与周报的计算，只决定打开周报时的默认周次")

data = review.kpis
if not data["reported"] and not data["satisfaction_n"]:
    st.info("所选区域在这一周没有上报事件，也没有满意度评价。")
kpi_rows(KPIS, data, per_row=5)

st.subheader("本周概况")
with st.container(border=True):
    st.markdown("\n".join(f"- {fmt.md_escape(s)}" for s in weekly.narrative(review)))
st.caption(scope_line + " · 文字由上方数字自动生成")

sheets = tables.tables(review)
for level, rows, lists_sheet in (("街道", review.streets, "街道红黑榜"), ("网格", review.grids, "网格红黑榜")):
    st.subheader(f"{level}红黑榜")
    if not rows:
        st.info(f"所选区域下没有{level}。")
        continue
    if level == "街道":
        st.plotly_chart(index_vs_last_week(rows, "各街道平安指数（条为本周，竖线为上周）"), key="weekly_streets")
    table = for_display(sheets[lists_sheet])
    for key, (metric, _end, title) in weekly.LISTS.items():
        if key.endswith("_red"):
            left, right = st.columns(2)
        box = left if key.endswith("_red") else right
        shown = table.loc[table["榜单"] == title, [c for c in COLUMNS[metric] if c in table]]
        box.markdown(f"**{level}{title}**")
        if shown.empty:
            box.info("本周没有可排名的" + level + (f"（应结案件不少于 {weekly.MIN_DUE} 件才参与按期结案率排名）"
                                                 if metric == "on_time_rate" else "（平安指数均无数据）"))
        else:
            box.dataframe(shown, hide_index=True, column_config=number_columns(shown), key=f"weekly_{level}_{key}")
    st.caption(f"{scope_line} · “变化最大的指标”为平安指数各项指标中得分较上周变化最大者（分）；"
               f"应结案件少于 {weekly.MIN_DUE} 件的{level}不参与按期结案率排名；完整各列见 Excel 周报")

st.subheader("部门红黑榜")
if review.departments_absent:
    st.info(f"无数据：{review.departments_absent}。", icon=":material/database_off:")
elif not review.departments:
    st.info("所选区域在这一周没有派往职能部门的事件。")
else:
    dept_table = for_display(sheets["部门红黑榜"])
    left, right = st.columns(2)
    for box, (key, (_metric, _end, title)) in zip((left, right), weekly.DEPARTMENT_LISTS.items()):
        shown = dept_table.loc[dept_table["榜单"] == title, DEPARTMENT_SHOWN]
        box.markdown(f"**部门{title}**")
        if shown.empty:
            box.info(f"本周没有可排名的部门（应结案件不少于 {weekly.MIN_DUE} 件才参与按期结案率排名）")
        else:
            box.dataframe(shown, hide_index=True, column_config=number_columns(shown), key=f"weekly_departments_{key}")
st.caption(f"{scope_line} · 部门按其承办事件排名，只计本区域的事件；应结案件少于 {weekly.MIN_DUE} 件的部门不参与排名；"
           "退单率按每次派遣所派往的部门统计；完整各列见 Excel 周报")

st.subheader("平安等级下降的区域")
drops = sheets["等级下降"]
if drops.empty and (review.streets or review.grids):
    words = weekly.no_grade_drop_words(review)  # says so when some had no grade to compare
    if weekly.ungraded(review):
        st.info(words)
    else:
        st.success(words, icon=":material/check_circle:")
elif drops.empty:
    st.info("所选区域下没有街道或网格。")
else:
    levels = "、".join(f"{LEVEL_NAMES.get(lv, lv)} {n} 个" for lv, n in
                      ((lv, sum(r.level == lv for r in review.grade_drops)) for lv in ("street", "grid")) if n)
    st.markdown(f"共 {len(drops)} 个（{levels}），按指数降幅排列：")
    drops_shown = for_display(drops)
    st.dataframe(drops_shown, hide_index=True, column_config=number_columns(drops_shown), key="weekly_drops")
st.caption(scope_line)

st.subheader("导出")
if not ctx.user.may_export:
    st.info("当前账号没有导出权限。")
else:
    xlsx_name, docx_name = file_name(review, "xlsx"), file_name(review, "docx")
    left, right = st.columns(2)
    audit = (ctx.settings, ctx.user, ctx.audit_area(), review.week)
    left.download_button("下载 Excel 周报（每表一页）", data=audited_export(*audit, xlsx_name, lambda: to_xlsx(review)),
                         file_name=xlsx_name, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/table_view:", on_click="ignore")
    try:
        cjk_family()  # the charts need a Chinese font: say so here rather than fail on the click
    except FontMissing as exc:
        right.warning(f"Word 周报暂不可用：{exc}", icon=":material/font_download_off:")
    else:
        right.download_button("下载 Word 周报（含图表，可打印）",
                              data=audited_export(*audit, docx_name, lambda: to_docx(review, weekly_charts(review))),
                              file_name=docx_name,
                              mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                              icon=":material/description:", on_click="ignore")
    st.caption("导出内容与本页相同，限于当前账号的权限范围；每次导出都记入审计日志")
