"""Run the daily job for one partition in process and break it down per step (for bench/scale.py).

The whole partition runs as one Dagster run, as in production (`feedback run --date`), so the
end-to-end time includes everything a run costs. Per step, wall time comes from the run's own
STEP_START / STEP_SUCCESS events; CPU time and peak RSS come from a sampler thread that reads
/proc every 20 ms and is mapped onto those step intervals afterwards.
"""

import threading
import time
from dataclasses import dataclass
from typing import Any

from dagster import DagsterEventType, DagsterInstance, JobDefinition

from bench.scale_measure import StageSample, _cpu_seconds, current_rss_mib, measured

ROW_METADATA_KEYS = ("dagster/row_count", "rows", "row_count")
SAMPLE_EVERY_S = 0.02
FEEDBACK_SOURCE_STEPS = ("raw_reviews", "raw_complaints")  # the partition's feedback rows


class _Sampler(threading.Thread):
    """Records (time, process CPU seconds, RSS MiB) until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float, float]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples.append((time.time(), _cpu_seconds(), current_rss_mib()))
            self._stop_event.wait(SAMPLE_EVERY_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.samples.append((time.time(), _cpu_seconds(), current_rss_mib()))


@dataclass
class _Step:
    name: str
    start: float
    end: float | None = None
    rows: int | None = None


def _rows(metadata: dict[str, Any]) -> int | None:
    for key in ROW_METADATA_KEYS:
        raw = getattr(metadata.get(key), "value", metadata.get(key))
        if isinstance(raw, int):
            return raw
    return None


def _steps(instance: DagsterInstance, run_id: str) -> list[_Step]:
    steps: dict[str, _Step] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        key = event.step_key
        if event.event_type == DagsterEventType.STEP_START:
            steps[key] = _Step(key, entry.timestamp)
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            steps[key].end = entry.timestamp
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            rows = _rows(dict(materialization.metadata))
            if rows is not None and steps[key].rows is None:  # a multi-asset counts its first
                steps[key].rows = rows
    return [s for s in steps.values() if s.end is not None]


def _sample_step(step: _Step, samples: list[tuple[float, float, float]],
                 partition: str) -> StageSample:
    inside = [s for s in samples if step.start <= s[0] <= step.end] or \
        [min(samples, key=lambda s: abs(s[0] - step.end))]
    before = [s for s in samples if s[0] <= step.start] or samples[:1]
    return StageSample(
        stage=step.name, partition=partition, wall_s=step.end - step.start,
        cpu_s=max(0.0, inside[-1][1] - before[-1][1]), rows=step.rows,
        peak_rss_mib=max(s[2] for s in inside), start_rss_mib=before[-1][2])


def run_partition(job: JobDefinition, instance: DagsterInstance, partition: str,
                  by_tag: bool = False) -> tuple[StageSample, list[StageSample]]:
    """(the whole run, each of its steps) for one partition of `job`.

    `by_tag` names the partition by run tag only, for a job of asset checks alone (Dagster
    cannot validate a partition key against a selection without assets)."""
    partition_args: dict[str, Any] = {"tags": {"feedback/kind": "bench",
                                               "dagster/partition": partition}} if by_tag \
        else {"partition_key": partition, "tags": {"feedback/kind": "bench"}}
    sampler = _Sampler()
    sampler.start()
    try:
        with measured("end to end", partition) as total:
            result = job.execute_in_process(instance=instance, **partition_args)
    finally:
        sampler.stop()
    # VmHWM covers this process only; the samples include live children (classification workers)
    total.peak_rss_mib = max(total.peak_rss_mib, max(s[2] for s in sampler.samples))
    steps = [_sample_step(s, sampler.samples, partition)
             for s in _steps(instance, result.run_id)]
    total.rows = sum(s.rows or 0 for s in steps if s.stage in FEEDBACK_SOURCE_STEPS)
    return total, steps
