"""Per-day aggregates of a warehouse table computed in the database (GROUP BY), not in pandas.

The drift checks need 28 days of daily counts and means; reading those days' rows to count them
in pandas costs memory and time in proportion to the history (about 1M rows at 33k rows a day).
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from storage.warehouse import Warehouse


def _rows(warehouse: Warehouse, query: sa.Select) -> list[tuple]:
    with warehouse.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def _in_range(table: sa.Table, start: str, end: str) -> sa.ColumnElement[bool]:
    return table.c.partition_date.between(start, end)


def daily_counts(warehouse: Warehouse, table: str, start: str, end: str) -> pd.Series:
    """Rows per partition_date with start <= partition_date <= end (days without rows absent)."""
    target = warehouse.table(table)
    warehouse.ensure_tables([table])
    query = (sa.select(target.c.partition_date, sa.func.count())
             .where(_in_range(target, start, end)).group_by(target.c.partition_date))
    rows = _rows(warehouse, query)
    return pd.Series({day: int(n) for day, n in rows}, dtype="int64", name="count")


def daily_means(warehouse: Warehouse, table: str, column: str, start: str, end: str) -> pd.Series:
    """Mean of the non-null values of `column` per partition_date (NaN for a day of nulls)."""
    target = warehouse.table(table)
    warehouse.ensure_tables([table])
    value = sa.cast(target.c[column], sa.Float)
    query = (sa.select(target.c.partition_date, sa.func.avg(value))
             .where(_in_range(target, start, end)).group_by(target.c.partition_date))
    rows = _rows(warehouse, query)
    return pd.Series({day: (float("nan") if mean is None else float(mean)) for day, mean in rows},
                     dtype="float64", name=column)


def value_counts(warehouse: Warehouse, table: str, column: str, start: str, end: str) -> pd.Series:
    """How often each non-null value of `column` occurs in the range."""
    target = warehouse.table(table)
    warehouse.ensure_tables([table])
    query = (sa.select(target.c[column], sa.func.count())
             .where(_in_range(target, start, end), target.c[column].is_not(None))
             .group_by(target.c[column]))
    rows = _rows(warehouse, query)
    return pd.Series({value: int(n) for value, n in rows}, dtype="int64", name="count")
