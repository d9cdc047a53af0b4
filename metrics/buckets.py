"""Which time bucket of a trend is still running at the as-of time, and what it may show.

A bucket (day, week, month) that has not ended at T holds cases reported an hour ago next to cases
reported days ago: most are not due yet, so its 结案率, 按期结案率, 满意率 and 平安指数 would sit far
below the finished buckets (a "collapse" that is only the clock). Such a bucket keeps its counts,
marked `partial` with the time they run up to, and shows no rate: the one rule every trend (总览,
平安指数, 群众满意度, the wall) follows; the pages only draw what this decides.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from metrics.period import Period

# Columns left empty in a partial bucket: rates and what is computed from rates.
NOT_COMPARABLE = ("closure_rate", "on_time_rate", "filing_rate", "satisfaction_rate", "satisfaction_ci_low",
                  "satisfaction_ci_high", "grid_resolved_rate", "rework_rate", "safety_index", "safety_grade",
                  "safety_color")


def bucket_end(start: date, grain: str, period: Period) -> date:
    """The day after a bucket's last day, cut at the period's end."""
    nxt = {"day": start + timedelta(days=1), "week": start + timedelta(days=7),
           "month": (start.replace(day=1) + timedelta(days=32)).replace(day=1)}[grain]
    return min(nxt, period.end)


def mark_partial(frame: pd.DataFrame, period: Period, asof: datetime, grain: str) -> pd.DataFrame:
    """The trend with `partial` (bool: the bucket ends after T) and `partial_until` (T for a partial
    bucket, else NaT); the NOT_COMPARABLE columns present are emptied (None) in partial buckets."""
    out = frame.copy()
    starts = pd.to_datetime(out["period_start"]).dt.date if len(out) else pd.Series([], dtype=object)
    partial = [datetime.combine(bucket_end(s, grain, period), datetime.min.time()) > asof for s in starts]
    out["partial"] = pd.Series(partial, index=out.index, dtype=bool)
    out["partial_until"] = pd.Series([pd.Timestamp(asof) if p else pd.NaT for p in partial], index=out.index,
                                     dtype="datetime64[ns]")
    for col in NOT_COMPARABLE:
        if col in out:
            out[col] = out[col].astype(object).where(~out["partial"], None)
    return out
