"""A backfill on this machine: many days through the daily graph in N long-lived processes.

Scores of a day read a 30-day window of other days (`worker_scorecards` reads the daily scores
of the window, `training_recommendations` its classified feedback), so days processed side by
side must not interleave freely: day D's scorecard would miss day D-1 if D-1 were still running.
The backfill therefore runs in two phases, each spread over the workers:

1. `daily_inputs_job` for every day: ingest, feedback, classification, daily scores and their
   checks (each reads its own day only);
2. `daily_windows_job` for every day whose first phase succeeded: scorecards, training and
   incentive decisions and their checks, now that every window they read is complete.

Each worker imports torch, transformers, Great Expectations and the model once and then runs
day after day in process (as `feedback run` does), instead of one process per run as the daemon
launches them; runs are recorded in the `DAGSTER_HOME` instance where one is set. Inside a
worker, classification uses one process unless `FEEDBACK_CLASSIFIER_PROCESSES` says otherwise
(the runs carry a backfill tag, `pipelines.resources.BACKFILL_TAGS`): the workers fill the cores.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

PHASES = ("daily_inputs_job", "daily_windows_job")
_WORKER: dict[str, Any] = {}  # per worker process: its jobs and Dagster instance


@dataclass(frozen=True)
class DayOutcome:
    """One run of one phase for one day."""

    job: str
    day: str
    success: bool
    seconds: float
    failed_steps: tuple[str, ...] = ()


def _start_worker(backend: str | None) -> None:
    """Pool initializer: the jobs and the instance, imported and built once per worker."""
    from pipelines.run_cli import in_process_jobs, instance

    _WORKER["jobs"] = in_process_jobs(backend, PHASES)
    _WORKER["instance"] = instance()


def run_one(task: tuple[str, str]) -> DayOutcome:
    """Run `job` for `day` in this worker (the run's own event log keeps the details)."""
    from pipelines.resources import BACKFILL_TAGS
    from pipelines.run_cli import QUIET

    job_name, day = task
    started = time.monotonic()
    result = _WORKER["jobs"][job_name].execute_in_process(
        partition_key=day, instance=_WORKER["instance"], raise_on_error=False,
        run_config=QUIET, tags={BACKFILL_TAGS[1]: "workers"})
    failed = tuple(e.step_key for e in result.all_events if e.is_step_failure)
    _release_free_memory()
    return DayOutcome(job_name, day, result.success, time.monotonic() - started, failed)


def _release_free_memory() -> None:
    """Hand the heap a finished run freed back to the system (glibc keeps it otherwise), so a
    worker's resident memory is that of one run, not the high-water mark of all of them."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def run_backfill(days: list[str], workers: int, backend: str | None = None,
                 progress: Callable[[str], None] = print) -> list[DayOutcome]:
    """Both phases over `days` with `workers` processes; an outcome per run, in finishing order.

    A worker that dies (killed for memory, say) or cannot start fails the backfill with
    `BrokenProcessPool` instead of leaving it waiting."""
    outcomes: list[DayOutcome] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(backend,)) as pool:
        todo = list(days)
        for number, job_name in enumerate(PHASES, 1):
            runs = [pool.submit(run_one, (job_name, day)) for day in todo]
            for done, future in enumerate(as_completed(runs), 1):
                outcome = future.result()
                state = "ok" if outcome.success else \
                    f"FAILED steps: {', '.join(outcome.failed_steps)}"
                progress(f"[phase {number}/{len(PHASES)} {done}/{len(runs)}] {outcome.day}: "
                         f"{state} ({outcome.seconds:.1f} s)")
                outcomes.append(outcome)
            failed = {o.day for o in outcomes if o.job == job_name and not o.success}
            if failed and number < len(PHASES):
                progress(f"phase {number + 1} skips the failed days: {', '.join(sorted(failed))}")
            todo = [day for day in todo if day not in failed]
    return outcomes
