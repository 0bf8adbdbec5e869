"""Engines per dialect, and the conversions between DataFrame columns and DB-API values.

SQLite runs in WAL mode so a chunked read can stream while another connection writes; MySQL and
MariaDB speak utf8mb4 (emoji); server sessions run in Shanghai time; PostgreSQL loads with COPY.
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Table

from storage.config import TIMEZONE, ensure_sqlite_parent


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    """Create an engine; SQLite gets WAL and a busy timeout, MySQL/MariaDB utf8mb4.

    Server sessions are pinned to Shanghai time, so MySQL `TIMESTAMP` and PostgreSQL `timestamptz`
    source columns read as local wall-clock time and naive day bounds compare in that zone on a
    server running in UTC (naive DATETIME/TIMESTAMP columns are unaffected).
    """
    ensure_sqlite_parent(url)
    backend = sa.engine.make_url(url).get_backend_name()
    kwargs: dict[str, Any] = {"pool_pre_ping": backend != "sqlite"}
    if backend in ("mysql", "mariadb"):
        kwargs["connect_args"] = {"charset": "utf8mb4", "init_command": "SET time_zone = '+08:00'"}
    elif backend == "postgresql":
        # work_mem: the 30-day window GROUP BY (46k workers x 44 sums) spills to disk at the
        # default 4 MB and takes twice as long (scoring.store.window_totals)
        kwargs["connect_args"] = {"options": f"-c timezone={TIMEZONE} -c work_mem=64MB"}
    engine = sa.create_engine(url, **kwargs)
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def column_to_python(series: pd.Series, column_type: sa.types.TypeEngine) -> list[Any]:
    """Convert one DataFrame column to DB-API values (None for missing)."""
    if isinstance(column_type, sa.DateTime):
        values = pd.to_datetime(series, errors="coerce", format="mixed")
        return [None if pd.isna(v) else v.to_pydatetime() for v in values]
    if isinstance(column_type, sa.Date):
        values = pd.to_datetime(series, errors="coerce", format="mixed")
        return [None if pd.isna(v) else v.date() for v in values]
    if isinstance(column_type, sa.Integer):
        values = pd.to_numeric(series, errors="coerce")
        return [None if pd.isna(v) else int(v) for v in values]
    if isinstance(column_type, sa.Float):
        values = pd.to_numeric(series, errors="coerce")
        return [None if pd.isna(v) or math.isinf(v) else float(v) for v in values]
    if isinstance(column_type, sa.Boolean):  # MySQL/SQLite Boolean binds refuse 'True' strings
        return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else bool(v)
                for v in series.tolist()]
    return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            for v in series.tolist()]


def typed_frame(rows: Sequence[Sequence[Any]], table: Table, names: Sequence[str]) -> pd.DataFrame:
    """Build a DataFrame with stable dtypes from the table definition."""
    # plain tuples: pandas probes SQLAlchemy Rows for attributes, one exception per row
    records = rows if rows and type(rows[0]) is tuple else [tuple(row) for row in rows]
    frame = pd.DataFrame.from_records(records, columns=list(names))
    for name in names:
        column_type = table.c[name].type
        if isinstance(column_type, sa.DateTime):
            frame[name] = pd.to_datetime(frame[name], errors="coerce", format="mixed")
        elif isinstance(column_type, sa.Integer):
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
        elif isinstance(column_type, sa.Float):
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        elif not isinstance(column_type, sa.Date):
            frame[name] = frame[name].astype("str")
    return frame


_FINAL_TYPES = (sa.String, sa.Integer, sa.DateTime, sa.Date)  # sa.Text is a String


def driver_values_are_final(conn: sa.Connection, table: Table, names: Sequence[str]) -> bool:
    """Whether psycopg2 / pymysql already return what SQLAlchemy would for these columns (text,
    int, float, datetime, date), so its per-row result processing can be skipped (~1 s for 130k
    rows of 60 columns). Booleans (0/1 on MySQL) and other types keep SQLAlchemy's path."""
    if (conn.dialect.name, conn.dialect.driver) not in (("postgresql", "psycopg2"),
                                                        ("mysql", "pymysql"),
                                                        ("mariadb", "pymysql")):
        return False
    for name in names:
        column_type = table.c[name].type
        if isinstance(column_type, sa.Float):
            if column_type.asdecimal:
                return False
        elif not isinstance(column_type, _FINAL_TYPES) or isinstance(column_type, sa.Enum):
            return False
    return True


def uses_copy(conn: sa.Connection) -> bool:
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg2"


def copy_into(conn: sa.Connection, table: Table, names: Sequence[str], text: str) -> None:
    """Load COPY text (~6x faster than multi-row INSERTs on PostgreSQL)."""
    quote = conn.dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in names)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(f"COPY {quote.format_table(table)} ({columns}) FROM STDIN",
                           io.StringIO(text))
    finally:
        cursor.close()
