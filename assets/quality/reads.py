"""What a table check reads: the columns its suite uses, not the whole partition.

A suite names every column a rule, an example row or a time rule looks at
(`Suite.read_columns`); only those are fetched. Free text the suite does not test (review text,
classifier evidence JSON) stays in the database, and Great Expectations, which copies the frame
for each expectation and hashes it once per batch, works on fewer columns.

A column-set rule (`*_schema`, `columns_present`) judges names, not values: the frame then also
lists every column the database actually stores for the table (from a zero-row query), left
empty, so that rule sees exactly the stored columns while their values stay unread.

`vectorisable` gives the batch the dtypes in which GX compares values with numpy.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from assets.quality.rules import Suite
from storage.warehouse import Warehouse


def stored_columns(warehouse: Warehouse, table: str) -> list[str]:
    """The table's column names as the database has them (a zero-row query)."""
    target = warehouse.table(table)
    warehouse.ensure_tables([table])
    query = sa.select(sa.text("*")).select_from(target).limit(0)
    with warehouse.engine.connect() as conn:
        return list(conn.execute(query).keys())


def read_for_suite(warehouse: Warehouse, suite: Suite, partition_date: str) -> pd.DataFrame:
    """The partition's rows with the columns `suite` reads (plus the stored names, empty, when
    a rule checks the column set)."""
    defined = warehouse.table(suite.asset).c
    wanted = [c for c in suite.read_columns if c in defined]  # GX reports the others missing
    frame = warehouse.read_partition(suite.asset, partition_date, columns=wanted)
    if not suite.needs_column_names:
        return frame
    names = stored_columns(warehouse, suite.asset)
    unread = [c for c in names if c not in frame.columns]
    empty = pd.DataFrame({c: pd.Series(float("nan"), index=frame.index) for c in unread})
    return pd.concat([frame, empty], axis=1).loc[:, [*names, *(c for c in frame.columns
                                                             if c not in names)]]


def vectorisable(frame: pd.DataFrame) -> pd.DataFrame:
    """The same values in the dtypes GX compares with numpy rather than a Python call per value.

    GX's range rules take a vectorised path only for int64/float64 and datetime64[ns] columns;
    nullable Int64 and datetime64[us] (what the warehouse reads give) cost ~1 µs a value.
    Nulls stay nulls (NaN / NaT), which GX leaves out of every value rule as before.
    """
    converted = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.Int64Dtype):
            converted[name] = column.astype("float64" if column.hasnans else "int64")
        elif pd.api.types.is_datetime64_dtype(column.dtype) and column.dtype != "datetime64[ns]":
            converted[name] = column.astype("datetime64[ns]")
    return frame.assign(**converted) if converted else frame
