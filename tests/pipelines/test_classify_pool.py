"""Classification spread over worker processes returns what one process returns, in order."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines import classify_pool
from pipelines.resources import ClassifierResource

TEXTS = ["阿姨迟到了一个小时", "打扫得很干净，态度也好", "师傅把花瓶打碎了", "还行", "",
         "电话里很不耐烦，说话很冲"] * 7


def _batches(size: int) -> list[list[str]]:
    return [TEXTS[i:i + size] for i in range(0, len(TEXTS), size)]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nlp.train import train_tiny_model

    return train_tiny_model(tmp_path_factory.mktemp("pool_model"))


@pytest.mark.parametrize("backend", ["rules", "model"])
def test_workers_give_the_single_process_result_in_order(backend: str, tiny_model: Path) -> None:
    model_dir = str(tiny_model) if backend == "model" else None
    single = ClassifierResource(backend=backend, model_dir=model_dir)
    pooled = ClassifierResource(backend=backend, model_dir=model_dir, processes=2)
    try:
        expected = list(single.predict_chunks(_batches(5)))
        got = list(pooled.predict_chunks(_batches(5)))
    finally:
        classify_pool.shutdown()
    assert len(got) == len(expected) == 9
    for one, other in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(one, other)


def test_auto_processes_use_every_core_only_on_big_days(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines import resources

    monkeypatch.setattr(resources.os, "cpu_count", lambda: 4)
    auto = ClassifierResource(backend="rules")
    assert auto.processes_for(resources.AUTO_MIN_ROWS - 1) == 1  # a worker would cost more
    assert auto.processes_for(resources.AUTO_MIN_ROWS) == 4
    assert auto.processes_for(10**6, in_backfill=True) == 1  # its partitions run side by side
    assert ClassifierResource(backend="rules", processes=2).processes_for(10**6, True) == 2
    assert ClassifierResource(backend="rules", processes=1).processes_for(10**6) == 1
    assert ClassifierResource(backend="rules", processes=3).processes_for(10) == 3
    monkeypatch.setattr(resources.os, "cpu_count", lambda: 1)
    assert auto.processes_for(10**6) == 1


def test_model_stamp_ignores_the_onnx_export_written_at_first_load(tmp_path):
    """Loading a model may write network.int8.onnx beside it; that must not look like a retrain."""
    import os

    from pipelines.resources import _model_stamp

    (tmp_path / "model.safetensors").write_bytes(b"w")
    os.utime(tmp_path / "model.safetensors", (1_000, 1_000))
    before = _model_stamp(tmp_path)
    for name in ("network.int8.onnx", ".network-abc.onnx"):
        (tmp_path / name).write_bytes(b"graph")
        os.utime(tmp_path / name, (2_000, 2_000))
    assert _model_stamp(tmp_path) == before == 1_000
    os.utime(tmp_path / "model.safetensors", (3_000, 3_000))
    assert _model_stamp(tmp_path) == 3_000
