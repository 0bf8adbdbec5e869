"""Warehouse table definitions on the shared SQLAlchemy `METADATA` (see `storage.warehouse`).

Ingest and feedback tables are defined here; other parts register theirs on the same `METADATA`
with `warehouse_table(...)` or `table_from_dtypes(...)` (e.g. `scoring/tables.py`).
Portability: bounded `String(n)` for keys and short codes, `Text` for free text (`MEDIUMTEXT` on
MySQL/MariaDB, whose `TEXT` holds 64 KB).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, MetaData, Table
from sqlalchemy.dialects.mysql import MEDIUMTEXT

METADATA = MetaData()
ID = 64  # length of source ids, worker/order/customer ids
LONG_ID = 160  # feedback ids such as `inbox:<sha8>:<id>`


def warehouse_table(name: str, *columns: Column, partitioned: bool = True,
                    metadata: MetaData = METADATA) -> Table:
    """Define a warehouse table on the shared metadata, with `partition_date` and utf8mb4."""
    extra: list[Any] = []
    if partitioned:
        extra += [Column("partition_date", sa.String(10), nullable=False),
                  sa.Index(f"ix_{name}_partition_date", "partition_date")]
    return Table(name, metadata, *columns, *extra,
                 mysql_charset="utf8mb4", mariadb_charset="utf8mb4",
                 mysql_collate="utf8mb4_unicode_ci", mariadb_collate="utf8mb4_unicode_ci",
                 extend_existing=True)


def long_text() -> sa.types.TypeEngine:
    """Free text: TEXT, but MEDIUMTEXT on MySQL/MariaDB, whose TEXT stops at 64 KB."""
    return sa.Text().with_variant(MEDIUMTEXT(), "mysql", "mariadb")


_DTYPE_TYPES: dict[str, Callable[[], sa.types.TypeEngine]] = {
    "int64": sa.Integer, "Int64": sa.Integer, "float64": sa.Float, "Float64": sa.Float,
    "bool": sa.Boolean, "boolean": sa.Boolean, "datetime64[ns]": sa.DateTime,
    "datetime64[us]": sa.DateTime, "date": sa.Date, "str": long_text, "string": long_text,
    "object": long_text,
}


def table_from_dtypes(name: str, dtypes: Mapping[str, str], keys: Iterable[str] = ("worker_id",),
                      partitioned: bool = True, metadata: MetaData = METADATA) -> Table:
    """Define a warehouse table from a `{column: pandas dtype}` spec.

    Text columns become `Text`, except `keys`, which become `String(64)` (indexable on MySQL).
    `partition_date` is added (and skipped in `dtypes`) when `partitioned`.
    """
    key_names = set(keys)
    columns = []
    for column, dtype in dtypes.items():
        if column == "partition_date" and partitioned:
            continue
        column_type = sa.String(ID) if column in key_names else _DTYPE_TYPES[str(dtype)]()
        columns.append(Column(column, column_type))
    return warehouse_table(name, *columns, partitioned=partitioned, metadata=metadata)


def _id(name: str, length: int = ID) -> Column:
    return Column(name, sa.String(length))


def _code(name: str) -> Column:
    return Column(name, sa.String(32))


RAW_REVIEWS = warehouse_table(
    "raw_reviews", _id("review_id"), _id("order_id"), _id("worker_id"), _id("customer_id"),
    Column("created_at", sa.DateTime), Column("rating", sa.Integer), Column("text", long_text()),
    _code("channel"))
RAW_COMPLAINTS = warehouse_table(
    "raw_complaints", _id("complaint_id"), _id("order_id"), _id("worker_id"), _id("customer_id"),
    _code("channel"), Column("created_at", sa.DateTime), Column("first_response_at", sa.DateTime),
    Column("resolved_at", sa.DateTime), Column("agent_text", long_text()), _code("agent_category"),
    _code("status"))
RAW_ORDERS = warehouse_table(
    "raw_orders", _id("order_id"), _id("customer_id"), _id("worker_id"), _code("service_type"),
    Column("city", sa.String(64)), Column("scheduled_start", sa.DateTime),
    Column("actual_arrival", sa.DateTime), Column("duration_hours", sa.Float),
    Column("rework", sa.Integer), _code("status"))
# Inbox values are kept as exported (text); the feedback stage parses and validates them.
RAW_INBOX_FEEDBACK = warehouse_table(
    "raw_inbox_feedback", _id("id", LONG_ID), _code("kind"), _id("worker_id"), _id("order_id"),
    Column("created_at", sa.String(64)), _code("channel"), Column("rating", sa.String(32)),
    Column("text", long_text()), Column("extra", long_text()),
    Column("source_file", sa.String(255)), Column("file_sha256", sa.String(64)),
    Column("line", sa.Integer), Column("parse_error", long_text()))
WORKER_ROSTER = warehouse_table(
    "worker_roster", _id("worker_id"), Column("name", sa.String(64)),
    Column("service_types", sa.String(128)), Column("city", sa.String(64)),
    Column("hire_date", sa.Date))

def feedback_columns() -> list[Column]:
    """Fresh column objects of the `feedback` table (a Column belongs to one Table)."""
    return [
    _id("feedback_id", LONG_ID), _code("kind"), Column("source_ids", long_text()),
    Column("n_sources", sa.Integer), Column("channels", sa.String(64)), _id("worker_id"),
    _id("order_id"), _id("customer_id"), Column("created_at", sa.DateTime),
    Column("rating", sa.Integer), Column("text", long_text()), Column("text_hash", sa.String(64)),
    Column("first_response_at", sa.DateTime), Column("resolved_at", sa.DateTime),
    _code("agent_category"), _code("status")]


def classifier_columns() -> list[Column]:
    """Fresh column objects of the classifier output (see docs/contracts.md)."""
    return [
    Column("attitude", sa.Integer), Column("skill", sa.Integer), Column("logistics", sa.Integer),
    Column("p_attitude", sa.Float), Column("p_skill", sa.Float), Column("p_logistics", sa.Float),
    Column("labels", sa.String(128)), _code("category"), Column("subreasons", long_text()),
    Column("sentiment", sa.Float), Column("confidence", sa.Float), Column("evidence", long_text()),
    Column("model_version", sa.String(128))]


FEEDBACK = warehouse_table("feedback", *feedback_columns())
CLASSIFIED_FEEDBACK = warehouse_table("classified_feedback", *feedback_columns(),
                                      *classifier_columns())
REJECTED_FEEDBACK = warehouse_table(
    "rejected_feedback", Column("source_table", sa.String(64)), _id("source_id", LONG_ID),
    _code("stage"), Column("rule", sa.String(64)), Column("reason", long_text()),
    Column("payload", long_text()), Column("rejected_at", sa.DateTime))
for _name in ("feedback", "classified_feedback"):
    sa.Index(f"ux_{_name}_id", "partition_date", "feedback_id", unique=True,
             _table=METADATA.tables[_name])
# Scoring reads a window of classified feedback for a few hundred workers at a time
# (scoring/store.py): without this index each batch scans the whole window.
sa.Index("ix_classified_feedback_worker", "worker_id", "partition_date",
         _table=METADATA.tables["classified_feedback"])
