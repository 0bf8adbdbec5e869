"""Per-stage measurement for the benchmarks: wall time, CPU time, rows and peak memory (RSS).

Peak RSS comes from /proc (no psutil): the kernel's high-water mark `VmHWM` is reset at the start
of each stage by writing "5" to /proc/self/clear_refs (Linux >= 4.0), so each stage reports its
own peak rather than the peak of everything before it.
"""

import os
import re
import resource
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_kib(name: str) -> int | None:
    try:
        match = re.search(rf"^{name}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(match.group(1)) if match else None


def _child_stats() -> list[list[str]]:
    """/proc/<pid>/stat fields (after the command name) of this process's live children, such
    as classification workers: their CPU and memory are part of what a run costs."""
    stats = []
    for listing in Path("/proc/self/task").glob("*/children"):
        try:
            pids = listing.read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                stats.append(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split())
            except OSError:
                continue
    return stats


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE_MIB = (os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096) / 2**20


def current_rss_mib() -> float:
    """Resident memory of this process and its live children now, in MiB."""
    kib = _status_kib("VmRSS")
    children = sum(int(fields[21]) for fields in _child_stats()) * _PAGE_MIB
    return kib / 1024 + children if kib is not None else float("nan")


def peak_rss_mib() -> float:
    """Peak resident memory since the last reset (or process start), in MiB."""
    kib = _status_kib("VmHWM")
    if kib is None:  # not Linux: fall back to the lifetime peak
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return kib / 1024


def reset_peak_rss() -> bool:
    """Reset the peak-RSS high-water mark to the current RSS; False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _cpu_seconds() -> float:
    """CPU time of this process, its finished children and its live ones."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = sum(int(fields[11]) + int(fields[12]) for fields in _child_stats()) / _TICK
    return own.ru_utime + own.ru_stime + done.ru_utime + done.ru_stime + live


@dataclass
class StageSample:
    """One measured stage of one partition."""

    stage: str
    partition: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    rows: int | None = None
    peak_rss_mib: float = 0.0
    start_rss_mib: float = 0.0


@contextmanager
def measured(stage: str, partition: str) -> Iterator[StageSample]:
    """Measure the enclosed block; the caller may set `rows` on the yielded sample."""
    sample = StageSample(stage, partition)
    reset_peak_rss()
    sample.start_rss_mib = current_rss_mib()
    wall0, cpu0 = time.perf_counter(), _cpu_seconds()
    try:
        yield sample
    finally:
        sample.wall_s = time.perf_counter() - wall0
        sample.cpu_s = _cpu_seconds() - cpu0
        sample.peak_rss_mib = peak_rss_mib()


@dataclass
class StageTotal:
    """A stage summed over partitions."""

    stage: str
    partitions: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    rows: int = 0
    peak_rss_mib: float = 0.0
    peak_by_partition: list[tuple[str, float]] = field(default_factory=list)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.wall_s if self.wall_s > 0 else float("nan")


def totals(samples: Sequence[StageSample]) -> list[StageTotal]:
    """Sum samples per stage, in first-seen stage order."""
    by_stage: dict[str, StageTotal] = {}
    for s in samples:
        total = by_stage.setdefault(s.stage, StageTotal(s.stage))
        total.partitions += 1
        total.wall_s += s.wall_s
        total.cpu_s += s.cpu_s
        total.rows += s.rows or 0
        total.peak_rss_mib = max(total.peak_rss_mib, s.peak_rss_mib)
        total.peak_by_partition.append((s.partition, s.peak_rss_mib))
    return list(by_stage.values())


def cpu_model() -> str:
    """The CPU's name with its family and model numbers: VMs that all say "AMD EPYC" differ
    by generation (family 23 Zen 2, 25 Zen 3/4, 26 Zen 5) and so by 2x in these timings."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
            if not line.strip():
                break  # the first processor is enough
    except OSError:
        return "unknown CPU"
    name = fields.get("model name", "unknown CPU")
    if "cpu family" in fields and "model" in fields:
        name += f", family {fields['cpu family']} model {fields['model']}"
    return name


def machine_line() -> str:
    """CPU count, model and load average: benchmark context (other processes share the cores)."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu_model()}), load average {load}"
