"""Read tables of texts (CSV, JSONL, XLSX; UTF-8 or GBK) in chunks, and write results incrementally."""
from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class TableError(Exception):
    """An input table that cannot be used; the message is one line meant for the user."""


def detect_encoding(path: Path, block: int = 1 << 20) -> str:
    """`utf-8-sig` when the whole file decodes as UTF-8, else `gb18030` (a superset of GBK)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(block):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def iter_table(path: str | Path, chunk_rows: int = 20_000,
               required: tuple[str, ...] = ()) -> Iterator[pd.DataFrame]:
    """Yield the table in chunks of string columns; TableError if unreadable or a column is missing."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"cannot read {path}: no such file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        chunks = _csv_chunks(path, chunk_rows)
    elif suffix in JSONL_SUFFIXES:
        chunks = _jsonl_chunks(path, chunk_rows)
    elif suffix in XLSX_SUFFIXES:
        chunks = _xlsx_chunks(path, chunk_rows)
    else:
        raise TableError(f"cannot read {path}: unsupported file type {suffix or '(none)'} "
                         "(use .csv, .jsonl or .xlsx)")
    first = True
    try:
        for chunk in chunks:
            if first:
                _check_columns(path, chunk, required)
                first = False
            yield chunk
    except (UnicodeDecodeError, ValueError, KeyError, OSError, pd.errors.ParserError) as exc:
        raise TableError(f"cannot read {path}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from exc
    if first and required:
        raise TableError(f"cannot read {path}: the file has no header or rows")


def read_table(path: str | Path, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """The whole table at once (for training files)."""
    chunks = list(iter_table(path, required=required))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=list(required))


def _check_columns(path: Path, chunk: pd.DataFrame, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in chunk.columns]
    if missing:
        raise TableError(f"{path}: column {', '.join(missing)} not found; columns are: "
                         f"{', '.join(map(str, chunk.columns))}")


def _csv_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding=detect_encoding(path),
                         chunksize=chunk_rows)
    with reader:
        yield from reader


def _jsonl_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    encoding = detect_encoding(path)
    rows: list[dict] = []
    with open(path, encoding=encoding) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number} is not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise ValueError(f"line {number} is not a JSON object")
            rows.append(record)
            if len(rows) >= chunk_rows:
                yield _as_strings(pd.DataFrame(rows))
                rows = []
    if rows:
        yield _as_strings(pd.DataFrame(rows))


def _xlsx_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ValueError(f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        rows = book.active.iter_rows(values_only=True)
        header = [str(h) if h is not None else f"column{i}" for i, h in enumerate(next(rows, ()))]
        batch: list[tuple] = []
        yielded = False
        for row in rows:
            batch.append(row[: len(header)])
            if len(batch) >= chunk_rows:
                yield _as_strings(pd.DataFrame(batch, columns=header))
                batch, yielded = [], True
        if batch or not yielded:
            yield _as_strings(pd.DataFrame(batch, columns=header))
    finally:
        book.close()


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), "").astype(str)
