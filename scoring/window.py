"""Rolling-window composite: shrunk components, category scores, composite, trend, percentile."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from scoring.config import CATEGORIES, Component, ScoringConfig, load_config
from scoring.daily import add_ratios
from scoring.shrinkage import Shrunk, pooled_within_variance, shrink
from scoring.tables import DAILY_ADDITIVE, SUBREASONS, conform, subreason_column

# component -> (numerator column, denominator, variance kind, scale)
_SPECS: dict[str, tuple[str, str, str, float]] = {
    "stars": ("stars_sum", "reviews", "stars_sq_sum", 1.0),
    "sentiment": ("sentiment_sum", "feedback_items", "sentiment_sq_sum", 1.0),
    "attitude_per100": ("attitude_mentions", "due", "rate", 100.0),
    "skill_per100": ("skill_mentions", "due", "rate", 100.0),
    "logistics_per100": ("logistics_mentions", "due", "rate", 100.0),
    "praise_per100": ("praise_items", "due", "rate", 100.0),
    "rework_rate": ("rework", "orders_served", "share", 1.0),
    "on_time_share": ("on_time", "timed", "share", 1.0),
}


@dataclass(frozen=True)
class WindowScores:
    """Per-worker scores of one window plus the team values the shrinkage pulled toward."""

    workers: pd.DataFrame
    team: dict[str, float]
    prior_strength: dict[str, float]


def window_bounds(end: str, days: int) -> tuple[str, str]:
    """Inclusive [start, end] dates of the window of `days` days ending on `end`."""
    end_day = date.fromisoformat(end)
    return (end_day - timedelta(days=days - 1)).isoformat(), end_day.isoformat()


def previous_end(end: str, days: int) -> str:
    """Last day of the window just before the one ending on `end`."""
    return (date.fromisoformat(end) - timedelta(days=days)).isoformat()


def sum_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """Window totals per worker from daily rows held in memory (additive columns summed)."""
    columns = [c for c in DAILY_ADDITIVE if c in daily.columns]
    return daily.groupby("worker_id", sort=True)[columns].sum()


def _shrunk_component(totals: pd.DataFrame, name: str, config: ScoringConfig) -> Shrunk:
    numerator, denominator, variance, scale = _SPECS[name]
    within: str | float = variance
    if variance.endswith("_sq_sum"):
        within = pooled_within_variance(totals[numerator], totals[variance], totals[denominator])
    result = shrink(totals[numerator], totals[denominator], within,
                    config.min_prior_strength, config.max_prior_strength)
    return Shrunk(result.values * scale, result.team_mean * scale, result.prior_strength)


def _weighted(scores: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    used = {name: w for name, w in weights.items() if w > 0}
    total = sum(used.values())
    if not total:
        return pd.Series(np.nan, index=scores.index)
    return sum(scores[name] * w for name, w in used.items()) / total


def component_score(values: pd.Series, component: Component) -> pd.Series:
    """`Component.score` of every value at once (NaN scores 0, as `min(1, max(0, nan))` does)."""
    share = (values.to_numpy(dtype="float64") - component.worst) / (component.best - component.worst)
    clipped = np.where(np.isnan(share), 0.0, np.clip(share, 0.0, 1.0))
    return pd.Series(100.0 * clipped, index=values.index)


def score_window(totals: pd.DataFrame, config: ScoringConfig | None = None) -> WindowScores:
    """Shrunk components, 0–100 component/category scores and the composite per worker."""
    config = config or load_config()
    totals = totals.reindex(columns=list(DAILY_ADDITIVE)).fillna(0).astype("float64")
    totals["due"] = totals["orders_served"] + totals["no_shows"]
    totals["timed"] = totals["arrivals"] + totals["no_shows"]
    out = add_ratios(totals.drop(columns=["due", "timed"]))
    component_scores = pd.DataFrame(index=totals.index)
    team, strength = {}, {}
    for component in config.components:
        shrunk = _shrunk_component(totals, component.name, config)
        team[component.name], strength[component.name] = shrunk.team_mean, shrunk.prior_strength
        out[f"shrunk_{component.name}"] = shrunk.values
        component_scores[component.name] = component_score(shrunk.values, component)
        out[f"component_{component.name}"] = component_scores[component.name]
    for category in (*CATEGORIES, "satisfaction"):
        weights = {c.name: c.weight for c in config.components if c.category == category}
        out[f"score_{category}"] = _weighted(component_scores, weights)
    out["composite"] = _weighted(component_scores, {c.name: c.weight for c in config.components})
    return WindowScores(out, team, strength)


def top_subreasons(totals: pd.DataFrame, limit: int = 3) -> pd.Series:
    """JSON {sub-reason: count} of a worker's most frequent complaint sub-reasons."""
    columns = {subreason_column(k): k for k in SUBREASONS if subreason_column(k) in totals}
    if not len(totals):
        return pd.Series(dtype="str")
    keys = list(columns.values())
    counts = totals[list(columns)].to_numpy(dtype="float64", na_value=np.nan)
    # descending counts, ties in taxonomy order (as a stable sort of each row would give)
    order = np.argsort(-counts, axis=1, kind="stable")[:, :limit]
    top = np.take_along_axis(counts, order, axis=1)
    out = np.full(len(counts), "{}", dtype=object)
    for row in np.flatnonzero((top > 0).any(axis=1)):
        found = {keys[j]: int(v) for j, v in zip(order[row], top[row]) if v > 0}
        out[row] = json.dumps(found, ensure_ascii=False)
    return pd.Series(out, index=totals.index, dtype="object")


def _rank(composite: pd.Series, ranked: pd.Series) -> tuple[pd.Series, pd.Series]:
    eligible = composite.where(ranked)
    percentile = eligible.rank(pct=True, method="average") * 100.0
    position = eligible.rank(ascending=False, method="min")
    return percentile, position


def build_scorecards(current: pd.DataFrame, previous: pd.DataFrame, roster: pd.DataFrame,
                     partition_date: str, config: ScoringConfig | None = None) -> pd.DataFrame:
    """worker_scorecards rows for the window ending on `partition_date`."""
    config = config or load_config()
    now = score_window(current, config).workers
    before = score_window(previous, config).workers if len(previous) else pd.DataFrame()
    cards = pd.DataFrame(index=now.index)
    cards["orders"] = now["orders_served"] + now["no_shows"]
    cards["reviews"] = now["reviews"]
    cards["complaints"] = now["complaints"]
    cards["praise"] = now["praise_items"]
    cards["ranked"] = (cards["orders"] >= config.min_orders_ranked).astype(int)
    cards["composite"] = now["composite"]
    prev = before["composite"] if len(before) else pd.Series(dtype="float64")
    cards["previous_composite"] = prev.reindex(now.index)
    cards["trend"] = cards["composite"] - cards["previous_composite"]
    cards["percentile"], cards["rank"] = _rank(cards["composite"], cards["ranked"] == 1)
    for column in now.columns:
        if column.startswith(("score_", "shrunk_")):
            cards[column] = now[column]
    raw = {"stars": "stars_mean", "sentiment": "sentiment_mean"}
    for name in _SPECS:
        cards[f"raw_{name}"] = now[raw.get(name, name)]
    for column in ("mean_lateness_min", "no_show_rate", "responded_30m_share",
                   "resolved_24h_share", "resolved_48h_share", "serious_attitude_complaints"):
        cards[column] = now[column]
    cards["top_subreasons"] = top_subreasons(now)
    cards["window_start"], cards["window_end"] = window_bounds(partition_date, config.window_days)
    cards["partition_date"] = partition_date
    cards = cards.rename_axis("worker_id").reset_index()
    meta = roster[["worker_id", "name", "city", "service_types"]] if len(roster) else None
    if meta is not None:
        cards = cards.merge(meta.drop_duplicates("worker_id"), on="worker_id", how="left")
    return conform(cards, "worker_scorecards")
