"""A day processed in worker ranges gives exactly what the whole day in one frame gives."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_feedback import NOW, WORKERS, complaints, inbox, reviews

from spine.buckets import Bucket, build_day, plan_buckets
from spine.merge import build_feedback
from storage.warehouse import Warehouse

DAY = "2025-06-10"
SOURCES = ("raw_reviews", "raw_complaints", "raw_inbox_feedback")
ALL_WORKERS = WORKERS | {"W0003", "W0004"}


def _write(warehouse: Warehouse, frames: tuple[pd.DataFrame, ...]) -> None:
    for name, frame in zip(SOURCES, frames, strict=True):
        warehouse.replace_partition(name, DAY, frame)


def _whole_day(warehouse: Warehouse) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = [warehouse.read_partition(name, DAY) for name in SOURCES]
    return build_feedback(*frames, ALL_WORKERS, NOW, DAY)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Row order and missing-value flavour (a piece's dtypes are its own) set aside."""
    plain = frame.astype("object").where(frame.notna(), None)
    return plain.sort_values(keys, kind="stable").reset_index(drop=True)


def _assert_same(warehouse: Warehouse, max_rows: int) -> None:
    pieces = list(build_day(warehouse, DAY, ALL_WORKERS, NOW, max_rows=max_rows))
    records, rejected = _whole_day(warehouse)
    got_records = pd.concat([p.records for p in pieces], ignore_index=True) if pieces \
        else records.iloc[0:0]
    got_rejected = pd.concat([p.rejected for p in pieces], ignore_index=True) if pieces \
        else rejected.iloc[0:0]
    assert sum(p.source_rows for p in pieces) == sum(
        len(warehouse.read_partition(name, DAY)) for name in SOURCES)
    pd.testing.assert_frame_equal(_sorted(got_records, ["feedback_id"]),
                                  _sorted(records, ["feedback_id"]), check_dtype=False)
    keys = ["source_table", "source_id", "rule", "reason", "payload"]
    pd.testing.assert_frame_equal(_sorted(got_rejected, keys), _sorted(rejected, keys),
                                  check_dtype=False)


def _awkward_day() -> tuple[pd.DataFrame, ...]:
    return (
        reviews({"review_id": "R1", "worker_id": "W0001"},
                {"review_id": "R1", "worker_id": "W0003"},  # same id, another worker
                {"review_id": "R1", "worker_id": "W0003"},
                {"review_id": "R2", "worker_id": " W0002 ", "order_id": "O2"},
                {"review_id": "R3", "worker_id": "W0002", "order_id": "O2"},  # same text: merged
                {"review_id": "R4", "worker_id": None},
                {"review_id": "R5", "worker_id": "W0004", "text": "准时"},
                {"review_id": "R6", "worker_id": "W0004", "rating": 9}),
        complaints({"complaint_id": "K1", "worker_id": "W0002"},
                   {"complaint_id": "K2", "worker_id": "W0002", "channel": "app",
                    "created_at": "2025-06-10 12:30:00"},
                   {"complaint_id": "K3", "worker_id": "W0003", "order_id": "O3"},
                   {"complaint_id": "K3", "worker_id": "W0004", "order_id": "O4"}),
        inbox({"id": "X1", "worker_id": "W0001"}, {"id": None, "worker_id": "W0004"},
              {"id": "X2", "worker_id": "w0003"}),
    )


@pytest.mark.parametrize("max_rows", [1, 2, 5, 10_000])
def test_pieces_equal_the_whole_day(warehouse: Warehouse, max_rows: int) -> None:
    _write(warehouse, _awkward_day())
    _assert_same(warehouse, max_rows)


def test_ranges_cover_every_worker_once(warehouse: Warehouse) -> None:
    _write(warehouse, _awkward_day())
    buckets = plan_buckets(warehouse, DAY, max_rows=2)
    assert buckets[0].low is None and buckets[-2].high is None and buckets[-1].no_worker
    assert all(a.high == b.low for a, b in zip(buckets[:-2], buckets[1:-1], strict=True))
    assert plan_buckets(warehouse, "2025-06-11") == [Bucket(), Bucket(no_worker=True)]


row = st.fixed_dictionaries({
    "id": st.sampled_from(["1", "2", "3", "4", "5"]),
    "worker_id": st.sampled_from(["W0001", "W0002", "W0003", " W0004", "W9", None]),
    "order_id": st.sampled_from(["O1", "O2", None]),
    "text": st.sampled_from(["好", "迟到了", "很差", " "]),
    "rating": st.sampled_from([1, 5, 7]),
})


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(row, max_size=10), st.lists(row, max_size=6), st.integers(1, 4))
def test_random_days_in_pieces_equal_the_whole_day(warehouse: Warehouse, review_rows: list,
                                                   complaint_rows: list, max_rows: int) -> None:
    _write(warehouse, (
        reviews(*[{"review_id": "R" + r["id"], "worker_id": r["worker_id"],
                   "order_id": r["order_id"], "text": r["text"], "rating": r["rating"]}
                  for r in review_rows]),
        complaints(*[{"complaint_id": "K" + r["id"], "worker_id": r["worker_id"],
                      "order_id": r["order_id"], "agent_text": r["text"]}
                     for r in complaint_rows]),
        inbox().iloc[0:0]))
    _assert_same(warehouse, max_rows)
