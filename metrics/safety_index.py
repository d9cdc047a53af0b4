"""平安指数 (docs/safety-index.md): indicators scored with the efficacy coefficient, weighted, graded.

The model (which indicators, weights, excellent/floor values, grade bands) comes from config.toml.
Each indicator is a declared metric (metrics/definitions.py: a ratio or a derived rate), computed
from the measures the metrics layer aggregates in SQL.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from data_access.errors import ConfigError
from metrics.definitions import LABELS, METRICS, Derived, Ratio, inputs_of, value_of


def indicator_metrics() -> dict[str, str]:
    """What an indicator may measure: any declared ratio or derived metric but the index itself."""
    return {n: m.label for n, m in METRICS.items() if isinstance(m, (Ratio, Derived)) and n != "safety_index"}


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    direction: str  # "higher" or "lower" is better
    weight: float
    excellent: float  # x_h
    floor: float  # x_s

    def score(self, x: float) -> float:
        """Efficacy coefficient: 60 at the floor, 100 at the excellent value, clamped to [0, 100]."""
        return max(0.0, min(100.0, 60 + 40 * (x - self.floor) / (self.excellent - self.floor)))


@dataclass(frozen=True)
class Grade:
    minimum: float
    name: str
    color: str


DEFAULT_INDICATORS = tuple(Indicator(key, LABELS[key], *rest) for key, *rest in (
    ("security_rate", "lower", 0.30, 2, 20),
    ("dispute_grid_rate", "higher", 0.15, 0.90, 0.50),
    ("hazard_on_time_rate", "higher", 0.15, 0.98, 0.70),
    ("on_time_rate", "higher", 0.15, 0.98, 0.70),
    ("satisfaction_rate", "higher", 0.15, 0.98, 0.80),
    ("visit_coverage", "higher", 0.10, 1.00, 0.30),
))
DEFAULT_GRADES = (Grade(90, "平安", "#2e7d32"), Grade(80, "基本平安", "#f9a825"),
                  Grade(70, "关注", "#ef6c00"), Grade(-math.inf, "预警", "#c62828"))
NO_DATA_COLOR = "#9e9e9e"


@dataclass(frozen=True)
class SafetyModel:
    indicators: tuple[Indicator, ...] = DEFAULT_INDICATORS
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    method = "plain"  # config safety_index.method; "stable" is metrics/stable_index.StableModel

    @property
    def measures(self) -> list[str]:
        return list(dict.fromkeys(m for i in self.indicators for m in inputs_of(i.key)))

    def grade(self, index: float | None) -> Grade | None:
        if index is None:
            return None
        return next((g for g in self.grades if index >= g.minimum), self.grades[-1])  # the last band catches all

    def held_grade(self, index: float | None, previous: str | None) -> Grade | None:
        """The grade to report against last week's: this model has no hysteresis, so the plain grade
        (metrics/stable_index.py's model holds a grade within its margin of the band boundary)."""
        return self.grade(index)

    def evaluate(self, row: Mapping, days: int) -> dict:
        """Index, grade and each indicator's value, score and contribution for one aggregated row."""
        return self.combine({ind.key: value_of(ind.key, row, days) for ind in self.indicators})

    def combine(self, values: Mapping[str, float | None]) -> dict:
        """Index, grade and each indicator's score and contribution from the indicators' values."""
        parts = []
        for ind in self.indicators:
            x = values.get(ind.key)
            x = None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)
            parts.append({"key": ind.key, "name": ind.name, "value": x, "weight": ind.weight,
                          "score": None if x is None else ind.score(x)})
        present = [p for p in parts if p["score"] is not None]
        total_w = sum(p["weight"] for p in present)
        for p in parts:  # contribution: points of the index; lost: points short of a perfect 100
            p["contribution"] = None if p["score"] is None else p["weight"] * p["score"] / total_w
            p["lost"] = None if p["score"] is None else p["weight"] * (100 - p["score"]) / total_w
        index = sum(p["contribution"] for p in present) if present else None
        grade = self.grade(index)
        return {"safety_index": index, "safety_grade": grade.name if grade else None,
                "safety_color": grade.color if grade else NO_DATA_COLOR,
                "safety_missing": [p["name"] for p in parts if p["score"] is None], "safety_parts": parts}

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> "SafetyModel":
        if not section:
            return cls()
        items = section.get("indicators")
        if not isinstance(items, list) or not items:
            raise ConfigError("safety_index.indicators", "a non-empty list of [[safety_index.indicators]] tables")
        indicators = tuple(_indicator(i, item) for i, item in enumerate(items))
        grades = DEFAULT_GRADES
        if "grades" in section:
            if not isinstance(section["grades"], list) or not section["grades"]:
                raise ConfigError("safety_index.grades", "a non-empty list of [[safety_index.grades]] tables")
            grades = tuple(_grade(i, g) for i, g in enumerate(section["grades"]))
            if [g.minimum for g in grades] != sorted((g.minimum for g in grades), reverse=True):
                raise ConfigError("safety_index.grades", "bands in descending order of minimum")
        return cls(indicators, grades)


def _number(key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(key, "a number", value)
    return float(value)


def _indicator(i: int, item: Mapping) -> Indicator:
    key = f"safety_index.indicators[{i}]"
    allowed = indicator_metrics()
    if item.get("key") not in allowed:
        raise ConfigError(f"{key}.key", "a declared rate: " + ", ".join(allowed), item.get("key"))
    if item.get("direction") not in ("higher", "lower"):
        raise ConfigError(f"{key}.direction", '"higher" or "lower"', item.get("direction"))
    weight, excellent, floor = (_number(f"{key}.{f}", item.get(f)) for f in ("weight", "excellent", "floor"))
    if weight <= 0:
        raise ConfigError(f"{key}.weight", "a positive number", weight)
    if (item["direction"] == "higher") != (excellent > floor):
        raise ConfigError(f"{key}.excellent", "above floor when higher is better, below it when lower is better",
                          excellent)
    name = str(item.get("name", allowed[item["key"]]))  # by default the metric's own label
    return Indicator(item["key"], name, item["direction"], weight, excellent, floor)


def _grade(i: int, item: Mapping) -> Grade:
    key = f"safety_index.grades[{i}]"
    if not isinstance(item.get("name"), str) or not isinstance(item.get("color"), str):
        raise ConfigError(key, "a table with minimum, name and color")
    return Grade(_number(f"{key}.minimum", item.get("minimum")), item["name"], item["color"])
