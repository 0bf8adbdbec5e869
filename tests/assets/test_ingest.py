"""Ingest: local-day boundaries in the source, raw tables per partition, inbox files per day."""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from assets import ingest
from assets.ingest import inbox_partition_dates, inbox_rows_for_day
from pipelines.definitions import inbox_run_requests
from pipelines.resources import InboxResource
from storage.source import SourceDatabase
from storage.warehouse import Warehouse


def _source_with_reviews(tmp_path: Path, stamps: list[str]) -> str:
    url = f"sqlite:///{tmp_path / 'src.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE reviews (review_id TEXT, order_id TEXT, worker_id TEXT, "
                             "customer_id TEXT, created_at TIMESTAMP, rating INTEGER, text TEXT, "
                             "channel TEXT)"))
        for number, stamp in enumerate(stamps):
            conn.execute(sa.text("INSERT INTO reviews VALUES (:id, 'O1', 'W0001', 'C1', :at, 5, "
                                 "'好', 'app')"), {"id": f"R{number}", "at": stamp})
    engine.dispose()
    return url


def test_a_day_is_the_local_calendar_day(tmp_path: Path) -> None:
    url = _source_with_reviews(tmp_path, [
        "2025-06-09 23:59:59", "2025-06-10 00:00:00", "2025-06-10 12:30:00.250000",
        "2025-06-10 23:59:59", "2025-06-11 00:00:00"])
    rows = SourceDatabase(url).read_day("reviews", "2025-06-10")
    assert rows["review_id"].tolist() == ["R1", "R2", "R3"]
    assert rows["created_at"].dt.date.astype(str).unique().tolist() == ["2025-06-10"]
    assert str(rows["rating"].dtype) == "Int64"


def test_source_timestamps_become_naive_shanghai_time() -> None:
    from storage.source import _naive_local

    aware = pd.Series(pd.to_datetime(["2025-06-09T16:30:00Z"]))
    assert str(_naive_local(aware).iloc[0]) == "2025-06-10 00:30:00"
    assert _naive_local(pd.Series(["not a time"])).isna().all()


def test_raw_assets_copy_one_day_of_the_demo_source(tiny_demo, pipeline_resources,
                                                   warehouse: Warehouse) -> None:
    day = tiny_demo.partition_keys[1]
    result = dg.materialize([ingest.raw_reviews, ingest.raw_complaints, ingest.raw_orders,
                             ingest.worker_roster], partition_key=day,
                            resources=pipeline_resources,
                            selection=[ingest.raw_reviews, ingest.raw_complaints, ingest.raw_orders])
    source = SourceDatabase(tiny_demo.url)

    assert result.success
    for table, target in (("reviews", "raw_reviews"), ("complaints", "raw_complaints"),
                          ("orders", "raw_orders")):
        expected = source.read_day(table, day)
        assert warehouse.count_partition(target, day) == len(expected) > 0
    materialized = result.asset_materializations_for_node("raw_reviews")[0]
    assert materialized.metadata["rows"].value == warehouse.count_partition("raw_reviews", day)


def test_worker_roster_snapshot(tiny_demo, pipeline_resources, warehouse: Warehouse) -> None:
    assert dg.materialize([ingest.worker_roster], resources=pipeline_resources).success
    roster = warehouse.read_table("worker_roster")
    assert len(roster) == tiny_demo.workers and roster["worker_id"].is_unique


def test_inbox_rows_fall_on_their_day_or_the_arrival_day() -> None:
    created = pd.Series(["2025-06-09 10:00", "2030-01-01 00:00", "昨天", None, "2019-01-01"])
    assert inbox_partition_dates(created, "2025-06-10").tolist() == [
        "2025-06-09", "2025-06-10", "2025-06-10", "2025-06-10", "2025-06-10"]


def test_raw_inbox_feedback_keeps_broken_lines_for_rejection(tmp_path: Path,
                                                              warehouse_url: str) -> None:
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "wechat.jsonl").write_text(
        '{"id": "WX1", "kind": "complaint", "worker_id": "W0001", "created_at": '
        '"2025-06-09 09:00", "channel": "wechat", "text": "阿姨迟到", "ticket": "T-7"}\n'
        '{"id": "WX2", "kind": "review", "worker_id": "W0001", "text": "阿姨很\n', encoding="utf-8")
    inbox = InboxResource(path=str(inbox_dir))
    inbox_run_requests(inbox, logging.getLogger("test"), received=datetime(2025, 6, 10, 8))

    rows = inbox_rows_for_day(inbox, "2025-06-09")
    broken = inbox_rows_for_day(inbox, "2025-06-10")

    assert rows["id"].tolist() == ["WX1"] and '"T-7"' in rows.loc[0, "extra"]
    assert len(broken) == 1 and broken["parse_error"].notna().all()
    assert broken.loc[0, "source_file"].endswith("wechat.jsonl")
