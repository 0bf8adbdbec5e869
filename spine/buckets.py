"""A day of feedback in pieces, so that memory is one piece and not the whole day.

Source rows meet in two ways only: by de-duplication key, which always contains the worker, and
by repeated id (`duplicate_id` / `duplicate_row`), which can cross workers. So:

- the day is read in ranges of `TRIM(worker_id)`, cut in the database's own order (the bounds come
  from a `GROUP BY ... ORDER BY` of that same expression), so every row with a worker falls in
  exactly one range whatever the collation; rows without a worker are one more piece;
- rows whose id occurs more than once that day, and every row of a worker who has such a row,
  are held back from their range and processed together last (usually a handful of rows).

Ids or workers that differ only by whitespace other than spaces (which `TRIM` keeps and Python's
`strip` removes) are not brought together; every row still lands in exactly one piece.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from spine.merge import build_feedback
from storage.warehouse import Warehouse

SOURCES = {"raw_reviews": "review_id", "raw_complaints": "complaint_id", "raw_inbox_feedback": "id"}
DEFAULT_BUCKET_ROWS = 20_000


@dataclass(frozen=True)
class Bucket:
    """Rows whose trimmed worker id is in [low, high) (None: open end), or with no worker."""

    low: str | None = None
    high: str | None = None
    no_worker: bool = False

    def condition(self, table: sa.Table) -> sa.ColumnElement[bool]:
        if self.no_worker:
            return table.c.worker_id.is_(None)
        worker = sa.func.trim(table.c.worker_id)
        bounds = [table.c.worker_id.is_not(None)]
        if self.low is not None:
            bounds.append(worker >= self.low)
        if self.high is not None:
            bounds.append(worker < self.high)
        return sa.and_(*bounds)


@dataclass(frozen=True)
class Piece:
    """What one piece of the day became: records, rejections and how many source rows it held."""

    records: pd.DataFrame
    rejected: pd.DataFrame
    source_rows: int


def _rows(warehouse: Warehouse, query: sa.Select) -> list[tuple]:
    with warehouse.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def plan_buckets(warehouse: Warehouse, day: str, max_rows: int = DEFAULT_BUCKET_ROWS) -> list[Bucket]:
    """Worker ranges of about `max_rows` source rows each, plus the piece without worker."""
    warehouse.ensure_tables(list(SOURCES))
    per_table = []
    for name in SOURCES:
        table = warehouse.table(name)
        worker = sa.func.trim(table.c.worker_id)
        per_table.append(sa.select(worker.label("w"), sa.func.count().label("n"))
                         .where(table.c.partition_date == day, table.c.worker_id.is_not(None))
                         .group_by(worker))
    union = sa.union_all(*per_table).subquery()
    query = sa.select(union.c.w, sa.func.sum(union.c.n)).group_by(union.c.w).order_by(union.c.w)
    starts: list[str] = []
    filled = max_rows
    for worker, count in _rows(warehouse, query):
        if filled >= max_rows:
            starts.append(worker)
            filled = 0
        filled += int(count)
    ranges = [Bucket(None if i == 0 else low, starts[i + 1] if i + 1 < len(starts) else None)
              for i, low in enumerate(starts)] or [Bucket()]
    return [*ranges, Bucket(no_worker=True)]


def repeated_ids(warehouse: Warehouse, day: str) -> tuple[set[tuple[str, str]], set[str]]:
    """(source table, id) of ids that occur more than once in the day, and their workers."""
    ids: set[tuple[str, str]] = set()
    workers: set[str] = set()
    for name, id_column in SOURCES.items():
        table = warehouse.table(name)
        key = sa.func.trim(table.c[id_column])
        repeated = (sa.select(key).where(table.c.partition_date == day,
                                         table.c[id_column].is_not(None))
                    .group_by(key).having(sa.func.count() > 1))
        query = sa.select(table.c[id_column], table.c.worker_id).where(
            table.c.partition_date == day, key.in_(repeated))
        for source_id, worker_id in _rows(warehouse, query):
            ids.add((name, str(source_id).strip()))
            if worker_id is not None:
                workers.add(str(worker_id).strip())
    return ids, workers


def _held_back(name: str, frame: pd.DataFrame, ids: set[tuple[str, str]],
               workers: set[str]) -> pd.Series:
    own_ids = {i for table, i in ids if table == name}
    by_id = frame[SOURCES[name]].astype("str").str.strip().isin(own_ids)
    return by_id | frame["worker_id"].astype("str").str.strip().isin(workers)


def build_day(warehouse: Warehouse, day: str, known_workers: set[str], now: datetime,
              max_rows: int = DEFAULT_BUCKET_ROWS) -> Iterator[Piece]:
    """The day's feedback records and rejections, one piece at a time (see the module doc)."""
    ids, workers = repeated_ids(warehouse, day)
    held: dict[str, list[pd.DataFrame]] = {name: [] for name in SOURCES}
    for bucket in plan_buckets(warehouse, day, max_rows):
        parts = {}
        for name in SOURCES:
            frame = warehouse.read_partition(name, day, where=bucket.condition(
                warehouse.table(name)))
            back = _held_back(name, frame, ids, workers)
            held[name].append(frame.loc[back])
            parts[name] = frame.loc[~back]
        if any(len(p) for p in parts.values()):
            yield _piece(parts, known_workers, now, day)
    parts = {name: pd.concat(frames, ignore_index=True) for name, frames in held.items()}
    if any(len(p) for p in parts.values()):
        yield _piece(parts, known_workers, now, day)


def _piece(parts: dict[str, pd.DataFrame], known_workers: set[str], now: datetime,
           day: str) -> Piece:
    records, rejected = build_feedback(parts["raw_reviews"], parts["raw_complaints"],
                                       parts["raw_inbox_feedback"], known_workers, now, day)
    return Piece(records, rejected, sum(len(p) for p in parts.values()))
