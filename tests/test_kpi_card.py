"""A KPI card's 环比: coloured arrow for a real change, none for one that rounds to nothing."""
from streamlit.testing.v1 import AppTest

from ui import format as fmt


def test_unchanged_means_every_digit_is_zero():
    assert [fmt.unchanged(t) for t in ("+0.0pp", "-0.0%", "+0", "+0.1pp", "-1.0%", "+10", None)] == \
        [True, True, True, False, False, False, False]


def card(current: float, previous: float):
    def script(current, previous):
        import streamlit as st

        from ui.components import KPIS, kpi_card

        kpi = next(k for k in KPIS if k.key == "satisfaction_rate")
        kpi_card(kpi, {"satisfaction_rate": current, "previous": {"satisfaction_rate": previous},
                       "last_year": {}}, st)

    at = AppTest.from_function(script, args=(current, previous)).run()
    assert not at.exception
    return at.metric[0].proto


def test_a_change_that_rounds_to_zero_has_no_arrow_or_colour():
    flat = card(0.9861, 0.9857)  # +0.04 percentage points
    assert flat.delta == "+0.0pp" and flat.color == flat.GRAY and flat.direction == flat.NONE
    real = card(0.9861, 0.9761)
    assert real.delta == "+1.0pp" and real.color == real.GREEN and real.direction == real.UP
