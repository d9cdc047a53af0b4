"""Masking of personal data (docs/metrics.md, README: Login, roles and personal data): names as 张*明, phones as 138****5678, addresses cut short."""
from __future__ import annotations

import math


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def mask_name(value) -> str:
    if _blank(value):
        return ""
    s = str(value).strip()
    if len(s) == 1:
        return "*"
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def mask_phone(value) -> str:
    if _blank(value):
        return ""
    digits = str(value).strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "*" * len(digits)


def mask_address(value, keep: int = 6) -> str:
    """Keep the start (street and community are enough to locate a case), hide the house number."""
    if _blank(value):
        return ""
    s = str(value).strip()
    return s[:min(keep, max(1, len(s) // 2))] + "****"  # a short address still loses its house number


MASKS = {"reporter_name": mask_name, "name": mask_name, "reporter_phone": mask_phone, "phone": mask_phone,
         "address": mask_address}


def mask_frame(frame, columns=None):
    """A copy with every personal column present masked."""
    out = frame.copy()
    for col, fn in MASKS.items():
        if col in out and (columns is None or col in columns):
            out[col] = [fn(v) for v in out[col]]
    return out
