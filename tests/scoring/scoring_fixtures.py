"""Hand-made orders and classified feedback for scoring tests (no demo, no classifier)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd

import scoring.tables  # noqa: F401  registers the scoring tables on the warehouse metadata
from scoring import pipeline
from storage.warehouse import Warehouse

FIRST_DAY = date(2026, 3, 1)


def order_row(worker_id: str, day: date, n: int, late_min: float | None = 0.0,
              status: str = "completed", rework: int = 0) -> dict:
    start = datetime(day.year, day.month, day.day, 9) + timedelta(hours=n)
    arrival = None if late_min is None else start + timedelta(minutes=late_min)
    return {"order_id": f"O{worker_id}{day:%m%d}{n}", "customer_id": "C000001",
            "worker_id": worker_id, "service_type": "cleaning", "city": "上海",
            "scheduled_start": start, "actual_arrival": arrival, "duration_hours": 2.0,
            "rework": rework, "status": status}


def feedback_row(feedback_id: str, worker_id: str, created_at: datetime, kind: str = "review",
                 rating: float | None = 5, text: str = "很好", aspects: dict | None = None,
                 subreasons: str = "", sentiment: float = 0.8, agent_category: str | None = None,
                 responded_min: float | None = None, resolved_h: float | None = None) -> dict:
    aspects = aspects or {}
    row = {"feedback_id": feedback_id, "kind": kind, "source_ids": feedback_id, "n_sources": 1,
           "channels": "app", "worker_id": worker_id, "order_id": None, "customer_id": "C000001",
           "created_at": created_at, "rating": rating if kind == "review" else None, "text": text,
           "text_hash": feedback_id, "agent_category": agent_category,
           "status": "resolved" if resolved_h is not None else "open",
           "first_response_at": None if responded_min is None
           else created_at + timedelta(minutes=responded_min),
           "resolved_at": None if resolved_h is None else created_at + timedelta(hours=resolved_h),
           "subreasons": subreasons, "sentiment": sentiment, "labels": "", "category": "none",
           "confidence": 0.9, "evidence": "{}", "model_version": "test"}
    for aspect in ("attitude", "skill", "logistics"):
        row[aspect] = aspects.get(aspect)
        row[f"p_{aspect}"] = 0.9 if aspects.get(aspect) == -1 else 0.05
    return row


def simulate_day(day: date, quality: dict[str, dict[str, float]], seed: int = 0
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two orders per worker; problems with probability 1 - quality of the aspect."""
    rng = random.Random(f"{seed}-{day}")
    orders, feedback = [], []
    for worker_id, q in sorted(quality.items()):
        for n in range(2):
            late = rng.random() > q["punctuality"]
            orders.append(order_row(worker_id, day, n, 40.0 if late else 0.0,
                                    rework=int(rng.random() > q["skill"] + 0.1)))
            rude = rng.random() > q["attitude"]
            created = datetime(day.year, day.month, day.day, 18, n)
            aspects, subs = {}, []
            if late:
                aspects["logistics"], subs = -1, [*subs, "logistics.late"]
            if rude:
                aspects["attitude"], subs = -1, [*subs, "attitude.rude"]
            bad = bool(aspects)
            feedback.append(feedback_row(
                f"review:R{worker_id}{day:%m%d}{n}", worker_id, created,
                rating=2 if bad else 5,
                text="阿姨迟到还态度差，电话13812345678" if bad else "阿姨很好",
                aspects=aspects or {"attitude": 1}, subreasons=";".join(subs),
                sentiment=-0.6 if bad else 0.7))
    return pd.DataFrame(orders), pd.DataFrame(feedback)


QUALITY = {
    "W0001": {"punctuality": 0.97, "attitude": 0.97, "skill": 0.95},
    "W0002": {"punctuality": 0.9, "attitude": 0.9, "skill": 0.9},
    "W0003": {"punctuality": 0.5, "attitude": 0.95, "skill": 0.9},   # late
    "W0004": {"punctuality": 0.95, "attitude": 0.5, "skill": 0.9},   # rude
    "W0005": {"punctuality": 0.85, "attitude": 0.85, "skill": 0.85},
    "W0006": {"punctuality": 0.92, "attitude": 0.93, "skill": 0.9},
}


def fill_warehouse(warehouse: Warehouse, days: int = 30, score_every: int = 7) -> list[str]:
    """Write raw inputs and daily scores for `days` days; scorecards and decisions every
    `score_every` days and on the last day (fewer pandas round trips: the tests stay fast), or
    never when `score_every` is 0."""
    roster = pd.DataFrame({"worker_id": list(QUALITY), "name": [f"张{i}" for i in range(6)],
                           "service_types": ["cleaning", "cleaning;nanny"] * 3,
                           "city": ["上海", "北京", "上海", "北京", "上海", "北京"],
                           "hire_date": [date(2024, 1, 1)] * 6})
    warehouse.replace_table("worker_roster", roster, FIRST_DAY.isoformat())
    dates = []
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        orders, feedback = simulate_day(day, QUALITY)
        d = day.isoformat()
        warehouse.replace_partition("raw_orders", d, orders)
        warehouse.replace_partition("classified_feedback", d, feedback)
        warehouse.replace_partition("worker_daily_scores", d, pipeline.compute_daily(warehouse, d))
        if not score_every or (offset % score_every and offset != days - 1):
            continue
        cards = pipeline.compute_scorecards(warehouse, d)
        warehouse.replace_partition("worker_scorecards", d, cards)
        training, _ = pipeline.compute_training(warehouse, d)
        warehouse.replace_partition("training_recommendations", d, training)
        warehouse.replace_partition("incentive_decisions", d,
                                    pipeline.compute_incentives(cards, d))
        dates.append(d)
    return dates or [d]  # the days with scorecards (or the last day)
