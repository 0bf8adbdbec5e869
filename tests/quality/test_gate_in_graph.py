"""The quality gate inside the real daily graph: hostile inbox files, blocking, none lost.

One tiny demo day plus hostile partner exports runs through the spine's inbox handling, feedback
validation and classification. Every hostile row ends in `feedback` or `rejected_feedback` with a
clear rule, every unusable file is set aside with a reason, nothing crashes, and the high rejected
share blocks that day's `worker_daily_scores` in the same run until the threshold allows it.
"""
from __future__ import annotations

import json

import pytest

from assets.quality.ledger import source_ledger
from graph_harness import SCORES, archive_inbox, check_results, inbox_path, run_to_scores
from hostile_files import DUPLICATE_ID, HTML, LONG_TEXT, ROWS, write_hostile_inbox

pytestmark = pytest.mark.slow


@pytest.fixture()
def hostile_day(tiny_demo, pipeline_resources) -> tuple[str, dict, dict[str, str]]:
    day = tiny_demo.partition_keys[-2]
    expected = write_hostile_inbox(inbox_path(pipeline_resources), day, worker="W0001")
    archive_inbox(pipeline_resources, day)
    return day, pipeline_resources, expected


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def failed_steps(result) -> set[str]:
    return {e.step_key for e in result.all_events if e.is_step_failure}


def test_hostile_inputs_are_all_accounted_for_and_block_scores(hostile_day, warehouse) -> None:
    day, resources, expected = hostile_day
    inbox = inbox_path(resources)
    for name, fate in expected.items():
        landed = [p.name for p in (inbox / fate).iterdir()] if (inbox / fate).is_dir() else []
        assert any(n.endswith(name) for n in landed), (name, fate, landed)
        if fate == "rejected":
            reason = (inbox / "rejected" / f"{name}.reason.txt").read_text(encoding="utf-8")
            assert reason.strip(), name

    result = run_to_scores(resources, day)

    checks = check_results(result)
    assert not checks["feedback_rejected_share"].passed
    assert checks["feedback_valid"].passed, checks["feedback_valid"].metadata["failed"]
    assert {"feedback", "rejected_feedback"} <= materialized(result)
    assert "classified_feedback" not in materialized(result) and SCORES not in materialized(result)
    assert failed_steps(result) == {"feedback_feedback_rejected_share"}  # nothing else broke

    ledger = source_ledger(warehouse, day)
    assert set(ledger["outcome"]) <= {"accepted", "rejected"}, ledger[
        ~ledger["outcome"].isin(["accepted", "rejected"])]
    rejected = warehouse.read_partition("rejected_feedback", day)
    rule_of = dict(zip(rejected["source_id"], rejected["rule"], strict=True))
    for row_id, (_, rule) in ROWS.items():
        assert rule_of.get(row_id) == rule, (row_id, rule_of.get(row_id))
    assert list(rejected.loc[rejected["source_id"] == DUPLICATE_ID, "rule"]) == ["duplicate_id"]
    assert rejected["reason"].str.len().gt(10).all()
    undecodable = rejected["reason"].str.contains("undecodable")
    assert "U-2" in set(rejected["source_id"]) or undecodable.any()

    feedback = warehouse.read_partition("feedback", day)
    texts = dict(zip(feedback["feedback_id"].str.rsplit(":", n=1).str[-1], feedback["text"],
                     strict=True))
    assert "锃亮" in texts["G-1"]  # the GBK export was detected and decoded
    assert texts["H-HTML"] != HTML and "<script" not in texts["H-HTML"]
    assert "阿姨很准时" in texts["H-HTML"]
    assert "DROP TABLE" in texts["H-SQL"]  # stored as data, never executed
    assert len(LONG_TEXT) >= 100_000 and len(texts["H-LONG"]) > 1_000
    assert json.loads(rejected["payload"].iloc[0])  # payloads are JSON


def test_raising_the_threshold_lets_the_same_day_publish_scores(hostile_day, warehouse) -> None:
    day, resources, _ = hostile_day
    config = {"ops": {"feedback_feedback_rejected_share": {"config": {"max_rejected_share": 0.9}}}}
    result = run_to_scores(resources, day, run_config=config)
    checks = check_results(result)
    assert result.success, failed_steps(result)
    assert checks["feedback_rejected_share"].passed
    assert checks["classified_feedback_reconciliation"].passed
    assert SCORES in materialized(result)
    assert warehouse.count_partition(SCORES, day) > 0
