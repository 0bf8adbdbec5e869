"""A small warehouse for service tests: classified feedback, orders and scoring tables by the contract."""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

import scoring.tables  # noqa: F401  registers the scoring tables on the warehouse metadata
from scoring.tables import conform
from storage.warehouse import Warehouse

DAYS = ("2026-03-01", "2026-03-02")
PHONE = "13812345678"
HOSTILE_TEXT = '=HYPERLINK("http://evil.example") <script>alert(1)</script> 阿姨一直玩手机'


def _feedback(feedback_id: str, kind: str, worker_id: str, created_at: str, text: str, labels: str,
              subreasons: str, sentiment: float, evidence: dict, order_id: str | None) -> dict:
    complained = labels.split(";")
    aspects = {a: (-1 if a in complained else None) for a in ("attitude", "skill", "logistics")}
    return {
        "feedback_id": feedback_id, "kind": kind, "source_ids": feedback_id.split(":", 1)[1],
        "n_sources": 1, "channels": "app", "worker_id": worker_id, "order_id": order_id,
        "customer_id": "C000001", "created_at": datetime.fromisoformat(created_at),
        "rating": 2 if kind == "review" and labels else (5 if kind == "review" else None),
        "text": text, "text_hash": feedback_id, "first_response_at": None, "resolved_at": None,
        "agent_category": None, "status": "open" if kind == "complaint" else None,
        **aspects, **{f"p_{a}": 0.9 if a in complained else 0.05 for a in aspects},
        "labels": labels, "category": labels.split(";")[0] if labels else "none",
        "subreasons": subreasons, "sentiment": sentiment, "confidence": 0.9,
        "evidence": json.dumps(evidence, ensure_ascii=False), "model_version": "fixture",
    }


def classified_feedback() -> dict[str, pd.DataFrame]:
    rows = [
        _feedback("complaint:K00000001", "complaint", "W0001", "2026-03-01 10:00:00",
                  f"阿姨迟到了一个小时，态度差，电话{PHONE}", "attitude;logistics",
                  "logistics.late;attitude.rude", -0.8,
                  {"logistics": ["迟到"], "attitude": ["态度差"]}, "O00000001"),
        _feedback("review:R00000001", "review", "W0002", "2026-03-01 11:00:00",
                  "玻璃没擦干净，还打碎了一个杯子", "skill", "skill.not_clean;skill.damage", -0.6,
                  {"skill": ["没擦干净", "打碎"]}, "O00000002"),
        _feedback("review:R00000002", "review", "W0001", "2026-03-02 09:00:00",
                  "阿姨很准时，做饭好吃", "", "", 0.9, {}, "O00000003"),
        _feedback("review:R00000003", "review", "W0003", "2026-03-02 12:00:00", HOSTILE_TEXT,
                  "attitude", "attitude.phone_use", -0.4, {"attitude": ["玩手机"]}, "O00000004"),
        _feedback("complaint:K00000002", "complaint", "W0002", "2026-03-02 15:00:00",
                  "等了很久没人上门", "logistics", "logistics.no_show", -0.9,
                  {"logistics": ["没人上门"]}, None),
    ]
    frame = pd.DataFrame(rows)
    return {day: frame[frame.created_at.dt.strftime("%Y-%m-%d") == day] for day in DAYS}


def raw_orders() -> pd.DataFrame:
    rows = [("O00000001", "W0001", "cleaning", "上海"), ("O00000002", "W0002", "cleaning", "北京"),
            ("O00000003", "W0001", "nanny", "上海"), ("O00000004", "W0003", "eldercare", "北京")]
    return pd.DataFrame([{"order_id": o, "customer_id": "C000001", "worker_id": w,
                          "service_type": s, "city": c, "scheduled_start": datetime(2026, 3, 1, 9),
                          "actual_arrival": datetime(2026, 3, 1, 9), "duration_hours": 2.0,
                          "rework": 0, "status": "completed"} for o, w, s, c in rows])


def scorecards(day: str, shift: float) -> pd.DataFrame:
    workers = [("W0001", "王芳", "上海", "cleaning;nanny", 82.0), ("W0002", "李娟", "北京", "cleaning", 61.0),
               ("W0003", "张丽", "北京", "eldercare", 70.0)]
    rows = []
    for rank, (wid, name, city, services, composite) in enumerate(
            sorted(workers, key=lambda w: -w[4]), start=1):
        rows.append({"worker_id": wid, "name": name, "city": city, "service_types": services,
                     "window_start": "2026-02-01", "window_end": day, "orders": 20, "reviews": 8,
                     "complaints": 2, "praise": 3, "ranked": 1, "composite": composite + shift,
                     "previous_composite": composite, "trend": shift, "percentile": 100 - 30 * rank,
                     "rank": rank, "score_attitude": composite - 5, "score_skill": composite + 3,
                     "score_logistics": composite - 10, "score_satisfaction": composite,
                     "top_subreasons": "logistics.late"})
    return conform(pd.DataFrame(rows), "worker_scorecards")


def daily_scores(day: str) -> pd.DataFrame:
    rows = [{"worker_id": w, "complaints": n, "attitude_mentions": n, "skill_mentions": 1,
             "logistics_mentions": n + 1, "praise_items": 1, "stars_mean": 4.0, "sentiment_mean": 0.2,
             "on_time_share": 0.9} for w, n in (("W0001", 1), ("W0002", 2), ("W0003", 0))]
    return conform(pd.DataFrame(rows), "worker_daily_scores")


def fill_warehouse(url: str) -> Warehouse:
    """Write every fixture table; returns the Warehouse (caller disposes it)."""
    warehouse = Warehouse(url)
    for day, frame in classified_feedback().items():
        warehouse.replace_partition("classified_feedback", day, frame)
        warehouse.replace_partition("worker_daily_scores", day, daily_scores(day))
        warehouse.replace_partition("worker_scorecards", day, scorecards(day, 1.5 if day == DAYS[1] else 0))
    warehouse.replace_partition("raw_orders", DAYS[0], raw_orders())
    last = DAYS[1]
    warehouse.replace_partition("training_recommendations", last, conform(pd.DataFrame([{
        "worker_id": "W0002", "category": "skill", "subreason": "skill.not_clean", "worker_per100": 12.0,
        "team_per100": 3.0, "mentions": 3, "course_id": "C-SK-01", "course_title": "保洁标准流程",
        "course_hours": 4.0, "evidence_ids": "review:R00000001",
        "evidence_quotes": f"玻璃没擦干净 {PHONE}", "reason": "技能投诉是团队的 4 倍"}]),
        "training_recommendations"))
    warehouse.replace_partition("incentive_decisions", last, conform(pd.DataFrame([{
        "worker_id": "W0001", "tier": "gold", "bonus_yuan": 500, "excluded": 0,
        "reason": "综合分前 10%", "evidence": "{}"}]), "incentive_decisions"))
    return warehouse


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
