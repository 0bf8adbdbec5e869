"""Shared fixtures: a tiny seeded demo source, temporary SQLite warehouses, pipeline resources."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

# Tests never touch the repository's var/ nor phone home.
os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TINY_END = date(2025, 6, 10)
TINY_DAYS = 4
TINY_WORKERS = 12
TINY_SEED = 11


@dataclass(frozen=True)
class DemoSource:
    """A generated demo source database and the days it covers."""

    url: str
    end_date: date
    days: int
    workers: int
    seed: int

    @property
    def partition_keys(self) -> list[str]:
        return [(self.end_date - timedelta(days=i)).isoformat() for i in range(self.days)][::-1]


@pytest.fixture(scope="session")
def tiny_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSource:
    """A few workers over a few days of the fictional company (generated once per session)."""
    from demo.generate import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'source.db'}"
    generate(url, TINY_END, days=TINY_DAYS, seed=TINY_SEED, workers=TINY_WORKERS)
    return DemoSource(url, TINY_END, TINY_DAYS, TINY_WORKERS, TINY_SEED)


@pytest.fixture
def warehouse_url(tmp_path: Path) -> str:
    """A fresh, empty SQLite warehouse."""
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture
def warehouse(warehouse_url: str):
    """A `storage.warehouse.Warehouse` on the fresh SQLite file."""
    from storage.warehouse import Warehouse

    store = Warehouse(warehouse_url)
    yield store
    store.dispose()


@pytest.fixture
def inbox_dir(tmp_path: Path) -> Path:
    """An empty inbox folder."""
    path = tmp_path / "inbox"
    path.mkdir()
    return path


@pytest.fixture
def pipeline_resources(tiny_demo: DemoSource, warehouse_url: str, inbox_dir: Path) -> dict:
    """Dagster resources on the tiny demo source and a temporary warehouse, rule classifier."""
    from pipelines.resources import (
        ClassifierResource,
        InboxResource,
        SourceDatabaseResource,
        WarehouseResource,
    )

    return {
        "source_db": SourceDatabaseResource(url=tiny_demo.url),
        "warehouse": WarehouseResource(url=warehouse_url),
        "inbox": InboxResource(path=str(inbox_dir)),
        "classifier": ClassifierResource(backend="rules"),
    }
