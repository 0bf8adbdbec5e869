"""Fixtures for scoring tests: a small warehouse filled from hand-made data."""
from __future__ import annotations

import pytest
from scoring_fixtures import fill_warehouse

from storage.warehouse import Warehouse


@pytest.fixture(scope="session")
def filled_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, list[str]]:
    path = tmp_path_factory.mktemp("scoring") / "warehouse.db"
    warehouse = Warehouse(f"sqlite:///{path}")
    dates = fill_warehouse(warehouse)
    yield warehouse, dates
    warehouse.dispose()
