"""Create warehouse tables, and bring existing ones up to their current definition.

`ensure_schema` creates missing tables, adds the (nullable) columns and the indexes a newer
definition has and the database lacks, so a part can add a column or an index without a
migration tool. Two processes may do this at once on a fresh warehouse (two backfill runs
starting together): a statement that loses the race fails with "already exists", and the
whole pass is retried, when the inspector sees what the other process created.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import MetaData, Table

ATTEMPTS = 4
RETRY_PAUSE_S = 0.2


def ensure_schema(engine: sa.Engine, metadata: MetaData, tables: Sequence[Table]) -> None:
    """Create `tables` where missing and add missing columns and indexes; race-safe."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _ensure_once(engine, metadata, tables)
            return
        except sa.exc.DBAPIError:
            if attempt == ATTEMPTS:
                raise
            time.sleep(RETRY_PAUSE_S * attempt)


def _ensure_once(engine: sa.Engine, metadata: MetaData, tables: Sequence[Table]) -> None:
    metadata.create_all(engine, tables=list(tables), checkfirst=True)
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        for table in tables:
            _add_missing_columns(conn, inspector, table)
            _add_missing_indexes(conn, inspector, table)


def _add_missing_columns(conn: sa.Connection, inspector: sa.Inspector, table: Table) -> None:
    present = {column["name"] for column in inspector.get_columns(table.name)}
    for column in table.columns:
        if column.name not in present:
            ddl = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {ddl}"))


def _add_missing_indexes(conn: sa.Connection, inspector: sa.Inspector, table: Table) -> None:
    present = {index["name"] for index in inspector.get_indexes(table.name)}
    for index in table.indexes:
        if index.name not in present:
            index.create(conn)
