"""Clean frames of the warehouse tables the quality suites validate (one day, a few rows)."""
from __future__ import annotations

import pandas as pd

DAY = "2025-03-10"


def feedback_frame(day: str = DAY, n: int = 6) -> pd.DataFrame:
    """Clean `feedback` rows of one day: reviews and complaints, timestamps in order."""
    created = pd.date_range(f"{day} 08:00", f"{day} 18:00", periods=n).round("s")
    kinds = ["review" if i % 2 == 0 else "complaint" for i in range(n)]
    ids = [f"{k}:{'R' if k == 'review' else 'K'}{i:08d}" for i, k in enumerate(kinds)]
    complaint = pd.Series([k == "complaint" for k in kinds])
    return pd.DataFrame({
        "feedback_id": ids, "kind": kinds, "source_ids": ids,
        "n_sources": pd.array([1] * n, "Int64"),
        "channels": "app", "worker_id": [f"W{i % 3:04d}" for i in range(n)],
        "order_id": [f"O{i:08d}" for i in range(n)], "customer_id": "C000001",
        "created_at": created,
        "rating": pd.array([None if c else 1 + i % 5 for i, c in enumerate(complaint)], "Int64"),
        "text": ["迟到了一个小时，态度差" if c else "阿姨很准时，打扫得很干净"
                 for c in complaint],
        "text_hash": [f"h{i}" for i in range(n)],
        "first_response_at": pd.Series(created + pd.Timedelta("20min")).where(complaint),
        "resolved_at": pd.Series(created + pd.Timedelta("3h")).where(complaint),
        "agent_category": pd.Series(["logistics"] * n, dtype="str").where(complaint),
        "status": pd.Series(["resolved"] * n, dtype="str").where(complaint),
        "partition_date": day,
    })


def classified_frame(day: str = DAY, n: int = 6) -> pd.DataFrame:
    """Clean `classified_feedback` rows: the feedback rows plus classifier columns."""
    frame = feedback_frame(day, n)
    complaint = frame["kind"] == "complaint"
    frame["attitude"] = pd.array([-1 if c else pd.NA for c in complaint], "Int64")
    frame["skill"] = pd.array([pd.NA if c else 1 for c in complaint], "Int64")
    frame["logistics"] = pd.array([-1 if c else 0 for c in complaint], "Int64")
    for aspect in ("attitude", "skill", "logistics"):
        frame[f"p_{aspect}"] = complaint.map({True: 0.9, False: 0.05}).astype("float64")
    frame["labels"] = complaint.map({True: "attitude;logistics", False: ""}).astype("str")
    frame["category"] = complaint.map({True: "logistics", False: "none"}).astype("str")
    frame["subreasons"] = complaint.map(
        {True: "logistics.late;attitude.rude", False: ""}).astype("str")
    frame["sentiment"] = complaint.map({True: -0.7, False: 0.8}).astype("float64")
    frame["confidence"] = 0.9
    frame["evidence"] = "{}"
    frame["model_version"] = "test-model"
    return frame


def raw_tables_for(feedback: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """raw_reviews / raw_complaints rows whose ids are the feedback rows' source ids."""
    ids = feedback["source_ids"].str.split(";").explode()
    reviews = ids[ids.str.startswith("review:")].str.removeprefix("review:")
    complaints = ids[ids.str.startswith("complaint:")].str.removeprefix("complaint:")
    return {
        "raw_reviews": pd.DataFrame({"review_id": reviews.tolist(), "worker_id": "W0001",
                                     "rating": 5, "text": "很好", "channel": "app",
                                     "created_at": pd.Timestamp(f"{DAY} 09:00")}),
        "raw_complaints": pd.DataFrame({"complaint_id": complaints.tolist(), "worker_id": "W0001",
                                        "agent_text": "迟到", "channel": "app", "status": "open",
                                        "created_at": pd.Timestamp(f"{DAY} 09:00")}),
    }
