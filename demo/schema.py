"""Source-database tables of the demo company, exactly as in docs/contracts.md (SQLite, PostgreSQL, MariaDB)."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Double, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME

# whole-second text timestamps in SQLite ('2026-11-20 09:00:00'), so raw SQL and pandas read them cleanly
Timestamp = DateTime().with_variant(
    SQLITE_DATETIME(storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d"),
    "sqlite",
)
KEY = 16
UTF8MB4 = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}

metadata = MetaData()

workers = Table(
    "workers", metadata,
    Column("worker_id", String(KEY), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("service_types", String(128), nullable=False),
    Column("city", String(32), nullable=False),
    Column("hire_date", Date, nullable=False),
    Column("phone", String(32)),
    **UTF8MB4,
)

customers = Table(
    "customers", metadata,
    Column("customer_id", String(KEY), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("phone", String(32)),
    Column("address", String(255)),
    Column("city", String(32)),
    **UTF8MB4,
)

orders = Table(
    "orders", metadata,
    Column("order_id", String(KEY), primary_key=True),
    Column("customer_id", String(KEY), nullable=False),
    Column("worker_id", String(KEY), nullable=False),
    Column("service_type", String(32), nullable=False),
    Column("city", String(32), nullable=False),
    Column("scheduled_start", Timestamp, nullable=False),
    Column("actual_arrival", Timestamp),
    Column("duration_hours", Double),
    Column("rework", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Index("ix_orders_scheduled_start", "scheduled_start"),
    **UTF8MB4,
)

# no foreign keys: the demo deliberately writes rows that reference unknown workers
reviews = Table(
    "reviews", metadata,
    Column("review_id", String(KEY), primary_key=True),
    Column("order_id", String(KEY)),
    Column("worker_id", String(KEY)),
    Column("customer_id", String(KEY)),
    Column("created_at", Timestamp, nullable=False),
    Column("rating", Integer),
    Column("text", Text),
    Column("channel", String(16)),
    Index("ix_reviews_created_at", "created_at"),
    **UTF8MB4,
)

complaints = Table(
    "complaints", metadata,
    Column("complaint_id", String(KEY), primary_key=True),
    Column("order_id", String(KEY)),
    Column("worker_id", String(KEY)),
    Column("customer_id", String(KEY)),
    Column("channel", String(16)),
    Column("created_at", Timestamp, nullable=False),
    Column("first_response_at", Timestamp),
    Column("resolved_at", Timestamp),
    Column("agent_text", Text),
    Column("agent_category", String(16)),
    Column("status", String(16)),
    Index("ix_complaints_created_at", "created_at"),
    **UTF8MB4,
)

worker_latent_quality = Table(
    "worker_latent_quality", metadata,
    Column("worker_id", String(KEY), primary_key=True),
    Column("punctuality", Double, nullable=False),
    Column("attitude", Double, nullable=False),
    Column("skill", Double, nullable=False),
    Column("overall", Double, nullable=False),
    Column("archetype", String(16), nullable=False),
    **UTF8MB4,
)

TABLES = (workers, customers, orders, reviews, complaints, worker_latent_quality)
