"""One demo company (60 days, default seed) generated into a temporary SQLite file per test session."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

END_DATE = date(2026, 11, 21)
TABLES = ("workers", "customers", "orders", "reviews", "complaints", "worker_latent_quality")
TIMESTAMPS = {"orders": ["scheduled_start", "actual_arrival"], "reviews": ["created_at"],
              "complaints": ["created_at", "first_response_at", "resolved_at"]}


@dataclass
class Company:
    url: str
    end_date: date
    counts: dict[str, int]
    seconds: float
    tables: dict[str, pd.DataFrame]


def read_tables(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: pd.read_sql_table(t, conn, parse_dates=TIMESTAMPS.get(t)) for t in TABLES}
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Company:
    from demo import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'source.db'}"
    started = time.perf_counter()
    counts = generate(url, END_DATE)
    return Company(url, END_DATE, counts, time.perf_counter() - started, read_tables(url))

