"""Backfill 30 daily partitions through the production instance, 2 runs at a time, and time it.

    .venv/bin/python -m bench.backfill_parallel --days 30 --rows-per-day 3000 \
        --source-url 'mysql+pymysql://root@127.0.0.1:3306/bench_source?charset=utf8mb4' \
        --warehouse-url 'postgresql+psycopg2://postgres@127.0.0.1:5432/bench_warehouse'

What runs is exactly the production path of deploy/dagster.postgres.yaml: a fresh PostgreSQL
database for the Dagster instance, `dagster job backfill` submitting one run per partition to the
QueuedRunCoordinator, and `dagster-daemon run` dequeuing them within the `dagster/backfill` tag
limit (2) and launching each as its own process. The backfill has two phases, as
`feedback run --backfill --workers` has (pipelines/backfill.py): `daily_inputs_job` for every
day, then, once all of them finished, `daily_windows_job` (whose 30-day windows need them). The script watches the run queue, then prints
per-run queue wait and duration, the concurrency actually observed, and the effective
parallelism, and writes them into docs/benchmarks.md.
"""

import argparse
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa
import yaml

from bench.scale_generate import generate_source, partitions
from bench.scale_measure import machine_line
from bench.scale_report import write_section

REPO = Path(__file__).resolve().parents[1]
INSTANCE_YAML = REPO / "deploy" / "dagster.postgres.yaml"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rows-per-day", type=int, default=3_000)
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31))
    parser.add_argument("--source-url", required=True)
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test",
                        help="where a fresh database for the Dagster instance is created")
    parser.add_argument("--model-dir", default=None, help="classifier dir (FEEDBACK_MODEL_DIR)")
    parser.add_argument("--backend", choices=("model", "rules"), default=None,
                        help="classifier backend (FEEDBACK_CLASSIFIER_BACKEND)")
    parser.add_argument("--classifier-processes", type=int, default=1,
                        help="FEEDBACK_CLASSIFIER_PROCESSES of each run (1: the runs in parallel "
                             "already fill the cores; 0: one per core on big days)")
    parser.add_argument("--label", default=None,
                        help="docs/benchmarks.md section (default: backfill-<days>-partitions)")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--timeout-s", type=int, default=7_200,
                        help="stop watching (and report what finished) after this long")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md")
    return parser.parse_args(argv)


@contextmanager
def dagster_database(admin_url: str) -> Iterator[sa.URL]:
    """A fresh PostgreSQL database for the instance, dropped afterwards."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"feedback_backfill_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(admin_url).set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def instance_environment(home: Path, url: sa.URL, args: argparse.Namespace) -> dict[str, str]:
    """Environment of the daemon, the CLI and (inherited) every run worker."""
    shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
    env = dict(os.environ)
    env.update({
        "DAGSTER_HOME": str(home), "DAGSTER_PG_HOST": url.host or "127.0.0.1",
        "DAGSTER_PG_PORT": str(url.port or 5432), "DAGSTER_PG_USER": url.username or "postgres",
        "DAGSTER_PG_PASSWORD": url.password or "", "DAGSTER_PG_DB": url.database or "",
        "FEEDBACK_SOURCE_URL": args.source_url, "FEEDBACK_WAREHOUSE_URL": args.warehouse_url,
        "FEEDBACK_INBOX": tempfile.mkdtemp(prefix="backfill-inbox-"),
        "DAGSTER_TELEMETRY_DISABLED": "1", "GX_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
        "FEEDBACK_CLASSIFIER_PROCESSES": str(args.classifier_processes)})
    if args.model_dir:
        env["FEEDBACK_MODEL_DIR"] = args.model_dir
    if args.backend:
        env["FEEDBACK_CLASSIFIER_BACKEND"] = args.backend
    return env


PHASES = ("daily_inputs_job", "daily_windows_job")


def submit_backfill(env: dict[str, str], days: list[str], job: str) -> None:
    """One queued run per partition, tagged dagster/backfill (no run starts without the daemon)."""
    command = [sys.executable, "-m", "dagster", "job", "backfill", "-m", "pipelines.definitions",
               "-d", str(REPO), "-j", job, "--from", days[0], "--to", days[-1],
               "--noprompt"]
    subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True, text=True)


def run_rows(engine: sa.Engine, job: str | None = None) -> list[sa.Row]:
    """Each backfill run's status and times, straight from the instance's PostgreSQL tables."""
    query = sa.text(
        "SELECT r.run_id, r.pipeline_name AS job, r.status, r.create_timestamp, r.start_time,"
        " r.end_time, t.value AS day"
        " FROM runs r JOIN run_tags t ON t.run_id = r.run_id AND t.key = 'dagster/partition'"
        " WHERE :job IS NULL OR r.pipeline_name = :job ORDER BY t.value, r.create_timestamp")
    with engine.connect() as conn:
        return list(conn.execute(query, {"job": job}))


def watch(engine: sa.Engine, expected: int, timeout_s: float,
          job: str) -> tuple[list[sa.Row], int]:
    """Poll until every run of `job` finished or the timeout; the rows and the most seen running."""
    deadline, most = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        rows = run_rows(engine, job)
        in_progress = sum(r.status in ("STARTING", "STARTED") for r in rows)
        most = max(most, in_progress)
        done = sum(r.status in FINISHED for r in rows)
        print(f"\r{done}/{expected} finished, {in_progress} running ", end="", flush=True)
        if len(rows) == expected and done == expected:
            print()
            return rows, most
        time.sleep(1.0)
    print(f"\ntimeout after {timeout_s:.0f} s: reporting the runs as they stand")
    return run_rows(engine, job), most


def _max_overlap(rows: list[sa.Row]) -> int:
    edges = sorted([(r.start_time, 1) for r in rows] + [(r.end_time, -1) for r in rows],
                   key=lambda e: (e[0], e[1]))
    level = most = 0
    for _, step in edges:
        level += step
        most = max(most, level)
    return most


def render(command: str, machine: str, rows: list[sa.Row], polled_most: int,
           limit: int, wall_s: float) -> str:
    started = [r for r in rows if r.start_time and r.end_time]
    if not started:
        return f"Command: `{command}`\n\n- no run finished\n"
    busy = sum(r.end_time - r.start_time for r in started)
    first = min(r.create_timestamp.replace(tzinfo=timezone.utc).timestamp() for r in rows)
    lines = [
        f"Command: `{command}`", "",
        f"- run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine}",
        f"- instance: deploy/dagster.postgres.yaml (PostgreSQL storage, QueuedRunCoordinator, "
        f"`dagster/backfill` limit {limit}); `dagster job backfill` + `dagster-daemon run`",
        f"- {len(rows)} runs: {sum(r.status == 'SUCCESS' for r in rows)} succeeded; "
        f"backfill wall {wall_s:.0f} s (submit to last run end); sum of run durations "
        f"{busy:.0f} s; effective parallelism {busy / max(wall_s, 1e-9):.2f}",
        f"- runs in progress at once: at most {_max_overlap(started)} by run start/end times, "
        f"{polled_most} seen by polling (limit {limit})", "",
        "| partition | job | status | queued s | run s |", "|---|---|---|---:|---:|"]
    for r in rows:
        queued = (r.start_time or first) - r.create_timestamp.replace(tzinfo=timezone.utc).timestamp()
        run_s = (r.end_time - r.start_time) if r.start_time and r.end_time else float("nan")
        lines.append(f"| {r.day} | {r.job} | {r.status} | {queued:.0f} | {run_s:.1f} |")
    return "\n".join(lines) + "\n"


def _stop(daemon: subprocess.Popen) -> None:
    os.killpg(daemon.pid, signal.SIGTERM)
    try:
        daemon.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "python -m bench.backfill_parallel " + shlex.join(sys.argv[1:] if argv is None else argv)
    days = list(partitions(args.end_date, args.days))
    if not args.skip_generate:
        generate_source(args.source_url, args.rows_per_day * args.days, args.days, args.end_date)
    limit = next(l["limit"] for l in yaml.safe_load(INSTANCE_YAML.read_text())["run_coordinator"]
                 ["config"]["tag_concurrency_limits"] if l["key"] == "dagster/backfill")
    machine = machine_line()
    with tempfile.TemporaryDirectory(prefix="dagster-home-") as home, \
            dagster_database(args.pg_admin_url) as url:
        env = instance_environment(Path(home), url, args)
        engine = sa.create_engine(url)
        started = time.monotonic()
        log = open(Path(home) / "daemon.log", "w")
        # its own session: the daemon, its code server and the run workers stop together
        daemon = subprocess.Popen(
            [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-m",
             "pipelines.definitions", "-d", str(REPO)],
            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rows, polled_most = [], 0
            for job in PHASES:  # the second phase's windows need every day of the first
                submit_backfill(env, days, job)
                left_s = args.timeout_s - (time.monotonic() - started)
                phase_rows, most = watch(engine, len(days), left_s, job)
                rows, polled_most = rows + phase_rows, max(polled_most, most)
                if any(r.status != "SUCCESS" for r in phase_rows):
                    break
        finally:
            _stop(daemon)
            log.close()
            engine.dispose()
        wall_s = time.monotonic() - started
        if any(r.status != "SUCCESS" for r in rows):
            print((Path(home) / "daemon.log").read_text()[-4000:])
    text = render(command, machine, rows, polled_most, limit, wall_s)
    print(text)
    label = args.label or f"backfill-{args.days}-partitions"
    write_section(args.output, label,
                  f"Backfill: {args.days} partitions through the queued run coordinator"
                  + (f" ({args.label})" if args.label else ""), text)
    return 0 if all(r.status == "SUCCESS" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
