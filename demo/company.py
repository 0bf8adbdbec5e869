"""Workers, their hidden quality, and customers of the fictional company."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from demo.fragments import load, substream, weighted_choice

SERVICE_TYPES = ("cleaning", "nanny", "maternity", "eldercare", "appliance")
SERVICE_WEIGHTS = {"cleaning": 45, "nanny": 15, "maternity": 12, "eldercare": 13, "appliance": 15}

# archetype -> (share of workers, punctuality range, attitude range, skill range)
ARCHETYPES: dict[str, tuple[float, tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    "star": (0.10, (0.88, 1.00), (0.88, 1.00), (0.88, 1.00)),
    "good": (0.30, (0.70, 0.92), (0.70, 0.92), (0.70, 0.92)),
    "average": (0.26, (0.50, 0.75), (0.50, 0.75), (0.50, 0.75)),
    "late": (0.08, (0.05, 0.22), (0.60, 0.85), (0.60, 0.85)),
    "rude": (0.08, (0.60, 0.85), (0.05, 0.22), (0.60, 0.85)),
    "unskilled": (0.08, (0.60, 0.85), (0.60, 0.85), (0.05, 0.22)),
    "new": (0.10, (0.50, 0.80), (0.55, 0.85), (0.30, 0.60)),
}
# overall = 0.6 x weighted mean + 0.4 x weakest aspect: one serious flaw spoils the whole service
OVERALL_WEIGHTS = {"punctuality": 0.30, "attitude": 0.35, "skill": 0.35}
WEAKEST_ASPECT_WEIGHT = 0.4


@dataclass(frozen=True)
class Worker:
    worker_id: str
    name: str
    service_types: tuple[str, ...]
    city: str
    hire_date: date
    phone: str
    archetype: str
    punctuality: float
    attitude: float
    skill: float

    @property
    def overall(self) -> float:
        w = OVERALL_WEIGHTS
        mean = w["punctuality"] * self.punctuality + w["attitude"] * self.attitude + w["skill"] * self.skill
        weakest = min(self.punctuality, self.attitude, self.skill)
        return round((1 - WEAKEST_ASPECT_WEIGHT) * mean + WEAKEST_ASPECT_WEIGHT * weakest, 4)

    @property
    def honorific(self) -> str:
        return "师傅" if self.service_types[0] == "appliance" else "阿姨"

    @property
    def surname(self) -> str:
        return self.name[0]


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    phone: str
    city: str
    estate: str
    building: int
    unit: int
    room_no: int
    address: str

    @property
    def surname(self) -> str:
        return self.name[0]


def random_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def archetype_counts(n_workers: int) -> dict[str, int]:
    """Exact head counts per archetype (largest remainder), so shares are stable for any size."""
    raw = {k: spec[0] * n_workers for k, spec in ARCHETYPES.items()}
    counts = {k: int(v) for k, v in raw.items()}
    by_remainder = sorted(raw, key=lambda k: (-(raw[k] - counts[k]), k))
    for key in by_remainder[: n_workers - sum(counts.values())]:
        counts[key] += 1
    return counts


def make_workers(seed: int, n_workers: int, end_date: date) -> list[Worker]:
    """Workers W0001.. with names, services, city, hire date and hidden per-aspect quality."""
    rng = substream(seed, "workers")
    archetypes = [k for k, n in archetype_counts(n_workers).items() for _ in range(n)]
    rng.shuffle(archetypes)
    people, places = load("people"), load("places")
    city_weights = {c: spec["weight"] for c, spec in places["cities"].items()}
    used_names: set[str] = set()
    workers = []
    for i, archetype in enumerate(archetypes, start=1):
        services = _services(rng)
        name = _unique_name(rng, people, services[0] == "appliance", used_names)
        _, punct, att, skill = ARCHETYPES[archetype]
        tenure = rng.randint(10, 45) if archetype == "new" else rng.randint(180, 2500)
        workers.append(Worker(
            worker_id=f"W{i:04d}", name=name, service_types=services,
            city=weighted_choice(rng, city_weights), hire_date=end_date - timedelta(days=tenure),
            phone=random_phone(rng), archetype=archetype,
            punctuality=round(rng.uniform(*punct), 4), attitude=round(rng.uniform(*att), 4),
            skill=round(rng.uniform(*skill), 4),
        ))
    return workers


def _services(rng: random.Random) -> tuple[str, ...]:
    primary = weighted_choice(rng, SERVICE_WEIGHTS)
    if primary == "appliance":
        return ("appliance", "cleaning") if rng.random() < 0.2 else ("appliance",)
    if rng.random() < 0.35:
        second = weighted_choice(rng, {k: v for k, v in SERVICE_WEIGHTS.items() if k not in (primary, "appliance")})
        return (primary, second)
    return (primary,)


def _unique_name(rng: random.Random, people: dict, male: bool, used: set[str]) -> str:
    given = people["male_given"] if male else people["female_given"]
    while True:
        name = rng.choice(people["surnames"]) + rng.choice(given)
        if name not in used:
            used.add(name)
            return name


def make_customers(seed: int, n_customers: int) -> list[Customer]:
    """Customers C000001.. with name, phone and a full street address in one of the cities."""
    rng = substream(seed, "customers")
    people, places = load("people"), load("places")
    city_weights = {c: spec["weight"] for c, spec in places["cities"].items()}
    customers = []
    for i in range(1, n_customers + 1):
        city = weighted_choice(rng, city_weights)
        spec = places["cities"][city]
        estate = rng.choice(places["estates"])
        building, unit, room_no = rng.randint(1, 30), rng.randint(1, 6), rng.randint(1, 32) * 100 + rng.randint(1, 4)
        address = (f"{city}市{rng.choice(spec['districts'])}{rng.choice(spec['roads'])}{rng.randint(1, 999)}号"
                   f"{estate}{building}栋{unit}单元{room_no}室")
        name = rng.choice(people["surnames"]) + rng.choice(people["customer_given"])
        customers.append(Customer(f"C{i:06d}", name, random_phone(rng), city, estate, building, unit, room_no, address))
    return customers
