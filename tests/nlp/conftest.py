"""NLP fixtures: one tiny trained classifier per test session (a few seconds)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model trained by `nlp.train.train_tiny_model` into a session temp folder."""
    from nlp.train import train_tiny_model

    return train_tiny_model(tmp_path_factory.mktemp("tiny_model"))
