"""Write N feedback rows over D days into a source database, day by day (for bench/scale.py).

`demo.generate` builds a whole company in memory and draws unique worker names, which caps it at
a few thousand workers. A company with 100k feedback rows a day has ~125k workers, so the bench
composes it from *branches*: each branch is a demo company of 2,000 workers with its own seed,
its ids shifted into their own range, its orders, reviews and complaints drawn by the demo's own
functions one day at a time. Each local day gets exactly N/D feedback rows (a random subset of
what the branches produced) when enough were drawn.

A branch-day depends only on (seed, branch, day), so `processes` generator processes draw them
side by side (one per core by default) and format each row as a line of COPY text; this process
numbers the rows, keeps the day's subset and bulk-loads it (`bench.bulk_load`) while the next day
is drawn. The output does not depend on the number of processes. Memory: about two days of rows.
"""
from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import random
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from bench.bulk_load import bulk_engine, line, load_lines
from demo import schema
from demo.company import Customer, Worker, make_customers, make_workers
from demo.feedback import make_complaints, make_reviews
from demo.generate import _customer_row, _latent_row, _order_row, _worker_row
from demo.orders import make_orders

BRANCH_WORKERS = 2_000
BRANCH_CUSTOMERS = 4_000
SPARE = 1.06  # draw 6% more than needed, then subsample each day to the exact count
LOAD_CHUNK = 50_000  # lines per COPY / LOAD DATA statement
ORDER_COLUMNS = [c.name for c in schema.orders.columns]
REVIEW_COLUMNS = [c.name for c in schema.reviews.columns]
COMPLAINT_COLUMNS = [c.name for c in schema.complaints.columns]
WORKER_COLUMNS = [c.name for c in schema.workers.columns]
LATENT_COLUMNS = [c.name for c in schema.worker_latent_quality.columns]
CUSTOMER_COLUMNS = [c.name for c in schema.customers.columns]
# (created_at, kind, the order's index in its branch-day, the row's COPY text after its two ids)
Drawn = tuple[datetime, str, int, str]


@dataclasses.dataclass
class Branch:
    """One demo company of BRANCH_WORKERS workers with ids in its own range."""

    index: int
    seed: int
    workers: list[Worker]
    customers: list[Customer]

    @classmethod
    def make(cls, index: int, seed: int, end_date: date) -> "Branch":
        branch_seed = seed * 1_000 + index
        workers = [dataclasses.replace(w, worker_id=f"W{index * 10_000 + i:04d}")
                   for i, w in enumerate(make_workers(branch_seed, BRANCH_WORKERS, end_date), 1)]
        customers = [dataclasses.replace(c, customer_id=f"C{index * 1_000_000 + i:06d}")
                     for i, c in enumerate(make_customers(branch_seed, BRANCH_CUSTOMERS), 1)]
        return cls(index, branch_seed, workers, customers)


_BRANCHES: dict[tuple[int, int, date], Branch] = {}  # per generator process


def _branch(index: int, seed: int, end_date: date) -> Branch:
    key = (index, seed, end_date)
    if key not in _BRANCHES:
        _BRANCHES[key] = Branch.make(index, seed, end_date)
    return _BRANCHES[key]


def branch_lines(task: tuple[int, int, date]) -> tuple[list[str], list[str], list[str]]:
    """COPY lines of one branch's workers, latent qualities and customers."""
    branch = _branch(*task)
    return ([line(_worker_row(w).values()) for w in branch.workers],
            [line(_latent_row(w).values()) for w in branch.workers],
            [line(_customer_row(c).values()) for c in branch.customers])


def branch_day(task: tuple[int, int, date, date, datetime]) -> tuple[list[str], list[Drawn]]:
    """(order lines without their id, feedback drawn) of one branch on one day.

    Orders get a provisional id unique to the branch-day, because the demo seeds each order's
    review and complaint streams with its id; this process's caller gives the global ids.
    """
    index, seed, end_date, day, snapshot = task
    branch = _branch(index, seed, end_date)
    orders = make_orders(branch.seed, branch.workers, branch.customers, day, day)
    prefix = f"{index}:{day.isoformat()}:"
    orders = [dataclasses.replace(o, order_id=f"{prefix}{i}") for i, o in enumerate(orders)]
    tails = [line(list(_order_row(o).values())[1:]) for o in orders]
    drawn: list[Drawn] = []
    for kind, rows in (("review", make_reviews(branch.seed, orders, snapshot)),
                       ("complaint", make_complaints(branch.seed, orders, snapshot))):
        for row in rows:
            local = int(row["order_id"].rsplit(":", 1)[1])
            values = [v for k, v in row.items() if k != "order_id"]
            drawn.append((row["created_at"], kind, local, line(values)))
    return tails, drawn


def _rows_per_branch_day(seed: int, end_date: date) -> float:
    """Feedback rows one branch produces per order day (calibrated on one day)."""
    snapshot = datetime.combine(end_date + timedelta(days=5), time.max)
    _, drawn = branch_day((0, seed, end_date, end_date, snapshot))
    return max(1.0, float(len(drawn)))


class _Runner:
    """Runs tasks in order, here (`processes` 1) or in a spawned pool, one day ahead."""

    def __init__(self, processes: int) -> None:
        self.pool = multiprocessing.get_context("spawn").Pool(processes) if processes > 1 \
            else None

    def submit(self, func: Any, tasks: list[Any]) -> Any:
        return self.pool.map_async(func, tasks, chunksize=1) if self.pool else \
            [func(t) for t in tasks]

    @staticmethod
    def result(handle: Any) -> list[Any]:
        return handle if isinstance(handle, list) else handle.get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def _load(conn: sa.Connection, table: sa.Table, columns: Sequence[str],
          lines: Sequence[str]) -> int:
    written = 0
    for start in range(0, len(lines), LOAD_CHUNK):
        written += load_lines(conn, table, columns, lines[start:start + LOAD_CHUNK])
    return written


def _feedback_lines(chosen: list[tuple[datetime, str, str, str]], counters: dict[str, int],
                    ) -> tuple[list[str], list[str]]:
    """Reviews and complaints numbered in (created_at, order id) order."""
    chosen.sort(key=lambda r: (r[0], r[2]))
    reviews, complaints = [], []
    for _, kind, order_id, tail in chosen:
        prefix = "R" if kind == "review" else "K"
        counters[prefix] += 1
        target = reviews if kind == "review" else complaints
        target.append(f"{prefix}{counters[prefix]:08d}\t{order_id}\t{tail}")
    return reviews, complaints


def generate_source(url: str, rows: int, days: int, end_date: date, seed: int = 7,
                    log: Any = print, processes: int | None = None) -> dict[str, int]:
    """Replace the source tables at `url` with ~`rows` feedback rows over `days` local days."""
    processes = max(1, processes or os.cpu_count() or 1)
    per_day = math.ceil(rows / days)
    branches = max(1, math.ceil(per_day * SPARE / _rows_per_branch_day(seed, end_date)))
    first = end_date - timedelta(days=days - 1)
    snapshot = datetime.combine(end_date, time(23, 59, 59))
    log(f"generate: {rows:,} rows over {days} days -> {per_day:,}/day from {branches} "
        f"branches of {BRANCH_WORKERS} workers, {processes} processes")
    engine, runner = bulk_engine(url), _Runner(processes)
    counts: dict[str, int] = defaultdict(int)
    counters = {"O": 0, "R": 0, "K": 0}
    rng, pending = random.Random(seed), defaultdict(list)
    remaining = rows
    # orders two days early so the first day also gets the reviews that arrive a day later
    order_days = [first + timedelta(days=offset) for offset in range(-2, days)]

    def submit(day: date) -> Any:
        return runner.submit(branch_day, [(i, seed, end_date, day, snapshot)
                                          for i in range(branches)])
    try:
        ahead = deque([submit(order_days[0])])
        with engine.begin() as conn:
            schema.metadata.drop_all(conn)
            schema.metadata.create_all(conn)
            for workers, latent, customers in runner.result(runner.submit(
                    branch_lines, [(i, seed, end_date) for i in range(branches)])):
                counts["workers"] += _load(conn, schema.workers, WORKER_COLUMNS, workers)
                _load(conn, schema.worker_latent_quality, LATENT_COLUMNS, latent)
                counts["customers"] += _load(conn, schema.customers, CUSTOMER_COLUMNS, customers)
        for position, day in enumerate(order_days):
            if position + 1 < len(order_days):
                ahead.append(submit(order_days[position + 1]))
            order_lines: list[str] = []
            for tails, drawn in runner.result(ahead.popleft()):
                base = counters["O"]
                order_lines += [f"O{base + i + 1:08d}\t{tail}" for i, tail in enumerate(tails)]
                counters["O"] += len(tails)
                for created, kind, local, tail in drawn:
                    pending[created.date()].append((created, kind, f"O{base + local + 1:08d}", tail))
            with engine.begin() as conn:
                counts["orders"] += _load(conn, schema.orders, ORDER_COLUMNS, order_lines)
                if day < first:
                    continue
                today = pending.pop(day, [])
                target = min(remaining if day == end_date else per_day, remaining)
                chosen = rng.sample(today, min(target, len(today)))
                remaining -= len(chosen)
                reviews, complaints = _feedback_lines(chosen, counters)
                counts["reviews"] += _load(conn, schema.reviews, REVIEW_COLUMNS, reviews)
                counts["complaints"] += _load(conn, schema.complaints, COMPLAINT_COLUMNS,
                                              complaints)
                log(f"generate: {day} {len(chosen):,} feedback rows "
                    f"({len(reviews):,} reviews, {len(complaints):,} complaints)")
            for stale in [d for d in pending if d <= day]:
                del pending[stale]
    finally:
        runner.close()
        engine.dispose()
    return dict(counts)


def partitions(end_date: date, days: int) -> Iterator[str]:
    """The local days the generated rows fall on, oldest first."""
    for offset in range(days - 1, -1, -1):
        yield (end_date - timedelta(days=offset)).isoformat()
