"""Per-day aggregates computed by the database equal what pandas computes from the rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from storage import aggregates
from storage.warehouse import Warehouse

DAYS = ["2025-06-07", "2025-06-08", "2025-06-09", "2025-06-10"]


def _scores(day: str, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    confidence = pd.Series(rng.uniform(0.3, 1.0, n))
    confidence[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame({"feedback_id": [f"F{day}-{i}" for i in range(n)],
                         "worker_id": "W0001", "kind": "review",
                         "category": rng.choice(["attitude", "skill", "none"], n),
                         "confidence": confidence})


@pytest.fixture
def filled(warehouse: Warehouse) -> pd.DataFrame:
    frames = []
    for i, day in enumerate(DAYS):
        frame = _scores(day, 5 + 3 * i, seed=i)
        warehouse.replace_partition("classified_feedback", day, frame)
        frames.append(frame.assign(partition_date=day))
    warehouse.replace_partition("classified_feedback", DAYS[1],
                                _scores(DAYS[1], 4, 9).assign(confidence=np.nan))
    frames[1] = _scores(DAYS[1], 4, 9).assign(confidence=np.nan, partition_date=DAYS[1])
    return pd.concat(frames, ignore_index=True)


def test_counts_means_and_value_counts_match_pandas(warehouse: Warehouse,
                                                    filled: pd.DataFrame) -> None:
    start, end = DAYS[1], DAYS[3]
    rows = filled[filled["partition_date"].between(start, end)]

    counts = aggregates.daily_counts(warehouse, "classified_feedback", start, end)
    assert counts.sort_index().to_dict() == rows["partition_date"].value_counts().sort_index() \
        .to_dict()
    means = aggregates.daily_means(warehouse, "classified_feedback", "confidence", start, end)
    expected = rows.groupby("partition_date")["confidence"].mean()
    pd.testing.assert_series_equal(means.sort_index(), expected.sort_index(), check_names=False,
                                   check_index_type=False)
    assert np.isnan(means[DAYS[1]])  # a day with only NULLs has no mean
    found = aggregates.value_counts(warehouse, "classified_feedback", "category", start, end)
    assert found.sort_index().to_dict() == rows["category"].value_counts().sort_index().to_dict()


def test_empty_range_gives_empty_series(warehouse: Warehouse) -> None:
    assert aggregates.daily_counts(warehouse, "feedback", "2020-01-01", "2020-01-28").empty
    assert aggregates.value_counts(warehouse, "classified_feedback", "category",
                                   "2020-01-01", "2020-01-28").sum() == 0
