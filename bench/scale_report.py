"""Markdown tables of a scale run and their section in docs/benchmarks.md (for bench/scale.py)."""

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from bench.scale_measure import StageSample, StageTotal

TARGET_DAY_S = 120.0  # a 100,000-row day end to end
TARGET_MILLION_S = 900.0  # 1,000,000 rows end to end
TARGET_PEAK_MIB = 3 * 1024.0
HEADER = "# Benchmarks\n\nTables written by the scripts in `bench/`; each section names its command.\n"


def _dialect(url: str) -> str:
    parsed = sa.make_url(url)
    return f"{parsed.get_backend_name()} ({parsed.render_as_string(hide_password=True)})"


def _stage_table(stages: Sequence[StageTotal], total_wall: float) -> list[str]:
    lines = ["| stage (step) | wall s | share | rows | rows/s | CPU s | CPU/wall | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sorted(stages, key=lambda s: -s.wall_s):
        rows_per_s = f"{s.rows_per_s:,.0f}" if s.rows else ""
        lines.append(
            f"| {s.stage} | {s.wall_s:.1f} | {s.wall_s / total_wall:.0%} | "
            f"{s.rows:,} | {rows_per_s} | {s.cpu_s:.1f} | {s.cpu_s / max(s.wall_s, 1e-9):.2f} | "
            f"{s.peak_rss_mib:,.0f} |")
    return lines


def _run_table(runs: Sequence[StageSample]) -> list[str]:
    lines = ["| partition | feedback rows | wall s | rows/s | CPU s | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in runs:
        rows = r.rows or 0
        lines.append(f"| {r.partition} | {rows:,} | {r.wall_s:.1f} | "
                     f"{rows / max(r.wall_s, 1e-9):,.0f} | {r.cpu_s:.1f} | {r.peak_rss_mib:,.0f} |")
    return lines


def _verdicts(runs: Sequence[StageSample]) -> list[str]:
    rows = sum(r.rows or 0 for r in runs)
    wall = sum(r.wall_s for r in runs)
    peak = max(r.peak_rss_mib for r in runs)
    cpu = sum(r.cpu_s for r in runs)
    day = max(runs, key=lambda r: r.rows or 0)
    day_budget = TARGET_DAY_S * (day.rows or 0) / 100_000
    all_budget = TARGET_MILLION_S * rows / 1_000_000
    ok = lambda good: "met" if good else "**missed**"
    return [
        f"- largest partition: {day.rows or 0:,} rows in {day.wall_s:.1f} s; target pro rata "
        f"(100k rows in 120 s) {day_budget:.0f} s: {ok(day.wall_s <= day_budget)}",
        f"- all partitions: {rows:,} rows in {wall:.0f} s ({rows / max(wall, 1e-9):,.0f} rows/s); "
        f"target pro rata (1M rows in 15 min) {all_budget:.0f} s: {ok(wall <= all_budget)}",
        f"- peak RSS {peak:,.0f} MiB (limit {TARGET_PEAK_MIB:,.0f}; the pipeline process plus "
        f"its classification workers): {ok(peak <= TARGET_PEAK_MIB)}",
        f"- CPU time of the pipeline process and its workers {cpu:.0f} s in {wall:.0f} s wall "
        f"(CPU/wall {cpu / max(wall, 1e-9):.2f}; database servers' CPU not included): a "
        f"CPU/wall below the number of busy processes means the cores were shared with other "
        f"work (see load average)",
    ]


def render(command: str, started: datetime, machine: str, machine_after: str, source_url: str,
           warehouse_url: str, generated_s: float | None, runs: Sequence[StageSample],
           stages: Sequence[StageTotal], note: str = "") -> str:
    """The markdown of one run."""
    total_wall = sum(r.wall_s for r in runs) or 1e-9
    lines = [f"Command: `{command}`", "",
             f"- run {started:%Y-%m-%d %H:%M} UTC on {machine}; after: {machine_after}",
             f"- source: {_dialect(source_url)}; warehouse: {_dialect(warehouse_url)}",
             f"- generation (not timed below): "
             f"{'reused existing rows' if generated_s is None else f'{generated_s:.0f} s'}",
             "", *_verdicts(runs), "", "Per stage (summed over partitions; steps of one run):",
             "", *_stage_table(stages, total_wall), "", "Per partition (one run each):", "",
             *_run_table(runs)]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def write_section(path: Path, label: str, title: str, text: str) -> None:
    """Replace (or append) the `label` section of the benchmarks page."""
    begin, end = f"<!-- bench:{label} -->", f"<!-- /bench:{label} -->"
    block = f"{begin}\n## {title}\n\n{text}{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    updated = pattern.sub(lambda _: block, current) if pattern.search(current) \
        else current.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
