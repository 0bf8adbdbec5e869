"""The bench source generator: exact daily counts, the same rows on every dialect and for any
number of generator processes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.scale_generate import generate_source

TABLES = ("workers", "customers", "orders", "reviews", "complaints", "worker_latent_quality")
END = date(2026, 10, 31)


def _digest(url: str) -> dict[str, tuple[int, str]]:
    engine = sa.create_engine(url)
    found = {}
    try:
        with engine.connect() as conn:
            for table in TABLES:
                rows = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                text = repr([tuple(str(v) for v in row) for row in rows]).encode()
                found[table] = (len(rows), hashlib.sha1(text).hexdigest())
    finally:
        engine.dispose()
    return found


@pytest.fixture(scope="module")
def sqlite_digest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('gen') / 'one.db'}"
    counts = generate_source(url, 900, 3, END, processes=1, log=lambda _: None)
    assert counts["reviews"] + counts["complaints"] == 900
    return _digest(url)


def test_daily_counts_and_processes_agree(sqlite_digest: dict, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'two.db'}"
    generate_source(url, 900, 3, END, processes=2, log=lambda _: None)
    assert _digest(url) == sqlite_digest
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        per_day = conn.exec_driver_sql(
            "SELECT substr(created_at, 1, 10), count(*) FROM (SELECT created_at FROM reviews "
            "UNION ALL SELECT created_at FROM complaints) GROUP BY 1 ORDER BY 1").fetchall()
    engine.dispose()
    assert [n for _, n in per_day] == [300, 300, 300]


@pytest.mark.prod
def test_bulk_loads_write_the_same_rows(sqlite_digest: dict, pg_url: str,
                                        mariadb_url: str) -> None:
    for url in (pg_url, mariadb_url):
        generate_source(url, 900, 3, END, processes=1, log=lambda _: None)
        assert _digest(url) == sqlite_digest, url
