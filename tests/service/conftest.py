"""Fixtures for service tests: a filled SQLite warehouse copy per test, tokens per role, a client."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_fixtures import fill_warehouse

from nlp.rules import RuleClassifier
from service.app import create_app
from service.auth import create_token
from service.db import open_warehouse
from service.settings import ServiceSettings


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("service_template") / "warehouse.db"
    warehouse = fill_warehouse(f"sqlite:///{path}")
    warehouse.dispose()
    open_warehouse(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def classifier() -> RuleClassifier:
    """The keyword baseline: same predict() contract as the trained model, no training needed."""
    return RuleClassifier()


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
