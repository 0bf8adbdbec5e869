"""Window reads for many workers (day by day) return what the id batches return for a few."""
from __future__ import annotations

import pandas as pd
import pytest

from scoring import store


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["feedback_id"]).reset_index(drop=True)


def test_reading_the_window_by_day_equals_reading_it_by_worker_batches(
        filled_warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse, dates = filled_warehouse
    start, end = dates[0], dates[-1]
    every = warehouse.read_range("classified_feedback", start, end, ["worker_id"])["worker_id"]
    some = sorted(set(every))[:-1]  # one worker left out: the scan must filter, not keep all

    by_batches = store.complaint_evidence(warehouse, start, end, some)
    monkeypatch.setattr(store, "_SCAN_ABOVE", 0)  # now any number of workers is "many"
    by_days = store.complaint_evidence(warehouse, start, end, some)

    assert len(by_batches) > 0 and set(by_days["worker_id"]) == set(some)
    assert list(by_days.columns) == list(store.EVIDENCE_COLUMNS)
    pd.testing.assert_frame_equal(_sorted(by_days), _sorted(by_batches), check_dtype=False)
