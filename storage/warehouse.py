"""The warehouse: partition-at-a-time reads and writes of the SQLAlchemy Core tables.

Schema ownership: every warehouse table is a `sqlalchemy.Table` on the shared `METADATA` of
`storage/tables.py`, which defines the ingest/feedback tables; other parts define theirs in their
own module on the same `METADATA` (for example in `scoring/tables.py`:
`warehouse_table("worker_daily_scores", Column(...), ...)` or, from a `{column: pandas dtype}`
dict, `table_from_dtypes(name, dtypes)`), and import that module before writing.
`ensure_tables()` creates every table registered on `METADATA` and adds the columns and indexes
that a newer definition has and the database lacks (`storage/schema.py`), so a part can add them
without a migration tool.
Writing a DataFrame column the table does not define is an error (nothing is silently dropped).

Portability (SQLite, PostgreSQL, MariaDB/MySQL): bounded `String(n)` for keys and short codes,
`Text` for free text, `utf8mb4` on MySQL/MariaDB (emoji), naive local timestamps (Asia/Shanghai);
engines and value conversions per dialect live in `storage/engine.py`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import MetaData, Table

from storage.copy_text import copy_text
from storage.engine import (column_to_python, copy_into, driver_values_are_final, make_engine,
                            typed_frame, uses_copy)
from storage.schema import ensure_schema
from storage.tables import METADATA

DEFAULT_CHUNK_ROWS = 5_000


class Warehouse:
    """Partition-at-a-time access to the warehouse tables registered on `METADATA`."""

    def __init__(self, url: str, metadata: MetaData = METADATA,
                 chunk_rows: int = DEFAULT_CHUNK_ROWS) -> None:
        self.url = url
        self.metadata = metadata
        self.chunk_rows = chunk_rows
        self._engine: sa.Engine | None = None
        self._ensured: set[str] = set()

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def dispose(self) -> None:
        """Close pooled connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def table(self, name: str) -> Table:
        """The registered table `name`; its definition module must have been imported."""
        try:
            return self.metadata.tables[name]
        except KeyError:
            raise KeyError(f"warehouse table {name!r} is not defined on storage.tables.METADATA; "
                           "import the module that defines it") from None

    def ensure_tables(self, names: Iterable[str] | None = None) -> None:
        """Create missing tables; add missing (nullable) columns and indexes (storage.schema)."""
        wanted = [self.table(n) for n in names] if names is not None else \
            list(self.metadata.sorted_tables)
        wanted = [t for t in wanted if t.name not in self._ensured]
        if not wanted:
            return
        ensure_schema(self.engine, self.metadata, wanted)
        self._ensured.update(t.name for t in wanted)

    def _check_columns(self, table: Table, frame: pd.DataFrame, extra: Mapping[str, Any]) -> None:
        unknown = [c for c in frame.columns if c not in table.c and c not in extra]
        if unknown:
            raise ValueError(f"columns {unknown} are not defined on warehouse table {table.name!r}")

    def _records(self, table: Table, frame: pd.DataFrame, extra: Mapping[str, Any]) -> list[dict]:
        names = [c for c in frame.columns if c not in extra]
        values = [column_to_python(frame[n], table.c[n].type) for n in names]
        constants = dict(extra)
        return [dict(zip(names, row), **constants) for row in zip(*values)] if names else \
            [dict(constants) for _ in range(len(frame))]

    def _insert(self, conn: sa.Connection, table: Table,
                data: pd.DataFrame | Iterable[pd.DataFrame], extra: Mapping[str, Any]) -> int:
        frames = [data] if isinstance(data, pd.DataFrame) else data
        written = 0
        for frame in frames:
            self._check_columns(table, frame, extra)
            for start in range(0, len(frame), self.chunk_rows):
                chunk = frame.iloc[start:start + self.chunk_rows]
                if not len(chunk):
                    continue
                if uses_copy(conn):
                    copy_into(conn, table, *copy_text(chunk, table, extra, column_to_python))
                else:
                    conn.execute(table.insert(), self._records(table, chunk, extra))
                written += len(chunk)
        return written

    def replace_partition(self, table: str, partition_date: str,
                          data: pd.DataFrame | Iterable[pd.DataFrame],
                          scope: Mapping[str, Any] | None = None) -> int:
        """Delete the partition's rows (narrowed by `scope` column values) and insert `data`.

        One transaction: a failure leaves the previous partition in place. `data` may be one
        DataFrame or an iterable of chunks (streamed, constant memory). Returns rows written.
        """
        target = self.table(table)
        self.ensure_tables([table])
        scope = dict(scope or {})
        condition = sa.and_(target.c.partition_date == partition_date,
                            *(target.c[k] == v for k, v in scope.items()))
        with self.engine.begin() as conn:
            conn.execute(target.delete().where(condition))
            return self._insert(conn, target, data, {"partition_date": partition_date, **scope})

    def replace_partitions(self, partition_date: str,
                           tables: Mapping[str, pd.DataFrame | Iterable[pd.DataFrame]],
                           scopes: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, int]:
        """`replace_partition` for several tables in ONE transaction (all or nothing)."""
        scopes = scopes or {}
        self.ensure_tables(list(tables))
        written: dict[str, int] = {}
        with self.engine.begin() as conn:
            for name, data in tables.items():
                target, scope = self.table(name), dict(scopes.get(name, {}))
                conn.execute(target.delete().where(
                    target.c.partition_date == partition_date,
                    *(target.c[k] == v for k, v in scope.items())))
                written[name] = self._insert(conn, target, data,
                                             {"partition_date": partition_date, **scope})
        return written

    def replace_partitions_streamed(
            self, partition_date: str, names: Sequence[str],
            chunks: Iterable[Mapping[str, pd.DataFrame]],
            scopes: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, int]:
        """`replace_partitions` for tables whose rows come together, a piece of each per chunk
        (memory: one chunk). One transaction: all or nothing."""
        scopes = scopes or {}
        self.ensure_tables(list(names))
        written = dict.fromkeys(names, 0)
        with self.engine.begin() as conn:
            for name in names:
                target, scope = self.table(name), dict(scopes.get(name, {}))
                conn.execute(target.delete().where(
                    target.c.partition_date == partition_date,
                    *(target.c[k] == v for k, v in scope.items())))
            for chunk in chunks:
                for name, data in chunk.items():
                    extra = {"partition_date": partition_date, **scopes.get(name, {})}
                    written[name] += self._insert(conn, self.table(name), data, extra)
        return written

    def replace_table(self, table: str, data: pd.DataFrame, partition_date: str | None = None) -> int:
        """Replace every row of an unpartitioned snapshot table in one transaction."""
        target = self.table(table)
        self.ensure_tables([table])
        extra = {"partition_date": partition_date} if "partition_date" in target.c else {}
        with self.engine.begin() as conn:
            conn.execute(target.delete())
            return self._insert(conn, target, data, extra)

    def _select(self, table: str, columns: Sequence[str] | None) -> tuple[Table, sa.Select]:
        target = self.table(table)
        self.ensure_tables([table])
        names = list(columns) if columns is not None else [c.name for c in target.columns]
        return target, sa.select(*(target.c[n] for n in names))

    def _read(self, target: Table, query: sa.Select) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            names = list(result.keys())
            if driver_values_are_final(conn, target, names):
                rows = result.cursor.fetchall()  # the driver's tuples, no Row per record
                result.close()
            else:
                rows = result.all()
            return typed_frame(rows, target, names)

    def read_partition(self, table: str, partition_date: str,
                       columns: Sequence[str] | None = None,
                       where: sa.ColumnElement[bool] | None = None) -> pd.DataFrame:
        """All rows of one partition (those matching `where` too, when given)."""
        target, query = self._select(table, columns)
        query = query.where(target.c.partition_date == partition_date)
        return self._read(target, query if where is None else query.where(where))

    def read_range(self, table: str, start: str, end: str,
                   columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Rows with `start <= partition_date <= end` (both inclusive, 'YYYY-MM-DD')."""
        target, query = self._select(table, columns)
        return self._read(target, query.where(target.c.partition_date.between(start, end)))

    def read_table(self, table: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every row of a (small) table, such as the worker roster."""
        target, query = self._select(table, columns)
        return self._read(target, query)

    def iter_partition_chunks(self, table: str, partition_date: str,
                              columns: Sequence[str] | None = None,
                              chunk_rows: int | None = None) -> Iterator[pd.DataFrame]:
        """Stream one partition in DataFrames of at most `chunk_rows` rows."""
        size = chunk_rows or self.chunk_rows
        target, query = self._select(table, columns)
        query = query.where(target.c.partition_date == partition_date)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=size).execute(query)
            names = list(result.keys())
            for rows in result.partitions(size):
                yield typed_frame(rows, target, names)

    def count_partition(self, table: str, partition_date: str, column_sum: str | None = None) -> int:
        """Row count of a partition, or the sum of `column_sum` over it."""
        target = self.table(table)
        self.ensure_tables([table])
        measure = sa.func.coalesce(sa.func.sum(target.c[column_sum]), 0) if column_sum \
            else sa.func.count()
        query = sa.select(measure).select_from(target).where(
            target.c.partition_date == partition_date)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def partition_dates(self, table: str) -> list[str]:
        """Distinct partition dates present in a table, ascending."""
        target = self.table(table)
        self.ensure_tables([table])
        query = sa.select(target.c.partition_date).distinct().order_by(target.c.partition_date)
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(query)]

