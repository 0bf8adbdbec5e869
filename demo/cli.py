"""`feedback demo`: generate the fictional company into the source database (and optionally inbox files)."""
from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def yesterday_in_shanghai() -> date:
    """The last complete local day: the partition the 02:00 schedule would run."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="source database SQLAlchemy URL (default: FEEDBACK_SOURCE_URL or sqlite:///var/source.db)")
    parser.add_argument("--end-date", type=date.fromisoformat, default=None,
                        help="last day of data, YYYY-MM-DD (default: yesterday, Asia/Shanghai)")
    parser.add_argument("--days", type=int, default=60, help="number of days of orders and feedback (default 60)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; same seed, same company (default 7)")
    parser.add_argument("--workers", type=int, default=200, help="number of workers (default 200)")
    parser.add_argument("--inbox-sample", metavar="DIR", default=None,
                        help="also write a partner CSV (GBK) and JSONL export for the end date into DIR")


def run(args: argparse.Namespace) -> int:
    import time

    from demo.generate import build, write_tables
    from demo.inbox_sample import write_inbox_sample
    from storage.config import default_source_url

    url = args.url or default_source_url()
    end_date = args.end_date or yesterday_in_shanghai()
    started = time.perf_counter()
    tables, defects = build(end_date, args.days, args.seed, args.workers)
    counts = write_tables(url, tables)
    first_day = end_date - timedelta(days=args.days - 1)
    print(f"demo company written to {url} ({first_day} .. {end_date}, seed {args.seed}) "
          f"in {time.perf_counter() - started:.1f} s")
    for table, n in counts.items():
        print(f"  {table:<22} {n:>7}")
    print(f"  deliberately bad rows: {sum(defects.values())} ("
          + ", ".join(f"{kind} {n}" for kind, n in sorted(defects.items())) + ")")
    if args.inbox_sample:
        for path in write_inbox_sample(args.inbox_sample, end_date, seed=args.seed, workers=args.workers):
            print(f"  inbox sample: {path}")
    return 0
