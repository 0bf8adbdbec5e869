"""Orders and what happened on them, driven by each worker's hidden quality."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.company import Customer, Worker
from demo.fragments import substream, weighted_choice

SHORT_SLOTS = {"morning": (8.0, 8.5, 9.0, 9.5, 10.0), "afternoon": (13.0, 13.5, 14.0, 14.5, 15.0, 16.0)}
LONG_SLOTS = (7.5, 8.0, 8.5, 9.0)
BOOKED_HOURS = {"cleaning": (2, 2.5, 3, 4), "appliance": (1, 1.5, 2, 3), "nanny": (6, 8),
                "maternity": (8, 10), "eldercare": (4, 6, 8)}
LONG_SERVICES = ("nanny", "maternity", "eldercare")
ATTITUDE_ISSUES = {"attitude.rude": 35, "attitude.impatient": 20, "attitude.phone_use": 20,
                   "attitude.tip_or_extra_charge": 12, "attitude.careless_attitude": 13}
SKILL_ISSUE_BY_SERVICE = {"cleaning": ("skill.not_clean",), "nanny": ("skill.cooking", "skill.childcare_method"),
                          "maternity": ("skill.childcare_method",), "eldercare": ("skill.eldercare_method",),
                          "appliance": ("skill.appliance",)}
LATE_THRESHOLD_MIN = 10  # arrivals later than this count as late (and can be mentioned as such)


@dataclass(frozen=True)
class Order:
    worker: Worker
    customer: Customer
    service_type: str
    scheduled_start: datetime
    actual_arrival: datetime | None
    booked_hours: float
    duration_hours: float
    rework: bool
    status: str  # completed | cancelled | no_show
    issues: tuple[str, ...]  # taxonomy sub-reason keys of what went wrong
    order_id: str = ""

    @property
    def late_minutes(self) -> int:
        if self.actual_arrival is None:
            return 0
        return int((self.actual_arrival - self.scheduled_start).total_seconds() // 60)

    @property
    def finished_at(self) -> datetime:
        start = self.actual_arrival or self.scheduled_start
        return start + timedelta(hours=self.duration_hours)


def aspect_issue_probability(quality: float) -> float:
    """Chance of a problem on one aspect: steep in (1 - quality) so bad groups stand out clearly."""
    return 0.01 + 0.9 * (1.0 - quality) ** 3


def make_orders(seed: int, workers: list[Worker], customers: list[Customer],
                first_day: date, last_day: date) -> list[Order]:
    """Every worker's orders per day from hire date (or first_day) to last_day, ids by start time."""
    by_city: dict[str, list[Customer]] = {}
    for customer in customers:
        by_city.setdefault(customer.city, []).append(customer)
    orders = []
    for worker in workers:
        day = max(first_day, worker.hire_date)
        while day <= last_day:
            rng = substream(seed, "orders", worker.worker_id, day.isoformat())
            for slot in _day_slots(rng, worker):
                service = rng.choice(worker.service_types)
                orders.append(_order(rng, worker, rng.choice(by_city[worker.city]), service, day, slot))
            day += timedelta(days=1)
    orders.sort(key=lambda o: (o.scheduled_start, o.worker.worker_id))
    return [_with_id(o, f"O{i:08d}") for i, o in enumerate(orders, start=1)]


def _with_id(order: Order, order_id: str) -> Order:
    return Order(**{**order.__dict__, "order_id": order_id})


def _day_slots(rng: random.Random, worker: Worker) -> list[float]:
    if worker.service_types[0] in LONG_SERVICES:
        return [] if rng.random() < 0.1 else [rng.choice(LONG_SLOTS)]
    n = weighted_choice(rng, {"0": 12, "1": 45, "2": 43})
    if n == "0":
        return []
    if n == "1":
        return [rng.choice(SHORT_SLOTS["morning"] + SHORT_SLOTS["afternoon"])]
    return [rng.choice(SHORT_SLOTS["morning"]), rng.choice(SHORT_SLOTS["afternoon"])]


def _order(rng: random.Random, worker: Worker, customer: Customer, service: str, day: date, slot: float) -> Order:
    start = datetime(day.year, day.month, day.day) + timedelta(hours=slot)
    booked = float(rng.choice(BOOKED_HOURS[service]))
    base = dict(worker=worker, customer=customer, service_type=service, scheduled_start=start, booked_hours=booked)
    if rng.random() < 0.03:
        return Order(**base, actual_arrival=None, duration_hours=0.0, rework=False, status="cancelled", issues=())
    lateness = 1.0 - worker.punctuality
    if rng.random() < 0.10 * lateness**2:
        return Order(**base, actual_arrival=None, duration_hours=0.0, rework=False, status="no_show",
                     issues=("logistics.no_show",))
    issues: list[str] = []
    if rng.random() < 0.02 + 0.85 * lateness**2.5:
        minutes = rng.randint(20, 90) if worker.punctuality < 0.4 else rng.randint(LATE_THRESHOLD_MIN + 1, 45)
        issues.append("logistics.late")
    else:
        minutes = rng.randint(-15, 3 + int(7 * lateness))
    duration = booked + rng.choice((-0.25, 0.0, 0.0, 0.25, 0.5))
    if rng.random() < 0.04 * lateness:
        issues.append("logistics.left_early")
        duration = max(0.5, booked - rng.choice((1.0, 1.5)))
    if rng.random() < 0.01:
        issues.append(rng.choice(("logistics.missing_tools", "logistics.rescheduled")))
    if rng.random() < aspect_issue_probability(worker.attitude):
        issues.append(weighted_choice(rng, ATTITUDE_ISSUES))
    if rng.random() < aspect_issue_probability(worker.skill):
        damage = rng.random() < 0.2
        issues.append("skill.damage" if damage else rng.choice(SKILL_ISSUE_BY_SERVICE[service]))
    rework = _rework(rng, issues)
    arrival = start + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
    return Order(**base, actual_arrival=arrival, duration_hours=duration, rework=rework, status="completed",
                 issues=tuple(issues))


def _rework(rng: random.Random, issues: list[str]) -> bool:
    if "skill.not_clean" in issues or "skill.appliance" in issues:
        return rng.random() < 0.5
    if any(i.startswith("skill.") for i in issues):
        return rng.random() < 0.15
    return rng.random() < 0.01
