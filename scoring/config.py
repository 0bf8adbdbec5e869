"""Scoring settings from data files: component weights, training and incentive rules, courses."""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

CATEGORIES: tuple[str, ...] = ("attitude", "skill", "logistics")


@dataclass(frozen=True)
class Component:
    """One metric of the composite, mapped linearly from `worst` (0) to `best` (100)."""

    name: str
    category: str
    label: str
    weight: float
    best: float
    worst: float

    def score(self, value: float) -> float:
        """0–100 score of a metric value, clipped at the anchors."""
        share = (value - self.worst) / (self.best - self.worst)
        return 100.0 * min(1.0, max(0.0, share))


@dataclass(frozen=True)
class TrainingRules:
    ratio_to_typical: float
    min_per100: float
    min_mentions: int
    on_time_share_below: float
    max_quotes: int


@dataclass(frozen=True)
class Tier:
    name: str
    bonus_yuan: int
    min_composite: float
    min_percentile: float
    min_orders: int
    min_praise: int
    max_complaints_per100: float
    min_on_time_share: float


@dataclass(frozen=True)
class ScoringConfig:
    window_days: int
    min_orders_ranked: int
    late_grace_minutes: int
    min_prior_strength: float
    max_prior_strength: float
    components: tuple[Component, ...]
    first_response_minutes: int
    resolve_hours: tuple[int, ...]
    training: TrainingRules
    tiers: tuple[Tier, ...]
    serious_subreasons: tuple[str, ...]
    serious_agent_category: str
    courses: dict[str, dict[str, Any]]

    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def course_for(self, subreason: str) -> dict[str, Any]:
        """Catalogue course for a sub-reason, falling back to the category's general course."""
        key = subreason if subreason in self.courses else subreason.split(".")[0]
        return {"course_key": key, **self.courses[key]}


def _read_data(name: str) -> str:
    return resources.files("scoring").joinpath("data", name).read_text(encoding="utf-8")


def _components(raw: dict[str, dict[str, Any]]) -> tuple[Component, ...]:
    return tuple(Component(name=name, **spec) for name, spec in raw.items())


def build_config(weights: dict[str, Any], incentives: dict[str, Any],
                 courses: dict[str, dict[str, Any]]) -> ScoringConfig:
    """Assemble a config from parsed data (tests pass their own dictionaries)."""
    window, shrink, sla = weights["window"], weights["shrinkage"], weights["sla"]
    serious = incentives["serious_attitude"]
    return ScoringConfig(
        window_days=int(window["days"]),
        min_orders_ranked=int(window["min_orders_ranked"]),
        late_grace_minutes=int(window["late_grace_minutes"]),
        min_prior_strength=float(shrink["min_prior_strength"]),
        max_prior_strength=float(shrink["max_prior_strength"]),
        components=_components(weights["components"]),
        first_response_minutes=int(sla["first_response_minutes"]),
        resolve_hours=tuple(int(h) for h in sla["resolve_hours"]),
        training=TrainingRules(**weights["training"]),
        tiers=tuple(Tier(**tier) for tier in incentives["tiers"]),
        serious_subreasons=tuple(serious["subreasons"]),
        serious_agent_category=str(serious["agent_category"]),
        courses=courses,
    )


@lru_cache(maxsize=1)
def load_config() -> ScoringConfig:
    """The packaged configuration (scoring/data)."""
    return build_config(
        tomllib.loads(_read_data("weights.toml")),
        tomllib.loads(_read_data("incentives.toml")),
        json.loads(_read_data("courses.json")),
    )
