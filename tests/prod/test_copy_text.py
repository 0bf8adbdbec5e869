"""PostgreSQL COPY text built a column at a time stores what a plain INSERT of each value stores."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from storage.tables import warehouse_table
from storage.warehouse import Warehouse

pytestmark = pytest.mark.prod


def _metadata() -> sa.MetaData:
    metadata = sa.MetaData()
    warehouse_table(
        "typed", sa.Column("ident", sa.String(8)), sa.Column("text", sa.Text),
        sa.Column("code", sa.String(16)), sa.Column("at", sa.DateTime), sa.Column("day", sa.Date),
        sa.Column("score", sa.Float), sa.Column("n", sa.Integer), sa.Column("m", sa.Integer),
        sa.Column("flag", sa.Boolean), metadata=metadata)
    return metadata


def _frame() -> pd.DataFrame:
    n = 9
    at = pd.Series(pd.to_datetime(["2026-10-31 10:00:00", "2026-10-31 23:59:59.123456", None,
                                   "2026-01-01 00:00:00.5"] * 3, format="ISO8601")[:n])
    return pd.DataFrame({
        "ident": [f"k{i}" for i in range(n)],
        "text": pd.Series([None, "", "tab\there", "a\\N\nb\r", "阿姨👍", 5, 2.5, np.nan, "NULL"],
                          dtype=object),
        "code": pd.Series(["W1", None, "W3", "W4", "W5", "W6", "W7", "W8", "W9"], dtype="str"),
        "at": at, "day": pd.to_datetime(["2026-03-01", None, "2026-03-03"] * 3).date,
        "score": [0.1, np.nan, np.inf, -np.inf, 1 / 3, -1e-7, 3.5e10, 0.0, 2.0],
        "n": pd.array([1, None, -3, 0, 2**31 - 1, 7, 8, 9, 10], dtype="Int64"),
        "m": [3.7, -2.2, np.nan, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        "flag": pd.Series([True, False, None, True, False, True, False, True, False],
                          dtype=object)})


def _stored(url: str) -> pd.DataFrame:
    store = Warehouse(url, metadata=_metadata())
    store.replace_partition("typed", "2026-03-01", _frame())
    read = store.read_partition("typed", "2026-03-01").sort_values("ident").reset_index(drop=True)
    store.dispose()
    return read


def test_copy_stores_what_an_insert_stores(pg_url: str, tmp_path: Path) -> None:
    copied = _stored(pg_url)  # COPY
    inserted = _stored(f"sqlite:///{tmp_path / 'w.db'}")  # executemany of DB-API values
    pd.testing.assert_frame_equal(copied, inserted, check_dtype=False)
    assert copied.loc[2, "score"] != copied.loc[2, "score"]  # inf is stored as NULL
    assert copied["m"].tolist()[:2] == [3, -2]
