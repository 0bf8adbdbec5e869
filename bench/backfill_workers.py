"""Time `feedback run --backfill START END --workers N` over a generated source (the 1M-row month).

    .venv/bin/python -m bench.backfill_workers --days 30 --workers 2 --skip-generate \
        --source-url 'mysql+pymysql://root@127.0.0.1:3306/bench_source?charset=utf8mb4' \
        --warehouse-url 'postgresql+psycopg2://postgres@127.0.0.1:5432/bench_warehouse'

The backfill runs as its own process with a fresh PostgreSQL Dagster instance
(deploy/dagster.postgres.yaml, as `bench/backfill_parallel.py` uses), so every run is recorded
as in production. Printed and written into docs/benchmarks.md: wall time, rows/s, CPU seconds of
the backfill's processes, CPU seconds of the whole machine (the database servers are on it
too), peak memory of the process tree, and each phase's run times per day.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

from bench.backfill_parallel import REPO, dagster_database, instance_environment
from bench.scale_generate import generate_source, partitions
from bench.scale_measure import machine_line
from bench.scale_report import write_section

PROGRESS = re.compile(r"\[phase (\d)/2 \d+/\d+\] (\S+): (ok|FAILED[^(]*) \(([\d.]+) s\)")
TARGET_S_PER_MILLION = 15 * 60


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rows", type=int, default=1_000_000, help="feedback rows in all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31))
    parser.add_argument("--source-url", required=True)
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--backend", choices=("model", "rules"), default=None)
    parser.add_argument("--classifier-processes", type=int, default=1)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--label", default=None)
    parser.add_argument("--output", type=Path, default=Path("docs/benchmarks.md"))
    return parser.parse_args(argv)


def _busy_jiffies() -> int:
    """CPU time of the whole machine so far (all processes, database servers included)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # minus idle and iowait


SERVERS = ("postgres", "mariadbd", "mysqld")


def _server_cpu_s() -> float:
    """CPU seconds so far of the database servers on this machine: every server process, plus
    the finished children (PostgreSQL backends) that each server's parent has reaped."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text.rsplit(")", 1)[1].split()
        if name in SERVERS:
            parent = Path(f"/proc/{fields[1]}/comm")
            reaps = not parent.exists() or parent.read_text().strip() not in SERVERS
            total += int(fields[11]) + int(fields[12]) + \
                (int(fields[13]) + int(fields[14]) if reaps else 0)
    return total / os.sysconf("SC_CLK_TCK")


def _tree_rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(p) for p in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total * resource.getpagesize() / 2**20


def run_backfill(env: dict[str, str], days: list[str], workers: int) -> tuple[list[str], float]:
    """Run the CLI, echoing its output; (its lines, peak tree RSS in MiB)."""
    command = [str(Path(sys.executable).with_name("feedback")), "run", "--backfill", days[0],
               days[-1], "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mib(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout:  # type: ignore[union-attr]
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    process.wait()
    sampler.join()
    if process.returncode != 0:
        print(f"feedback run exited with {process.returncode}", file=sys.stderr)
    return lines, peak[0]


def render(command: str, machine: str, lines: list[str], wall_s: float, cpu_s: float,
           server_cpu_s: float, machine_cpu_s: float, peak_mib: float, rows: int) -> str:
    runs = [m.groups() for m in map(PROGRESS.search, lines) if m]
    ok = sum(state == "ok" for _, _, state, _ in runs)
    target = TARGET_S_PER_MILLION * rows / 1_000_000
    verdict = "met" if wall_s <= target else "missed"
    out = [f"Command: `{command}`", "",
           f"- run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine}",
           f"- {len(runs)} runs ({ok} ok) in two phases; {rows:,} feedback rows in "
           f"**{wall_s:.0f} s** ({rows / wall_s:,.0f} rows/s); target pro rata "
           f"(1M rows in 15 min) {target:.0f} s: **{verdict}**",
           f"- CPU seconds: the backfill's processes {cpu_s:.0f}, the database servers "
           f"{server_cpu_s:.0f}, the whole machine {machine_cpu_s:.0f} (anything else running "
           f"included) of {(os.cpu_count() or 1) * wall_s:.0f} core-seconds",
           f"- peak memory of the backfill's process tree {peak_mib:,.0f} MiB (limit 3,072)", "",
           "| day | phase 1 s | phase 2 s |", "|---|---:|---:|"]
    by_day: dict[str, dict[str, str]] = {}
    for phase, day, state, seconds in runs:
        by_day.setdefault(day, {})[phase] = seconds if state == "ok" else f"{seconds} FAILED"
    out += [f"| {day} | {t.get('1', '')} | {t.get('2', '')} |" for day, t in sorted(by_day.items())]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "python -m bench.backfill_workers " + shlex.join(sys.argv[1:] if argv is None else argv)
    days = list(partitions(args.end_date, args.days))
    if not args.skip_generate:
        generate_source(args.source_url, args.rows, args.days, args.end_date)
    machine = machine_line()
    with tempfile.TemporaryDirectory(prefix="dagster-home-") as home, \
            dagster_database(args.pg_admin_url) as url:
        env = instance_environment(Path(home), url, args)
        busy, servers, started = _busy_jiffies(), _server_cpu_s(), time.monotonic()
        lines, peak_mib = run_backfill(env, days, args.workers)
        wall_s = time.monotonic() - started
        machine_cpu_s = (_busy_jiffies() - busy) / os.sysconf("SC_CLK_TCK")
        server_cpu_s = _server_cpu_s() - servers
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = render(command, machine, lines, wall_s, usage.ru_utime + usage.ru_stime,
                  server_cpu_s, machine_cpu_s, peak_mib, args.rows)
    print(text)
    label = args.label or f"backfill-workers-{args.days}-days"
    write_section(args.output, label, f"Backfill with workers: {label}", text)
    return 0 if "FAILED" not in text else 1


if __name__ == "__main__":
    raise SystemExit(main())
