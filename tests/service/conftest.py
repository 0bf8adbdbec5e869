"""Fixtures for service tests: a filled SQLite warehouse copy per test, tokens per role, a client."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from service_fixtures import fill_warehouse

from service.app import create_app
from service.auth import create_token
from service.db import open_warehouse
from service.settings import ServiceSettings


class KeywordTestClassifier:
    """Test double with the contract's predict() columns; used only when nlp.rules is absent."""

    model_version = "keyword-test-double"
    words = {"attitude": "态度差", "skill": "没擦干净", "logistics": "迟到"}

    def predict(self, texts: list[str]) -> pd.DataFrame:
        rows = []
        for text in texts:
            hits = [c for c, w in self.words.items() if w in text]
            rows.append({
                **{c: (-1 if c in hits else pd.NA) for c in self.words},
                **{f"p_{c}": (0.9 if c in hits else 0.1) for c in self.words},
                "labels": ";".join(hits), "category": hits[0] if hits else "none",
                "subreasons": "", "sentiment": -0.5 if hits else 0.2, "confidence": 0.9,
                "evidence": json.dumps({c: [self.words[c]] for c in hits}, ensure_ascii=False)})
        frame = pd.DataFrame(rows)
        for c in self.words:
            frame[c] = frame[c].astype("Int64")
        return frame


def make_classifier():
    try:
        from nlp.rules import RuleClassifier
    except ImportError:
        return KeywordTestClassifier()
    return RuleClassifier()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("service_template") / "warehouse.db"
    warehouse = fill_warehouse(f"sqlite:///{path}")
    warehouse.dispose()
    open_warehouse(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def classifier():
    return make_classifier()


@pytest.fixture
def settings(template_db: Path, tmp_path: Path) -> ServiceSettings:
    path = tmp_path / "warehouse.db"
    shutil.copy(template_db, path)
    return ServiceSettings(warehouse_url=f"sqlite:///{path}", model_dir=str(tmp_path / "no-model"),
                           session_secret=b"test-secret", max_body_bytes=1024 * 1024)


@pytest.fixture
def app(settings: ServiceSettings, classifier):
    return create_app(settings, classifier=classifier)


@pytest.fixture
def client(app) -> TestClient:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def engine(app):
    return app.state.service.engine


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    return {role: create_token(engine, f"test-{role}", role) for role in ("quality", "hr", "admin")}
