"""`FeedbackClassifier.predict` returns exactly the contract's columns, types and ranges."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nlp.classify import OUTPUT_COLUMNS, FeedbackClassifier, load_classifier
from nlp.taxonomy import load_taxonomy

TEXTS = ["阿姨迟到了一个小时，态度很差", "很好吃，送餐也快！", "", "服務員態度很好", "好" * 400]


@pytest.fixture(scope="module")
def predictions(tiny_model_dir: Path) -> pd.DataFrame:
    return FeedbackClassifier.load(tiny_model_dir).predict(TEXTS)


def test_columns_and_order_match_the_contract(predictions: pd.DataFrame):
    assert list(predictions.columns) == OUTPUT_COLUMNS
    assert len(predictions) == len(TEXTS)


def test_types_and_ranges(predictions: pd.DataFrame):
    for aspect in ("attitude", "skill", "logistics"):
        assert str(predictions[aspect].dtype) == "Int64"
        assert set(predictions[aspect].dropna().tolist()) <= {-1, 0, 1}
        assert predictions[f"p_{aspect}"].between(0, 1).all()
    assert predictions["sentiment"].between(-1, 1).all()
    assert predictions["confidence"].between(0.25, 1).all()
    categories = {"attitude", "skill", "logistics"}
    keys = set(load_taxonomy().subreason_keys)
    for row in predictions.itertuples():
        labels = [x for x in row.labels.split(";") if x]
        assert set(labels) <= categories
        assert row.category in categories | {"none"}
        assert (row.category == "none") == (not labels)
        assert {x for x in row.subreasons.split(";") if x} <= keys
        evidence = json.loads(row.evidence)
        assert isinstance(evidence, dict) and all(isinstance(v, list) for v in evidence.values())


def test_labels_follow_the_aspect_columns(predictions: pd.DataFrame):
    for row in predictions.to_dict(orient="records"):
        complained = {a for a in ("attitude", "skill", "logistics") if row[a] is not pd.NA and row[a] == -1}
        assert set(filter(None, row["labels"].split(";"))) == complained


@pytest.mark.parametrize("quantize, tolerance", [(False, 1e-5), (True, 0.05)])
def test_order_is_kept_whatever_the_batching(tiny_model_dir: Path, quantize: bool, tolerance: float):
    # int8 dynamic quantization scales activations per batch, so batching moves outputs a little.
    from nlp.settings import NLPSettings

    small = NLPSettings.tiny(predict_batch_size=2, quantize=quantize)
    one = FeedbackClassifier.load(tiny_model_dir, small).predict(TEXTS)
    other = FeedbackClassifier.load(tiny_model_dir, NLPSettings.tiny(quantize=quantize)).predict(TEXTS[::-1])
    other = other[::-1].reset_index(drop=True)
    pd.testing.assert_series_equal(one["sentiment"], other["sentiment"], atol=tolerance)


def test_load_classifier_without_model_says_feedback_train(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="feedback train"):
        load_classifier(tmp_path / "nothing")


def test_batch_size_and_threads_are_this_process_s_not_the_card_s(tiny_model_dir: Path, tmp_path: Path):
    # a model trained (and carded) when the default batch was 256 runs with today's default
    import shutil

    from nlp.settings import NLPSettings

    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)
    card = json.loads((model_dir / "card.json").read_text(encoding="utf-8"))
    card["settings"].update(predict_batch_size=999, num_threads=7)
    (model_dir / "card.json").write_text(json.dumps(card), encoding="utf-8")
    loaded = FeedbackClassifier.load(model_dir)
    assert loaded.settings.predict_batch_size == NLPSettings().predict_batch_size
    assert loaded.settings.num_threads == NLPSettings().num_threads
    assert loaded.settings.hidden_size == card["settings"]["hidden_size"]  # the trained shape stays
