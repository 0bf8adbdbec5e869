"""The whole daily job on real servers: source on MariaDB, warehouse and Dagster on PostgreSQL."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.prod, pytest.mark.slow]

END = date(2025, 6, 10)
DAY = "2025-06-09"  # a full day: reviews of the previous day's orders have arrived


@pytest.fixture
def mariadb_demo(mariadb_url: str) -> str:
    """The demo company written into a fresh MariaDB database."""
    from demo.generate import generate

    generate(mariadb_url, END, days=3, seed=11, workers=40)
    return mariadb_url


def _daily_job(source_url: str, warehouse_url: str, inbox: Path):
    """The project's daily job with resources on the given databases (rule classifier)."""
    from dagster import Definitions, in_process_executor

    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, daily_job
    from pipelines.resources import (
        ClassifierResource,
        InboxResource,
        SourceDatabaseResource,
        WarehouseResource,
    )

    defs = Definitions(
        assets=ALL_ASSETS, asset_checks=ALL_CHECKS, jobs=[daily_job], executor=in_process_executor,
        resources={"source_db": SourceDatabaseResource(url=source_url),
                   "warehouse": WarehouseResource(url=warehouse_url),
                   "inbox": InboxResource(path=str(inbox)),
                   "classifier": ClassifierResource(backend="rules")})
    return defs.resolve_job_def("daily_job")


def _source_rows(source_url: str, day: str) -> int:
    engine = sa.create_engine(source_url)
    with engine.connect() as conn:
        total = sum(conn.execute(sa.text(
            f"SELECT COUNT(*) FROM {table} WHERE created_at >= :start"
            " AND created_at < DATE_ADD(:start, INTERVAL 1 DAY)"), {"start": day}).scalar_one()
            for table in ("reviews", "complaints"))
    engine.dispose()
    return total


def _warehouse_counts(warehouse_url: str, day: str) -> dict[str, int]:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as conn:
        def scalar(sql: str) -> int:
            return int(conn.execute(sa.text(sql), {"d": day}).scalar_one() or 0)

        counts = {
            "classified": scalar("SELECT COUNT(*) FROM classified_feedback WHERE partition_date = :d"),
            "n_sources": scalar(
                "SELECT SUM(n_sources) FROM classified_feedback WHERE partition_date = :d"),
            "rejected": scalar("SELECT COUNT(*) FROM rejected_feedback WHERE partition_date = :d"),
            "emoji_texts": scalar(
                "SELECT COUNT(*) FROM raw_reviews WHERE partition_date = :d"
                " AND text ~ '[\U0001F300-\U0001FAFF]'"),
            "scored_workers": scalar(
                "SELECT COUNT(DISTINCT worker_id) FROM worker_daily_scores"
                " WHERE partition_date = :d"),
        }
    engine.dispose()
    return counts


def test_daily_job_mariadb_source_postgres_warehouse_and_instance(
    mariadb_demo: str, pg_url: str, pg_dagster_home: Path, tmp_path: Path
) -> None:
    from dagster import DagsterInstance, DagsterRunStatus

    job = _daily_job(mariadb_demo, pg_url, tmp_path)
    with DagsterInstance.get() as instance:
        first = job.execute_in_process(instance=instance, partition_key=DAY)
        counts = _warehouse_counts(pg_url, DAY)
        again = job.execute_in_process(instance=instance, partition_key=DAY)
        assert first.success and again.success
        stored = {instance.get_run_by_id(r.run_id).status for r in (first, again)}
    assert stored == {DagsterRunStatus.SUCCESS}  # both runs recorded in the PostgreSQL instance

    source_rows = _source_rows(mariadb_demo, DAY)
    assert source_rows > 20
    assert counts["classified"] > 0
    # reconciliation: every source row is classified (merged or not) or rejected, once
    assert counts["n_sources"] + counts["rejected"] == source_rows
    assert counts["emoji_texts"] > 0  # utf8mb4 made it from MariaDB to PostgreSQL
    assert counts["scored_workers"] > 0
    # a re-run replaces the partition instead of adding to it
    assert _warehouse_counts(pg_url, DAY) == counts
