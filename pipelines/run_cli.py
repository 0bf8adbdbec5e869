"""`feedback run`: run the daily job in-process for one day (as the schedule would), or a range."""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagster import JobDefinition

TABLES = ("raw_reviews", "raw_complaints", "raw_orders", "raw_inbox_feedback", "feedback",
          "classified_feedback", "rejected_feedback", "worker_daily_scores", "worker_scorecards",
          "training_recommendations", "incentive_decisions")

# Step events stay in the run's event log (the UI shows them); the console gets warnings only.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=date.fromisoformat, help="partition day YYYY-MM-DD")
    when.add_argument("--backfill", nargs=2, type=date.fromisoformat, metavar=("START", "END"),
                      help="every day from START to END (inclusive), one run each, in order")
    parser.add_argument("--workers", type=int, default=1,
                        help="with --backfill: processes that share the days (two phases, see "
                             "pipelines/backfill.py); 1 runs the days in order in this process")
    parser.add_argument("--backend", choices=("model", "rules"), default=None,
                        help="classifier backend (default: FEEDBACK_CLASSIFIER_BACKEND or model)")


def days_between(start: date, end: date) -> list[str]:
    """Partition keys from start to end inclusive."""
    if end < start:
        raise ValueError(f"backfill end {end} is before start {start}")
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def instance():
    """The DAGSTER_HOME instance (runs show in the UI), else an ephemeral one."""
    import fcntl

    from dagster import DagsterInstance

    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return DagsterInstance.ephemeral()
    # Opening a fresh local instance creates and migrates its SQLite storage; backfill workers
    # doing that at the same moment collide (alembic "more than one head", "table exists"), so
    # the processes of this machine open it one at a time.
    if not Path(home).is_dir():
        return DagsterInstance.get()  # Dagster's own error names the missing folder
    with open(Path(home) / ".instance.lock", "w") as lock:  # closing the file releases it
        fcntl.flock(lock, fcntl.LOCK_EX)
        return DagsterInstance.get()


def in_process_jobs(backend: str | None, names: tuple[str, ...]) -> dict[str, JobDefinition]:
    """The named jobs of the code location, run in this process with the given backend."""
    from dagster import Definitions, in_process_executor

    from pipelines import definitions

    defs = Definitions(assets=definitions.ALL_ASSETS, asset_checks=definitions.ALL_CHECKS,
                       jobs=[getattr(definitions, name) for name in names],
                       resources=definitions.build_resources(backend),
                       executor=in_process_executor)
    return {name: defs.resolve_job_def(name) for name in names}


def build_docs(report: Callable[[str], None]) -> None:
    """Render the GX data docs; a failure is reported, never raised (docs are a view)."""
    from pipelines.definitions import build_data_docs

    try:
        build_data_docs()
    except Exception as error:  # noqa: BLE001
        report(f"data docs not built ({error})")


def run_days(days: list[str], backend: str | None = None,
             progress: Callable[[str], None] = print) -> list[tuple[str, bool, float]]:
    """Execute the daily job for each day in-process; (day, success, seconds) per day."""
    job = in_process_jobs(backend, ("daily_job",))["daily_job"]
    dagster_instance = instance()
    outcomes = []
    for number, day in enumerate(days, 1):
        started = time.monotonic()
        progress(f"[{number}/{len(days)}] {day}: running ...")
        result = job.execute_in_process(partition_key=day, instance=dagster_instance,
                                        raise_on_error=False, run_config=QUIET)
        # once per run: the checks only stored their validation results
        build_docs(lambda line: progress(f"[{number}/{len(days)}] {day}: {line}"))
        seconds = time.monotonic() - started
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        state = "ok" if result.success else f"FAILED steps: {', '.join(failed)}"
        progress(f"[{number}/{len(days)}] {day}: {state} ({seconds:.1f} s)")
        outcomes.append((day, result.success, seconds))
    return outcomes


def partition_counts(days: list[str]) -> dict[str, int]:
    """Rows per warehouse table over `days`, with source rows reconciled."""
    import pipelines.definitions  # noqa: F401  (registers every part's warehouse tables)
    from storage.config import default_warehouse_url
    from storage.warehouse import Warehouse

    store = Warehouse(default_warehouse_url())
    counts = {t: sum(store.count_partition(t, d) for d in days) for t in TABLES
              if t in store.metadata.tables}
    counts["classified_feedback.n_sources"] = sum(
        store.count_partition("classified_feedback", d, "n_sources") for d in days)
    return counts


def print_counts(counts: dict[str, int], out: Callable[[str], None] = print) -> None:
    """Rows per table, and whether every source row is classified or rejected."""
    out("rows per table:")
    for table, rows in counts.items():
        out(f"  {table:<32} {rows:>8}")
    source = sum(counts.get(t, 0) for t in ("raw_reviews", "raw_complaints", "raw_inbox_feedback"))
    landed = counts["classified_feedback.n_sources"] + counts.get("rejected_feedback", 0)
    verdict = "ok" if source == landed else "MISMATCH"
    out(f"reconciliation: source rows {source} = classified {counts['classified_feedback.n_sources']}"
        f" + rejected {counts.get('rejected_feedback', 0)}: {verdict}")


def print_breakdown(days: list[str], out: Callable[[str], None] = print) -> None:
    """Rejected rows by rule and classified records by category over `days`."""
    from storage.aggregates import value_counts
    from storage.config import default_warehouse_url
    from storage.warehouse import Warehouse

    store = Warehouse(default_warehouse_url())  # counted in the database: a month is 1M rows
    rejected = value_counts(store, "rejected_feedback", "rule", days[0], days[-1])
    categories = value_counts(store, "classified_feedback", "category", days[0], days[-1])
    for title, counts in (("rejected by rule", rejected), ("categories", categories)):
        ordered = counts.sort_values(ascending=False, kind="stable")
        out(f"{title}: " + (", ".join(f"{k} {v}" for k, v in ordered.items()) or "none"))


def run_parallel(days: list[str], workers: int,
                 backend: str | None) -> list[tuple[str, bool, float]]:
    """The backfill in `workers` processes; (day, both phases succeeded, seconds) per day."""
    from pipelines.backfill import run_backfill

    outcomes = run_backfill(days, workers, backend)
    build_docs(print)  # imports the code location only now: this process stays small meanwhile
    by_day: dict[str, list] = {day: [] for day in days}
    for outcome in outcomes:
        by_day[outcome.day].append(outcome)
    return [(day, len(runs) == 2 and all(o.success for o in runs),
             sum(o.seconds for o in runs)) for day, runs in by_day.items()]


def run(args: argparse.Namespace) -> int:
    days = days_between(*args.backfill) if args.backfill else [args.date.isoformat()]
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1")
    outcomes = run_parallel(days, args.workers, args.backend) \
        if args.backfill and args.workers > 1 else run_days(days, args.backend)
    print_counts(partition_counts(days))
    print_breakdown(days)
    failed = [day for day, success, _ in outcomes if not success]
    if failed:
        print(f"failed days: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
