"""Default locations of the source database, warehouse, inbox and model (see docs/contracts.md).

Each setting comes from its environment variable when set, else from a default under `var/`.
Relative paths are relative to the working directory (the Makefile runs from the repo root).
"""
from __future__ import annotations

import os
from pathlib import Path

SOURCE_URL_ENV = "FEEDBACK_SOURCE_URL"
WAREHOUSE_URL_ENV = "FEEDBACK_WAREHOUSE_URL"
INBOX_ENV = "FEEDBACK_INBOX"
MODEL_DIR_ENV = "FEEDBACK_MODEL_DIR"

DEFAULT_SOURCE_URL = "sqlite:///var/source.db"
DEFAULT_WAREHOUSE_URL = "sqlite:///var/warehouse.db"
DEFAULT_INBOX = "var/inbox"
DEFAULT_MODEL_DIR = "var/models/default"

TIMEZONE = "Asia/Shanghai"


def _setting(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def default_source_url() -> str:
    """SQLAlchemy URL of the company source database."""
    return _setting(SOURCE_URL_ENV, DEFAULT_SOURCE_URL)


def default_warehouse_url() -> str:
    """SQLAlchemy URL of the warehouse."""
    return _setting(WAREHOUSE_URL_ENV, DEFAULT_WAREHOUSE_URL)


def default_inbox() -> Path:
    """Folder where exported feedback files are dropped."""
    return Path(_setting(INBOX_ENV, DEFAULT_INBOX))


def default_model_dir() -> Path:
    """Directory of the classifier model."""
    return Path(_setting(MODEL_DIR_ENV, DEFAULT_MODEL_DIR))


def ensure_sqlite_parent(url: str) -> None:
    """Create the folder of a file-based SQLite URL, so that `var/` need not exist beforehand."""
    prefix = "sqlite:///"
    if url.startswith(prefix):
        path = url[len(prefix):].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
