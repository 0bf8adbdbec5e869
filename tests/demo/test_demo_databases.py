"""The demo source on PostgreSQL and MariaDB holds exactly what it holds on SQLite (emoji included)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from demo import generate
from demo.schema import TABLES

SERVERS = {
    "postgresql": (os.environ.get("FEEDBACK_TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"),
                   'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0',
                   'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
    "mariadb": (os.environ.get("FEEDBACK_TEST_MYSQL_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"),
                "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                "DROP DATABASE IF EXISTS `{name}`"),
}


@pytest.fixture(params=sorted(SERVERS))
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards; skips when the server is not reachable."""
    admin_url, create, drop = SERVERS[request.param]
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"feedback_demo_{secrets.token_hex(4)}"
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(create.format(name=name)))
    except Exception as error:  # any driver error means "not available here"
        engine.dispose()
        pytest.skip(f"{request.param} not reachable: {error!s:.200}")
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(drop.format(name=name)))
        engine.dispose()


def all_rows(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                    for t in TABLES}
    finally:
        engine.dispose()


@pytest.mark.prod
def test_same_tables_as_sqlite(server_url: str, tmp_path: Path) -> None:
    args = dict(end_date=date(2026, 3, 1), days=3, workers=30)
    sqlite_url = f"sqlite:///{tmp_path / 'reference.db'}"
    counts = generate(sqlite_url, **args)
    assert generate(server_url, **args) == counts
    assert generate(server_url, **args) == counts  # re-run replaces, never duplicates
    reference, stored = all_rows(sqlite_url), all_rows(server_url)
    assert stored == reference
    texts = [row[6] for row in stored["reviews"]]
    assert any(ord(ch) > 0xFFFF for text in texts for ch in text)  # 4-byte emoji survived
