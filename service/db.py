"""The service's own warehouse tables (tokens, audit, label corrections) and reflected reads of the rest."""
from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy import Column

from storage.tables import LONG_ID, warehouse_table
from storage.warehouse import Warehouse

SERVICE_TABLES = ("api_tokens", "audit_log", "label_corrections")

api_tokens = warehouse_table(
    "api_tokens",
    Column("token_id", sa.String(16), primary_key=True),
    Column("name", sa.String(200), nullable=False),
    Column("role", sa.String(16), nullable=False),
    Column("salt", sa.String(64), nullable=False),
    Column("token_hash", sa.String(64), nullable=False),
    Column("created_at", sa.DateTime, nullable=False),
    Column("revoked_at", sa.DateTime, nullable=True),
    partitioned=False,
)

audit_log = warehouse_table(
    "audit_log",
    Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
    Column("at", sa.DateTime, nullable=False),
    Column("token_id", sa.String(16), nullable=False),
    Column("token_name", sa.String(200), nullable=False),
    Column("role", sa.String(16), nullable=False),
    Column("action", sa.String(40), nullable=False),
    Column("worker_id", sa.String(64), nullable=True),
    Column("detail", sa.Text, nullable=True),
    sa.Index("ix_audit_log_worker_id", "worker_id"),
    partitioned=False,
)

# Read by `feedback train` (nlp) as extra training labels; the latest row per feedback_id wins.
label_corrections = warehouse_table(
    "label_corrections",
    Column("feedback_id", sa.String(LONG_ID), nullable=False),
    Column("text", sa.Text, nullable=False),
    Column("category", sa.String(16), nullable=False),
    Column("polarity", sa.Integer, nullable=False),
    Column("corrected_by", sa.String(200), nullable=False),
    Column("corrected_at", sa.DateTime, nullable=False),
    sa.Index("ix_label_corrections_feedback_id", "feedback_id"),
    partitioned=False,
)


def open_warehouse(url: str) -> Warehouse:
    """A Warehouse with the service tables created (idempotent)."""
    warehouse = Warehouse(url)
    warehouse.ensure_tables(SERVICE_TABLES)
    return warehouse


class ReflectedTables:
    """Warehouse tables as they are in the database, reflected on first use.

    The pipeline creates its tables on its first run, which may come after the service starts, so a
    missing table is looked up again next time instead of being remembered as missing.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._tables: dict[str, sa.Table] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> sa.Table | None:
        with self._lock:
            if name not in self._tables:
                if not sa.inspect(self.engine).has_table(name):
                    return None
                self._tables[name] = sa.Table(name, sa.MetaData(), autoload_with=self.engine)
            return self._tables[name]
