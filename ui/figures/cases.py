"""事件明细's record in words: how the case stands against its deadline, and each step of it."""
from __future__ import annotations

from metrics.case_record import STEPS
from metrics.formats import duration

VERDICTS = {"on_time": "按期结案", "late": "超期 {h}结案", "open_left": "未结案，距办理期限剩余 {h}",
            "open_overdue": "未结案，已超过办理期限 {h}", "no_deadline": "平台未记录办理期限", "rejected": "已驳回，不计期限"}


VERDICT_COLORS = {"on_time": "green", "late": "red", "open_overdue": "red", "open_left": "blue"}


def verdict_text(verdict: dict) -> str:
    hours = verdict.get("hours")
    return VERDICTS[verdict["kind"]].format(h=duration(hours) if hours is not None else "")


def stepper(record: dict) -> list[dict]:
    """上报 → 受理 → 派遣 → 结案, one entry per step whether it happened or not: its time and how long it
    took after the step before (or why there is none), for a row of boxes."""
    done = {s["step"]: s for s in record["steps"]}
    out = []
    for _column, label in STEPS:
        step = done.get(label)
        if step is None:
            why = "尚未结案" if label == "结案" and record["state"] == "open" else "未记录"
            out.append({"step": label, "at": None, "note": why})
        else:
            note = "" if step["since_previous"] is None else f"上一环节后 {duration(step['since_previous'])}"
            out.append({"step": label, "at": f"{step['at']:%m-%d %H:%M}", "note": note})
    return out
