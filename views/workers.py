"""网格员绩效: score, grade and ranks per worker (docs/metrics.md: 网格员绩效), households per full-time grid worker against
the norm (300–500 households per grid with one 专职网格员), and one worker's record (click a row; the worker's id goes into the URL as ?worker=). Worker names are personal data: masked unless the user may and chooses to see them (audited)."""
import streamlit as st

from metrics.availability import absent_reason
from metrics.labels import EMPLOYMENT_NAMES, NOT_RECORDED, ROLE_NAMES, name_of
from metrics.worker_detail import worker_activity
from metrics.workers import worker_table, working_days
from ui import format as fmt
from ui.components import breadcrumb, caption, number_columns, page_needs
from ui.context import current
from ui.state import worker_to_url
from ui.figures import workers as charts

ctx = current()
breadcrumb(ctx)
st.title(f"网格员绩效 · {ctx.area_name}")
st.caption(ctx.caption())
page_needs(ctx, "网格员绩效")
table = ctx.metric(worker_table, model=ctx.settings.workers)
if table.empty:
    st.info("所选区域没有登记的网格员、网格指导员或网格长。")
    st.stop()

left, right = st.columns(2)
roles = left.pills("岗位", list(ROLE_NAMES), format_func=ROLE_NAMES.get, selection_mode="multi",
                   default=list(ROLE_NAMES))
kinds = right.pills("用工性质", list(EMPLOYMENT_NAMES), format_func=EMPLOYMENT_NAMES.get, selection_mode="multi",
                    default=list(EMPLOYMENT_NAMES))
shown = charts.filter_workers(table, roles, kinds)
days = working_days(ctx.view.period)

grids = charts.grid_loads(table)
norm = charts.norm_summary(grids)
unstaffed = len(charts.grids_under(ctx.tree, ctx.focus.area_ids) - set(grids["area_id"]))
EMPLOYMENT = ("workers", "employment")
unknown_employment = ctx.db.schema.absent(*EMPLOYMENT)  # then no worker is known to be full-time
left, right = st.columns(2)
with left:
    if shown.empty:
        st.info("没有符合所选岗位和用工性质的人员，无等级分布可画。")
    else:
        st.plotly_chart(charts.grade_distribution(shown, f"综合得分等级分布（{len(shown)} 人，按上方筛选）"))
    caption(ctx)
with right:
    if unknown_employment:
        st.info(f"{absent_reason([EMPLOYMENT], ctx.db.schema)}，无法区分专职网格员，每名专职网格员服务户数无数据。")
    elif grids.empty:
        st.info("所选区域没有在岗专职网格员，无法计算每名专职网格员服务户数。")
    else:
        st.plotly_chart(charts.load_histogram(
            grids, f"每名专职网格员服务户数：{len(grids)} 个网格中 {norm['below']} 个低于 300 户、{norm['above']} 个高于 500 户"))
    if not unknown_employment:
        caption(ctx, f"规范：每个网格 300–500 户、配 1 名专职网格员，兼职网格员不计；低于 300 户 {norm['below']} 个、"
                     f"高于 500 户 {norm['above']} 个网格；另有 {unstaffed} 个网格无在岗专职网格员（不计入）")

st.subheader("人员绩效明细（点击表头排序，点击一行查看个人档案）")
ctx.reveal("网格员绩效")  # the audit line before any name is drawn
view = charts.table_view(shown, ctx.tree.frame["name"], reveal=ctx.unmasked)
if view.empty:
    st.info("没有符合所选岗位和用工性质的人员。")
picked_key = f"workers_{ctx.view.area_code}_{ctx.view.period}_{ctx.view.asof}_{roles}_{kinds}"
linked = charts.row_of(view.index, st.query_params.get("worker"))  # ?worker= ticks its row on first render
picked = st.dataframe(view, on_select="rerun", selection_mode="single-row", hide_index=True, placeholder="—",
                      key=picked_key, selection_default=None if linked is None else {"selection": {"rows": [linked]}},
                      column_config=number_columns(view))
caption(ctx, f"工作日 {days} 天；排名在同一岗位内比较，并列取相同名次；户数/专职网格员 = 所在网格户数 / 在岗专职网格员数（兼职不计）；"
             f"— 表示无数据或不适用；{ctx.privacy_note()}")

rows = [r for r in (picked.selection.rows if picked else []) if r < len(view)]
wid, note = charts.chosen_worker([int(view.index[r]) for r in rows], st.query_params.get("worker"),
                                 st.session_state.get("workers_picked"), picked_key)
st.session_state["workers_picked"] = (picked_key, wid) if rows else None
worker_to_url(wid)
if wid is None:
    st.info(note or "在上表中点击一行，查看该人员的得分构成、每日走访巡查和上报案件。")
    st.stop()
row = shown[shown["worker_id"] == wid].iloc[0].to_dict()
act = ctx.metric(worker_activity, worker_id=wid)
heading = (charts.worker_label(row, reveal=ctx.unmasked), name_of(EMPLOYMENT_NAMES, row["employment"], NOT_RECORDED),
           ctx.tree.row(row["area_id"])["name"])  # the grid's name and an unmapped code are database text
st.subheader("个人档案：" + " · ".join(fmt.md_escape(part) for part in heading))
cards = st.columns(5)
same_role = int((table["role"] == row["role"]).sum())
score = fmt.NO_DATA if fmt.missing(row["score"]) else f"{row['score']:.2f}（{row['grade']}）"
cards[0].metric("综合得分（等级）", score)
rank = fmt.NO_DATA if fmt.missing(row["rank_in_role"]) else f"{row['rank_in_role']:.0f} / {same_role}"
cards[1].metric("岗位内排名", rank)
cards[2].metric("走访户次", fmt.count(row["visits"]))
cards[3].metric("巡查天数 / 工作日", f"{row['patrol_days']} / {days}")
cards[4].metric("上报数（有效上报率）", f"{row['reported']}（{fmt.pct(row['valid_report_rate'])}）")
left, right = st.columns(2)
comps = charts.components(row, ctx.settings.workers.weights)
left.plotly_chart(charts.component_bars(comps, "得分构成：各项实得分与权重满分"))
right.plotly_chart(charts.daily_activity(act.daily, "每日走访、巡查与上报", ctx.settings.workers.visits_per_day))
caption(ctx, "无数据的指标不计入权重；走访、巡查、上报按发生地在权限范围内计")
st.markdown(f"**上报案件（{len(act.cases)} 件{'，仅列最近 200 件' if len(act.cases) >= 200 else ''}）**")
if act.cases.empty:
    st.info("该人员在所选周期内没有上报案件。")
else:
    st.dataframe(charts.cases_view(act.cases), hide_index=True)
caption(ctx)
