"""The GX suites pass on clean frames and fail with clear, masked details on bad ones."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from assets.quality import suites
from assets.quality.gx_runner import run_suite
from quality_frames import DAY, classified_frame, feedback_frame


def failed(result) -> dict[str, int]:
    return {o.description: o.unexpected_count for o in result.failed}


def test_clean_feedback_and_classified_frames_pass() -> None:
    for suite, frame in ((suites.feedback_valid(DAY), feedback_frame()),
                         (suites.classified_feedback_valid(DAY), classified_frame())):
        result = run_suite(suite, frame, run_name="clean")
        assert result.success, failed(result)
        assert result.element_count == len(frame)


def test_bad_feedback_rows_fail_each_rule_with_counts_and_examples() -> None:
    frame = feedback_frame()
    frame.loc[0, "rating"] = 6
    frame.loc[2, "rating"] = 0
    frame.loc[4, "feedback_id"] = frame.loc[0, "feedback_id"]  # duplicate id
    frame.loc[1, "worker_id"] = None
    frame.loc[3, "resolved_at"] = frame.loc[3, "created_at"] - pd.Timedelta("1h")
    frame.loc[5, "created_at"] = pd.Timestamp("2031-01-01 10:00")
    result = run_suite(suites.feedback_valid(DAY, now=datetime(2026, 1, 1)), frame, run_name="bad")
    counts = failed(result)
    assert counts["rating between 1 and 5"] == 2
    assert counts["feedback_id is unique"] == 2
    assert counts["worker_id is never null"] == 1
    assert counts["created_at <= resolved_at"] == 2  # row 3, and row 5 whose created_at moved
    assert counts[f"created_at inside {DAY} and not in the future"] == 1
    rating = next(o for o in result.failed if o.description == "rating between 1 and 5")
    assert [e["rating"] for e in rating.examples] == [6, 0]
    assert {"feedback_id", "rating"} <= set(rating.examples[0])


def test_classifier_output_out_of_range_or_off_taxonomy_fails() -> None:
    frame = classified_frame()
    frame.loc[0, "sentiment"] = 1.5
    frame.loc[1, "category"] = "weather"
    frame.loc[1, "subreasons"] = "logistics.late;logistics.teleported"
    frame.loc[3, "labels"] = "attitude;bogus"
    frame.loc[2, "confidence"] = -0.1
    counts = failed(run_suite(suites.classified_feedback_valid(DAY), frame, run_name="bad"))
    assert counts["sentiment between -1 and 1"] == 1
    assert counts["category in {attitude, skill, logistics, none}"] == 1
    assert counts["subreasons are taxonomy sub-reasons"] == 1
    assert counts["labels are taxonomy categories"] == 1
    assert counts["confidence between 0 and 1"] == 1


def test_missing_column_is_named_and_extra_columns_are_allowed() -> None:
    frame = feedback_frame().drop(columns=["text"]).assign(unexpected_extra="x")
    result = run_suite(suites.feedback_valid(DAY), frame, run_name="schema")
    schema = next(o for o in result.outcomes
                  if o.expectation == "expect_table_columns_to_match_set")
    assert not schema.success
    assert schema.observed["details"]["mismatched"]["missing"] == ["text"]
    extra_only = run_suite(suites.feedback_valid(DAY), feedback_frame().assign(extra_col="x"),
                           run_name="extra")
    assert extra_only.success


def test_example_rows_are_pii_masked_and_shortened() -> None:
    frame = feedback_frame()
    phone, long_text = "13812345678", "很好" * 50_000
    frame.loc[0, "text"] = f"请联系我 {phone} 谢谢"
    frame.loc[2, "text"] = long_text
    frame.loc[[0, 2], "rating"] = 9
    result = run_suite(suites.feedback_valid(DAY), frame, run_name="pii")
    rating = next(o for o in result.failed if o.description == "rating between 1 and 5")
    shown = str(rating.examples)
    assert phone not in shown
    assert len(shown) < 1_000


def test_empty_partition_passes_row_rules() -> None:
    frame = feedback_frame().iloc[0:0]
    result = run_suite(suites.feedback_valid(DAY), frame, run_name="empty")
    assert result.success and result.element_count == 0
