"""Ingest assets: one local day of the source database, the worker roster, and inbox files."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import pandas as pd
from dagster import (
    AssetExecutionContext,
    Backoff,
    DailyPartitionsDefinition,
    Failure,
    Jitter,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)
from sqlalchemy.exc import OperationalError

from pipelines.resources import InboxResource, SourceDatabaseResource, WarehouseResource

PARTITIONS_START = "2025-01-01"
DAILY_PARTITIONS = DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone="Asia/Shanghai")
DB_RETRY_POLICY = RetryPolicy(max_retries=3, delay=2, backoff=Backoff.EXPONENTIAL,
                              jitter=Jitter.PLUS_MINUS)
INBOX_COLUMNS = ("id", "kind", "worker_id", "order_id", "created_at", "channel", "rating", "text")


@contextmanager
def retry_only_transient() -> Iterator[None]:
    """Let DB_RETRY_POLICY retry transient database errors only; other errors fail at once."""
    try:
        yield
    except (OperationalError, Failure):
        raise
    except Exception as error:
        raise Failure(description=f"{type(error).__name__}: {error}",
                      allow_retries=False) from error


def preview(frame: pd.DataFrame, columns: Iterable[str], rows: int = 5) -> MetadataValue:
    """A small markdown table for the UI (callers pass no raw-text columns: PII)."""
    shown = frame.loc[:, [c for c in columns if c in frame.columns]].head(rows)
    if shown.empty:
        return MetadataValue.md("_no rows_")
    cell = lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) \
        else str(v).replace("|", "\\|").replace("\n", " ")[:80]
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in shown.itertuples(index=False)]
    return MetadataValue.md("\n".join(lines))


class _FirstChunk:
    """Pass chunks through while keeping the first one (for the preview)."""

    def __init__(self, chunks: Iterable[pd.DataFrame]) -> None:
        self._chunks = chunks
        self.first: pd.DataFrame = pd.DataFrame()

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for chunk in self._chunks:
            if self.first.empty:
                self.first = chunk
            yield chunk


def _ingest_day(context: AssetExecutionContext, source_db: SourceDatabaseResource,
                warehouse: WarehouseResource, source_table: str, target: str,
                preview_columns: tuple[str, ...]) -> MaterializeResult:
    day = context.partition_key
    chunks = _FirstChunk(source_db.get().iter_day(source_table, day))
    rows = warehouse.get().replace_partition(target, day, chunks)
    context.log.info("%s %s: %d rows", target, day, rows)
    return MaterializeResult(metadata={"rows": rows, "table": target,
                                       "preview": preview(chunks.first, preview_columns)})


@asset(group_name="ingest", partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       kinds={"sql"})
def raw_reviews(context: AssetExecutionContext, source_db: SourceDatabaseResource,
                warehouse: WarehouseResource) -> MaterializeResult:
    """Reviews created on the partition's local day, copied from the source database."""
    with retry_only_transient():
        return _ingest_day(context, source_db, warehouse, "reviews", "raw_reviews",
                           ("review_id", "worker_id", "created_at", "rating", "channel"))


@asset(group_name="ingest", partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       kinds={"sql"})
def raw_complaints(context: AssetExecutionContext, source_db: SourceDatabaseResource,
                   warehouse: WarehouseResource) -> MaterializeResult:
    """Complaint records created on the partition's local day, from the source database."""
    with retry_only_transient():
        return _ingest_day(context, source_db, warehouse, "complaints", "raw_complaints",
                           ("complaint_id", "worker_id", "channel", "created_at", "status"))


@asset(group_name="ingest", partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       kinds={"sql"})
def raw_orders(context: AssetExecutionContext, source_db: SourceDatabaseResource,
               warehouse: WarehouseResource) -> MaterializeResult:
    """Orders scheduled on the partition's local day, from the source database."""
    with retry_only_transient():
        return _ingest_day(context, source_db, warehouse, "orders", "raw_orders",
                           ("order_id", "worker_id", "service_type", "scheduled_start", "status"))


@asset(group_name="ingest", retry_policy=DB_RETRY_POLICY, kinds={"sql"})
def worker_roster(context: AssetExecutionContext, source_db: SourceDatabaseResource,
                  warehouse: WarehouseResource) -> MaterializeResult:
    """Snapshot of the source `workers` table (replaced whole on each run)."""
    snapshot_day = now_local().date().isoformat()
    with retry_only_transient():
        workers = source_db.get().read_workers()
        rows = warehouse.get().replace_table("worker_roster", workers, partition_date=snapshot_day)
    cities = workers["city"].value_counts().head(10).to_dict()
    return MaterializeResult(metadata={
        "rows": rows, "snapshot_day": snapshot_day, "workers_by_city": MetadataValue.json(cities),
        "preview": preview(workers, ("worker_id", "service_types", "city", "hire_date"))})


def inbox_partition_dates(created_at: pd.Series, received_day: str,
                          first_day: str = PARTITIONS_START) -> pd.Series:
    """The daily partition of each inbox row: its created_at date when that is a valid past
    partition, else the day the file arrived (where the feedback stage rejects it with a reason)."""
    parsed = pd.to_datetime(created_at.astype("str"), errors="coerce", format="mixed")
    days = parsed.dt.strftime("%Y-%m-%d")
    usable = days.notna() & (days >= first_day) & (days <= received_day)
    return days.where(usable, received_day).astype("str")


def inbox_rows_for_day(inbox: InboxResource, day: str) -> pd.DataFrame:
    """Rows of every processed inbox file that fall on `day`, in the raw_inbox_feedback layout."""
    frames = []
    for path, meta in inbox.archived():
        if day not in meta.get("partitions", []):
            continue
        rows = inbox.read(path)
        received_day = str(meta["received_at"])[:10]
        rows = rows.loc[inbox_partition_dates(rows["created_at"], received_day) == day]
        frames.append(_inbox_layout(rows, path.name, str(meta["sha256"])))
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in
                             (*INBOX_COLUMNS, "extra", "source_file", "file_sha256", "line",
                              "parse_error")})
    return pd.concat(frames, ignore_index=True)


def _inbox_layout(rows: pd.DataFrame, source_file: str, sha256: str) -> pd.DataFrame:
    out = pd.DataFrame({c: (rows[c].astype("str") if c in rows.columns else None)
                        for c in INBOX_COLUMNS}, index=rows.index)
    extra_columns = [c for c in rows.columns
                     if c not in (*INBOX_COLUMNS, "extra", "line", "parse_error")]
    if "extra" in rows.columns:
        out["extra"] = rows["extra"].astype("str")
    else:
        out["extra"] = [json.dumps({k: (None if pd.isna(v) else str(v)) for k, v in r.items()},
                                   ensure_ascii=False)
                        for r in rows[extra_columns].to_dict("records")] if extra_columns else "{}"
    out["source_file"] = source_file
    out["file_sha256"] = sha256
    out["line"] = rows["line"] if "line" in rows.columns else None
    out["parse_error"] = rows["parse_error"] if "parse_error" in rows.columns else None
    return out.reset_index(drop=True)


@asset(group_name="ingest", partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       kinds={"file"})
def raw_inbox_feedback(context: AssetExecutionContext, inbox: InboxResource,
                       warehouse: WarehouseResource) -> MaterializeResult:
    """Rows of processed inbox files (CSV, JSONL, Excel) whose date is the partition's day."""
    day = context.partition_key
    with retry_only_transient():
        rows = inbox_rows_for_day(inbox, day)
        written = warehouse.get().replace_partition("raw_inbox_feedback", day, rows)
    files = sorted(rows["source_file"].unique().tolist()) if len(rows) else []
    return MaterializeResult(metadata={
        "rows": written, "files": MetadataValue.json(files),
        "preview": preview(rows, ("id", "kind", "worker_id", "created_at", "source_file"))})


def now_local() -> datetime:
    """Current Asia/Shanghai wall-clock time, naive (the warehouse convention)."""
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
