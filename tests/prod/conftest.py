"""Fixtures for the production path: fresh PostgreSQL / MariaDB databases per test, dropped after.

Each fixture skips (never fails) when its server is not reachable, naming the server and the error.
Admin URLs can be overridden for other machines with FEEDBACK_TEST_PG_ADMIN_URL and
FEEDBACK_TEST_MYSQL_ADMIN_URL.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get(
    "FEEDBACK_TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
MYSQL_ADMIN_URL = os.environ.get(
    "FEEDBACK_TEST_MYSQL_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
)
DEPLOY_INSTANCE_YAML = Path(__file__).resolve().parents[2] / "deploy" / "dagster.postgres.yaml"


def _fresh_name() -> str:
    return f"feedback_test_{secrets.token_hex(4)}"


def _admin_engine(url: str, server: str) -> sa.Engine:
    """An autocommit engine on the server's admin database, or skip naming the server."""
    connect_args = {"connect_timeout": 3}
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args=connect_args)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any driver error means "not available here"
        engine.dispose()
        pytest.skip(f"{server} not reachable on {engine.url.host}:{engine.url.port}: {exc!s:.200}")
    return engine


def _with_database(url: str, database: str) -> str:
    return sa.make_url(url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def _fresh_pg_database() -> Iterator[str]:
    engine = _admin_engine(PG_ADMIN_URL, "PostgreSQL")
    name = _fresh_name()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        yield _with_database(PG_ADMIN_URL, name)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    with _fresh_pg_database() as url:
        yield url


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """SQLAlchemy URL (utf8mb4) of a fresh, empty MariaDB/MySQL database (dropped after)."""
    engine = _admin_engine(MYSQL_ADMIN_URL, "MariaDB/MySQL")
    name = _fresh_name()
    with engine.connect() as conn:
        conn.execute(
            sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        )
    try:
        yield _with_database(MYSQL_ADMIN_URL, name)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        engine.dispose()


@pytest.fixture
def pg_dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A DAGSTER_HOME holding deploy/dagster.postgres.yaml, its DAGSTER_PG_* env pointing at a
    fresh PostgreSQL database of its own (separate from any warehouse database)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY_INSTANCE_YAML, home / "dagster.yaml")
    with _fresh_pg_database() as dagster_db_url:
        url = sa.make_url(dagster_db_url)
        _set_dagster_pg_env(monkeypatch, home, url)
        yield home


def _set_dagster_pg_env(monkeypatch: pytest.MonkeyPatch, home: Path, url: sa.URL) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_HOST", url.host or "127.0.0.1")
    monkeypatch.setenv("DAGSTER_PG_PORT", str(url.port or 5432))
    monkeypatch.setenv("DAGSTER_PG_USER", url.username or "postgres")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", url.password or "")
    monkeypatch.setenv("DAGSTER_PG_DB", url.database or "")
