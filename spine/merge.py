"""De-duplication of a day's valid feedback rows into records (pure pandas, no Dagster).

Repeats of one id are `duplicate_row` / `duplicate_id` rejections; the same complaint arriving
by several channels (same order and worker), or the same text twice, becomes one record that
lists every source id and channel. Every key used here contains the row's worker or its id,
which is what lets `spine.buckets` process a day in independent pieces.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd

from spine.rows import candidates, clean_texts, first_rule, rejections
from storage.tables import FEEDBACK

FEEDBACK_COLUMNS = [c.name for c in FEEDBACK.columns if c.name != "partition_date"]
STATUS_RANK = {"open": 0, "in_progress": 1, "resolved": 2, "closed": 3}
TIE_BREAK = ["worker_id", "order_id", "customer_id", "channel", "created_at_raw", "rating_raw",
             "text", "first_response_at", "resolved_at", "agent_category", "status",
             "source_file"]


def mark_duplicate_ids(frame: pd.DataFrame) -> pd.Series:
    """duplicate_id / duplicate_row for repeats of a feedback_id among otherwise valid rows."""
    content = ["kind", "worker_id", "order_id", "created_at_raw", "rating_raw", "text"]
    repeated = frame.duplicated("feedback_id", keep="first")
    identical = frame.duplicated(["feedback_id", *content], keep="first")
    rule = pd.Series(pd.NA, index=frame.index, dtype="object")
    rule = rule.mask(repeated & identical, "duplicate_row")
    return rule.mask(repeated & ~identical, "duplicate_id")


def _dedup_key(frame: pd.DataFrame) -> pd.Series:
    """Same complaint = same order and worker; otherwise same kind, worker, order and text."""
    order = frame["order_id"].fillna("")
    by_order = "complaint|" + order + "|" + frame["worker_id"]
    by_text = frame["kind"] + "|" + frame["worker_id"] + "|" + order + "|" + frame["text_hash"]
    return by_order.where((frame["kind"] == "complaint") & (order != ""), by_text)


def _joined(keys: pd.Series, values: pd.Series, unique: bool = False) -> dict[str, str]:
    """Per key, its values in row order joined by ';' (non-empty text only, once each, when
    `unique`). A dict pass: pandas' per-group Python aggregation costs ~40 µs a group."""
    lists: dict[str, list] = {}
    for key, value in zip(keys.tolist(), values.tolist()):
        lists.setdefault(key, []).append(value)
    if not unique:
        return {key: ";".join(found) for key, found in lists.items()}
    return {key: ";".join(dict.fromkeys(v for v in found if isinstance(v, str) and v))
            for key, found in lists.items()}


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
    merged["source_ids"] = merged["key"].map(_joined(rows["key"], rows["feedback_id"]))
    merged["n_sources"] = merged["key"].map(groups.size())
    merged["channels"] = merged["key"].map(_joined(rows["key"], rows["channel"], unique=True))
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
    frame["text_hash"] = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in frame["text"].tolist()]
    # earliest first; rows that tie (one id twice at the same second) by content, not by the
    # order a database happened to return them in, so any split of the day gives the same result
    frame = frame.sort_values(["created_at", "source_table", "source_id", *TIE_BREAK],
                              kind="stable", na_position="last")
    frame["rule"] = first_rule(frame, known_workers, now, day)
    valid = frame["rule"].isna()
    frame.loc[valid, "rule"] = mark_duplicate_ids(frame.loc[valid])
    return merge_duplicates(frame.loc[frame["rule"].isna()]), rejections(frame, now)
