"""Write N feedback rows over D days into a source database, day by day (for bench/scale.py).

`demo.generate` builds a whole company in memory and draws unique worker names, which caps it at
a few thousand workers. A company with 100k feedback rows a day has ~125k workers, so the bench
composes it from *branches*: each branch is a demo company of 2,000 workers with its own seed,
its ids shifted into their own range, its orders, reviews and complaints drawn by the demo's own
functions one day at a time (memory stays at about three days of rows). Each local day gets
exactly N/D feedback rows (a random subset of what the branches produced) when enough were drawn.
"""

import dataclasses
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from demo import schema
from demo.company import Customer, Worker, make_customers, make_workers
from demo.feedback import make_complaints, make_reviews
from demo.generate import _customer_row, _latent_row, _order_row, _worker_row
from demo.orders import Order, make_orders
from storage.warehouse import make_engine

BRANCH_WORKERS = 2_000
BRANCH_CUSTOMERS = 4_000
SPARE = 1.06  # draw 6% more than needed, then subsample each day to the exact count
INSERT_CHUNK = 5_000
Row = dict[str, Any]


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


class IdCounter:
    """Global ids in the contract's formats (O00000001, R00000001, K00000001)."""

    def __init__(self) -> None:
        self.next = {"O": 1, "R": 1, "K": 1}

    def take(self, prefix: str) -> str:
        value = self.next[prefix]
        self.next[prefix] += 1
        return f"{prefix}{value:08d}"


def _branch_day(branch: Branch, day: date, ids: IdCounter,
                snapshot: datetime) -> tuple[list[Order], list[Row]]:
    orders = make_orders(branch.seed, branch.workers, branch.customers, day, day)
    orders = [dataclasses.replace(o, order_id=ids.take("O")) for o in orders]
    reviews = make_reviews(branch.seed, orders, snapshot)
    complaints = make_complaints(branch.seed, orders, snapshot)
    return orders, [{"kind": "review", **r} for r in reviews] + \
        [{"kind": "complaint", **c} for c in complaints]


def _rows_per_branch_day(seed: int, end_date: date) -> float:
    """Feedback rows one branch produces per order day (calibrated on one day)."""
    branch = Branch.make(0, seed, end_date)
    snapshot = datetime.combine(end_date + timedelta(days=5), time.max)
    _, rows = _branch_day(branch, end_date, IdCounter(), snapshot)
    return max(1.0, float(len(rows)))


def _insert(conn: sa.Connection, table: sa.Table, rows: Iterable[Row]) -> int:
    batch: list[Row] = []
    written = 0
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_CHUNK:
            conn.execute(table.insert(), batch)
            written, batch = written + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
        written += len(batch)
    return written


def _feedback_rows(rows: list[Row], ids: IdCounter) -> tuple[list[Row], list[Row]]:
    rows.sort(key=lambda r: (r["created_at"], r["order_id"]))
    reviews = [{"review_id": ids.take("R"), **{k: v for k, v in r.items() if k != "kind"}}
               for r in rows if r["kind"] == "review"]
    complaints = [{"complaint_id": ids.take("K"), **{k: v for k, v in r.items() if k != "kind"}}
                  for r in rows if r["kind"] == "complaint"]
    return reviews, complaints


def generate_source(url: str, rows: int, days: int, end_date: date, seed: int = 7,
                    log: Any = print) -> dict[str, int]:
    """Replace the source tables at `url` with ~`rows` feedback rows over `days` local days."""
    per_day = math.ceil(rows / days)
    branches_needed = max(1, math.ceil(per_day * SPARE / _rows_per_branch_day(seed, end_date)))
    first = end_date - timedelta(days=days - 1)
    snapshot = datetime.combine(end_date, time(23, 59, 59))
    log(f"generate: {rows:,} rows over {days} days -> {per_day:,}/day from "
        f"{branches_needed} branches of {BRANCH_WORKERS} workers")
    branches = [Branch.make(i, seed, end_date) for i in range(branches_needed)]
    engine = make_engine(url)
    counts: dict[str, int] = defaultdict(int)
    ids, rng, pending = IdCounter(), random.Random(seed), defaultdict(list)
    remaining = rows
    try:
        with engine.begin() as conn:
            schema.metadata.drop_all(conn)
            schema.metadata.create_all(conn)
            counts["workers"] = _insert(conn, schema.workers,
                                        (_worker_row(w) for b in branches for w in b.workers))
            _insert(conn, schema.worker_latent_quality,
                    (_latent_row(w) for b in branches for w in b.workers))
            counts["customers"] = _insert(conn, schema.customers,
                                          (_customer_row(c) for b in branches for c in b.customers))
        # orders two days early so the first day also gets the reviews that arrive a day later
        for offset in range(-2, days):
            day = first + timedelta(days=offset)
            with engine.begin() as conn:
                for branch in branches:
                    orders, drawn = _branch_day(branch, day, ids, snapshot)
                    counts["orders"] += _insert(conn, schema.orders, map(_order_row, orders))
                    for row in drawn:
                        pending[row["created_at"].date()].append(row)
                if day < first:
                    continue
                today = pending.pop(day, [])
                target = min(remaining if day == end_date else per_day, remaining)
                chosen = rng.sample(today, min(target, len(today)))
                remaining -= len(chosen)
                reviews, complaints = _feedback_rows(chosen, ids)
                counts["reviews"] += _insert(conn, schema.reviews, reviews)
                counts["complaints"] += _insert(conn, schema.complaints, complaints)
                log(f"generate: {day} {len(chosen):,} feedback rows "
                    f"({len(reviews):,} reviews, {len(complaints):,} complaints)")
            for stale in [d for d in pending if d <= day]:
                del pending[stale]
    finally:
        engine.dispose()
    return dict(counts)


def partitions(end_date: date, days: int) -> Iterator[str]:
    """The local days the generated rows fall on, oldest first."""
    for offset in range(days - 1, -1, -1):
        yield (end_date - timedelta(days=offset)).isoformat()
