"""`make demo`: demo source, default model, inbox sample, 14 daily partitions, then a summary.

Safe to repeat: the source and the model are built only when missing, an inbox sample is dropped
only once, and every partition is rewritten in place, so a second run changes no row counts.
"""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from storage import config

DEMO_DAYS = 60  # generated history (scores use a 30-day window)
MATERIALIZED_DAYS = 14
DEMO_SEED = 7


def say(line: str) -> None:
    """Progress on stdout, flushed so `make` shows it at once."""
    print(line, flush=True)


def yesterday_local() -> date:
    from assets.ingest import now_local
    return now_local().date() - timedelta(days=1)


def ensure_source(url: str) -> date:
    """Generate the demo company into the source database unless it holds one; its last day."""
    from storage.source import SourceDatabase

    try:
        today = yesterday_local() + timedelta(days=1)
        last = SourceDatabase(url).latest_day("reviews", before=today)
    except Exception:  # no database or no reviews table yet
        last = None
    if last is not None:
        say(f"source: {url} already holds data up to {last} (kept)")
        return last
    from demo.generate import generate

    end = yesterday_local()
    say(f"source: generating the demo company ({DEMO_DAYS} days up to {end}) into {url} ...")
    started = time.monotonic()
    rows = generate(url, end, days=DEMO_DAYS, seed=DEMO_SEED)
    say(f"source: {rows} in {time.monotonic() - started:.1f} s")
    return end


def choose_backend(model_dir: Path) -> str:
    """'model' when a model exists or `feedback train` builds one, else 'rules' (with a note)."""
    from pipelines.resources import ClassifierResource

    try:
        ClassifierResource(backend="model", model_dir=str(model_dir)).version
        say(f"model: using {model_dir}")
        return "model"
    except FileNotFoundError:
        pass
    except ImportError as error:
        say(f"NOTE: the trained classifier is not available ({error}); using the rule classifier.")
        return "rules"
    say(f"model: none in {model_dir}; training the default model with `feedback train` ...")
    command = [sys.executable, "-m", "pipelines.cli", "train", "--output", str(model_dir)]
    if subprocess.run(command, check=False).returncode == 0:
        return "model"
    say("NOTE: `feedback train` did not produce a model; this demo uses the rule classifier "
        "(nlp.rules.RuleClassifier). Run `feedback train` later and `make demo` again.")
    return "rules"


def drop_inbox_sample(day: date) -> None:
    """Put the partner exports of `day` in the inbox once and archive them as the sensor would."""
    from demo.inbox_sample import write_inbox_sample
    from pipelines.definitions import inbox_run_requests
    from pipelines.resources import InboxResource

    inbox = InboxResource(path=str(config.default_inbox()))
    stamp = day.strftime("%Y%m%d")
    if any(stamp in path.name for path, _ in inbox.archived()):
        say(f"inbox: sample for {day} already processed (kept)")
        return
    write_inbox_sample(inbox.root, day, seed=DEMO_SEED)
    # Arrived at the end of that day, so undated or broken lines also fall on a demo partition.
    received = datetime.combine(day, datetime.min.time()) + timedelta(hours=23, minutes=30)
    inbox_run_requests(inbox, logging.getLogger("demo"), received=received)
    say(f"inbox: partner exports for {day} archived under {inbox.processed_dir}")


def print_summary(days: list[str]) -> None:
    """Rows per table, complaint categories, the five lowest-scoring workers, how to browse."""
    from pipelines.run_cli import partition_counts, print_counts
    from storage.warehouse import Warehouse

    say("")
    say(f"=== summary for {days[0]} .. {days[-1]} ===")
    print_counts(partition_counts(days), say)
    store = Warehouse(config.default_warehouse_url())
    classified = store.read_range("classified_feedback", days[0], days[-1],
                                  ["kind", "category"])
    complaints = classified.loc[classified["kind"] == "complaint", "category"].value_counts()
    say("complaint categories: " + ", ".join(f"{k} {v}" for k, v in complaints.items()))
    _print_lowest_workers(store, days[-1])
    say("")
    say("browse it: `make ui`, then open http://127.0.0.1:3000 (Dagster UI: assets, checks, runs)")


def _print_lowest_workers(store, day: str) -> None:
    try:
        cards = store.read_partition("worker_scorecards", day)
    except KeyError:
        say("worker scores: not available (the scores assets are not installed)")
        return
    if cards.empty:
        say("worker scores: none for the last day")
        return
    if "ranked" in cards:
        cards = cards.loc[cards["ranked"].fillna(0).astype(int) == 1] if \
            cards["ranked"].fillna(0).astype(int).any() else cards
    lowest = cards.sort_values("composite").head(5)
    say("5 lowest-scoring workers (30-day composite, 0-100):")
    for card in lowest.to_dict("records"):
        say(f"  {card['worker_id']} {card.get('name') or '':<6} {card['composite']:6.1f}  "
            f"{card.get('top_subreasons') or ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.demo_run", description=__doc__)
    parser.add_argument("--backend", choices=("auto", "model", "rules"), default="auto",
                        help="classifier: auto = the trained model, built if missing (default)")
    args = parser.parse_args(argv)
    source_url = config.default_source_url()
    last_day = ensure_source(source_url)
    backend = args.backend if args.backend != "auto" else \
        choose_backend(config.default_model_dir())
    days = [(last_day - timedelta(days=i)).isoformat() for i in range(MATERIALIZED_DAYS)][::-1]
    drop_inbox_sample(last_day)
    from pipelines.run_cli import run_days

    say(f"pipeline: materializing every asset for {days[0]} .. {days[-1]} "
        f"({len(days)} partitions, classifier backend: {backend}) ...")
    started = time.monotonic()
    outcomes = run_days(days, backend, say)
    say(f"pipeline: {len(days)} partitions in {time.monotonic() - started:.0f} s")
    print_summary(days)
    failed = [day for day, success, _ in outcomes if not success]
    if failed:
        say(f"FAILED partitions: {', '.join(failed)} (see `make ui` -> Runs)")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
    sys.exit(main())
