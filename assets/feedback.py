"""Feedback assets: validated, normalised, PII-masked, de-duplicated feedback, and its classification.

Every source row of a partition ends in exactly one place: merged into one `feedback` record
(counted by `n_sources`) or in `rejected_feedback` (stage `feedback`) with a rule and a reason.
The rules and the de-duplication live in `spine`; the day is processed in ranges of workers, so
memory does not grow with the day.
"""

from collections import deque
from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from assets.ingest import (
    DAILY_PARTITIONS,
    DB_RETRY_POLICY,
    now_local,
    preview,
    raw_complaints,
    raw_inbox_feedback,
    raw_reviews,
    retry_only_transient,
    worker_roster,
)
from pipelines.resources import ClassifierResource, WarehouseResource, in_backfill
from spine.buckets import build_day
from spine.rows import STAGE
from spine.summary import DaySummary
from storage.tables import CLASSIFIED_FEEDBACK, FEEDBACK

CLASSIFIER_COLUMNS = [c.name for c in CLASSIFIED_FEEDBACK.columns
                      if c.name not in FEEDBACK.c and c.name != "model_version"]


@multi_asset(
    specs=[AssetSpec("feedback", group_name="feedback", kinds={"pandas"},
                     deps=[raw_reviews, raw_complaints, raw_inbox_feedback, worker_roster],
                     description="Normalised, PII-masked, de-duplicated feedback of a day."),
           AssetSpec("rejected_feedback", group_name="feedback", kinds={"pandas"},
                     deps=[raw_reviews, raw_complaints, raw_inbox_feedback, worker_roster],
                     description="Source rows that failed a row rule, with the rule and reason.")],
    partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY)
def feedback_records(context: AssetExecutionContext,
                     warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    """Validate, clean and de-duplicate a day's reviews, complaints and inbox rows."""
    day, store = context.partition_key, warehouse.get()
    summary = DaySummary()
    with retry_only_transient():
        workers = set(store.read_table("worker_roster", ["worker_id"])["worker_id"].dropna())
        if not workers:  # else every row would be rejected as "unknown worker"
            raise Failure("worker_roster is empty: materialize worker_roster first",
                          allow_retries=False)
        pieces = build_day(store, day, workers, now_local())
        store.replace_partitions_streamed(day, ("feedback", "rejected_feedback"),
                                          summary.tables(pieces),
                                          scopes={"rejected_feedback": {"stage": STAGE}})
    records = summary.records_head if summary.records_head is not None else pd.DataFrame()
    rejected = summary.rejected_head if summary.rejected_head is not None else pd.DataFrame()
    yield MaterializeResult(asset_key="feedback", metadata={
        "rows": summary.records, "source_rows": summary.source_rows,
        "merged_records": summary.merged_records,
        "by_kind": MetadataValue.json(dict(summary.by_kind)),
        "preview": preview(records, ("feedback_id", "channels", "n_sources", "rating", "text"))})
    yield MaterializeResult(asset_key="rejected_feedback", metadata={
        "rows": summary.rejected, "by_rule": MetadataValue.json(dict(summary.by_rule)),
        "preview": preview(rejected, ("source_table", "source_id", "rule", "reason"))})


def classify_chunks(chunks: Iterator[pd.DataFrame], classifier: ClassifierResource,
                    version: str, processes: int | None = None) -> Iterator[pd.DataFrame]:
    """Append the classifier columns to each chunk of feedback records."""
    waiting: deque[pd.DataFrame] = deque()  # chunks whose predictions are still being computed

    def texts() -> Iterator[list[str]]:
        for chunk in chunks:
            waiting.append(chunk)
            yield chunk["text"].fillna("").tolist()

    for predicted in classifier.predict_chunks(texts(), processes):
        labelled = waiting.popleft().drop(columns=["partition_date"]).reset_index(drop=True)
        for column in CLASSIFIER_COLUMNS:
            labelled[column] = predicted[column] if column in predicted else None
        labelled["model_version"] = version
        yield labelled


@asset(group_name="feedback", partitions_def=DAILY_PARTITIONS, deps=["feedback"],
       retry_policy=DB_RETRY_POLICY, kinds={"pytorch"})
def classified_feedback(context: AssetExecutionContext, warehouse: WarehouseResource,
                        classifier: ClassifierResource) -> MaterializeResult:
    """Each feedback record with aspects, categories, sub-reasons, sentiment and evidence."""
    day, store = context.partition_key, warehouse.get()
    with retry_only_transient():
        processes = classifier.processes_for(store.count_partition("feedback", day),
                                             in_backfill=in_backfill(context.run.tags))
        classifier.start_workers(processes)  # their model loads overlap this process's
        version = classifier.version
        chunks = store.iter_partition_chunks("feedback", day, chunk_rows=classifier.batch_size)
        rows = store.replace_partition("classified_feedback", day,
                                       classify_chunks(chunks, classifier, version, processes))
        summary = store.read_partition("classified_feedback", day,
                                       ["feedback_id", "category", "confidence", "n_sources"])
    return MaterializeResult(metadata={
        "rows": rows, "model_version": version, "classifier_processes": processes,
        "source_rows_covered": int(summary["n_sources"].sum()),
        "categories": MetadataValue.json(summary["category"].value_counts().to_dict()),
        "mean_confidence": float(summary["confidence"].mean()) if rows else 0.0,
        "preview": preview(summary, ("feedback_id", "category", "confidence"))})
