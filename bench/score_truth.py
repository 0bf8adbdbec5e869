"""Truth test of the worker scores on the demo company: do they recover the hidden quality?

Builds the demo company in memory (demo.generate.build), runs the spine's feedback function and a
classifier day by day into a temporary SQLite warehouse, scores the last window exactly as the
assets do, and compares with `worker_latent_quality`:

    .venv/bin/python -m bench.score_truth --workers 200 --days 30 [--classifier rules|model]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

import scoring.tables  # noqa: F401  registers the scoring tables
from scoring import pipeline
from storage.warehouse import Warehouse

DEMO_END = date(2026, 3, 31)
ORDER_COLUMNS = ("order_id", "customer_id", "worker_id", "service_type", "city",
                 "scheduled_start", "actual_arrival", "duration_hours", "rework", "status")
ROSTER_COLUMNS = ("worker_id", "name", "service_types", "city", "hire_date")
# the archetype built to show each training category
TRUTH_CATEGORY = {"late": "logistics", "rude": "attitude"}


class Classifier(Protocol):
    def predict(self, texts: list[str]) -> pd.DataFrame: ...


def make_classifier(kind: str) -> Classifier:
    """The rule baseline (no training needed) or the trained model from FEEDBACK_MODEL_DIR."""
    if kind == "rules":
        from nlp.rules import RuleClassifier

        return RuleClassifier()
    from nlp.classify import load_classifier
    from storage.config import default_model_dir

    return load_classifier(default_model_dir())


def demo_frames(workers: int, days: int, seed: int,
                end: date = DEMO_END) -> dict[str, pd.DataFrame]:
    """The demo company's source tables as DataFrames (nothing written to a source database)."""
    from demo.generate import build

    tables, _ = build(end, days, seed, workers)
    return {name: pd.DataFrame(rows) for name, rows in tables.items()}


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d")


def classify_day(reviews: pd.DataFrame, complaints: pd.DataFrame, known: set[str], now: datetime,
                 classifier: Classifier) -> pd.DataFrame:
    """The spine's feedback records of a day plus the classifier columns (classified_feedback)."""
    from assets.feedback import CLASSIFIER_COLUMNS
    from spine.merge import build_feedback

    inbox = pd.DataFrame(columns=["id", "kind", "worker_id", "order_id", "created_at", "channel",
                                  "rating", "text", "source_file", "file_sha256"])
    records, _ = build_feedback(reviews, complaints, inbox, known, now)
    predicted = classifier.predict(records["text"].fillna("").tolist())
    for column in CLASSIFIER_COLUMNS:
        records[column] = predicted[column].to_numpy() if column in predicted else None
    records["model_version"] = type(classifier).__name__
    return records


def load_demo(warehouse: Warehouse, frames: dict[str, pd.DataFrame],
              classifier: Classifier) -> list[str]:
    """Write roster, raw_orders, classified_feedback and worker_daily_scores day by day."""
    orders, reviews, complaints = frames["orders"], frames["reviews"], frames["complaints"]
    order_day, review_day, complaint_day = (_day(orders["scheduled_start"]),
                                            _day(reviews["created_at"]),
                                            _day(complaints["created_at"]))
    days = sorted(set(order_day))
    warehouse.replace_table("worker_roster", frames["workers"][list(ROSTER_COLUMNS)], days[-1])
    known = set(frames["workers"]["worker_id"])
    now = datetime.fromisoformat(days[-1]) + timedelta(days=1)
    for day in days:
        warehouse.replace_partition("raw_orders", day,
                                    orders.loc[order_day == day, list(ORDER_COLUMNS)])
        classified = classify_day(reviews[review_day == day], complaints[complaint_day == day],
                                  known, now, classifier)
        warehouse.replace_partition("classified_feedback", day, classified)
        warehouse.replace_partition("worker_daily_scores", day,
                                    pipeline.compute_daily(warehouse, day))
    return days


@dataclass(frozen=True)
class TruthReport:
    spearman: float
    eligible_workers: int
    by_category: pd.DataFrame  # category, truth, flagged, hits, precision, recall
    precision: float
    recall: float
    seconds: float

    def lines(self) -> list[str]:
        rows = [f"workers with >= 10 orders: {self.eligible_workers}",
                f"Spearman(latent overall, composite): {self.spearman:.3f}",
                f"training flags vs archetypes (late->logistics, rude->attitude): "
                f"precision {self.precision:.3f}, recall {self.recall:.3f}",
                self.by_category.to_string(index=False),
                f"seconds: {self.seconds:.1f}"]
        return rows


def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


def truth_report(cards: pd.DataFrame, training: pd.DataFrame, latent: pd.DataFrame,
                 min_orders: int = 10, seconds: float = 0.0) -> TruthReport:
    """Spearman over workers with enough orders; precision/recall of (worker, category) flags."""
    merged = cards.merge(latent, on="worker_id")
    eligible = merged[merged["orders"] >= min_orders]
    spearman = float(eligible["overall"].corr(eligible["composite"], method="spearman"))
    ids = set(eligible["worker_id"])
    archetypes = zip(eligible["worker_id"], eligible["archetype"], strict=True)
    truth = {(w, TRUTH_CATEGORY[a]) for w, a in archetypes if a in TRUTH_CATEGORY}
    flagged = {(w, c) for w, c in zip(training["worker_id"], training["category"], strict=True)
               if w in ids and c in TRUTH_CATEGORY.values()}
    rows = []
    for archetype, category in TRUTH_CATEGORY.items():
        want = {p for p in truth if p[1] == category}
        got = {p for p in flagged if p[1] == category}
        rows.append({"archetype": archetype, "category": category, "truth": len(want),
                     "flagged": len(got), "hits": len(want & got),
                     "precision": round(_share(len(want & got), len(got)), 3),
                     "recall": round(_share(len(want & got), len(want)), 3)})
    hits = len(truth & flagged)
    return TruthReport(spearman, len(eligible), pd.DataFrame(rows), _share(hits, len(flagged)),
                       _share(hits, len(truth)), seconds)


def run_truth(workers: int = 200, days: int = 30, seed: int = 7, classifier: str = "rules",
              workdir: Path | None = None) -> TruthReport:
    """Generate, classify, score and compare; everything in a temporary warehouse."""
    started = time.perf_counter()
    frames = demo_frames(workers, days, seed)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        warehouse = Warehouse(f"sqlite:///{Path(tmp) / 'warehouse.db'}")
        try:
            last = load_demo(warehouse, frames, make_classifier(classifier))[-1]
            cards = pipeline.compute_scorecards(warehouse, last)
            training, _ = pipeline.compute_training(warehouse, last)
        finally:
            warehouse.dispose()
    return truth_report(cards, training, frames["worker_latent_quality"],
                        seconds=time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--classifier", choices=("rules", "model"), default="rules")
    args: Any = parser.parse_args(argv)
    report = run_truth(args.workers, args.days, args.seed, args.classifier)
    print(f"score truth: demo {args.workers} workers x {args.days} days, seed {args.seed}, "
          f"classifier {args.classifier}")
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
