"""Fixtures for the quality gate: a temporary warehouse, and GX data docs off or in tmp."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")



@pytest.fixture()
def warehouse_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture()
def warehouse(warehouse_url: str) -> Iterator["Warehouse"]:  # noqa: F821
    from storage.warehouse import Warehouse
    import storage.quality_results  # noqa: F401  registers data_quality_results

    store = Warehouse(warehouse_url)
    yield store
    store.dispose()


@pytest.fixture(autouse=True)
def no_gx_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    """No data docs by default (faster, and never into the repository's var/)."""
    from assets.quality import results

    monkeypatch.setattr(results, "GX_DOCS_DIR", None)


@pytest.fixture()
def gx_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Data docs built into the test's own folder."""
    from assets.quality import results

    folder = tmp_path / "gx_docs"
    monkeypatch.setattr(results, "GX_DOCS_DIR", folder)
    return folder


