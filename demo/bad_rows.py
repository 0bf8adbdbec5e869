"""Deliberately bad source rows for the quarantine path, spread evenly over the days."""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from demo.feedback import Row
from demo.fragments import substream

REVIEW_DEFECT_RATE = 0.010
COMPLAINT_DEFECT_RATE = 0.025
REVIEW_DEFECTS = ("empty_text", "whitespace_text", "unknown_worker", "rating_out_of_range",
                  "duplicate_text", "future_created_at")
COMPLAINT_DEFECTS = ("resolved_before_created", "empty_text", "unknown_worker")


def inject_defects(seed: int, reviews: list[Row], complaints: list[Row],
                   known_workers: set[str]) -> tuple[list[Row], list[Row], Counter[str]]:
    """Spoil a fixed share of each day's rows, cycling through the defect kinds; returns counts per kind."""
    rng = substream(seed, "defects")
    counts: Counter[str] = Counter()
    unknown_ids = (f"W{n}" for n in range(9001, 100000) if f"W{n}" not in known_workers)
    for row, defect in _picks(rng, reviews, REVIEW_DEFECT_RATE, REVIEW_DEFECTS):
        counts[f"review.{defect}"] += 1
        _spoil_review(rng, row, defect, unknown_ids, reviews)
    for row, defect in _picks(rng, complaints, COMPLAINT_DEFECT_RATE, COMPLAINT_DEFECTS):
        counts[f"complaint.{defect}"] += 1
        _spoil_complaint(rng, row, defect, unknown_ids)
    return reviews, complaints, counts


def _picks(rng: random.Random, rows: list[Row], rate: float, defects: tuple[str, ...]) -> list[tuple[Row, str]]:
    """Per day, round(rate * rows so far) rows (carrying the remainder), defects in rotation."""
    by_day: dict[date, list[Row]] = {}
    for row in rows:
        by_day.setdefault(row["created_at"].date(), []).append(row)
    picks, carry, turn = [], 0.0, 0
    for day in sorted(by_day):
        carry += rate * len(by_day[day])
        k = min(int(carry), len(by_day[day]))
        carry -= k
        for row in rng.sample(by_day[day], k):
            picks.append((row, defects[turn % len(defects)]))
            turn += 1
    return picks


def _spoil_review(rng: random.Random, row: Row, defect: str, unknown_ids: Iterator[str], reviews: list[Row]) -> None:
    if defect == "empty_text":
        row["text"] = ""
    elif defect == "whitespace_text":
        row["text"] = rng.choice(("   ", "\n", " \t \n"))
    elif defect == "unknown_worker":
        row["worker_id"] = next(unknown_ids)
    elif defect == "rating_out_of_range":
        row["rating"] = rng.choice((0, 6))
    elif defect == "duplicate_text":  # the app submitted the same review twice
        reviews.append(row | {"created_at": row["created_at"] + timedelta(seconds=rng.randint(1, 120))})
    elif defect == "future_created_at":  # a device clock a year ahead
        row["created_at"] = row["created_at"] + timedelta(days=365)


def _spoil_complaint(rng: random.Random, row: Row, defect: str, unknown_ids: Iterator[str]) -> None:
    if defect == "resolved_before_created":
        row["resolved_at"] = row["created_at"] - timedelta(seconds=rng.randint(3600, 30 * 3600))
        row["status"] = "resolved"
    elif defect == "empty_text":
        row["agent_text"] = rng.choice(("", "  "))
    elif defect == "unknown_worker":
        row["worker_id"] = next(unknown_ids)
