"""The whole daily graph for one partition on temporary SQLite: every source row lands once."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import dagster as dg
import pytest

from storage.source import SourceDatabase
from storage.warehouse import Warehouse

pytestmark = pytest.mark.slow

TABLES = ("raw_reviews", "raw_complaints", "raw_orders", "raw_inbox_feedback", "feedback",
          "classified_feedback", "rejected_feedback")


def _daily_job(resources: dict) -> dg.JobDefinition:
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, daily_job

    defs = dg.Definitions(assets=ALL_ASSETS, asset_checks=ALL_CHECKS, jobs=[daily_job],
                          resources=resources, executor=dg.in_process_executor)
    return defs.resolve_job_def("daily_job")


def _drop_inbox_files(resources: dict, day: str, tiny_demo) -> int:
    """Partner exports for `day`, archived as the sensor would; returns their row count."""
    from demo.inbox_sample import write_inbox_sample
    from pipelines.definitions import inbox_run_requests

    inbox = resources["inbox"]
    write_inbox_sample(inbox.root, datetime.fromisoformat(day).date(), seed=tiny_demo.seed,
                       workers=tiny_demo.workers, n_reviews=4, n_service_desk=3)
    # Arrived late that same day: undated (broken) lines fall on `day` too.
    received = datetime.fromisoformat(day) + timedelta(hours=23, minutes=30)
    inbox_run_requests(inbox, logging.getLogger("test"), received=received)
    assert len(inbox.archived()) == 2
    return sum(len(inbox.read(path)) for path, _ in inbox.archived())


def _counts(store: Warehouse, day: str) -> dict[str, int]:
    counts = {t: store.count_partition(t, day) for t in TABLES}
    counts["classified_sources"] = store.count_partition("classified_feedback", day, "n_sources")
    return counts


def test_whole_graph_reconciles_and_a_rerun_changes_nothing(tiny_demo, pipeline_resources,
                                                            warehouse: Warehouse) -> None:
    day = tiny_demo.partition_keys[-2]
    inbox_rows = _drop_inbox_files(pipeline_resources, day, tiny_demo)
    source = SourceDatabase(tiny_demo.url)
    source_rows = len(source.read_day("reviews", day)) + len(source.read_day("complaints", day))
    job = _daily_job(pipeline_resources)

    first = job.execute_in_process(partition_key=day, instance=dg.DagsterInstance.ephemeral())
    counts = _counts(warehouse, day)
    second = job.execute_in_process(partition_key=day, instance=dg.DagsterInstance.ephemeral())

    assert first.success and second.success
    assert inbox_rows > 0 and counts["raw_inbox_feedback"] == inbox_rows
    assert counts["raw_reviews"] + counts["raw_complaints"] == source_rows
    assert source_rows + inbox_rows == counts["classified_sources"] + counts["rejected_feedback"]
    assert counts["classified_feedback"] == counts["feedback"] > 0
    assert _counts(warehouse, day) == counts
    assert store_has_every_stage(warehouse, day)


def store_has_every_stage(store: Warehouse, day: str) -> bool:
    """Scores were written for the day too (the graph ran past classification)."""
    return store.count_partition("worker_daily_scores", day) > 0


def test_feedback_run_cli_runs_an_empty_day(tiny_demo, warehouse_url: str, inbox_dir,
                                            monkeypatch, capsys) -> None:
    from pipelines.cli import main

    monkeypatch.setenv("FEEDBACK_SOURCE_URL", tiny_demo.url)
    monkeypatch.setenv("FEEDBACK_WAREHOUSE_URL", warehouse_url)
    monkeypatch.setenv("FEEDBACK_INBOX", str(inbox_dir))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    day = (tiny_demo.end_date - timedelta(days=30)).isoformat()

    assert main(["run", "--date", day, "--backend", "rules"]) == 0
    printed = capsys.readouterr().out
    assert f"[1/1] {day}: ok" in printed and "reconciliation: source rows 0" in printed
    assert _counts(Warehouse(warehouse_url), day)["feedback"] == 0
