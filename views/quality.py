"""数据质量: the rows the metrics had to leave out (SPEC §10), per rule with its count, the metrics it
affects and a few examples (personal data masked)."""
import streamlit as st

from metrics import quality
from ui.components import breadcrumb, caption
from ui.context import current
from ui.figures import quality as tables

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
        st.dataframe(tables.examples_table(rule["examples"]), hide_index=True)
        caption(ctx, tables.examples_note(rule))
