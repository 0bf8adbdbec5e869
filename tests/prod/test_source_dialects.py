"""Reading a company source database on MariaDB/MySQL or PostgreSQL, one Shanghai day at a time.

The tables are created here with the DDL a company would have (not by demo/), including the
column types real order systems use: MySQL `TIMESTAMP` (stored in UTC, converted through the
session time zone) and PostgreSQL `timestamptz`. Both servers here run in UTC, so a reader that
does not pin the session to Asia/Shanghai puts rows near midnight into the wrong day.
"""

from datetime import datetime

import pytest
import sqlalchemy as sa

from storage.source import SourceDatabase

pytestmark = pytest.mark.prod

EMOJI_TEXT = "阿姨很细心😊👍，孩子很喜欢她🧸"
LOCAL_STAMPS = {
    "R00000001": "2026-03-01 00:00:00",  # first second of the day
    "R00000002": "2026-03-01 07:59:59",  # still the previous day in UTC
    "R00000003": "2026-03-01 23:59:59",
    "R00000004": "2026-02-28 23:59:59",  # previous local day
    "R00000005": "2026-03-02 00:00:00",  # next local day
}
DAY_ROWS = ["R00000001", "R00000002", "R00000003"]


def _reviews_ddl(timestamp_type: str, text_type: str, table_options: str = "") -> str:
    return (
        "CREATE TABLE reviews (review_id VARCHAR(16) PRIMARY KEY, order_id VARCHAR(16),"
        " worker_id VARCHAR(8), customer_id VARCHAR(8),"
        f" created_at {timestamp_type} NULL, rating INTEGER, text {text_type}, channel VARCHAR(8))"
        f" {table_options}"
    )


def _insert_reviews(conn: sa.Connection, stamp_sql: str) -> None:
    """Insert the rows; `stamp_sql` turns the :ts local-time literal into the column's value."""
    for review_id, stamp in LOCAL_STAMPS.items():
        conn.execute(
            sa.text(
                "INSERT INTO reviews VALUES (:r, :o, 'W0001', 'C000001',"
                f" {stamp_sql}, 5, :t, 'app')"
            ),
            {"r": review_id, "o": f"O{review_id[1:]}", "ts": stamp, "t": EMOJI_TEXT},
        )


def _read_day(url: str) -> dict[str, datetime]:
    source = SourceDatabase(url)
    try:
        frame = source.read_day("reviews", "2026-03-01")
    finally:
        source.dispose()
    assert frame["created_at"].dt.tz is None
    assert set(frame["text"]) == {EMOJI_TEXT}
    return {r: ts.to_pydatetime() for r, ts in zip(frame["review_id"], frame["created_at"])}


def _expected_day() -> dict[str, datetime]:
    return {r: datetime.fromisoformat(LOCAL_STAMPS[r]) for r in DAY_ROWS}


def test_mariadb_datetime_source_day_and_emoji(mariadb_url: str) -> None:
    engine = sa.create_engine(mariadb_url)
    with engine.begin() as conn:
        conn.execute(sa.text(_reviews_ddl("DATETIME", "TEXT", "DEFAULT CHARSET=utf8mb4")))
        _insert_reviews(conn, ":ts")
    engine.dispose()
    assert _read_day(mariadb_url) == _expected_day()


def test_mariadb_timestamp_columns_are_read_as_shanghai_time(mariadb_url: str) -> None:
    engine = sa.create_engine(mariadb_url)
    with engine.begin() as conn:
        conn.execute(sa.text(_reviews_ddl("TIMESTAMP", "TEXT", "DEFAULT CHARSET=utf8mb4")))
        # the company's application writes its local (Shanghai) wall-clock time
        conn.execute(sa.text("SET time_zone = '+08:00'"))
        _insert_reviews(conn, ":ts")
    engine.dispose()
    assert _read_day(mariadb_url) == _expected_day()


def test_postgres_timestamptz_source_is_read_as_shanghai_time(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text(_reviews_ddl("TIMESTAMPTZ", "TEXT")))
        _insert_reviews(conn, "CAST(:ts || '+08:00' AS TIMESTAMPTZ)")
    engine.dispose()
    assert _read_day(pg_url) == _expected_day()


def test_postgres_naive_timestamp_source(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text(_reviews_ddl("TIMESTAMP", "TEXT")))
        _insert_reviews(conn, "CAST(:ts AS TIMESTAMP)")
    engine.dispose()
    assert _read_day(pg_url) == _expected_day()
