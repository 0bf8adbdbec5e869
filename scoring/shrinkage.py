"""Empirical-Bayes shrinkage of per-worker averages toward the team value."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Shrunk:
    """Posterior means plus the team prior they were pulled toward."""

    values: pd.Series
    team_mean: float
    prior_strength: float


def pooled_within_variance(sums: pd.Series, sq_sums: pd.Series, n: pd.Series) -> float:
    """Within-worker variance of single observations, pooled over workers."""
    usable = n > 1
    residual = (sq_sums[usable] - sums[usable] ** 2 / n[usable]).clip(lower=0.0).sum()
    dof = (n[usable] - 1).sum()
    return float(residual / dof) if dof > 0 else 0.0


def shrink(sums: pd.Series, n: pd.Series, within_variance: str | float,
           min_strength: float, max_strength: float) -> Shrunk:
    """Posterior mean (sum + team_mean * s) / (n + s) with s = within / between variance.

    `within_variance` is the variance of one observation, or "rate" (Poisson: team mean) or
    "share" (Bernoulli: m(1 - m)), both derived from the team mean. The between-worker variance
    is the method-of-moments estimate (sum n_i (x_i - mu)^2 - N * within) / sum n_i; s is
    clipped to [min_strength, max_strength].
    """
    sums = sums.astype("float64")
    n = n.astype("float64")
    seen = n > 0
    total = float(n[seen].sum())
    if total == 0:
        return Shrunk(pd.Series(np.nan, index=sums.index), float("nan"), max_strength)
    team_mean = float(sums[seen].sum() / total)
    if within_variance == "rate":
        within_variance = team_mean
    elif within_variance == "share":
        within_variance = team_mean * (1.0 - team_mean)
    within_variance = float(within_variance)
    means = sums[seen] / n[seen]
    spread = float((n[seen] * (means - team_mean) ** 2).sum())
    between = (spread - seen.sum() * within_variance) / total
    strength = within_variance / between if between > 0 else max_strength
    strength = float(min(max(strength, min_strength), max_strength))
    values = (sums + team_mean * strength) / (n + strength)
    return Shrunk(values, team_mean, strength)
