"""Dagster resources: the source database, the warehouse, the file inbox and the classifier.

Every setting is a resource field; `pipelines.definitions` fills it from the environment with
`EnvVar` where the variable is set, and `None` means the default from `storage.config`.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from pipelines.classify_pool import load_predictor, predict_chunks, start
from storage import config
from storage.inbox_files import file_sha256
from storage.source import SourceDatabase
from storage.warehouse import Warehouse


class SourceDatabaseResource(ConfigurableResource):
    """The company source database (`FEEDBACK_SOURCE_URL`)."""

    url: str | None = None
    chunk_rows: int = 20_000

    def get(self) -> SourceDatabase:
        return SourceDatabase(self.url or config.default_source_url(), chunk_rows=self.chunk_rows)


class WarehouseResource(ConfigurableResource):
    """The warehouse (`FEEDBACK_WAREHOUSE_URL`); one engine per run."""

    url: str | None = None
    chunk_rows: int = 5_000
    _warehouse: Warehouse | None = PrivateAttr(default=None)

    def get(self) -> Warehouse:
        if self._warehouse is None:
            self._warehouse = Warehouse(self.url or config.default_warehouse_url(),
                                        chunk_rows=self.chunk_rows)
        return self._warehouse

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._warehouse is not None:
            self._warehouse.dispose()


class InboxResource(ConfigurableResource):
    """The file-drop inbox (`FEEDBACK_INBOX`) with `processed/` and `rejected/` beside the drops.

    A processed file is kept as `processed/<sha8>__<name>` with `<that>.meta.json` recording its
    sha256, when it arrived and which daily partitions its rows fall on.
    """

    path: str | None = None
    column_mapping: dict[str, str] = {}

    @property
    def root(self) -> Path:
        return Path(self.path) if self.path else config.default_inbox()

    @property
    def processed_dir(self) -> Path:
        return self.root / "processed"

    @property
    def rejected_dir(self) -> Path:
        return self.root / "rejected"

    def pending_files(self) -> list[Path]:
        """Files dropped in the inbox and not yet handled (hidden and temporary files skipped)."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_file()
                      and not p.name.startswith((".", "~$")) and not p.name.endswith(".part"))

    def read(self, path: Path) -> pd.DataFrame:
        """Rows of an inbox file in the documented columns plus `line` and `parse_error`.

        A line that could not be parsed is kept as a row (raw text in `text`, the reason in
        `parse_error`) so that it reaches `rejected_feedback`; an unreadable file raises.
        """
        from storage.inbox_files import read_inbox_file
        result = read_inbox_file(path, column_mapping=self.column_mapping or None)
        rows = result.frame.assign(line=result.source_lines or None, parse_error=None)
        broken = pd.DataFrame({
            "text": [raw for _, raw in result.bad_lines],
            "line": [line for line, _ in result.bad_lines],
            "parse_error": [result.bad_line_reasons.get(line, "unreadable line")
                            for line, _ in result.bad_lines]})
        return pd.concat([rows, broken], ignore_index=True) if len(broken) else rows

    def archived(self) -> list[tuple[Path, dict[str, Any]]]:
        """Processed files with their metadata, oldest first."""
        if not self.processed_dir.is_dir():
            return []
        found = []
        for meta_path in sorted(self.processed_dir.glob("*.meta.json")):
            data_path = meta_path.with_name(meta_path.name[: -len(".meta.json")])
            if data_path.exists():
                found.append((data_path, json.loads(meta_path.read_text(encoding="utf-8"))))
        return found

    def archived_digest(self, sha256: str) -> Path | None:
        """The processed file with this content, if any."""
        return next((p for p, meta in self.archived() if meta.get("sha256") == sha256), None)

    def archive(self, path: Path, sha256: str, received_at: datetime,
                partitions: list[str]) -> Path:
        """Move a readable file to `processed/` and write its metadata beside it."""
        self.processed_dir.mkdir(parents=True, exist_ok=True)
        target = self.processed_dir / f"{sha256[:8]}__{path.name}"
        meta = {"sha256": sha256, "original_name": path.name, "partitions": partitions,
                "received_at": received_at.isoformat(timespec="seconds")}
        target.with_name(target.name + ".meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        shutil.move(str(path), target)
        return target

    def reject(self, path: Path, reason: str) -> Path:
        """Move an unusable file to `rejected/` with `<name>.reason.txt` beside it."""
        self.rejected_dir.mkdir(parents=True, exist_ok=True)
        target = self.rejected_dir / path.name
        if target.exists():
            target = self.rejected_dir / f"{datetime.now():%Y%m%d%H%M%S}__{path.name}"
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        shutil.move(str(path), target)
        return target


# Process-wide cache: a model is loaded once per run (and once for many runs in one process,
# as in `make demo`), never at import of the code location.
# Runs of a backfill, which already runs days side by side: Dagster's own tag on the daemon's
# backfill runs, ours on `feedback run --backfill --workers` runs (pipelines/backfill.py).
BACKFILL_TAGS = ("dagster/backfill", "feedback/backfill")
AUTO_MIN_ROWS = 20_000  # below this a second process saves less wall time than it costs CPU
_LOADED: dict[tuple[str, str, float], tuple[Any, str]] = {}
_LOAD_LOCK = threading.Lock()


def _model_stamp(model_dir: Path) -> float:
    # the ONNX export is derived from the weights and may be written by the first load
    # (nlp.onnx_network), so it must not make that load look stale
    files = [p.stat().st_mtime for p in model_dir.rglob("*")
             if p.is_file() and not _derived(p.name)] if model_dir.is_dir() else []
    return max(files, default=0.0)


def _derived(name: str) -> bool:
    return name.endswith(".onnx") and (name.startswith("network.") or name.startswith(".network-"))


def in_backfill(run_tags: Mapping[str, str]) -> bool:
    """Whether a run is one of a backfill's (see BACKFILL_TAGS)."""
    return any(tag in run_tags for tag in BACKFILL_TAGS)


class ClassifierResource(ConfigurableResource):
    """The feedback classifier: `backend="model"` (trained, `FEEDBACK_MODEL_DIR`) or `"rules"`."""

    backend: Literal["model", "rules"] = "model"
    model_dir: str | None = None
    batch_size: int = 1_000
    # processes that classify a day (FEEDBACK_CLASSIFIER_PROCESSES); 0: one per core for a day
    # of AUTO_MIN_ROWS rows or more, else 1 (a worker costs a torch import, ~10 CPU-s)
    processes: int = 0

    @property
    def resolved_model_dir(self) -> Path:
        return Path(self.model_dir) if self.model_dir else config.default_model_dir()

    def _key(self) -> tuple[str, str, float]:
        directory = self.resolved_model_dir
        return (self.backend, str(directory.resolve()),
                _model_stamp(directory) if self.backend == "model" else 0.0)

    def _predictor(self) -> tuple[Any, str]:
        key = self._key()
        with _LOAD_LOCK:
            if key not in _LOADED:
                _LOADED[key] = load_predictor(self.backend, self.resolved_model_dir)
            return _LOADED[key]

    @property
    def version(self) -> str:
        """The model version written to `classified_feedback.model_version`."""
        return self._predictor()[1]

    def predict(self, texts: list[str]) -> pd.DataFrame:
        """Classifier columns for each text, in order (docs/contracts.md, ## Classifier)."""
        predictor, _ = self._predictor()
        return predictor.predict(texts).reset_index(drop=True)

    def processes_for(self, rows: int, in_backfill: bool = False) -> int:
        """How many processes classify a day of `rows` texts; automatic mode gives a backfill
        run one, because the instance already runs its partitions side by side."""
        if self.processes > 0:
            return self.processes
        cores = os.cpu_count() or 1
        return cores if cores > 1 and rows >= AUTO_MIN_ROWS and not in_backfill else 1

    def start_workers(self, processes: int) -> None:
        """Spawn the worker processes ahead of the first chunk (no-op for one process)."""
        start(*self._key(), processes)

    def predict_chunks(self, batches: Iterable[list[str]],
                       processes: int | None = None) -> Iterator[pd.DataFrame]:
        """`predict` of each batch, in order; spread over `processes` (default: the setting,
        auto meaning one) processes when above 1."""
        processes = processes or max(self.processes, 1)
        if processes <= 1:
            for texts in batches:
                yield self.predict(texts)
            return
        yield from predict_chunks(batches, self.predict, *self._key(), processes)
