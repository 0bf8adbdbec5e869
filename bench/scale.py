"""Scale benchmark: N feedback rows over D days, the daily job per partition, a table per stage.

    .venv/bin/python -m bench.scale --rows 1000000 --days 30 \
        --source-url 'mysql+pymysql://root@127.0.0.1:3306/bench_source?charset=utf8mb4' \
        --warehouse-url 'postgresql+psycopg2://postgres@127.0.0.1:5432/bench_warehouse'

Generates the source rows (bench/scale_generate.py, in a child process so its memory does not
count), runs the daily job once per partition in process (as `feedback run --date` does),
prints wall time, rows/s, CPU time and peak RSS per stage and per partition, and writes the
tables with this command into docs/benchmarks.md (a section per --label, replaced on re-runs).
"""

import argparse
import multiprocessing
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

from bench.scale_generate import generate_source, partitions
from bench.scale_measure import StageSample, machine_line, totals
from bench.scale_report import render, write_section

DEFAULT_SQLITE = {"source": "sqlite:///var/bench/source.db",
                  "warehouse": "sqlite:///var/bench/warehouse.db"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="feedback rows in all")
    parser.add_argument("--days", type=int, default=30, help="local days they spread over")
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source-url", default=DEFAULT_SQLITE["source"])
    parser.add_argument("--warehouse-url", default=DEFAULT_SQLITE["warehouse"])
    parser.add_argument("--model-dir", default=None, help="classifier dir (FEEDBACK_MODEL_DIR)")
    parser.add_argument("--backend", choices=("model", "rules"), default=None,
                        help="classifier backend (FEEDBACK_CLASSIFIER_BACKEND)")
    parser.add_argument("--skip-generate", action="store_true",
                        help="reuse the rows already in --source-url")
    parser.add_argument("--partitions", type=int, default=None,
                        help="run only the newest K partitions (all D by default)")
    parser.add_argument("--shard", default=None, metavar="I/N",
                        help="run only every N-th of the chosen partitions, from the I-th "
                             "(0-based): N such processes side by side cover them all")
    parser.add_argument("--label", default=None, help="section name in docs/benchmarks.md")
    parser.add_argument("--output", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument("--note", default="", help="free text written under the tables")
    return parser.parse_args(argv)


def _generate(args: argparse.Namespace) -> float:
    """Generate in a spawned child (its memory and imports stay out of the measurement)."""
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=generate_source, args=(
        args.source_url, args.rows, args.days, args.end_date, args.seed))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"generation failed (exit code {child.exitcode})")
    return time.perf_counter() - started


def _configure_environment(args: argparse.Namespace) -> None:
    """The pipeline reads its settings from FEEDBACK_* variables at import: set them first."""
    os.environ["FEEDBACK_SOURCE_URL"] = args.source_url
    os.environ["FEEDBACK_WAREHOUSE_URL"] = args.warehouse_url
    os.environ["FEEDBACK_INBOX"] = tempfile.mkdtemp(prefix="bench-inbox-")  # empty inbox
    if args.model_dir:
        os.environ["FEEDBACK_MODEL_DIR"] = args.model_dir
    if args.backend:
        os.environ["FEEDBACK_CLASSIFIER_BACKEND"] = args.backend


def run_pipeline(args: argparse.Namespace, days: list[str],
                 report: Callable[[list[StageSample], list[StageSample]], None],
                 ) -> tuple[list[StageSample], list[StageSample]]:
    """(per-partition totals, per-step samples) of the daily job over `days`; `report` is
    called after each partition, so a long run leaves its tables behind as it goes."""
    _configure_environment(args)
    from dagster import DagsterInstance

    from bench.scale_run import run_partition
    from pipelines.definitions import defs

    job = defs.resolve_job_def("daily_job")
    runs, steps = [], []
    with DagsterInstance.ephemeral() as instance:
        for day in days:
            total, day_steps = run_partition(job, instance, day)
            runs.append(total)
            steps += day_steps
            print(f"{day}: {total.rows or 0:,} rows in {total.wall_s:.1f} s, "
                  f"peak {total.peak_rss_mib:.0f} MiB", flush=True)
            report(runs, steps)
    return runs, steps


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "python -m bench.scale " + shlex.join(sys.argv[1:] if argv is None else argv)
    if args.shard and not args.skip_generate:
        raise SystemExit("--shard needs --skip-generate: generate the source once, beforehand")
    generated_s = None if args.skip_generate else _generate(args)
    days = list(partitions(args.end_date, args.days))[-(args.partitions or args.days):]
    if args.shard:
        index, count = (int(part) for part in args.shard.split("/"))
        days = days[index::count]
    machine_before = machine_line()
    label = args.label or f"{args.rows}-rows-{args.days}-days"

    def report(runs: list[StageSample], steps: list[StageSample]) -> None:
        text = render(
            command=command, started=datetime.now(timezone.utc), machine=machine_before,
            machine_after=machine_line(), source_url=args.source_url,
            warehouse_url=args.warehouse_url, generated_s=generated_s, runs=runs,
            stages=totals(steps), note=args.note)
        write_section(args.output, f"scale:{label}", f"Scale: {label}", text)
        if len(runs) == len(days):
            print(text)

    run_pipeline(args, days, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
