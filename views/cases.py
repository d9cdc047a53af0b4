"""事件明细: the cases of the current area and period — or exactly those behind a clicked figure —
filtered, sorted, paged and downloadable; ?case=<id> opens one case's record (docs/pages.md)."""
from dataclasses import replace

import streamlit as st

from metrics import case_list, case_record
from metrics import departments as department_metrics
from metrics.definitions import METRICS
from metrics.labels import DIMENSION_NAMES, LEVEL_NAMES, SOURCE_NAMES, STATUS_NAMES, WEEKDAY_NAMES, name_of
from reports import case_export
from ui import format as fmt
from ui.access import audited_export
from ui.case_links import case_from_url, filter_from_url, set_params
from ui.components import breadcrumb, caption
from ui.context import current
from metrics.formats import duration
from ui.figures import cases as figures
from ui.figures.maps import case_map

ALL = "全部"


def pick(label: str, options: list, current, names: dict, param: str, box):
    """A filter's select box, written back to the URL (its key follows the URL, so a link resets it)."""
    choices = [None, *options]
    value = box.selectbox(label, choices, index=choices.index(current) if current in choices else 0,
                          format_func=lambda v: ALL if v is None else names.get(v, str(v)), key=f"cases_{param}_{current}")
    set_params(**{param: value})


def show_record(ctx, case) -> None:
    if st.button("返回列表", icon=":material/arrow_back:", type="tertiary"):
        set_params(case=None)
        st.rerun()
    try:
        if not isinstance(case, int):
            raise case_list.CaseNotFound()
        rec = ctx.metric(case_record.case_record, case_id=case)  # masked: where it is, for the audit line
        if ctx.unmasked:  # one audit line per record shown in clear, written before it is fetched
            ctx.reveal(f"事件明细·事件 {rec['id']}", area=rec["grid_code"])
            rec = ctx.metric(case_record.case_record, case_id=case, unmasked=True)
    except case_list.CaseNotFound as exc:
        st.warning(str(exc), icon=":material/block:")
        return
    st.title(f"事件 {fmt.md_escape(rec['case_no'] or rec['id'])}")
    st.caption(f"{' › '.join(fmt.md_escape(p) for p in rec['path'])} · 数据截至 {ctx.data_asof:%Y-%m-%d %H:%M}")
    open_now = rec["state"] == "open"
    facts = {"状态": case_export.status_text(rec),
             "事件类别": rec["category"], "来源": rec["source"],
             "化解层级": "—（未结案）" if open_now else rec["resolved_level"],
             "返工次数": fmt.NO_DATA if rec["reopen_count"] is None else str(rec["reopen_count"])}
    for (label, value), col in zip(facts.items(), st.columns(len(facts))):
        col.metric(label, fmt.md_escape(value))  # a metric's value is Markdown: category names are the platform's text
    sla = f"类别办理时限 {rec['sla_hours']:g} 小时" if rec["sla_hours"] else "类别未设办理时限"
    deadline = f"办理期限 {rec['deadline_at']:%Y-%m-%d %H:%M}" if rec["deadline_at"] is not None else "无办理期限"
    took = f" · 上报至结案 {duration(rec['handling_hours'])}" if rec["handling_hours"] is not None else ""
    color = figures.VERDICT_COLORS.get(rec["verdict"]["kind"], "gray")
    st.markdown(f":{color}[**{figures.verdict_text(rec['verdict'])}**] · {sla} · {deadline}{took}")
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**办理过程**")
        boxes = st.columns(len(case_record.STEPS))
        for step, box in zip(figures.stepper(rec), boxes):
            with box.container(border=True):
                st.markdown(f"**{step['step']}**")
                st.markdown(step["at"] or f":gray[{step['note']}]")
                if step["at"] and step["note"]:
                    st.caption(step["note"])
        st.caption("时间为上报、受理（核实）、派遣、结案各环节的记录时间；统计时点之后的环节不显示")
    with right:
        grid = {"area_id": 0, "code": rec["grid_code"], "name": rec["grid"], "boundary": rec["boundary"]}
        point = (rec["lon"], rec["lat"]) if rec["lon"] is not None else None
        deck = case_map(grid, point, ctx.settings.map)
        if deck is None:
            st.info("平台没有记录该事件或其网格的位置。")
        else:
            st.pydeck_chart(deck, height=300)
            st.caption(f"{fmt.md_escape(rec['grid'])}（灰色）与事件位置（红点）")
    st.subheader("上报与当事信息")
    people = {"上报网格员": rec["worker_name"], "报告人": rec["reporter_name"], "联系电话": rec["reporter_phone"],
              "地址": rec["address"], "事件描述": rec["description"]}
    st.markdown("\n".join(f"- **{k}**：{fmt.md_escape(v) if v else '未记录'}" for k, v in people.items()))
    st.caption(ctx.privacy_note())
    st.subheader("群众评价")
    if rec["surveys"]:
        st.dataframe([{"评价时间": f"{s['at']:%Y-%m-%d %H:%M}", "方式": s["kind"], "结果": s["result"]}
                      for s in rec["surveys"]], hide_index=True)
    else:
        st.info("该事件没有关联的满意度评价。")


def figure_line(f: case_list.CaseFilter, departments: dict) -> str | None:
    """What a clicked figure narrowed the list to, in words (None for the plain list)."""
    parts = [] if f.measure == "reported" else [f"{METRICS[f.measure].label}（{METRICS[f.measure].help}）"]
    for key, value in f.breakdown:
        if key == "weekday_hour":
            parts.append(f"{WEEKDAY_NAMES[value // 100]} {value % 100:02d}时")
        elif key == "dimension":
            parts.append(name_of(DIMENSION_NAMES, value, "未知维度"))
        elif key == "department":
            parts.append(f"承办部门 {departments.get(value, value)}")
    if f.after or f.until:
        parts.append(f"上报时间 {f.after:%m-%d %H:%M} 后至 {f.until:%m-%d %H:%M}" if f.after and f.until
                     else f"上报时间 {(f.after or f.until):%m-%d %H:%M} {'后' if f.after else '前'}")
    return " · ".join(fmt.md_escape(p) for p in parts) or None


ctx = current()
breadcrumb(ctx)
case = case_from_url()
if case is not None:
    show_record(ctx, case)
    st.stop()

st.title(f"事件明细 · {ctx.area_name}")
st.caption(ctx.caption())
cats = ctx.metric(case_list.categories)
flt, page, notices = filter_from_url(cats)
flt = replace(flt, due_hours=ctx.settings.alerts.due_hours)  # 临期 as the alerts count it
for notice in notices:
    st.warning(notice, icon=":material/filter_alt_off:")
if line := figure_line(flt, ctx.metric(department_metrics.department_names)):
    box = st.container(border=True, horizontal=True, vertical_alignment="center")
    box.markdown(f"来自图表：{line}")
    if box.button("显示全部事件", type="tertiary"):
        set_params(measure=None, dimension=None, wh=None, after=None, until=None, department=None)
        st.rerun()

row = st.columns([2, 2, 2, 2, 2, 2])
chosen = dict(flt.breakdown)
pick("事件类别", list(cats), chosen.get("category"), {k: str(v) for k, v in cats.items()}, "category", row[0])
sources = list(SOURCE_NAMES) + ([chosen["source"]] if chosen.get("source") not in (None, *SOURCE_NAMES) else [])
pick("来源", sources, chosen.get("source"), {v: name_of(SOURCE_NAMES, v, "未记录") for v in sources}, "source", row[1])
pick("状态", list(STATUS_NAMES), flt.status, STATUS_NAMES, "status", row[2])
pick("化解层级", list(case_list.LEVELS), flt.level, LEVEL_NAMES, "level", row[3])
sort = row[4].selectbox("排序", list(case_list.SORTS), index=list(case_list.SORTS).index(flt.sort),
                        format_func=case_list.SORTS.get, key=f"cases_sort_{flt.sort}")
set_params(sort=None if sort == "newest" else sort)
search = row[5].text_input("案卷号", value=flt.search, max_chars=40, placeholder="输入案卷号的一部分",
                           key=f"cases_q_{flt.search}")
set_params(q=search.strip())
toggles = st.columns([2, 2, 6])
set_params(overdue=toggles[0].toggle("仅超期未结", value=flt.overdue, key=f"cases_overdue_{flt.overdue}"),
           reopened=toggles[1].toggle("仅返工", value=flt.reopened, key=f"cases_reopened_{flt.reopened}"))
flt, page, _ = filter_from_url(cats)  # as the widgets left the URL
flt = replace(flt, due_hours=ctx.settings.alerts.due_hours)

missing = case_list.unsupported(ctx.db, flt)
if missing:
    st.info(f"平台未记录{'、'.join(missing)}，无法按此筛选。可在 config.toml 的 [schema] 中映射这些数据。",
            icon=":material/database_off:")
    st.stop()
total, rows = ctx.metric(case_list.case_page, case_filter=flt, page=page)
pages = max(1, -(-total // case_list.PAGE_SIZE))
table = case_export.case_table(rows)
st.markdown(f"**共 {fmt.count(total)} 件** · 第 {min(page, pages)} / {pages} 页")
if total == 0:
    st.info("没有符合条件的事件。可放宽筛选条件或更换统计周期。")
else:
    shown = table.drop(columns=["id"]).assign(**{"办结时长（小时）": [  # "—" rather than the table's "None"
        "—" if fmt.missing(v) else f"{v:,.1f}" for v in table["办结时长（小时）"]]})
    picked = st.dataframe(shown, hide_index=True, on_select="rerun", selection_mode="single-row",
                          height=min(560, 35 * (len(shown) + 1) + 3),  # a short list without empty rows
                          key=f"cases_table_{hash((flt, page))}_{st.session_state.get('cases_round', 0)}")
    if picked and picked.selection.rows:
        set_params(case=int(table["id"].iloc[picked.selection.rows[0]]))
        # a new table key for the way back: the ticked row would otherwise reopen this case at once
        st.session_state["cases_round"] = st.session_state.get("cases_round", 0) + 1
        st.rerun()
nav = st.columns([1, 5])
page = nav[0].number_input("页码", min_value=1, max_value=pages, value=min(page, pages), step=1, key=f"cases_page_{page}")
set_params(page=None if page == 1 else page)
caption(ctx, f"共 {fmt.count(total)} 件，第 {page} / {pages} 页，每页 {case_list.PAGE_SIZE} 件；点击一行查看办理过程；"
             "期限情况按统计时点计")

st.subheader("导出")
if not ctx.user.may_export:
    st.info("当前账号没有导出权限。")
elif total:
    stem = f"cases-{ctx.view.period.start:%Y%m%d}-{ctx.view.period.end:%Y%m%d}"
    export = lambda: case_export.case_table(case_list.case_export(  # noqa: E731  built on the click, not each run
        ctx.db, start=ctx.view.period.start, end=ctx.view.period.end, asof=ctx.view.asof, scope=ctx.scope,
        area_code=ctx.view.area_code, tree=ctx.tree, case_filter=flt))
    left, right = st.columns(2)
    audit = (ctx.settings, ctx.user, ctx.audit_area(), ctx.view.period)
    for box, ext, build, mime in ((left, "xlsx", lambda: case_export.to_xlsx(export(), "事件明细"),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                                  (right, "csv", lambda: case_export.to_csv(export()), "text/csv")):
        box.download_button(f"下载筛选结果（.{ext}）", data=audited_export(*audit, f"{stem}.{ext}", build),
                            file_name=f"{stem}.{ext}", mime=mime, on_click="ignore", icon=":material/download:")
    limit = f"；最多 {fmt.count(case_list.EXPORT_LIMIT)} 件" if total > case_list.EXPORT_LIMIT else ""
    st.caption(f"导出当前筛选的全部 {fmt.count(min(total, case_list.EXPORT_LIMIT))} 件（不只本页）{limit}，"
               "列与本页相同、不含个人信息；每次导出都记入审计日志")
