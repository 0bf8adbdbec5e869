"""Reviews and complaint records for the orders, as source-table rows (ids assigned later)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from demo.complaint_text import compose_complaint, main_issue
from demo.fragments import substream, weighted_choice
from demo.orders import Order
from demo.texts import compose_review

Row = dict[str, Any]

# stars a problem costs on the customer's rating (lateness is priced by the minute)
RATING_PENALTY = {"logistics.no_show": 4.0, "logistics.left_early": 1.2, "logistics.missing_tools": 0.6,
                  "logistics.rescheduled": 0.6, "attitude.rude": 2.2, "attitude.impatient": 1.0,
                  "attitude.phone_use": 1.2, "attitude.tip_or_extra_charge": 1.5,
                  "attitude.careless_attitude": 1.2, "skill.damage": 2.0}
# chance that a problem makes the customer complain (other skill problems: 0.22)
COMPLAINT_CHANCE = {"logistics.no_show": 0.5, "skill.damage": 0.5, "attitude.rude": 0.35,
                    "attitude.tip_or_extra_charge": 0.35, "logistics.left_early": 0.25,
                    "attitude.careless_attitude": 0.2, "logistics.rescheduled": 0.2, "attitude.impatient": 0.15,
                    "attitude.phone_use": 0.15, "logistics.missing_tools": 0.15}
COMPLAINT_CHANNELS = {"hotline": 40, "app": 40, "wechat": 20}
SECOND_CHANNEL = {"hotline": "app", "app": "hotline", "wechat": "hotline"}


def rating_for(rng: random.Random, order: Order) -> int:
    """Stars: better workers get more, each problem costs some, plus noise and the odd random click."""
    if rng.random() < 0.03:
        return rng.randint(1, 5)
    score = 2.7 + 2.6 * order.worker.overall + rng.gauss(0.0, 0.5)
    for issue in order.issues:
        late = issue == "logistics.late"
        score -= min(2.0, 0.5 + order.late_minutes / 40) if late else RATING_PENALTY.get(issue, 1.5)
    return max(1, min(5, round(score)))


def make_reviews(seed: int, orders: list[Order], snapshot: datetime) -> list[Row]:
    """About 60% of completed orders (more after a problem) and 40% of no-shows get a review."""
    rows = []
    for order in orders:
        rng = substream(seed, "review", order.order_id)
        chance = {"completed": 0.68 if order.issues else 0.58, "no_show": 0.4}.get(order.status, 0.0)
        if rng.random() >= chance:
            continue
        start = order.finished_at if order.status == "completed" else order.scheduled_start
        created = start + timedelta(minutes=rng.randint(10, 20 * 60), seconds=rng.randint(0, 59))
        if created > snapshot:
            continue
        rating = rating_for(rng, order)
        rows.append({"order_id": order.order_id, "worker_id": order.worker.worker_id,
                     "customer_id": order.customer.customer_id, "created_at": created, "rating": rating,
                     "text": compose_review(rng, order, rating), "channel": "app" if rng.random() < 0.8 else "wechat"})
    return rows


def complaint_chance(order: Order) -> float:
    if order.status == "cancelled":
        return 0.0
    chances = [0.01]
    for issue in order.issues:
        if issue == "logistics.late":
            chances.append(min(0.5, 0.05 + order.late_minutes / 200))
        else:
            chances.append(COMPLAINT_CHANCE.get(issue, 0.22))
    return max(chances)


def make_complaints(seed: int, orders: list[Order], snapshot: datetime) -> list[Row]:
    """Complaint records; about 8% of them arrive a second time on another channel, worded differently."""
    rows = []
    for order in orders:
        rng = substream(seed, "complaint", order.order_id)
        if rng.random() >= complaint_chance(order):
            continue
        issue, channel = main_issue(rng, order), weighted_choice(rng, COMPLAINT_CHANNELS)
        start = order.finished_at if order.status == "completed" else order.scheduled_start
        created = start + timedelta(minutes=rng.randint(10, 30 * 60), seconds=rng.randint(0, 59))
        arrivals = [(channel, created)]
        if rng.random() < 0.08:
            arrivals.append((SECOND_CHANNEL[channel], created + timedelta(minutes=rng.randint(5, 90))))
        category = _agent_category(rng, issue)
        for arrival_channel, arrival in arrivals:
            if arrival <= snapshot:
                rows.append(_complaint_row(rng, order, arrival_channel, arrival, issue, category, snapshot))
    return rows


def _agent_category(rng: random.Random, issue: str) -> str | None:
    if rng.random() >= 0.6:
        return None
    if rng.random() < 0.08:  # agents sometimes file it under the wrong heading
        return rng.choice(("attitude", "skill", "logistics", "other"))
    return issue.split(".")[0]


def _complaint_row(rng: random.Random, order: Order, channel: str, created: datetime, issue: str,
                   category: str | None, snapshot: datetime) -> Row:
    first_response = created + _response_delay(rng)
    resolved = _resolution_time(rng, created, first_response)
    first_response = first_response if first_response <= snapshot else None
    resolved = resolved if resolved is not None and resolved <= snapshot and first_response else None
    # unresolved tickets: some are still waiting for an agent even after the first reply
    status = "in_progress" if first_response and rng.random() >= 0.3 else "open"
    if resolved:
        status = "closed" if rng.random() < 0.3 else "resolved"
    return {"order_id": order.order_id, "worker_id": order.worker.worker_id,
            "customer_id": order.customer.customer_id, "channel": channel, "created_at": created,
            "first_response_at": first_response, "resolved_at": resolved,
            "agent_text": compose_complaint(rng, order, channel, issue), "agent_category": category, "status": status}


def _response_delay(rng: random.Random) -> timedelta:
    roll = rng.random()
    if roll < 0.8:
        return timedelta(minutes=rng.randint(2, 30))
    if roll < 0.95:
        return timedelta(minutes=rng.randint(31, 240))
    return timedelta(seconds=rng.randint(4 * 3600, 30 * 3600))


def _resolution_time(rng: random.Random, created: datetime, first_response: datetime) -> datetime | None:
    roll = rng.random()
    if roll < 0.08:
        return None
    hours = (2, 24) if roll < 0.63 else (24, 48) if roll < 0.88 else (48, 120)
    seconds = rng.randint(hours[0] * 3600, hours[1] * 3600)
    return max(created + timedelta(seconds=seconds), first_response + timedelta(minutes=5))
