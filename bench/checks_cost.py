"""CPU and wall time of the daily job's asset checks alone, on partitions already materialized.

    .venv/bin/python -m bench.checks_cost --date 2026-10-31 --repeat 2 \
        --warehouse-url postgresql+psycopg2://postgres@127.0.0.1:5432/feedback_bench_wh

Runs one Dagster run per repeat that selects every asset check and no asset (the checks read
what the daily job wrote), in process as the daily job does, and prints per check the step's wall
and CPU seconds (bench.scale_run's sampler). The first repeat pays the Great Expectations import;
later repeats show the steady cost. `--profile FILE` writes cProfile stats of the last repeat.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import tempfile


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, help="partition (YYYY-MM-DD)")
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", default=None, help="write cProfile stats here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["FEEDBACK_WAREHOUSE_URL"] = args.warehouse_url
    os.environ.setdefault("FEEDBACK_INBOX", tempfile.mkdtemp(prefix="bench-inbox-"))
    from dagster import AssetSelection, DagsterInstance, Definitions, define_asset_job

    from bench.scale_measure import machine_line
    from bench.scale_run import run_partition
    from pipelines import definitions

    job_def = define_asset_job("checks_only", selection=AssetSelection.all_asset_checks())
    defs = Definitions(assets=definitions.ALL_ASSETS, asset_checks=definitions.ALL_CHECKS,
                       jobs=[job_def], resources=definitions.build_resources(),
                       executor=definitions.in_process_executor)
    job = defs.resolve_job_def("checks_only")
    print(f"machine: {machine_line()}")
    with DagsterInstance.ephemeral() as instance:
        for repeat in range(args.repeat):
            profiler = cProfile.Profile() if args.profile and repeat == args.repeat - 1 else None
            if profiler:
                profiler.enable()
            total, steps = run_partition(job, instance, args.date, by_tag=True)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            print(f"repeat {repeat + 1}: {total.wall_s:.1f} s wall, "
                  f"{sum(s.cpu_s for s in steps):.1f} CPU-s in the check steps")
            for step in sorted(steps, key=lambda s: -s.cpu_s):
                print(f"  {step.stage:<60} {step.wall_s:6.2f} s {step.cpu_s:6.2f} CPU-s")
    print(f"machine after: {machine_line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
