"""Row rules of the feedback stage: one layout for every source row, cleaning, and rejections.

Pure pandas (no Dagster). Every source row of a day becomes one candidate row; `first_rule`
names the first rule it breaks (or NA), `rejections` turns the rows that break one into
`rejected_feedback` rows with a readable reason and a PII-masked payload.
"""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

STAGE = "feedback"
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
    return pd.Series([mask_pii(normalise(None if pd.isna(t) else str(t))) for t in texts.tolist()],
                     index=texts.index, dtype="str")


def first_rule(frame: pd.DataFrame, known_workers: set[str], now: datetime,
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


def reason(row: pd.Series) -> str:
    """Why a row with a rule was rejected, in words, with the offending values."""
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


def rejections(frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """`rejected_feedback` rows for the rows that carry a rule (payload masked)."""
    bad = frame.loc[frame["rule"].notna()]
    payload_columns = ["feedback_id", "kind", "channel", "worker_id", "order_id", "customer_id",
                       "created_at_raw", "rating_raw", "text", "source_file"]
    payloads = [json.dumps({k: (None if pd.isna(v) else str(v)) for k, v in r.items()},
                           ensure_ascii=False) for r in bad[payload_columns].to_dict("records")]
    return pd.DataFrame({
        "source_table": bad["source_table"], "source_id": bad["source_id"].fillna(""),
        "stage": STAGE, "rule": bad["rule"], "reason": bad.apply(reason, axis=1) if len(bad)
        else pd.Series([], dtype="str"), "payload": payloads, "rejected_at": now,
    }).reset_index(drop=True)
