"""数据质量: the rows the metrics had to leave out (docs/metrics.md: bad rows), per rule with its count, the metrics it
affects and a few examples (personal data masked); for administrators, the faults of the area tree."""
import streamlit as st

from metrics import quality
from metrics.area_checks import TITLES
from ui.components import breadcrumb, caption
from ui.context import current
from ui.figures import quality as tables
from ui.format import md_cells, md_escape

ctx = current()
breadcrumb(ctx)
st.title(f"数据质量 · {ctx.area_name}")
st.caption(ctx.caption())

report = ctx.metric(quality.quality_report, box=tuple(ctx.settings.map.city_box))
found = tables.has_rows(report)
hidden = report["count"].isna().any()

if found.empty:
    st.success("未发现问题数据：所选范围和周期内，没有需要从指标中剔除的记录。", icon=":material/task_alt:")
else:
    st.warning(f"发现问题数据 {int(found['count'].sum()):,} 条次（一条记录可能触犯多条规则），涉及 {len(found)} 类规则。"
               "各类记录如何计入指标见下表；无法剔除的已注明。", icon=":material/rule:")
st.table(tables.rules_table(report).set_index("问题"))  # static: the explanations wrap instead of being cut
caption(ctx, "事件按上报时间、满意度调查按调查时间、巡查走访按开始时间归入周期；缺少上报时间的事件不限周期")
if hidden:
    st.info("网格不存在的记录和缺少上报时间的事件无法归属到任何区域（或任何周期），只在全市范围统计"
            "（全市权限、未选区域时），不在区域视图中显示，也不向区域用户显示。", icon=":material/info:")

for i, (_, rule) in enumerate(found.iterrows()):
    with st.expander(f"{rule['description']}：{int(rule['count']):,} 条", expanded=(i == 0)):
        st.caption(f"不计入：{rule['excluded_from']}。{rule['treatment']}。")
        if ctx.user.role == "admin":  # the database's own names, for whoever fixes the mapping or the data
            st.caption(f"数据库字段：{md_escape(quality.database_fields(rule['rule'], ctx.db.schema.map))}")
        st.dataframe(tables.examples_table(rule["examples"]), hide_index=True)
        caption(ctx, tables.examples_note(rule))

if ctx.user.role == "admin":  # the findings name areas anywhere in the city: administrators only
    st.subheader("平台数据映射")
    mapping = ctx.mapping_findings()
    if not mapping:
        st.success("映射检查未发现问题：所有映射的表、字段和代码都在，全部指标所需数据齐全。", icon=":material/database:")
    else:
        st.table(md_cells(tables.mapping_table(mapping).set_index("类别")))  # codes, names, driver messages
    st.caption("与命令 python -m data_access.check 相同的检查（区域树见下）：全部数据，不限所选区域和周期")

    st.subheader("区域树")
    tree_found = ctx.tree_findings()
    if not tree_found:
        st.success("区域树完整：每个区域都在顶级区域之下，区域 id 与编码唯一，事件的网格与类别都存在。",
                   icon=":material/account_tree:")
    else:
        st.warning(tables.tree_notice(tree_found, ctx.tree)
                   or f"区域树发现 {len(tree_found)} 类问题；所有区域都在顶级区域之下。", icon=":material/account_tree:")
        st.table(md_cells(tables.tree_table(tree_found).set_index("问题")))
        for f in tree_found:
            with st.expander(f"{TITLES.get(f.kind, f.kind)}：{f.count:,} 项"):
                st.markdown("\n".join(f"- {md_escape(line)}" for line in f.examples))
                st.caption(tables.tree_examples_note(f))
    st.caption(f"区域树检查：区域表的全部区域与库中全部事件，不限左侧所选区域和周期 · 数据截至 {ctx.data_asof:%Y-%m-%d %H:%M}")
