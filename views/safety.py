"""平安指数: the areas on a map coloured by grade, where and when events happen, the index over time,
and what pulled the selected area's score down."""
import pandas as pd
import streamlit as st

from metrics import breakdowns, geo
from metrics.stable_index import INSUFFICIENT, method_note, trend_note
from ui import format as fmt
from ui.components import breadcrumb, caption, cases_from_chart
from ui.context import current
from ui.figures import maps, safety
from ui.figures.common import GRAIN_NAMES, grain_for, has_index
from ui.state import drill

ctx = current()
breadcrumb(ctx)
st.title(f"平安指数 · {ctx.area_name}")
data = ctx.summary()
grade = data["safety_grade"]  # None with the index: the card then reads 无数据 once
st.caption(ctx.caption())

left, right = st.columns([3, 2])
with left:
    children = ctx.children()
    shapes = ctx.metric(geo.area_shapes)
    scores = children if not children.empty else pd.DataFrame(
        [{"area_id": ctx.focus.single, **{k: data[k] for k in ("safety_index", "safety_grade")},
          "safety_color": next((g.color for g in ctx.settings.safety.grades if g.name == data["safety_grade"]),
                               "#9e9e9e")}])
    areas = shapes.merge(scores[["area_id", "safety_index", "safety_grade", "safety_color"]], on="area_id", how="left")
    placed = maps.placement(areas, ctx.settings.map)
    # A map with nothing to colour, or nothing to place, would be an empty box: say why instead.
    why_not = safety.no_index_reason(data, children) or (None if placed.drawn else maps.placement_note(placed))
    if why_not:
        st.info(why_not)
    else:
        density = ctx.metric(geo.event_density, box=ctx.settings.map.city_box)
        show_density = st.toggle("叠加事件密度热力图", value=False)
        picked = st.pydeck_chart(maps.safety_map(areas, density, ctx.settings.map, show_density=show_density),
                                 on_select="rerun", selection_mode="single-object", key=f"map_{ctx.view.area_code}",
                                 height=maps.MAP_HEIGHT)
        chosen = maps.picked_area(picked.selection.objects) if picked else {}
        if chosen.get("code") and chosen["code"] != ctx.view.area_code and not children.empty:
            drill(chosen["code"])
        st.plotly_chart(safety.legend_strip(maps.grade_legend(ctx.settings.safety.grades),
                                            maps.fill_alpha(ctx.settings.map)),
                        config={"staticPlot": True})
        if placed.unplaced:
            st.info(maps.placement_note(placed))
    how = "（没有边界的区域画作其坐标处的圆点）" if placed.points else ""
    caption(ctx, "" if why_not else f"区域按平安指数等级着色{how}，点击区域下钻；热力为周期内上报事件的位置密度")

with right:
    change = fmt.delta(data["safety_index"], data["previous"]["safety_index"], "points")
    shown = grade if grade == INSUFFICIENT else fmt.index(data["safety_index"]) + (f" {grade}" if grade else "")
    st.metric(f"{ctx.area_name} 平安指数", shown, delta=change, delta_description="环比" if change else None)
    if data.get("safety_note"):
        st.caption(data["safety_note"])
    st.plotly_chart(safety.contributions(data["safety_parts"], "各指标得分：是什么拉低了指数"))
    if data["safety_missing"]:
        st.caption("无数据、未计入指数的指标：" + "、".join(data["safety_missing"]))
    caption(ctx, "指数 = Σ 权重 × 指标得分 / Σ 有数据指标的权重" + method_note(ctx.settings.safety))

grain = grain_for(ctx.view.period.days)
a, b = st.columns(2)
trend = ctx.trend(grain)
if not has_index(trend):  # no buckets, or buckets whose index is missing: an empty chart would mislead
    a.info("该周期内没有可计算指数的数据。")
else:
    a.plotly_chart(safety.index_trend(trend, ctx.settings.safety.grades,
                                      f"平安指数走势（按{GRAIN_NAMES[grain]}{trend_note(ctx.settings.safety)}）"))
cells = ctx.metric(breakdowns.breakdown, by="weekday_hour", names=("reported",))
if cells.empty:
    b.info("该周期内没有上报事件。")
else:
    hours = b.plotly_chart(safety.hour_weekday_heatmap(cells, "事件发生时段：星期 × 小时（点击查看事件）"),
                           on_select="rerun", selection_mode="points", key=f"hours_{ctx.view.area_code}")
    cases_from_chart(hours, ("wh",))
caption(ctx)

rows = ctx.metric(breakdowns.breakdown, by="dimension", names=("reported",), per_child=True)
if rows.empty:
    st.info("没有下级区域，或该周期内没有上报事件。")
else:
    heat = st.plotly_chart(safety.area_category_heatmap(rows, "下级区域 × 事件类别（件），点击查看事件"),
                           on_select="rerun", selection_mode="points", key=f"heat_{ctx.view.area_code}")
    cases_from_chart(heat, ("area", "dimension"))
    caption(ctx)
