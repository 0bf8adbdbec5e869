"""The `data_quality_results` table: one row per expectation per check run, kept as history.

Rows are appended, never replaced: a re-run adds a newer result, so a data engineer can follow a
check over time (`checked_at`). `details` is JSON (observed values, masked example rows, run id).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Column

from storage.tables import warehouse_table
from storage.warehouse import Warehouse

TABLE_NAME = "data_quality_results"

DATA_QUALITY_RESULTS = warehouse_table(
    TABLE_NAME, Column("check_name", sa.String(128)), Column("asset", sa.String(128)),
    Column("severity", sa.String(16)), Column("passed", sa.Boolean),
    Column("expectation", sa.Text), Column("unexpected_count", sa.Integer),
    Column("element_count", sa.Integer), Column("details", sa.Text),
    Column("checked_at", sa.DateTime))
sa.Index("ix_data_quality_results_check", "check_name", "checked_at",
         _table=DATA_QUALITY_RESULTS)


@dataclass(frozen=True)
class QualityRow:
    """One stored result (the table's columns)."""

    partition_date: str
    check_name: str
    asset: str
    severity: str
    passed: bool
    expectation: str
    unexpected_count: int
    element_count: int
    details: str
    checked_at: datetime


def write_results(warehouse: Warehouse, rows: Sequence[QualityRow]) -> int:
    """Append result rows in one transaction; returns the number written."""
    if not rows:
        return 0
    warehouse.ensure_tables([TABLE_NAME])
    with warehouse.engine.begin() as conn:
        conn.execute(DATA_QUALITY_RESULTS.insert(), [asdict(r) for r in rows])
    return len(rows)


def read_results(warehouse: Warehouse, check_name: str | None = None,
                 partition_date: str | None = None) -> pd.DataFrame:
    """Stored results, newest first, optionally for one check and/or one partition."""
    warehouse.ensure_tables([TABLE_NAME])
    query = sa.select(DATA_QUALITY_RESULTS)
    if check_name is not None:
        query = query.where(DATA_QUALITY_RESULTS.c.check_name == check_name)
    if partition_date is not None:
        query = query.where(DATA_QUALITY_RESULTS.c.partition_date == partition_date)
    query = query.order_by(DATA_QUALITY_RESULTS.c.checked_at.desc())
    with warehouse.engine.connect() as conn:
        return pd.read_sql(query, conn, parse_dates=["checked_at"])
