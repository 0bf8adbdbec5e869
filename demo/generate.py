"""Build the demo company and write it into the source database in one transaction."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable

from sqlalchemy import Engine, create_engine, event

from demo import schema
from demo.bad_rows import inject_defects
from demo.company import Customer, Worker, make_customers, make_workers
from demo.feedback import Row, make_complaints, make_reviews
from demo.orders import Order, make_orders

CUSTOMERS_PER_WORKER = 15
INSERT_CHUNK = 5000


def build(end_date: date, days: int = 60, seed: int = 7,
          workers: int = 200) -> tuple[dict[str, list[Row]], Counter[str]]:
    """All rows of the six source tables, and the number of deliberately bad rows per kind."""
    if days < 1 or workers < 1:
        raise ValueError("days and workers must be at least 1")
    snapshot = datetime.combine(end_date, time(23, 59, 59))
    staff = make_workers(seed, workers, end_date)
    clients = make_customers(seed, workers * CUSTOMERS_PER_WORKER)
    orders = make_orders(seed, staff, clients, end_date - timedelta(days=days - 1), end_date)
    reviews = make_reviews(seed, orders, snapshot)
    complaints = make_complaints(seed, orders, snapshot)
    reviews, complaints, defects = inject_defects(seed, reviews, complaints, {w.worker_id for w in staff})
    tables = {
        "workers": [_worker_row(w) for w in staff],
        "customers": [_customer_row(c) for c in clients],
        "orders": [_order_row(o) for o in orders],
        "reviews": _with_ids(reviews, "review_id", "R", 8),
        "complaints": _with_ids(complaints, "complaint_id", "K", 8),
        "worker_latent_quality": [_latent_row(w) for w in staff],
    }
    return tables, defects


def generate(url: str, end_date: date, days: int = 60, seed: int = 7, workers: int = 200) -> dict[str, int]:
    """Replace the source tables at `url` with the demo company; returns rows written per table."""
    tables, _ = build(end_date, days, seed, workers)
    return write_tables(url, tables)


def write_tables(url: str, tables: dict[str, list[Row]]) -> dict[str, int]:
    """Drop, recreate and fill the six tables in one transaction (idempotent)."""
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            schema.metadata.drop_all(conn)
            schema.metadata.create_all(conn)
            for table in schema.TABLES:
                for chunk in _chunks(tables[table.name], INSERT_CHUNK):
                    conn.execute(table.insert(), chunk)
    finally:
        engine.dispose()
    return {name: len(rows) for name, rows in tables.items()}


def _engine(url: str) -> Engine:
    from storage.config import ensure_sqlite_parent

    ensure_sqlite_parent(url)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # pysqlite runs DDL outside transactions; take over BEGIN so drop/create/insert commit together
        event.listen(engine, "connect", lambda dbapi_conn, _: setattr(dbapi_conn, "isolation_level", None))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


def _chunks(rows: list[Row], size: int) -> Iterable[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _with_ids(rows: list[Row], key: str, prefix: str, width: int) -> list[Row]:
    """Number rows in time order; the stable sort keeps generation order for ties (deterministic)."""
    ordered = sorted(rows, key=lambda r: (r["created_at"], r["order_id"] or ""))
    return [{key: f"{prefix}{i:0{width}d}", **row} for i, row in enumerate(ordered, start=1)]


def _worker_row(w: Worker) -> Row:
    return {"worker_id": w.worker_id, "name": w.name, "service_types": ";".join(w.service_types),
            "city": w.city, "hire_date": w.hire_date, "phone": w.phone}


def _customer_row(c: Customer) -> Row:
    return {"customer_id": c.customer_id, "name": c.name, "phone": c.phone, "address": c.address, "city": c.city}


def _order_row(o: Order) -> dict[str, Any]:
    return {"order_id": o.order_id, "customer_id": o.customer.customer_id, "worker_id": o.worker.worker_id,
            "service_type": o.service_type, "city": o.worker.city, "scheduled_start": o.scheduled_start,
            "actual_arrival": o.actual_arrival, "duration_hours": o.duration_hours, "rework": int(o.rework),
            "status": o.status}


def _latent_row(w: Worker) -> Row:
    return {"worker_id": w.worker_id, "punctuality": w.punctuality, "attitude": w.attitude, "skill": w.skill,
            "overall": w.overall, "archetype": w.archetype}
