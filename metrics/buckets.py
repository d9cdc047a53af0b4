"""Which time bucket of a trend is still running at the as-of time, and what it may show.

A bucket (day, week, month) that has not ended at T holds cases reported an hour ago next to cases
reported days ago: most are not due yet, so its 结案率, 按期结案率, 满意率 and 平安指数 would sit far
below the finished buckets (a "collapse" that is only the clock). Such a bucket keeps its counts,
marked `partial` with the time they run up to, and shows no rate: the one rule every trend (总览,
平安指数, 群众满意度, the wall) follows; the pages only draw what this decides.

A finished bucket can still be young: yesterday's cases are partly not due, so its 结案率 (closed of
filed) sits below the older days' though nothing went wrong. Its 结案率 is left out too
(`closure_pending`) while more than PENDING_SHARE of its filed cases are open and not yet due
(`pending_n`; a case without a deadline is never pending). 按期结案率 needs no such care: its
denominator is the cases already due.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from metrics.period import Period, bucket_end

# Columns left empty in a partial bucket: rates and what is computed from rates.
NOT_COMPARABLE = ("closure_rate", "on_time_rate", "filing_rate", "satisfaction_rate", "satisfaction_ci_low",
                  "satisfaction_ci_high", "grid_resolved_rate", "rework_rate", "safety_index", "safety_grade",
                  "safety_color")


PENDING_SHARE = 0.05  # share of a bucket's filed cases open and not yet due that makes its 结案率 premature


def mark_partial(frame: pd.DataFrame, period: Period, asof: datetime, grain: str) -> pd.DataFrame:
    """The trend with `partial` (bool: the bucket ends after T) and `partial_until` (T for a partial
    bucket, else NaT); the NOT_COMPARABLE columns present are emptied (None) in partial buckets."""
    out = frame.copy()
    starts = pd.to_datetime(out["period_start"]).dt.date if len(out) else pd.Series([], dtype=object)
    ends = [min(bucket_end(s, grain), period.end) for s in starts]  # the day after each bucket, cut at the period's end
    partial = [datetime.combine(e, datetime.min.time()) > asof for e in ends]
    out["partial"] = pd.Series(partial, index=out.index, dtype=bool)
    out["partial_until"] = pd.Series([pd.Timestamp(asof) if p else pd.NaT for p in partial], index=out.index,
                                     dtype="datetime64[ns]")
    for col in NOT_COMPARABLE:
        if col in out:
            out[col] = out[col].astype(object).where(~out["partial"], None)
    out["closure_pending"] = closure_pending(out) & ~out["partial"]
    if "closure_rate" in out:
        out["closure_rate"] = out["closure_rate"].astype(object).where(~out["closure_pending"], None)
    return out


def closure_pending(frame: pd.DataFrame) -> pd.Series:
    """Buckets in which more than PENDING_SHARE of the filed cases are open and not yet due (all False
    without `filed` and `pending_n`, e.g. a platform that records no deadlines)."""
    if not {"filed", "pending_n"} <= set(frame.columns) or frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    filed = pd.to_numeric(frame["filed"], errors="coerce").astype(float)
    pending = pd.to_numeric(frame["pending_n"], errors="coerce").astype(float)
    return (pending / filed.where(filed > 0) > PENDING_SHARE).fillna(False).astype(bool)
