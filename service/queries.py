"""Read-only queries behind the API and pages: complaints with filters, worker rankings, scorecards."""
from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from nlp.taxonomy import load_taxonomy
from service.db import ReflectedTables
from service.safety import mask_text

COMPLAINT_COLUMNS = (
    "feedback_id", "partition_date", "kind", "created_at", "worker_id", "order_id", "channels",
    "rating", "status", "text", "labels", "category", "subreasons", "sentiment", "confidence",
    "attitude", "skill", "logistics", "p_attitude", "p_skill", "p_logistics", "evidence",
    "model_version",
)
ORDER_COLUMNS = ("city", "service_type")
HISTORY_DAYS = 90


@dataclass(frozen=True)
class ComplaintFilters:
    """Filters of the complaint inbox; None means 'any'. Dates are partition (local) dates."""

    date_from: date | None = None
    date_to: date | None = None
    category: str | None = None  # attitude|skill|logistics, or "none" for no complaint label
    subreason: str | None = None
    worker_id: str | None = None
    city: str | None = None
    service_type: str | None = None
    sentiment_min: float | None = None
    sentiment_max: float | None = None
    q: str | None = None
    include_praise: bool = False  # False: only complaint-kind rows or rows with a complaint label

    def problems(self) -> list[str]:
        """What is inconsistent about these filters, in words (empty when they are fine)."""
        found = []
        if self.subreason and self.subreason not in load_taxonomy().subreason_keys:
            found.append(f"unknown sub-reason {self.subreason!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            found.append("date_from is after date_to")
        low, high = self.sentiment_min, self.sentiment_max
        if low is not None and high is not None and low > high:
            found.append("sentiment_min is above sentiment_max")
        return found


def _contains_key(column: sa.ColumnElement, key: str) -> sa.ColumnElement[bool]:
    """`key` is one element of a ';'-joined column."""
    return (sa.literal(";") + sa.func.coalesce(column, "") + sa.literal(";")).like(f"%;{key};%")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(cf: sa.Table, orders: sa.Table | None, f: ComplaintFilters) -> list[sa.ColumnElement]:
    conds: list[sa.ColumnElement] = []
    if f.date_from:
        conds.append(cf.c.partition_date >= f.date_from.isoformat())
    if f.date_to:
        conds.append(cf.c.partition_date <= f.date_to.isoformat())
    if f.category == "none":
        conds.append(sa.func.coalesce(cf.c.labels, "") == "")
    elif f.category:
        conds.append(_contains_key(cf.c.labels, f.category))
    if f.subreason:
        conds.append(_contains_key(cf.c.subreasons, f.subreason))
    if f.worker_id:
        conds.append(cf.c.worker_id == f.worker_id)
    if f.sentiment_min is not None:
        conds.append(cf.c.sentiment >= f.sentiment_min)
    if f.sentiment_max is not None:
        conds.append(cf.c.sentiment <= f.sentiment_max)
    if f.q:
        conds.append(cf.c.text.like(f"%{_escape_like(f.q)}%", escape="\\"))
    if not f.include_praise and f.category != "none":
        conds.append(sa.or_(cf.c.kind == "complaint", sa.func.coalesce(cf.c.labels, "") != ""))
    for name, value in (("city", f.city), ("service_type", f.service_type)):
        if value:
            conds.append(orders.c[name] == value if orders is not None else sa.false())
    return conds


def _complaint_select(tables: ReflectedTables, f: ComplaintFilters) -> sa.Select | None:
    cf = tables.get("classified_feedback")
    if cf is None:
        return None
    orders = tables.get("raw_orders")
    columns = [cf.c[n] for n in COMPLAINT_COLUMNS if n in cf.c]
    source: sa.FromClause = cf
    if orders is not None:
        columns += [orders.c[n] for n in ORDER_COLUMNS]
        source = cf.outerjoin(orders, cf.c.order_id == orders.c.order_id)
    else:
        columns += [sa.null().label(n) for n in ORDER_COLUMNS]
    return sa.select(*columns).select_from(source).where(*_conditions(cf, orders, f))


def clean_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


def complaint_record(row: sa.Row) -> dict[str, Any]:
    """One complaint as plain JSON values: masked text, evidence parsed into an object."""
    record = {k: clean_value(v) for k, v in row._mapping.items()}
    record["text"] = mask_text(record.get("text") or "")
    try:
        evidence = json.loads(record.get("evidence") or "{}")
    except ValueError:
        evidence = {}
    record["evidence"] = evidence if isinstance(evidence, dict) else {}
    return record


def list_complaints(tables: ReflectedTables, f: ComplaintFilters, page: int,
                    page_size: int) -> tuple[int, list[dict[str, Any]]]:
    """(total matching, one page of complaints), newest first."""
    query = _complaint_select(tables, f)
    if query is None:
        return 0, []
    count = sa.select(sa.func.count()).select_from(query.subquery())
    ordered = query.order_by(sa.desc("created_at"), sa.desc("feedback_id"))
    with tables.engine.connect() as conn:
        total = int(conn.execute(count).scalar_one())
        rows = conn.execute(ordered.limit(page_size).offset((page - 1) * page_size)).all()
    return total, [complaint_record(r) for r in rows]


def iter_complaints(tables: ReflectedTables, f: ComplaintFilters, max_rows: int) -> Iterator[dict]:
    """Every matching complaint (at most max_rows), streamed for CSV export."""
    query = _complaint_select(tables, f)
    if query is None:
        return
    ordered = query.order_by(sa.desc("created_at"), sa.desc("feedback_id")).limit(max_rows)
    with tables.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=1000).execute(ordered)
        for row in result:
            yield complaint_record(row)


def find_feedback(tables: ReflectedTables, feedback_id: str) -> dict[str, Any] | None:
    """The newest classified row of one feedback id, or None."""
    cf = tables.get("classified_feedback")
    if cf is None:
        return None
    query = (sa.select(*(cf.c[n] for n in COMPLAINT_COLUMNS if n in cf.c))
             .where(cf.c.feedback_id == feedback_id).order_by(cf.c.partition_date.desc()).limit(1))
    with tables.engine.connect() as conn:
        row = conn.execute(query).first()
    return complaint_record(row) if row is not None else None
