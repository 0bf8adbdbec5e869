"""Worker ranges cut in the server's collation cover every row once on PostgreSQL and MariaDB
(MariaDB compares case-insensitively and ignores trailing spaces)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pandas as pd
import pytest

from spine.buckets import build_day
from spine.merge import build_feedback
from storage.warehouse import Warehouse

pytestmark = pytest.mark.prod

DAY = "2025-06-10"
NOW = datetime(2025, 6, 11, 9, 0)
SOURCES = ("raw_reviews", "raw_complaints", "raw_inbox_feedback")
WORKERS = {"W0001", "W0002", "w0002", "W0003", "W0010"}
REVIEW_WORKERS = ["W0001", "w0002", "W0002", " W0003", "W0003 ", None, "W0010", "W0001", "W0003",
                  "W0002", "W9999", "W0010"]


@pytest.fixture(params=["pg_url", "mariadb_url"])
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    store = Warehouse(request.getfixturevalue(request.param))
    yield store
    store.dispose()


def _day() -> dict[str, pd.DataFrame]:
    n = len(REVIEW_WORKERS)
    reviews = pd.DataFrame({
        "review_id": [f"R{i % 9}" for i in range(n)],  # R0..R2 repeat across workers
        "order_id": [f"O{i % 4}" for i in range(n)], "worker_id": REVIEW_WORKERS,
        "customer_id": "C1", "created_at": pd.Timestamp("2025-06-10 10:00"),
        "rating": [5, 4] * (n // 2), "text": ["阿姨很好", "准时"] * (n // 2), "channel": "app"})
    complaints = pd.DataFrame({
        "complaint_id": ["K1", "K2", "K3"], "order_id": "O9",
        "worker_id": ["W0002", "w0002", "W0010"], "customer_id": "C2",
        "channel": ["hotline", "app", "app"], "created_at": pd.Timestamp("2025-06-10 12:00"),
        "first_response_at": None, "resolved_at": None, "agent_text": "阿姨迟到",
        "agent_category": "logistics", "status": "open"})
    inbox = pd.DataFrame(columns=["id", "kind", "worker_id", "order_id", "created_at", "channel",
                                  "rating", "text", "extra", "source_file", "file_sha256"])
    return dict(zip(SOURCES, (reviews, complaints, inbox), strict=True))


def _plain(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    plain = frame.astype("object").where(frame.notna(), None)
    return plain.sort_values(keys, kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("max_rows", [1, 3])
def test_pieces_equal_the_whole_day_on_the_server(warehouse: Warehouse, max_rows: int) -> None:
    for name, frame in _day().items():
        warehouse.replace_partition(name, DAY, frame)
    stored = [warehouse.read_partition(name, DAY) for name in SOURCES]
    records, rejected = build_feedback(*stored, WORKERS, NOW, DAY)
    pieces = list(build_day(warehouse, DAY, WORKERS, NOW, max_rows=max_rows))

    assert sum(p.source_rows for p in pieces) == sum(len(f) for f in stored)
    got = pd.concat([p.records for p in pieces], ignore_index=True)
    pd.testing.assert_frame_equal(_plain(got, ["feedback_id"]), _plain(records, ["feedback_id"]))
    keys = ["source_table", "source_id", "rule", "reason", "payload"]
    got = pd.concat([p.rejected for p in pieces], ignore_index=True)
    pd.testing.assert_frame_equal(_plain(got, keys), _plain(rejected, keys))
