"""Inference threads are a property of the running process, not of the trained model."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from nlp.classify import FeedbackClassifier
from nlp.settings import THREADS_ENV, NLPSettings


def test_one_thread_unless_the_environment_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert NLPSettings().num_threads == 1
    monkeypatch.setenv(THREADS_ENV, "2")
    assert NLPSettings().num_threads == 2


def test_load_ignores_the_thread_count_in_the_model_card(tiny_model_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv(THREADS_ENV, raising=False)
        assert FeedbackClassifier.load(tiny_model_dir).settings.num_threads == 1
        assert torch.get_num_threads() == 1
        explicit = NLPSettings(num_threads=2, quantize=False)
        FeedbackClassifier.load(tiny_model_dir, explicit)
        assert torch.get_num_threads() == max(1, min(2, os.cpu_count() or 1))
    finally:
        torch.set_num_threads(before)
