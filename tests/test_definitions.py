"""Every metric is declared completely, once, and what it says about itself is true."""
import pytest

from data_access.schema import CANONICAL, CANONICAL_MAP
from metrics.definitions import DERIVED, MEASURES, METRICS, RATIOS, Measure, needs
from metrics.formats import KINDS
from metrics.safety_index import DEFAULT_INDICATORS
from metrics.summary import KPI_ROW

SCHEMA = CANONICAL_MAP.metadata()


@pytest.mark.parametrize("name", METRICS)
def test_every_metric_has_its_words(name):
    m = METRICS[name]
    assert m.name == name and m.label and m.help and m.kind in KINDS and m.better in ("up", "down", "none")


def test_names_are_unique_across_kinds():
    assert len(METRICS) == len(MEASURES) + len(RATIOS) + len(DERIVED)


def test_ratios_divide_declared_measures():
    for r in RATIOS.values():
        assert r.numerator in MEASURES and r.denominator in MEASURES, r.name


def test_labels_are_unique():
    labels = [m.label for m in METRICS.values()]
    assert len(labels) == len(set(labels)), sorted(lab for lab in labels if labels.count(lab) > 1)


@pytest.mark.parametrize("name", MEASURES)
def test_needs_names_canonical_columns(name):
    found = needs(name, SCHEMA)
    assert found and all(c in {col for col, _ in CANONICAL[t]} for t, c in found), found


def test_needs_by_hand():
    assert needs("reported", SCHEMA) == {("events", "grid_id"), ("events", "reported_at")}
    assert needs("on_time_rate", SCHEMA) == {("events", c) for c in
                                            ("grid_id", "reported_at", "status", "closed_at", "deadline_at")}
    assert ("areas", "population") in needs("security_rate", SCHEMA)
    assert ("event_categories", "dimension") in needs("security_rate", SCHEMA)
    assert needs("patrol_days", SCHEMA) == {("patrols", "grid_id"), ("patrols", "started_at")}


def test_percentiles_are_declared_with_their_fraction():
    pct = {m.name: m.fraction for m in MEASURES.values() if m.agg == "percentile"}
    assert pct == {"median_hours": 0.5, "p90_hours": 0.9}
    with pytest.raises(ValueError):
        Measure(name="x", label="x", source="events", agg="percentile", value=lambda c: c.e.c.id)


def test_kpis_and_indicators_are_declared():
    assert set(KPI_ROW) <= set(METRICS)
    assert [i.name for i in DEFAULT_INDICATORS] == [METRICS[i.key].label for i in DEFAULT_INDICATORS]
