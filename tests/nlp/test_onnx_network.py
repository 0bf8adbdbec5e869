"""ONNX Runtime runs the trained network with the torch network's outputs, and never a stale export."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nlp import onnx_network
from nlp.classify import FeedbackClassifier
from nlp.settings import NLPSettings

SENTENCES = ["阿姨迟到了一个小时，态度还很差", "师傅很专业，油烟机洗得很干净，下次还找他",
             "月嫂带宝宝很有耐心，就是做饭一般", "送餐太慢了，菜都凉了", "房间隔音不好，前台倒是很热情",
             "保洁阿姨把花瓶打碎了，还不承认。" * 8]


def _load(model_dir: Path, **overrides) -> FeedbackClassifier:
    return FeedbackClassifier.load(model_dir, replace(NLPSettings(), **overrides))


def test_training_exports_the_network_beside_the_weights(tiny_model_dir: Path):
    path = tiny_model_dir / onnx_network.file_name(quantize=True)
    assert path.exists()
    classifier = _load(tiny_model_dir, runtime="onnx")
    assert classifier.network is not None
    assert classifier.network.digest == onnx_network.weights_digest(tiny_model_dir)


def test_onnx_float_graph_gives_the_torch_network_s_outputs(tiny_model_dir: Path, tmp_path: Path):
    model_dir = shutil.copytree(tiny_model_dir, tmp_path / "model")
    onnx_run = _load(model_dir, runtime="onnx", quantize=False)
    torch_run = _load(model_dir, runtime="torch", quantize=False)
    assert (model_dir / "network.fp32.onnx").exists()  # exported at first load, cached beside the weights
    a, b = onnx_run.probabilities(SENTENCES), torch_run.probabilities(SENTENCES)
    for name in ("aspects", "subreasons", "sentiment"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), atol=1e-4)


def test_int8_graph_keeps_the_labels(tiny_model_dir: Path):
    onnx_run = _load(tiny_model_dir, runtime="onnx").predict(SENTENCES)
    torch_run = _load(tiny_model_dir, runtime="torch", quantize=False).predict(SENTENCES)
    assert (onnx_run["sentiment"] > 0).tolist() == (torch_run["sentiment"] > 0).tolist()
    np.testing.assert_allclose(onnx_run["sentiment"], torch_run["sentiment"], atol=0.05)
    for aspect in ("attitude", "skill", "logistics"):
        np.testing.assert_allclose(onnx_run[f"p_{aspect}"], torch_run[f"p_{aspect}"], atol=0.05)


def test_changed_weights_are_exported_again(tiny_model_dir: Path, tmp_path: Path):
    from nlp.model import load_model

    model_dir = shutil.copytree(tiny_model_dir, tmp_path / "model")
    before = _load(model_dir).network.digest
    model = load_model(model_dir)
    model.sentiment_head.bias.data += 1.0  # as if someone copied other weights over these
    model.save_pretrained(str(model_dir))
    after = _load(model_dir)
    assert after.network.digest == onnx_network.weights_digest(model_dir) != before
    texts = SENTENCES[:3]
    np.testing.assert_allclose(after.probabilities(texts).sentiment,
                               _load(model_dir, runtime="torch").probabilities(texts).sentiment, atol=0.05)


def test_a_broken_export_is_replaced_not_trusted(tiny_model_dir: Path, tmp_path: Path):
    model_dir = shutil.copytree(tiny_model_dir, tmp_path / "model")
    (model_dir / onnx_network.file_name(True)).write_bytes(b"not an onnx graph")
    assert _load(model_dir).network.digest == onnx_network.weights_digest(model_dir)


def test_a_read_only_model_folder_is_exported_in_memory(tiny_model_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    model_dir = shutil.copytree(tiny_model_dir, tmp_path / "model")
    (model_dir / onnx_network.file_name(True)).unlink()
    mkstemp = onnx_network.tempfile.mkstemp

    def read_only(*args, dir=None, **kwargs):  # root may write anywhere, so the refusal is simulated
        if dir is not None and Path(dir) == model_dir:
            raise PermissionError(13, "Permission denied", str(dir))
        return mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(onnx_network.tempfile, "mkstemp", read_only)
    assert _load(model_dir).network is not None
    assert not (model_dir / onnx_network.file_name(True)).exists()


def test_torch_runtime_and_unknown_runtimes(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch):
    assert _load(tiny_model_dir, runtime="torch").network is None
    monkeypatch.setenv("FEEDBACK_RUNTIME", "torch")
    assert NLPSettings().runtime == "torch"
    assert FeedbackClassifier.load(tiny_model_dir).network is None  # a process setting, not the card's
    with pytest.raises(ValueError, match="runtime must be one of onnx, torch"):
        NLPSettings(runtime="tensorrt")


def test_without_onnxruntime_the_network_runs_in_torch(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(onnx_network, "available", lambda: False)
    classifier = _load(tiny_model_dir, runtime="onnx")
    assert classifier.network is None
    assert len(classifier.predict(SENTENCES)) == len(SENTENCES)


def test_a_failing_export_falls_back_to_torch(tiny_model_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch):
    model_dir = shutil.copytree(tiny_model_dir, tmp_path / "model")
    (model_dir / onnx_network.file_name(True)).unlink()

    def broken(*args, **kwargs):
        raise RuntimeError("exporter cannot trace this model")

    monkeypatch.setattr(onnx_network, "_export_float", broken)
    classifier = _load(model_dir)
    assert classifier.network is None and len(classifier.predict(SENTENCES)) == len(SENTENCES)
    assert onnx_network.save_beside(classifier.model, model_dir, True) is None
    assert not list(model_dir.glob("*.onnx")) and not list(model_dir.glob(".network-*"))
