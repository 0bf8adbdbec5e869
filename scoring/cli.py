"""`feedback scorecard`: HR export of one worker's month or of all workers (and team views)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--worker", help="worker id, e.g. W0001")
    who.add_argument("--all", action="store_true", help="every worker's latest scorecard")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--format", choices=("csv", "xlsx", "html"), default="csv")
    parser.add_argument("--by", choices=("city", "service_type"),
                        help="with --all: a team-level view instead of one row per worker")
    parser.add_argument("--output", help="file to write (default: stdout for csv/html, "
                                         "scorecard-<who>-<month>.xlsx for xlsx)")
    parser.add_argument("--warehouse", help="warehouse SQLAlchemy URL (default: "
                                            "FEEDBACK_WAREHOUSE_URL or sqlite:///var/warehouse.db)")


class ScorecardError(Exception):
    """A user-facing problem reported as one line."""


def _warehouse(url: str | None):  # -> Warehouse (imported lazily: fast CLI start)
    import scoring.tables  # noqa: F401  registers the scoring tables
    from storage.config import default_warehouse_url
    from storage.warehouse import Warehouse

    return Warehouse(url or default_warehouse_url())


def _worker_month(warehouse, worker_id: str, month: str):  # -> export.WorkerMonth
    from scoring import export, store

    start, end = export.month_bounds(month)
    if not store.worker_known(warehouse, worker_id):
        raise ScorecardError(f"unknown worker {worker_id!r}")
    history = store.scorecard_history(warehouse, start, end, [worker_id])
    if not len(history):
        raise ScorecardError(f"worker {worker_id} has no scorecard in {month}; "
                             "run the pipeline for that month first")
    day = history["partition_date"].iloc[-1]
    feedback = store.feedback_for_workers(warehouse, start, end, [worker_id])
    return export.WorkerMonth(
        worker_id=worker_id, month=month, history=history, quotes=export.top_quotes(feedback),
        training=store.read_for_workers(warehouse, "training_recommendations", day, day,
                                        [worker_id]),
        incentive=store.read_for_workers(warehouse, "incentive_decisions", day, day, [worker_id]))


def _render_worker(args: argparse.Namespace, warehouse) -> str | bytes:
    from scoring import export

    month = _worker_month(warehouse, args.worker, args.month)
    if args.format == "html":
        return export.worker_html(month)
    return export.worker_xlsx(month) if args.format == "xlsx" else export.worker_csv(month)


def _render_all(args: argparse.Namespace, warehouse) -> str | bytes:
    from scoring import export, store

    if args.format == "html":
        raise ScorecardError("--all exports csv or xlsx; html is per worker (--worker ID)")
    start, end = export.month_bounds(args.month)
    day = store.latest_partition(warehouse, "worker_scorecards", start, end)
    if day is None:
        raise ScorecardError(f"no scorecards in {args.month}; "
                             "run the pipeline for that month first")
    cards = warehouse.read_partition("worker_scorecards", day)
    decisions = warehouse.read_partition("incentive_decisions", day, ["worker_id", "tier"])
    views = {by: export.team_view(cards, by, decisions) for by in ("city", "service_type")}
    if args.format == "xlsx":
        return export.all_xlsx(cards, views)
    return export.all_csv(views[args.by] if args.by else cards)


def _write(content: str | bytes, args: argparse.Namespace) -> None:
    target = args.output
    if target is None and isinstance(content, bytes):
        target = f"scorecard-{args.worker or 'all'}-{args.month}.xlsx"
    if target is None:
        sys.stdout.write(content)
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        if args.by and not args.all:
            raise ScorecardError("--by needs --all")
        warehouse = _warehouse(args.warehouse)
        try:
            render = _render_worker if args.worker else _render_all
            content = render(args, warehouse)
        finally:
            warehouse.dispose()
        _write(content, args)
    except (ScorecardError, ValueError) as error:
        print(f"feedback scorecard: error: {error}", file=sys.stderr)
        return 2
    return 0
