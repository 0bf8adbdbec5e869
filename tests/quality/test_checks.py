"""The asset checks pass on a clean day and fail, with their numbers, on a bad one."""
from __future__ import annotations

import json

import pandas as pd

from assets.quality import checks
from check_harness import run_checks
from quality_frames import DAY, classified_frame, feedback_frame, raw_tables_for
from storage.quality_results import read_results


def rejected(source_ids: list[str], rule: str = "rating_out_of_range") -> pd.DataFrame:
    return pd.DataFrame({"source_table": "raw_reviews", "source_id": source_ids,
                         "stage": "feedback", "rule": rule,
                         "reason": "rating '6' is not an integer from 1 to 5",
                         "payload": [json.dumps({"feedback_id": f"review:{i}"})
                                     for i in source_ids],
                         "rejected_at": pd.Timestamp(f"{DAY} 23:00")})


def day_tables(n: int = 40, n_rejected: int = 0) -> dict[str, dict[str, pd.DataFrame]]:
    """A day whose raw rows = feedback rows + `n_rejected` rejected reviews."""
    feedback = feedback_frame(n=n)
    raw = raw_tables_for(feedback)
    bad_ids = [f"X{i:04d}" for i in range(n_rejected)]
    raw["raw_reviews"] = pd.concat([raw["raw_reviews"],
                                    raw["raw_reviews"].head(1).assign(review_id=None)
                                    .iloc[[0] * n_rejected].assign(review_id=bad_ids)])
    return {"raw_reviews": {"raw_reviews": raw["raw_reviews"]},
            "raw_complaints": {"raw_complaints": raw["raw_complaints"]},
            "feedback": {"feedback": feedback, "rejected_feedback": rejected(bad_ids)},
            "classified_feedback": {"classified_feedback": classified_frame(n=n)}}


GATE = [checks.raw_reviews_schema, checks.feedback_valid, checks.feedback_rejected_share,
        checks.classified_feedback_valid, checks.classified_feedback_reconciliation]


def test_clean_day_passes_every_gate_and_stores_each_expectation(warehouse, warehouse_url) -> None:
    evaluations = run_checks(warehouse_url, DAY, day_tables(n_rejected=1), GATE)
    expected = {spec.name for check in GATE for spec in check.check_specs}
    assert {name for name, e in evaluations.items() if e.passed} == expected
    share = evaluations["feedback_rejected_share"].metadata
    assert share["rejected_rows"].value == 1 and share["source_rows"].value == 41
    stored = read_results(warehouse, partition_date=DAY)
    assert set(stored["check_name"]) == {e for e in evaluations}
    assert stored["passed"].all()
    assert (stored.groupby("check_name").size() > 0).all()


def test_rejected_share_above_threshold_fails_with_rule_examples(warehouse_url) -> None:
    evaluations = run_checks(warehouse_url, DAY, day_tables(n=20, n_rejected=5),
                             [checks.feedback_rejected_share])
    result = evaluations["feedback_rejected_share"]
    assert not result.passed
    meta = result.metadata
    assert meta["rejected_share"].value == 0.2 and meta["max_rejected_share"].value == 0.05
    assert meta["rejected_by_rule"].value == {"rating_out_of_range": 5}
    failed = meta["failed"].value[0]
    assert failed["unexpected_count"] == 5
    assert failed["examples"][0]["rule"] == "rating_out_of_range"
    assert "1 to 5" in failed["examples"][0]["reason"]


def test_two_bad_rows_on_a_tiny_day_do_not_block_but_three_do(warehouse_url) -> None:
    for n_rejected, passed in ((2, True), (3, False)):
        evaluations = run_checks(warehouse_url, DAY, day_tables(n=8, n_rejected=n_rejected),
                                 [checks.feedback_rejected_share])
        assert evaluations["feedback_rejected_share"].passed is passed, n_rejected


def test_rejected_share_threshold_is_configurable(warehouse_url) -> None:
    config = {"ops": {"feedback_feedback_rejected_share": {"config": {"max_rejected_share": 0.3}}}}
    evaluations = run_checks(warehouse_url, DAY, day_tables(n=20, n_rejected=5),
                             [checks.feedback_rejected_share], run_config=config)
    assert evaluations["feedback_rejected_share"].passed


def test_reconciliation_names_a_lost_source_row(warehouse_url) -> None:
    tables = day_tables(n=10)
    lost = tables["raw_reviews"]["raw_reviews"].head(1).assign(review_id="R_LOST")
    tables["raw_reviews"]["raw_reviews"] = pd.concat([tables["raw_reviews"]["raw_reviews"], lost])
    evaluations = run_checks(warehouse_url, DAY, tables,
                             [checks.classified_feedback_reconciliation])
    result = evaluations["classified_feedback_reconciliation"]
    assert not result.passed
    assert result.metadata["difference"].value == 1
    examples = [e for f in result.metadata["failed"].value for e in f["examples"]]
    assert {"source_table": "raw_reviews", "source_id": "R_LOST", "outcome": "missing"} in [
        {k: e.get(k) for k in ("source_table", "source_id", "outcome")} for e in examples]


def test_a_check_that_cannot_run_fails_with_the_error_instead_of_crashing(warehouse_url) -> None:
    broken = feedback_frame().drop(columns=["text", "worker_id"])
    evaluations = run_checks(warehouse_url, DAY, {"feedback": {"feedback": broken}},
                             [checks.feedback_valid])
    result = evaluations["feedback_valid"]
    assert not result.passed
    assert result.metadata["expectations_failed"].value >= 1
