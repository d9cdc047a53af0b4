"""How scripts/soak_wall.py judges a soak run: warm-up, the two windows compared, and the slope."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("soak_wall", Path(__file__).parent.parent / "scripts" / "soak_wall.py")
soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(soak)


def test_warmup_is_the_cycles_before_the_warmup_time_and_at_least_a_tenth():
    seconds = [1.5 * i for i in range(1, 1001)]  # 1,000 cycles of 1.5 s
    assert soak.warmup_cycles(seconds, 600) == 399  # 1.5 * 399 = 598.5 < 600 <= 1.5 * 400
    assert soak.warmup_cycles(seconds, 10) == 100   # a tenth of the run at least


def test_growth_compares_the_tenth_after_warmup_with_the_last_tenth():
    # 100 cycles: warm-up climbs 100 → 190, then flat at 200 except the last ten at 209
    values = [100 + 10 * i for i in range(10)] + [200.0] * 80 + [209.0] * 10
    base, last, pct = soak.growth(values, warm=10)
    assert (base, last) == (200.0, 209.0) and pct == pytest.approx(4.5)
    assert soak.growth(values, warm=0)[0] == 145.0  # the median of 100…190: the warm-up would count


def test_a_run_too_short_for_two_windows_after_warmup_is_not_judged():
    with pytest.raises(ValueError, match="too few"):
        soak.growth([1.0] * 100, warm=85)


def test_slope_is_the_least_squares_change_per_cycle_after_warmup():
    values = [0.0] * 50 + [3.0 + 0.5 * i for i in range(50)]
    assert soak.slope(values, warm=50) == pytest.approx(0.5)
