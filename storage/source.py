"""Read the company source database one local day at a time (tables in docs/contracts.md).

A real company database that names things differently can expose views with the contract's table
and column names; nothing else needs to change. Timestamps come back naive, Asia/Shanghai local
time: timezone-aware values are converted, unparseable ones become NaT (the feedback stage rejects
those rows with a reason instead of the run failing).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from storage.config import TIMEZONE
from storage.engine import make_engine


@dataclass(frozen=True)
class SourceTable:
    """One source table: its columns, the timestamp that places a row in a day, its typed columns."""

    name: str
    columns: tuple[str, ...]
    day_column: str | None
    datetime_columns: tuple[str, ...] = ()
    integer_columns: tuple[str, ...] = ()
    float_columns: tuple[str, ...] = ()


REVIEWS = SourceTable(
    "reviews",
    ("review_id", "order_id", "worker_id", "customer_id", "created_at", "rating", "text", "channel"),
    "created_at", ("created_at",), ("rating",))
COMPLAINTS = SourceTable(
    "complaints",
    ("complaint_id", "order_id", "worker_id", "customer_id", "channel", "created_at",
     "first_response_at", "resolved_at", "agent_text", "agent_category", "status"),
    "created_at", ("created_at", "first_response_at", "resolved_at"))
ORDERS = SourceTable(
    "orders",
    ("order_id", "customer_id", "worker_id", "service_type", "city", "scheduled_start",
     "actual_arrival", "duration_hours", "rework", "status"),
    "scheduled_start", ("scheduled_start", "actual_arrival"), ("rework",), ("duration_hours",))
WORKERS = SourceTable(
    "workers", ("worker_id", "name", "service_types", "city", "hire_date"), None, ("hire_date",))
SOURCE_TABLES = {t.name: t for t in (REVIEWS, COMPLAINTS, ORDERS, WORKERS)}


def day_bounds(day: str | date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as naive datetimes."""
    start = datetime.combine(date.fromisoformat(str(day)), datetime.min.time())
    return start, start + timedelta(days=1)


def _naive_local(series: pd.Series) -> pd.Series:
    values = pd.to_datetime(series, errors="coerce", format="mixed")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    return values


def _typed(frame: pd.DataFrame, spec: SourceTable) -> pd.DataFrame:
    for name in spec.datetime_columns:
        frame[name] = _naive_local(frame[name])
    for name in spec.integer_columns:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").round().astype("Int64")
    for name in spec.float_columns:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    text_columns = set(spec.columns) - set(spec.datetime_columns) - set(spec.integer_columns) \
        - set(spec.float_columns)
    for name in text_columns:
        frame[name] = frame[name].astype("str")
    return frame


class SourceDatabase:
    """Read access to the company source database by SQLAlchemy URL."""

    def __init__(self, url: str, chunk_rows: int = 20_000) -> None:
        self.url = url
        self.chunk_rows = chunk_rows
        self.engine = make_engine(url)

    def _query(self, spec: SourceTable, day: str | date | None) -> sa.Select:
        # Untyped result columns: a malformed timestamp must not raise inside the driver.
        selected = sa.table(spec.name, *(sa.column(c) for c in spec.columns))
        query = sa.select(*selected.c)
        if day is not None and spec.day_column is not None:
            start, end = day_bounds(day)
            query = query.where(self._on_or_after(spec.day_column, start.date()),
                                ~self._on_or_after(spec.day_column, end.date()))
        return query.order_by(selected.c[spec.columns[0]])

    def _on_or_after(self, column: str, day: date) -> sa.ColumnElement[bool]:
        """`column >= day 00:00`, portable."""
        if self.engine.dialect.name == "sqlite":
            # SQLite keeps timestamps as text ('YYYY-MM-DD HH:MM:SS[.ffffff]' or with 'T'):
            # compare with the bare date, which sorts before every time of its day.
            return sa.column(column, sa.String) >= day.isoformat()
        return sa.column(column, sa.DateTime) >= datetime.combine(day, datetime.min.time())

    def iter_day(self, table: str, day: str | date,
                 chunk_rows: int | None = None) -> Iterator[pd.DataFrame]:
        """Stream the rows of one local day of `table` in typed DataFrames."""
        spec = SOURCE_TABLES[table]
        size = chunk_rows or self.chunk_rows
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=size).execute(
                self._query(spec, day))
            for rows in result.partitions(size):
                yield _typed(pd.DataFrame.from_records(list(rows), columns=list(spec.columns)), spec)

    def read_day(self, table: str, day: str | date) -> pd.DataFrame:
        """All rows of one local day of `table` (reviews, complaints, orders)."""
        chunks = list(self.iter_day(table, day))
        if chunks:
            return pd.concat(chunks, ignore_index=True)
        return _typed(pd.DataFrame({c: pd.Series([], dtype=object)
                                    for c in SOURCE_TABLES[table].columns}), SOURCE_TABLES[table])

    def read_workers(self) -> pd.DataFrame:
        """The whole workers table (the roster)."""
        spec = WORKERS
        with self.engine.connect() as conn:
            rows = conn.execute(self._query(spec, None)).all()
        return _typed(pd.DataFrame.from_records(rows, columns=list(spec.columns)), spec)

    def latest_day(self, table: str = "reviews", before: date | None = None) -> date | None:
        """The local date of the newest row of `table` dated before `before` (future-dated
        rows are data errors, not the end of the data); used to pick the demo's partitions."""
        spec = SOURCE_TABLES[table]
        query = sa.select(sa.func.max(sa.column(spec.day_column))).select_from(sa.table(spec.name))
        if before is not None:
            query = query.where(~self._on_or_after(spec.day_column, before))
        with self.engine.connect() as conn:
            newest = conn.execute(query).scalar()
        stamp = _naive_local(pd.Series([newest])).iloc[0]
        return None if pd.isna(stamp) else stamp.date()

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
