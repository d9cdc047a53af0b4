"""Interval, significance and change arithmetic against values worked out by hand."""
import pytest

from metrics.period import Period, preset
from metrics.stats import change, rate, two_proportion_p, wilson
from datetime import date


def test_wilson_interval_by_hand():
    # p = 0.8, n = 10, z² = 3.8415: centre = (0.8 + 0.19208)/1.38415 = 0.71674,
    # half = 1.96·√(0.016 + 0.009604)/1.38415 = 0.22659 → [0.4902, 0.9433]
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0) == (None, None)
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_two_proportion_z_test_by_hand():
    # 90/100 vs 80/100: pooled 0.85, se = √(0.85·0.15·0.02) = 0.050498, z = 1.9803, p = 0.0477
    assert two_proportion_p(90, 100, 80, 100) == pytest.approx(0.0477, abs=1e-4)
    assert two_proportion_p(1, 0, 1, 1) is None


def test_rates_with_zero_denominator_have_no_value():
    assert rate(0, 0) is None and rate(0, 5) == 0


def test_changes_in_points_for_rates_and_percent_for_counts():
    assert change(0.95, 0.927, is_rate=True) == pytest.approx(2.3)
    assert change(120, 100, is_rate=False) == pytest.approx(20.0)
    assert change(5, 0, is_rate=False) is None and change(None, 0.5, is_rate=True) is None


def test_comparison_periods():
    p = Period(date(2026, 3, 2), date(2026, 3, 9))
    assert p.previous() == Period(date(2026, 2, 23), date(2026, 3, 2))
    assert p.last_year() == Period(date(2025, 3, 2), date(2025, 3, 9))
    assert Period(date(2024, 2, 29), date(2024, 3, 1)).last_year().start == date(2023, 2, 28)


def test_presets_relative_to_today():
    today = date(2026, 11, 21)  # a Saturday
    assert preset("last_week", today) == Period(date(2026, 11, 9), date(2026, 11, 16))
    assert preset("this_week", today) == Period(date(2026, 11, 16), date(2026, 11, 22))
    assert preset("last_month", today) == Period(date(2026, 10, 1), date(2026, 11, 1))
    assert preset("last_30d", today) == Period(date(2026, 10, 23), date(2026, 11, 22))
    assert preset("this_quarter", today) == Period(date(2026, 10, 1), date(2026, 11, 22))
    assert preset("this_year", today).start == date(2026, 1, 1)
