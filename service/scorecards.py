"""Worker rankings and one worker's scorecard from the scoring tables (see docs/scoring.md)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.db import ReflectedTables
from service.queries import ComplaintFilters, clean_value, list_complaints
from service.safety import mask_text

RANKING_COLUMNS = (
    "worker_id", "name", "city", "service_types", "rank", "percentile", "composite",
    "previous_composite", "trend", "score_attitude", "score_skill", "score_logistics",
    "score_satisfaction", "orders", "reviews", "complaints", "praise", "ranked", "top_subreasons",
    "window_start", "window_end",
)
DAILY_COLUMNS = (
    "partition_date", "complaints", "attitude_mentions", "skill_mentions", "logistics_mentions",
    "praise_items", "stars_mean", "sentiment_mean", "on_time_share",
)
HISTORY_POINTS = 90


def _records(rows: list[sa.Row]) -> list[dict[str, Any]]:
    return [{k: clean_value(v) for k, v in r._mapping.items()} for r in rows]


def latest_partition(tables: ReflectedTables, name: str) -> str | None:
    """The newest partition_date of a table, or None when it is missing or empty."""
    table = tables.get(name)
    if table is None:
        return None
    with tables.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(table.c.partition_date))).scalar_one()


def rank_workers(tables: ReflectedTables, partition_date: str | None, city: str | None,
                 service_type: str | None, limit: int, offset: int) -> dict[str, Any]:
    """Scorecards of one day, best rank first (unranked workers last), with their incentive tier."""
    cards = tables.get("worker_scorecards")
    day = partition_date or latest_partition(tables, "worker_scorecards")
    if cards is None or day is None:
        return {"partition_date": day, "total": 0, "workers": []}
    conds = [cards.c.partition_date == day]
    if city:
        conds.append(cards.c.city == city)
    if service_type:
        conds.append((sa.literal(";") + cards.c.service_types + sa.literal(";")).like(f"%;{service_type};%"))
    query = (sa.select(*(cards.c[n] for n in RANKING_COLUMNS if n in cards.c)).where(*conds)
             .order_by(cards.c["rank"].is_(None), cards.c["rank"], cards.c.composite.desc(),
                       cards.c.worker_id))
    with tables.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        workers = _records(conn.execute(query.limit(limit).offset(offset)).all())
    tiers = _incentives(tables, day, [w["worker_id"] for w in workers])
    for worker in workers:
        worker.update(tiers.get(worker["worker_id"], {"tier": None, "bonus_yuan": None}))
    return {"partition_date": day, "total": int(total), "workers": workers}


def _incentives(tables: ReflectedTables, day: str, worker_ids: list[str]) -> dict[str, dict]:
    decisions = tables.get("incentive_decisions")
    if decisions is None or not worker_ids:
        return {}
    query = sa.select(decisions.c.worker_id, decisions.c.tier, decisions.c.bonus_yuan).where(
        decisions.c.partition_date == day, decisions.c.worker_id.in_(worker_ids))
    with tables.engine.connect() as conn:
        return {r.worker_id: {"tier": r.tier, "bonus_yuan": r.bonus_yuan} for r in conn.execute(query)}


def _worker_rows(tables: ReflectedTables, name: str, worker_id: str, day: str | None,
                 columns: tuple[str, ...] | None = None, newest: int | None = None) -> list[dict]:
    """Rows of one worker: of partition `day` when given, else the `newest` partitions (ascending)."""
    table = tables.get(name)
    if table is None:
        return []
    cols = [table.c[n] for n in columns if n in table.c] if columns else list(table.c)
    query = sa.select(*cols).where(table.c.worker_id == worker_id)
    if day is not None:
        query = query.where(table.c.partition_date == day)
    else:
        query = query.where(table.c.partition_date.is_not(None)).order_by(
            table.c.partition_date.desc()).limit(newest or HISTORY_POINTS)
    with tables.engine.connect() as conn:
        rows = _records(conn.execute(query).all())
    return rows if day is not None else rows[::-1]


def _masked(rows: list[dict], column: str) -> list[dict]:
    """Quotes of customer text are masked again before they leave the service."""
    return [{**r, column: mask_text(r[column])} if r.get(column) else r for r in rows]


def worker_scorecard(tables: ReflectedTables, worker_id: str,
                     partition_date: str | None = None) -> dict[str, Any] | None:
    """Everything HR sees about one worker, or None when the worker has no scorecard."""
    history = _worker_rows(tables, "worker_scorecards", worker_id, None,
                           ("partition_date", "composite", "percentile", "rank"))
    if not history:
        return None
    day = partition_date or history[-1]["partition_date"]
    card = _worker_rows(tables, "worker_scorecards", worker_id, day)
    if not card:
        return None
    _, recent = list_complaints(tables, ComplaintFilters(worker_id=worker_id), page=1, page_size=10)
    return {
        "partition_date": day,
        "scorecard": card[0],
        "history": history,
        "daily": _worker_rows(tables, "worker_daily_scores", worker_id, None, DAILY_COLUMNS, 30),
        "training_recommendations": _masked(_worker_rows(tables, "training_recommendations",
                                                         worker_id, day), "evidence_quotes"),
        "incentive_decisions": _masked(_worker_rows(tables, "incentive_decisions", worker_id, day),
                                       "evidence"),
        "recent_complaints": recent,
    }
