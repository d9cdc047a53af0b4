"""Small statistics on aggregated counts: intervals, significance and changes between periods."""
from __future__ import annotations

import math

Z95 = 1.96  # the conventional two-sided 95% value


def rate(num: float, den: float) -> float | None:
    """A ratio, or None ("无数据") when the denominator is 0 or either side is unknown (NaN, None):
    never 0% and never 100%."""
    if num is None or den is None or _nan(num) or _nan(den) or not den:
        return None
    return num / den


def whole(v) -> int | None:
    """A count as an int; None when it is unknown (NaN: the platform does not record it)."""
    return None if v is None or _nan(v) else int(v)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score 95% interval for a proportion."""
    if not n or _nan(n) or _nan(successes):
        return None, None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test; None when it cannot be computed."""
    if not n1 or not n2:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    z = (x1 / n1 - x2 / n2) / se
    return math.erfc(abs(z) / math.sqrt(2))


def change(current, previous, *, is_rate: bool) -> float | None:
    """Rates change in percentage points, counts in percent; None when there is nothing to compare."""
    if current is None or previous is None or _nan(current) or _nan(previous):
        return None
    if is_rate:
        return (current - previous) * 100
    return None if previous == 0 else (current - previous) / previous * 100


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)
