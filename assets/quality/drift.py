"""Baselines for the drift checks: what the trailing 28 days say today's numbers should look like.

Pure pandas over per-day numbers that the checks read with SQL GROUP BY (`storage.aggregates`),
so the history's rows never leave the database; `suites` turns each baseline into GX rules.
Bounds are mean ± max(k·std, a floor), so a very steady history does not flag tiny moves, and a
check needs `MIN_HISTORY_DAYS` days of history before it judges anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

TRAILING_DAYS = 28
MIN_HISTORY_DAYS = 7
STD_FACTOR = 3.0
VOLUME_FLOOR = 0.5  # a day may differ by half the usual volume before it is unusual
SENTIMENT_FLOOR = 0.15
CONFIDENCE_FLOOR = 0.05
CATEGORY_KL_MAX = 0.15
CATEGORY_MIN_ROWS = 30  # below this the day's category mix is mostly sampling noise
SMOOTHING = 1e-3


@dataclass(frozen=True)
class Band:
    """Expected range of a daily number, with the history it came from."""

    low: float
    high: float
    mean: float
    std: float
    days: int

    def as_dict(self) -> dict[str, float | int]:
        return {"low": round(self.low, 4), "high": round(self.high, 4), "mean": round(self.mean, 4),
                "std": round(self.std, 4), "history_days": self.days}


def trailing_window(partition_date: str, days: int = TRAILING_DAYS) -> tuple[str, str]:
    """First and last partition date of the window before `partition_date` (inclusive)."""
    day = date.fromisoformat(partition_date)
    return (day - timedelta(days=days)).isoformat(), (day - timedelta(days=1)).isoformat()


def band(daily: pd.Series, floor: float, relative: bool = False) -> Band | None:
    """mean ± max(STD_FACTOR·std, floor) of daily values (floor × mean when `relative`)."""
    values = pd.to_numeric(daily, errors="coerce").dropna()
    if len(values) < MIN_HISTORY_DAYS:
        return None
    mean, std = float(values.mean()), float(values.std(ddof=0))
    width = max(STD_FACTOR * std, floor * mean if relative else floor)
    return Band(low=mean - width, high=mean + width, mean=mean, std=std, days=len(values))


def volume_band(daily_counts: pd.Series) -> Band | None:
    """Expected row count of a day, from daily row counts (index: partition_date)."""
    found = band(daily_counts, VOLUME_FLOOR, relative=True)
    return None if found is None else Band(max(0.0, found.low), found.high, found.mean,
                                           found.std, found.days)


def mean_band(daily_means: pd.Series, floor: float) -> Band | None:
    """Expected daily mean of a column, from its mean per past day (index: partition_date)."""
    return band(daily_means, floor)


def category_baseline(counts: pd.Series, categories: tuple[str, ...]) -> dict[str, float] | None:
    """Smoothed share of each category over the window (every category gets a weight > 0),
    from how often each category occurred in the window's rows."""
    if int(counts.sum()) < CATEGORY_MIN_ROWS:
        return None
    known = counts.reindex(list(categories), fill_value=0).astype(float)
    shares = (known / known.sum() + SMOOTHING)
    return (shares / shares.sum()).round(6).to_dict()
