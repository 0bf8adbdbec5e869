"""Warehouse reads for scoring: window totals aggregated in SQL, evidence and history by worker."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

from scoring.tables import DAILY_ADDITIVE, WAREHOUSE_TABLES
from storage.warehouse import Warehouse

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "feedback_id", "kind", "worker_id", "created_at", "rating", "text", "agent_category",
    "attitude", "skill", "logistics", "p_attitude", "p_skill", "p_logistics", "subreasons",
    "sentiment",
)
_ID_BATCH = 500  # bound IN-lists (SQLite allows ~32k parameters, MySQL packets are finite)
_SCAN_ABOVE = 2_000  # more workers than this: read the window day by day instead


def window_totals(warehouse: Warehouse, start: str, end: str) -> pd.DataFrame:
    """Per-worker SUM of the additive daily columns over [start, end], grouped in the database."""
    table = WAREHOUSE_TABLES["worker_daily_scores"]
    warehouse.ensure_tables([table.name])
    sums = [sa.func.coalesce(sa.func.sum(table.c[c]), 0).label(c) for c in DAILY_ADDITIVE]
    query = (sa.select(table.c.worker_id, *sums)
             .where(table.c.partition_date.between(start, end))
             .group_by(table.c.worker_id).order_by(table.c.worker_id))
    with warehouse.engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.set_index("worker_id").astype("float64")


def _batches(ids: Sequence[str]) -> Iterator[list[str]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _ID_BATCH):
        yield unique[start:start + _ID_BATCH]


def read_for_workers(warehouse: Warehouse, table_name: str, start: str, end: str,
                     worker_ids: Sequence[str], columns: Sequence[str] | None = None,
                     extra: sa.ColumnElement[bool] | None = None) -> pd.DataFrame:
    """Rows of the given workers with start <= partition_date <= end: a few workers by id
    batches (index on worker_id), many by reading the window a day at a time and keeping theirs
    (thousands of ids would make each batch fetch rows scattered over the whole window)."""
    table = warehouse.table(table_name)
    warehouse.ensure_tables([table_name])
    columns = list(columns) if columns is not None else [c.name for c in table.columns]
    if len(set(worker_ids)) > _SCAN_ABOVE:
        return _scan_window(warehouse, table, start, end, set(worker_ids), columns, extra)
    frames = []
    for batch in _batches(worker_ids):
        condition = sa.and_(table.c.partition_date.between(start, end),
                            table.c.worker_id.in_(batch), *(() if extra is None else (extra,)))
        query = sa.select(*(table.c[c] for c in columns)).where(condition)
        with warehouse.engine.connect() as conn:
            frames.append(pd.read_sql(query, conn))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(columns))


def _scan_window(warehouse: Warehouse, table: sa.Table, start: str, end: str, wanted: set[str],
                 columns: list[str], extra: sa.ColumnElement[bool] | None) -> pd.DataFrame:
    selected = list(dict.fromkeys([*columns, "worker_id"]))
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    frames = []
    with warehouse.engine.connect() as conn:
        for day in days:
            condition = sa.and_(table.c.partition_date == day, *(() if extra is None else (extra,)))
            frame = pd.read_sql(sa.select(*(table.c[c] for c in selected)).where(condition), conn)
            frames.append(frame[frame["worker_id"].isin(wanted)][columns])
    # a day whose column is all NULL reads as None objects: infer back what a whole-window
    # read gives (floats with NaN)
    return pd.concat(frames, ignore_index=True).infer_objects() if frames else \
        pd.DataFrame(columns=columns)


def complaint_evidence(warehouse: Warehouse, start: str, end: str,
                       worker_ids: Sequence[str]) -> pd.DataFrame:
    """classified_feedback rows with a complaint label for the given workers in the window."""
    table = warehouse.table("classified_feedback")
    has_complaint = sa.or_(table.c.attitude == -1, table.c.skill == -1, table.c.logistics == -1,
                           table.c.agent_category.in_(("attitude", "skill", "logistics")))
    return read_for_workers(warehouse, "classified_feedback", start, end, worker_ids,
                           EVIDENCE_COLUMNS, has_complaint)


def feedback_for_workers(warehouse: Warehouse, start: str, end: str,
                         worker_ids: Sequence[str]) -> pd.DataFrame:
    """Every classified_feedback row of the given workers in the window (scorecard quotes)."""
    return read_for_workers(warehouse, "classified_feedback", start, end, worker_ids,
                           EVIDENCE_COLUMNS)


def scorecard_history(warehouse: Warehouse, start: str, end: str,
                      worker_ids: Sequence[str]) -> pd.DataFrame:
    """worker_scorecards rows of the given workers between two partition dates."""
    frame = read_for_workers(warehouse, "worker_scorecards", start, end, worker_ids)
    return frame.sort_values(["worker_id", "partition_date"], ignore_index=True)


def latest_partition(warehouse: Warehouse, table_name: str, start: str, end: str) -> str | None:
    """The last partition_date of a table within [start, end], or None."""
    table = warehouse.table(table_name)
    warehouse.ensure_tables([table_name])
    query = sa.select(sa.func.max(table.c.partition_date)).where(
        table.c.partition_date.between(start, end))
    with warehouse.engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def worker_known(warehouse: Warehouse, worker_id: str) -> bool:
    """Whether the roster (or, without a roster, any scorecard) knows the worker."""
    for name in ("worker_roster", "worker_scorecards"):
        table = warehouse.table(name)
        warehouse.ensure_tables([name])
        with warehouse.engine.connect() as conn:
            has_rows = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            if has_rows:
                query = sa.select(table.c.worker_id).where(table.c.worker_id == worker_id).limit(1)
                return conn.execute(query).first() is not None
    return False
