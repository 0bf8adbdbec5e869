"""Incremental writers for classified tables: CSV, JSONL or XLSX, chunk by chunk."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol

import pandas as pd

SUFFIXES = {".csv", ".jsonl", ".xlsx"}


class ChunkWriter(Protocol):
    def write(self, frame: pd.DataFrame) -> None: ...


class CsvWriter:
    """UTF-8 CSV (with BOM when written to a file, so that Excel shows Chinese correctly)."""

    def __init__(self, handle):
        self.handle, self.header = handle, True

    def write(self, frame: pd.DataFrame) -> None:
        frame.to_csv(self.handle, index=False, header=self.header)
        self.header = False


class JsonlWriter:
    def __init__(self, handle):
        self.handle = handle

    def write(self, frame: pd.DataFrame) -> None:
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        self.handle.write(text if text.endswith("\n") else text + "\n")


class XlsxWriter:
    """openpyxl write-only workbook: rows stream to disk, memory stays flat."""

    def __init__(self, path: Path):
        from openpyxl import Workbook

        self.path, self.book = path, Workbook(write_only=True)
        self.sheet, self.header = self.book.create_sheet("classified"), True

    def write(self, frame: pd.DataFrame) -> None:
        if self.header:
            self.sheet.append([str(c) for c in frame.columns])
            self.header = False
        for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
            self.sheet.append(list(row))

    def close(self) -> None:
        self.book.save(self.path)


@contextmanager
def open_writer(output: Path | None) -> Iterator[ChunkWriter]:
    """A writer for `output` by suffix; None means CSV on stdout."""
    if output is None:
        yield CsvWriter(sys.stdout)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        writer = XlsxWriter(output)
        yield writer
        writer.close()
        return
    encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"
    with open(output, "w", encoding=encoding, newline="") as handle:
        yield CsvWriter(handle) if suffix == ".csv" else JsonlWriter(handle)
