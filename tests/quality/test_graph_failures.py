"""Failures inside the real graph: a classifier crash mid-partition, and a broken model's output.

A classifier that dies half-way through a day leaves no partial `classified_feedback` partition,
and re-running gives exactly the tables of an uninterrupted run. A model whose output is out of
range is stopped by the blocking `classified_feedback_valid` check: no scores for that day.
"""
from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest
from pydantic import PrivateAttr

from graph_harness import SCORES, check_results, run_assets
from pipelines.resources import ClassifierResource
from storage.warehouse import Warehouse

pytestmark = pytest.mark.slow

UPSTREAM = dg.AssetSelection.assets("feedback").upstream()
CLASSIFIED = dg.AssetSelection.assets("classified_feedback")
TABLES = ("raw_reviews", "raw_complaints", "raw_inbox_feedback", "feedback", "rejected_feedback",
          "classified_feedback")
VOLATILE = {"rejected_at"}  # wall-clock time of the write


class CrashingClassifier(ClassifierResource):
    """The rules classifier, dying on its second batch (a killed worker, an OOM)."""

    _batches: int = PrivateAttr(default=0)

    def predict(self, texts: list[str]) -> pd.DataFrame:
        self._batches += 1
        if self._batches > 1:
            raise RuntimeError("classifier process died (injected)")
        return super().predict(texts)


class OutOfRangeClassifier(ClassifierResource):
    """The rules classifier with a broken sentiment head and an unknown category."""

    def predict(self, texts: list[str]) -> pd.DataFrame:
        out = super().predict(texts)
        return out.assign(sentiment=out["sentiment"] * 5 + 2, category="weather")


def snapshot(url: str) -> dict[str, pd.DataFrame]:
    store = Warehouse(url)
    frames = {}
    for table in TABLES:
        data = store.read_table(table).drop(columns=list(VOLATILE), errors="ignore")
        frames[table] = data.sort_values(list(data.columns)).reset_index(drop=True)
    store.dispose()
    return frames


def with_classifier(resources: dict, classifier: ClassifierResource) -> dict:
    return {**resources, "classifier": classifier}


def test_crash_mid_partition_leaves_nothing_partial_and_rerun_matches(tiny_demo,
                                                                      pipeline_resources,
                                                                      tmp_path) -> None:
    day = tiny_demo.partition_keys[-2]
    clean = {**pipeline_resources, "warehouse": type(pipeline_resources["warehouse"])(
        url=f"sqlite:///{tmp_path / 'uninterrupted.db'}")}
    assert run_assets(clean, day, UPSTREAM | CLASSIFIED, with_checks=False).success

    assert run_assets(pipeline_resources, day, UPSTREAM, with_checks=False).success
    crashing = with_classifier(pipeline_resources,
                               CrashingClassifier(backend="rules", batch_size=3))
    crashed = run_assets(crashing, day, CLASSIFIED, with_checks=False)
    assert not crashed.success
    url = pipeline_resources["warehouse"].url
    assert Warehouse(url).count_partition("classified_feedback", day) == 0  # nothing partial

    assert run_assets(pipeline_resources, day, CLASSIFIED, with_checks=False).success
    rerun, uninterrupted = snapshot(url), snapshot(clean["warehouse"].url)
    for table in TABLES:
        pd.testing.assert_frame_equal(rerun[table], uninterrupted[table], obj=table)


def test_out_of_range_model_output_blocks_scores(tiny_demo, pipeline_resources) -> None:
    day = tiny_demo.partition_keys[-2]
    assert run_assets(pipeline_resources, day, UPSTREAM, with_checks=False).success
    broken = with_classifier(pipeline_resources, OutOfRangeClassifier(backend="rules"))
    result = run_assets(broken, day, CLASSIFIED | dg.AssetSelection.assets(SCORES))
    valid = check_results(result)["classified_feedback_valid"]
    assert not valid.passed
    failed = {f["expectation"] for f in valid.metadata["failed"].value}
    assert {"sentiment between -1 and 1",
            "category in {attitude, skill, logistics, none}"} <= failed
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "classified_feedback" in materialized and SCORES not in materialized
