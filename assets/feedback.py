"""Feedback assets: validated, normalised, PII-masked, de-duplicated feedback, and its classification.

Every source row of a partition ends in exactly one place: merged into one `feedback` record
(counted by `n_sources`) or in `rejected_feedback` (stage `feedback`) with a rule and a reason.
"""

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime

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
from pipelines.resources import ClassifierResource, WarehouseResource
from storage.warehouse import CLASSIFIED_FEEDBACK, FEEDBACK

STAGE = "feedback"
FEEDBACK_COLUMNS = [c.name for c in FEEDBACK.columns if c.name != "partition_date"]
CLASSIFIER_COLUMNS = [c.name for c in CLASSIFIED_FEEDBACK.columns
                      if c.name not in FEEDBACK.c and c.name != "model_version"]
STATUS_RANK = {"open": 0, "in_progress": 1, "resolved": 2, "closed": 3}
KINDS = ("review", "complaint")


def _text(series: pd.Series) -> pd.Series:
    return series.astype("str").str.strip()


def candidates(reviews: pd.DataFrame, complaints: pd.DataFrame,
               inbox: pd.DataFrame) -> pd.DataFrame:
    """All source rows of a day in one layout (one row per source row, nothing dropped)."""
    parts = [
        pd.DataFrame({
            "source_table": "raw_reviews", "source_id": _text(reviews["review_id"]),
            "feedback_id": "review:" + _text(reviews["review_id"]), "kind": "review",
            "channel": _text(reviews["channel"]), "worker_id": _text(reviews["worker_id"]),
            "order_id": _text(reviews["order_id"]), "customer_id": _text(reviews["customer_id"]),
            "created_at": reviews["created_at"], "created_at_raw": _text(reviews["created_at"]),
            "rating_raw": _text(reviews["rating"]), "raw_text": reviews["text"]}),
        pd.DataFrame({
            "source_table": "raw_complaints", "source_id": _text(complaints["complaint_id"]),
            "feedback_id": "complaint:" + _text(complaints["complaint_id"]), "kind": "complaint",
            "channel": _text(complaints["channel"]), "worker_id": _text(complaints["worker_id"]),
            "order_id": _text(complaints["order_id"]),
            "customer_id": _text(complaints["customer_id"]),
            "created_at": complaints["created_at"],
            "created_at_raw": _text(complaints["created_at"]), "rating_raw": pd.NA,
            "raw_text": complaints["agent_text"],
            "first_response_at": complaints["first_response_at"],
            "resolved_at": complaints["resolved_at"],
            "agent_category": _text(complaints["agent_category"]),
            "status": _text(complaints["status"])}),
        pd.DataFrame({
            "source_table": "raw_inbox_feedback",
            "source_id": _text(inbox["id"]).fillna(
                inbox["source_file"].astype("str") + "#line" + _text(inbox.get("line", pd.Series(
                    None, index=inbox.index, dtype="str"))).fillna("?")),
            "has_id": _text(inbox["id"]).fillna("") != "",
            "feedback_id": "inbox:" + inbox["file_sha256"].astype("str").str[:8] + ":"
                           + _text(inbox["id"]),
            "kind": _text(inbox["kind"]).str.lower(),
            "channel": _text(inbox["channel"]).str.lower().fillna("inbox"),
            "worker_id": _text(inbox["worker_id"]), "order_id": _text(inbox["order_id"]),
            "created_at": pd.to_datetime(inbox["created_at"], errors="coerce", format="mixed"),
            "created_at_raw": _text(inbox["created_at"]), "rating_raw": _text(inbox["rating"]),
            "raw_text": inbox["text"], "source_file": inbox["source_file"],
            "parse_error": inbox["parse_error"] if "parse_error" in inbox else None}),
    ]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else parts[0].iloc[0:0]
    for column in ("first_response_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame.get(column), errors="coerce")
    frame["has_id"] = frame.get("has_id", pd.Series(True, index=frame.index)).fillna(
        frame["source_id"].fillna("") != "").astype(bool)
    for column in ("customer_id", "agent_category", "status", "source_file", "parse_error"):
        if column not in frame:
            frame[column] = pd.NA
    frame["created_at"] = pd.to_datetime(frame["created_at"], errors="coerce")
    frame["rating"] = pd.to_numeric(frame["rating_raw"], errors="coerce")
    frame["empty_text"] = frame["raw_text"].isna()
    return frame


def clean_texts(texts: pd.Series) -> pd.Series:
    """Normalise then mask personal data (names, phones, addresses) in each text."""
    from nlp.text import mask_pii, normalise
    return pd.Series([mask_pii(normalise(None if pd.isna(t) else str(t))) for t in texts],
                     index=texts.index, dtype="str")


def _first_rule(frame: pd.DataFrame, known_workers: set[str], now: datetime,
                day: str | None = None) -> pd.Series:
    """The first failed row rule of each row, or NA."""
    rating = frame["rating"]
    off_day = (frame["created_at"].dt.strftime("%Y-%m-%d") != day) if day else \
        pd.Series(False, index=frame.index)
    is_review = frame["kind"] == "review"
    checks: list[tuple[str, pd.Series]] = [
        ("unreadable_line", frame["parse_error"].notna()),
        ("missing_id", ~frame["has_id"]),
        ("unknown_kind", ~frame["kind"].isin(KINDS)),
        ("missing_text", frame["text"].fillna("").str.strip() == ""),
        ("unparseable_date", frame["created_at"].isna()),
        ("future_date", (frame["created_at"] > now) | (frame["first_response_at"] > now)
         | (frame["resolved_at"] > now)),
        ("outside_partition_day", off_day & frame["created_at"].notna()),
        ("unknown_worker", ~frame["worker_id"].isin(known_workers)),
        ("rating_out_of_range", is_review & ~(rating.between(1, 5) & (rating % 1 == 0))),
        ("responded_before_created", frame["first_response_at"] < frame["created_at"]),
        ("resolved_before_created", frame["resolved_at"] < frame["created_at"]),
        ("resolved_before_response", frame["resolved_at"] < frame["first_response_at"]),
    ]
    rule = pd.Series(pd.NA, index=frame.index, dtype="object")
    for name, failed in checks:
        rule = rule.mask(rule.isna() & failed.fillna(False).astype(bool), name)
    return rule


def _reason(row: pd.Series) -> str:
    reasons = {
        "unreadable_line": f"{row['source_id']} could not be read: {row['parse_error']}",
        "missing_id": "the row has no id",
        "unknown_kind": f"kind {row['kind']!r} is not review or complaint",
        "missing_text": "the text is empty (after normalisation)",
        "unparseable_date": f"created_at {row['created_at_raw']!r} is not a date-time",
        "future_date": "a timestamp lies in the future "
                       f"(created_at {row['created_at']}, resolved_at {row['resolved_at']})",
        "outside_partition_day": f"created_at {row['created_at_raw']!r} is not on the partition "
                                 "day (an inbox row dated before the first partition lands on "
                                 "its arrival day)",
        "unknown_worker": f"worker_id {row['worker_id']!r} is not in the worker roster",
        "rating_out_of_range": f"rating {row['rating_raw']!r} is not an integer from 1 to 5",
        "responded_before_created": f"first response {row['first_response_at']} is before "
                                    f"creation {row['created_at']}",
        "resolved_before_created": f"resolved {row['resolved_at']} is before creation "
                                   f"{row['created_at']}",
        "resolved_before_response": f"resolved {row['resolved_at']} is before first response "
                                    f"{row['first_response_at']}",
        "duplicate_id": "the id appeared earlier with different content",
        "duplicate_row": "the id appeared earlier with identical content",
    }
    return reasons[row["rule"]]


def _mark_duplicate_ids(frame: pd.DataFrame) -> pd.Series:
    """duplicate_id / duplicate_row for repeats of a feedback_id among otherwise valid rows."""
    content = ["kind", "worker_id", "order_id", "created_at_raw", "rating_raw", "text"]
    repeated = frame.duplicated("feedback_id", keep="first")
    identical = frame.duplicated(["feedback_id", *content], keep="first")
    rule = pd.Series(pd.NA, index=frame.index, dtype="object")
    rule = rule.mask(repeated & identical, "duplicate_row")
    return rule.mask(repeated & ~identical, "duplicate_id")


def rejections(frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """`rejected_feedback` rows for the rows that carry a rule (payload masked)."""
    bad = frame.loc[frame["rule"].notna()]
    payload_columns = ["feedback_id", "kind", "channel", "worker_id", "order_id", "customer_id",
                       "created_at_raw", "rating_raw", "text", "source_file"]
    payloads = [json.dumps({k: (None if pd.isna(v) else str(v)) for k, v in r.items()},
                           ensure_ascii=False) for r in bad[payload_columns].to_dict("records")]
    return pd.DataFrame({
        "source_table": bad["source_table"], "source_id": bad["source_id"].fillna(""),
        "stage": STAGE, "rule": bad["rule"], "reason": bad.apply(_reason, axis=1) if len(bad)
        else pd.Series([], dtype="str"), "payload": payloads, "rejected_at": now,
    }).reset_index(drop=True)


def _dedup_key(frame: pd.DataFrame) -> pd.Series:
    """Same complaint = same order and worker; otherwise same kind, worker, order and text."""
    order = frame["order_id"].fillna("")
    by_order = "complaint|" + order + "|" + frame["worker_id"]
    by_text = frame["kind"] + "|" + frame["worker_id"] + "|" + order + "|" + frame["text_hash"]
    return by_order.where((frame["kind"] == "complaint") & (order != ""), by_text)


def _join_unique(values: pd.Series) -> str:
    return ";".join(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def merge_duplicates(valid: pd.DataFrame) -> pd.DataFrame:
    """One record per dedup key: the earliest row, listing every source id and channel."""
    if valid.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in FEEDBACK_COLUMNS})
    rows = valid.assign(key=_dedup_key(valid)).sort_values(
        ["created_at", "feedback_id"], kind="stable")
    groups = rows.groupby("key", sort=False)
    merged = groups.first().reset_index()  # first non-null per column, in time order
    firsts = groups.head(1).set_index("key")
    for column in ("feedback_id", "channel", "worker_id", "order_id", "created_at", "text",
                   "text_hash", "rating", "customer_id"):
        merged[column] = merged["key"].map(firsts[column])
    merged["source_ids"] = merged["key"].map(groups["feedback_id"].agg(";".join))
    merged["n_sources"] = merged["key"].map(groups.size())
    merged["channels"] = merged["key"].map(groups["channel"].agg(_join_unique))
    merged["first_response_at"] = merged["key"].map(groups["first_response_at"].min())
    merged["resolved_at"] = merged["key"].map(groups["resolved_at"].min())
    rank = rows["status"].map(STATUS_RANK)
    best = rows.assign(rank=rank).sort_values("rank", kind="stable").groupby("key")["status"].last()
    merged["status"] = merged["key"].map(best)
    merged["rating"] = merged["rating"].where(merged["kind"] == "review").astype("Int64")
    return merged.sort_values(["created_at", "feedback_id"]).loc[:, FEEDBACK_COLUMNS] \
        .reset_index(drop=True)


def build_feedback(reviews: pd.DataFrame, complaints: pd.DataFrame, inbox: pd.DataFrame,
                   known_workers: set[str], now: datetime,
                   day: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(feedback records, rejected rows) for one day; every input row lands in exactly one."""
    frame = candidates(reviews, complaints, inbox)
    frame["text"] = clean_texts(frame["raw_text"])
    frame["text_hash"] = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in frame["text"]]
    frame = frame.sort_values(["created_at", "source_table", "source_id"], kind="stable")
    frame["rule"] = _first_rule(frame, known_workers, now, day)
    valid = frame["rule"].isna()
    frame.loc[valid, "rule"] = _mark_duplicate_ids(frame.loc[valid])
    return merge_duplicates(frame.loc[frame["rule"].isna()]), rejections(frame, now)


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
    with retry_only_transient():
        sources = {t: store.read_partition(t, day)
                   for t in ("raw_reviews", "raw_complaints", "raw_inbox_feedback")}
        workers = set(store.read_table("worker_roster", ["worker_id"])["worker_id"].dropna())
        if not workers:  # else every row would be rejected as "unknown worker"
            raise Failure("worker_roster is empty: materialize worker_roster first",
                          allow_retries=False)
        records, rejected = build_feedback(sources["raw_reviews"], sources["raw_complaints"],
                                           sources["raw_inbox_feedback"], workers, now_local(), day)
        store.replace_partitions(day, {"feedback": records, "rejected_feedback": rejected},
                                 scopes={"rejected_feedback": {"stage": STAGE}})
    source_rows = sum(len(f) for f in sources.values())
    yield MaterializeResult(asset_key="feedback", metadata={
        "rows": len(records), "source_rows": source_rows,
        "merged_records": int((records["n_sources"] > 1).sum()),
        "by_kind": MetadataValue.json(records["kind"].value_counts().to_dict()),
        "preview": preview(records, ("feedback_id", "channels", "n_sources", "rating", "text"))})
    yield MaterializeResult(asset_key="rejected_feedback", metadata={
        "rows": len(rejected),
        "by_rule": MetadataValue.json(rejected["rule"].value_counts().to_dict()),
        "preview": preview(rejected, ("source_table", "source_id", "rule", "reason"))})


def classify_chunks(chunks: Iterator[pd.DataFrame], classifier: ClassifierResource,
                    version: str) -> Iterator[pd.DataFrame]:
    """Append the classifier columns to each chunk of feedback records."""
    for chunk in chunks:
        predicted = classifier.predict(chunk["text"].fillna("").tolist())
        labelled = chunk.drop(columns=["partition_date"]).reset_index(drop=True)
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
        version = classifier.version
        chunks = store.iter_partition_chunks("feedback", day, chunk_rows=classifier.batch_size)
        rows = store.replace_partition("classified_feedback", day,
                                       classify_chunks(chunks, classifier, version))
        summary = store.read_partition("classified_feedback", day,
                                       ["feedback_id", "category", "confidence", "n_sources"])
    return MaterializeResult(metadata={
        "rows": rows, "model_version": version,
        "source_rows_covered": int(summary["n_sources"].sum()),
        "categories": MetadataValue.json(summary["category"].value_counts().to_dict()),
        "mean_confidence": float(summary["confidence"].mean()) if rows else 0.0,
        "preview": preview(summary, ("feedback_id", "category", "confidence"))})
