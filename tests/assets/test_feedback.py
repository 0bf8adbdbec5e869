"""Row validation, cleaning and de-duplication of one day of feedback (`spine`, no Dagster)."""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spine.merge import FEEDBACK_COLUMNS, build_feedback

NOW = datetime(2025, 6, 11, 9, 0)
WORKERS = {"W0001", "W0002"}
INBOX_COLUMNS = ["id", "kind", "worker_id", "order_id", "created_at", "channel", "rating", "text",
                 "extra", "source_file", "file_sha256"]


def reviews(*rows: dict) -> pd.DataFrame:
    base = {"review_id": "R1", "order_id": "O1", "worker_id": "W0001", "customer_id": "C1",
            "created_at": "2025-06-10 10:00:00", "rating": 5, "text": "阿姨很好", "channel": "app"}
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=list(base))
    frame["created_at"] = pd.to_datetime(frame["created_at"], errors="coerce", format="mixed")
    frame["rating"] = pd.to_numeric(frame["rating"], errors="coerce").astype("Int64")
    return frame


def complaints(*rows: dict) -> pd.DataFrame:
    base = {"complaint_id": "K1", "order_id": "O9", "worker_id": "W0002", "customer_id": "C2",
            "channel": "hotline", "created_at": "2025-06-10 12:00:00",
            "first_response_at": "2025-06-10 12:20:00", "resolved_at": "2025-06-10 18:00:00",
            "agent_text": "客户来电投诉阿姨迟到一个小时", "agent_category": "logistics",
            "status": "resolved"}
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=list(base))
    for column in ("created_at", "first_response_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame[column], errors="coerce", format="mixed")
    return frame


def inbox(*rows: dict) -> pd.DataFrame:
    base = {"id": "X1", "kind": "review", "worker_id": "W0001", "order_id": "O5",
            "created_at": "2025-06-10 09:00", "channel": "dianping", "rating": "4",
            "text": "还行", "extra": "{}", "source_file": "a.csv", "file_sha256": "ab" * 32}
    return pd.DataFrame([{**base, **r} for r in rows], columns=INBOX_COLUMNS)


def rules_of(rejected: pd.DataFrame) -> dict[str, str]:
    return dict(zip(rejected["source_id"], rejected["rule"]))


def test_every_bad_row_is_rejected_with_its_rule_and_reason() -> None:
    records, rejected = build_feedback(
        reviews({"review_id": "R1"}, {"review_id": "R2", "text": "   "},
                {"review_id": "R3", "worker_id": "W9999"}, {"review_id": "R4", "rating": 6},
                {"review_id": "R5", "rating": 0}, {"review_id": "R6", "created_at": None},
                {"review_id": "R7", "created_at": "2025-06-12 10:00:00"}),
        complaints({"complaint_id": "K1"},
                   {"complaint_id": "K2", "order_id": "O10", "resolved_at": "2025-06-10 11:00:00",
                    "first_response_at": None},
                   {"complaint_id": "K3", "order_id": "O11", "first_response_at": "2025-06-10 19:00"}),
        inbox({"id": "X1"}, {"id": "X2", "kind": "praise"}, {"id": "X3", "created_at": "昨天下午"},
              {"id": "X4", "rating": "4.5"}, {"id": None}),
        WORKERS, NOW)

    assert sorted(records["source_ids"]) == ["complaint:K1", "inbox:abababab:X1", "review:R1"]
    assert rules_of(rejected) == {
        "R2": "missing_text", "R3": "unknown_worker", "R4": "rating_out_of_range",
        "R5": "rating_out_of_range", "R6": "unparseable_date", "R7": "future_date",
        "K2": "resolved_before_created", "K3": "resolved_before_response",
        "X2": "unknown_kind", "X3": "unparseable_date", "X4": "rating_out_of_range",
        "a.csv#line?": "missing_id"}
    assert rejected["reason"].str.len().min() > 10
    assert set(rejected["stage"]) == {"feedback"}


def test_hotline_and_app_copies_of_one_complaint_become_one_record() -> None:
    records, rejected = build_feedback(
        reviews(),
        complaints({"complaint_id": "K1", "channel": "hotline"},
                   {"complaint_id": "K2", "channel": "app", "created_at": "2025-06-10 12:40:00",
                    "agent_text": "APP投诉：阿姨没准时到", "first_response_at": "2025-06-10 12:50",
                    "resolved_at": None, "status": "open"},
                   {"complaint_id": "K3", "order_id": "O77", "channel": "app"}),
        inbox(), WORKERS, NOW)

    assert rejected.empty
    merged = records.set_index("feedback_id").loc["complaint:K1"]
    assert merged["source_ids"] == "complaint:K1;complaint:K2"
    assert merged["channels"] == "hotline;app" and merged["n_sources"] == 2
    assert merged["status"] == "resolved"
    assert str(merged["first_response_at"]) == "2025-06-10 12:20:00"
    assert records["n_sources"].sum() == 3 and len(records) == 2  # K1+K2 merged, K3


def test_duplicate_ids_are_told_apart_by_content() -> None:
    records, rejected = build_feedback(
        reviews({"review_id": "R1"}, {"review_id": "R1"}, {"review_id": "R1", "text": "很差"}),
        complaints(), inbox(), WORKERS, NOW)
    assert len(records) == 1
    assert sorted(rejected["rule"]) == ["duplicate_id", "duplicate_row"]


def test_texts_are_normalised_and_masked_in_records_and_payloads() -> None:
    records, rejected = build_feedback(
        reviews({"review_id": "R1", "text": "ＡＰＰ上约的，阿姨电话13812345678 很好"},
                {"review_id": "R2", "rating": 9, "text": "联系我13912345678"}),
        complaints(), inbox(), WORKERS, NOW)
    assert "13812345678" not in records.loc[0, "text"] and "APP" in records.loc[0, "text"]
    payload = json.loads(rejected.loc[0, "payload"])
    assert "13912345678" not in payload["text"] and payload["rating_raw"] == "9"


def test_complaints_carry_no_rating_and_records_have_the_contract_columns() -> None:
    records, _ = build_feedback(reviews({}), complaints({}), inbox({}), WORKERS, NOW)
    assert list(records.columns) == FEEDBACK_COLUMNS
    assert records.loc[records["kind"] == "complaint", "rating"].isna().all()
    assert sorted(records.loc[records["kind"] == "review", "rating"].tolist()) == [4, 5]


def test_an_empty_day_gives_empty_outputs() -> None:
    records, rejected = build_feedback(reviews().iloc[0:0], complaints().iloc[0:0],
                                       inbox().iloc[0:0], WORKERS, NOW)
    assert records.empty and rejected.empty


row = st.fixed_dictionaries({
    "review_id": st.sampled_from(["R1", "R2", "R3", "R4"]),
    "order_id": st.sampled_from(["O1", "O2"]),
    "worker_id": st.sampled_from(["W0001", "W0002", "W9"]),
    "rating": st.one_of(st.none(), st.integers(-1, 7)),
    "text": st.one_of(st.none(), st.sampled_from(["", " ", "好", "迟到了", "<b>差</b>", "😀"])),
    "created_at": st.sampled_from(["2025-06-10 08:00", "2025-06-10 09:00", "2030-01-01", None]),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=8), st.lists(row, max_size=4))
def test_every_row_lands_in_exactly_one_place(review_rows: list, complaint_rows: list) -> None:
    complaint_frame = complaints(*[{"complaint_id": r["review_id"].replace("R", "K"),
                                    "order_id": r["order_id"], "worker_id": r["worker_id"],
                                    "agent_text": r["text"], "created_at": r["created_at"]}
                                   for r in complaint_rows])
    records, rejected = build_feedback(reviews(*review_rows), complaint_frame, inbox(),
                                       WORKERS, NOW)
    assert records["n_sources"].sum() + len(rejected) == len(review_rows) + len(complaint_rows)
    assert records["feedback_id"].is_unique


def test_feedback_refuses_to_run_without_a_roster(pipeline_resources) -> None:
    import dagster as dg

    from assets.feedback import feedback_records

    result = dg.materialize([feedback_records], partition_key="2025-06-10",
                            resources=pipeline_resources, raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert not result.success and "materialize worker_roster first" in str(
        failure.step_failure_data.error)


def test_rows_dated_off_the_partition_day_are_rejected_not_published() -> None:
    records, rejected = build_feedback(
        reviews({}), complaints(), inbox({"id": "X1", "created_at": "2019-01-01 09:00"}),
        WORKERS, NOW, day="2025-06-10")
    assert "outside_partition_day" in set(rejected["rule"])
    assert (records["created_at"].dt.strftime("%Y-%m-%d") == "2025-06-10").all()
