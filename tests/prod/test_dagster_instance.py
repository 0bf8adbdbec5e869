"""The production instance (deploy/dagster.postgres.yaml) stores runs in PostgreSQL and queues them."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from dagster import (
    AssetExecutionContext,
    DagsterInstance,
    DagsterRunStatus,
    DailyPartitionsDefinition,
    RunsFilter,
    asset,
    materialize,
)

pytestmark = pytest.mark.prod

PARTITIONS = DailyPartitionsDefinition(start_date="2026-01-01", timezone="Asia/Shanghai")


@asset(partitions_def=PARTITIONS)
def partition_probe(context: AssetExecutionContext) -> str:
    """Echo the partition key, so the stored materialization names the partition it ran for."""
    return context.partition_key


def _instance_db_engine() -> sa.Engine:
    """Engine on the Dagster database itself, from the same env the instance yaml reads."""
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=os.environ["DAGSTER_PG_USER"],
        password=os.environ["DAGSTER_PG_PASSWORD"] or None,
        host=os.environ["DAGSTER_PG_HOST"],
        port=int(os.environ["DAGSTER_PG_PORT"]),
        database=os.environ["DAGSTER_PG_DB"],
    )
    return sa.create_engine(url)


def test_instance_from_deploy_yaml_is_postgres_with_queue_and_retries(pg_dagster_home: Path) -> None:
    config = yaml.safe_load((pg_dagster_home / "dagster.yaml").read_text())
    expected_queue = config["run_coordinator"]["config"]
    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__module__.startswith("dagster_postgres")
        assert type(instance.event_log_storage).__module__.startswith("dagster_postgres")
        assert type(instance.schedule_storage).__module__.startswith("dagster_postgres")
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        queue = instance.run_coordinator.get_run_queue_config()
        assert queue.max_concurrent_runs == expected_queue["max_concurrent_runs"]
        assert queue.tag_concurrency_limits == expected_queue["tag_concurrency_limits"]
        assert instance.run_retries_enabled
        assert instance.run_retries_max_retries == config["run_retries"]["max_retries"]


def test_run_and_its_events_are_stored_in_postgres(pg_dagster_home: Path) -> None:
    with DagsterInstance.get() as instance:
        result = materialize(
            [partition_probe], partition_key="2026-01-02", instance=instance
        )
        assert result.success
        run_id = result.run_id
    with _instance_db_engine().connect() as conn:
        status = conn.execute(
            sa.text("SELECT status FROM runs WHERE run_id = :r"), {"r": run_id}
        ).scalar_one()
        materializations = conn.execute(
            sa.text(
                "SELECT partition FROM event_logs WHERE run_id = :r"
                " AND dagster_event_type = 'ASSET_MATERIALIZATION'"
            ),
            {"r": run_id},
        ).scalars().all()
    assert status == DagsterRunStatus.SUCCESS.value
    assert materializations == ["2026-01-02"]


def test_backfill_submits_runs_to_the_queue_in_postgres(
    pg_dagster_home: Path, tmp_path: Path
) -> None:
    """`dagster job backfill` goes through the QueuedRunCoordinator: with no daemon running,
    every partition's run must wait in the PostgreSQL run queue, tagged as a backfill run."""
    module = tmp_path / "probe_defs.py"
    module.write_text(
        textwrap.dedent(
            """
            from dagster import DailyPartitionsDefinition, Definitions, asset, define_asset_job

            partitions = DailyPartitionsDefinition("2026-01-01", timezone="Asia/Shanghai")

            @asset(partitions_def=partitions)
            def probe() -> None:
                return None

            defs = Definitions(assets=[probe], jobs=[define_asset_job("probe_job", [probe])])
            """
        )
    )
    partitions = ["2026-01-02", "2026-01-03", "2026-01-04"]
    completed = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "backfill", "-f", str(module), "-a", "defs",
         "-j", "probe_job", "--partitions", ",".join(partitions), "--noprompt"],
        capture_output=True, text=True, timeout=120, env=os.environ.copy(),
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    with DagsterInstance.get() as instance:
        runs = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.QUEUED]))
    assert sorted(run.tags["dagster/partition"] for run in runs) == partitions
    assert all("dagster/backfill" in run.tags for run in runs)
