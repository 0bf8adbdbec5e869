"""Drift checks warn with their numbers when today's feedback departs from the trailing 28 days."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from dagster import AssetCheckSeverity

from assets.quality import checks, drift
from check_harness import run_checks
from quality_frames import DAY, classified_frame
from storage.quality_results import read_results

DRIFT = [checks.feedback_volume_drift, checks.category_mix_drift,
         checks.classified_sentiment_drift, checks.classifier_confidence_drift]


def write_history(warehouse, days: int = 10, n: int = 40) -> None:
    """`days` ordinary days before DAY: a quarter complaints about logistics, sure classifier."""
    for back in range(1, days + 1):
        day = (date.fromisoformat(DAY) - timedelta(days=back)).isoformat()
        frame = classified_frame(day, n + back % 3).drop(columns=["partition_date"])
        warehouse.replace_partition("classified_feedback", day, frame)
        warehouse.replace_partition("feedback", day, frame.loc[:, [
            c for c in frame.columns if c in warehouse.table("feedback").c]])


def today(frame: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    feedback_columns = [c for c in frame.columns if c in classified_frame().columns[:17]]
    return {"feedback": {"feedback": frame.loc[:, feedback_columns]},
            "classified_feedback": {"classified_feedback": frame}}


def test_an_ordinary_day_passes_every_drift_check(warehouse, warehouse_url) -> None:
    write_history(warehouse)
    evaluations = run_checks(warehouse_url, DAY, today(classified_frame(n=41)), DRIFT)
    assert {n: e.passed for n, e in evaluations.items()} == {
        "feedback_volume_drift": True, "category_mix_drift": True,
        "classified_sentiment_drift": True, "classifier_confidence_drift": True}
    assert evaluations["feedback_volume_drift"].metadata["baseline"].value["history_days"] == 10


def test_a_shifted_day_warns_on_each_drift_with_numbers(warehouse, warehouse_url) -> None:
    write_history(warehouse)
    frame = classified_frame(n=200)  # five times the usual volume
    frame["category"] = "attitude"  # everything suddenly about attitude
    frame["sentiment"] = -0.9
    frame["confidence"] = 0.45  # a stale model is unsure
    evaluations = run_checks(warehouse_url, DAY, today(frame), DRIFT)
    assert not any(e.passed for e in evaluations.values())
    assert all(e.severity == AssetCheckSeverity.WARN for e in evaluations.values())
    volume = evaluations["feedback_volume_drift"].metadata
    assert volume["rows_today"].value == 200 and volume["baseline"].value["high"] < 200
    confidence = evaluations["classifier_confidence_drift"].metadata
    assert confidence["mean_confidence_today"].value == 0.45
    assert confidence["baseline"].value["mean"] == 0.9
    mix = evaluations["category_mix_drift"].metadata
    assert mix["today_shares"].value == {"attitude": 1.0}
    assert mix["failed"].value[0]["observed"]["observed"] > drift.CATEGORY_KL_MAX
    stored = read_results(warehouse, partition_date=DAY)
    assert set(stored["severity"]) == {"WARN"} and not stored["passed"].any()


def test_without_history_drift_checks_pass_and_say_why(warehouse, warehouse_url) -> None:
    evaluations = run_checks(warehouse_url, DAY, today(classified_frame(n=41)), DRIFT)
    assert all(e.passed for e in evaluations.values())
    assert "history" in evaluations["classified_sentiment_drift"].description
    stored = read_results(warehouse, partition_date=DAY)
    assert set(stored["check_name"]) == set(evaluations)
    assert stored["expectation"].str.startswith("skipped: ").all()


def test_band_needs_enough_history_and_has_a_floor() -> None:
    assert drift.band(pd.Series([10.0] * 6), floor=1.0) is None
    steady = drift.band(pd.Series([10.0] * 7), floor=1.0)
    assert steady is not None and (steady.low, steady.high) == (9.0, 11.0)
