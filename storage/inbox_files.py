"""Read partner exports dropped in the inbox (CSV, JSON Lines, Excel) into the documented columns.

Only file-level problems raise `InboxFileError` (unknown type, empty, corrupt or truncated Excel,
undecodable bytes, missing required columns); a single broken line or record is returned in
`bad_lines` with its raw payload so the pipeline can quarantine it. Row contents (dates, ratings,
empty texts, unknown workers) are not judged here: that is the pipeline's row validation.
CSV encodings: UTF-8 with or without BOM, else GB18030 (a superset of GBK/GB2312).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

INBOX_COLUMNS = ("id", "kind", "worker_id", "order_id", "created_at", "channel", "rating", "text")
REQUIRED_COLUMNS = ("id", "kind", "worker_id", "created_at", "text")
FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx"}
# a file whose lines are mostly undecodable is not text at all, rather than text with a few bad lines
MAX_UNDECODABLE_LINE_SHARE = 0.10


class InboxFileError(ValueError):
    """The whole file cannot be used; `reason` says why in plain words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path, self.reason = path, reason


@dataclass
class InboxRead:
    """Rows of one inbox file: `frame` has INBOX_COLUMNS (text values, None when absent) + `extra`
    (JSON object of the other columns); `source_lines[i]` is the file line (sheet row) of frame row i;
    `bad_lines` holds (line, raw payload) of lines that could not be read, with reasons by line."""

    frame: pd.DataFrame
    file_format: str
    encoding: str | None = None
    source_lines: list[int] = field(default_factory=list)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    bad_line_reasons: dict[int, str] = field(default_factory=dict)

    def add_bad_line(self, line: int, raw: str, reason: str) -> None:
        self.bad_lines.append((line, raw))
        self.bad_line_reasons[line] = reason


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of the file content (the inbox run key)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_inbox_file(path: str | Path, column_map: dict[str, str] | None = None, *,
                    column_mapping: dict[str, str] | None = None) -> InboxRead:
    """Read one inbox file; `column_map` renames file columns to ours, e.g. {"评价内容": "text"}.

    `column_mapping` is accepted as another name for `column_map`.
    """
    path = Path(path)
    mapping = {_header_key(k): v for k, v in (column_map or column_mapping or {}).items()}
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InboxFileError(path, "legacy Excel .xls is not supported: save it as .xlsx or CSV")
    if suffix not in FORMATS:
        raise InboxFileError(path, f"unknown file type {suffix or '(no extension)'!r}: expected one of "
                                   + ", ".join(sorted(FORMATS)))
    data = path.read_bytes()
    if not data.replace(codecs.BOM_UTF8, b"").strip():
        raise InboxFileError(path, "empty file")
    file_format = FORMATS[suffix]
    if file_format == "xlsx":
        return _from_table(path, _sheet_rows(path), mapping, InboxRead(pd.DataFrame(), "xlsx"))
    lines, result = _decoded_lines(path, data, file_format)
    if file_format == "csv":
        return _from_table(path, _csv_rows(path, lines), mapping, result)
    return _from_records(path, _json_records(lines, result), mapping, result)


def _decoded_lines(path: Path, data: bytes, file_format: str) -> tuple[list[tuple[int, str]], InboxRead]:
    """Physical lines (1-based number, text); lines with invalid bytes go to bad_lines."""
    if b"\x00" in data:
        raise InboxFileError(path, "binary content (NUL bytes): not a text export")
    encoding = _guess_encoding(data)
    result = InboxRead(pd.DataFrame(), file_format, encoding=encoding)
    raw_lines = data.split(b"\n")  # safe for UTF-8 and GB18030: 0x0A is never part of a multi-byte char
    lines, undecodable = [], 0
    for number, raw in enumerate(raw_lines, start=1):
        raw = raw.rstrip(b"\r")
        try:
            lines.append((number, raw.decode(encoding)))
        except UnicodeDecodeError as error:
            undecodable += 1
            result.add_bad_line(number, raw.decode(encoding, errors="replace"),
                                f"undecodable bytes for {encoding} at byte {error.start}")
    first_text_line = next(n for n, raw in enumerate(raw_lines, start=1) if raw.strip())
    if (undecodable > max(2, MAX_UNDECODABLE_LINE_SHARE * len(raw_lines))
            or first_text_line in result.bad_line_reasons):
        raise InboxFileError(path, f"undecodable bytes: {undecodable} of {len(raw_lines)} lines are "
                                   "neither UTF-8 nor GBK/GB18030 text")
    return lines, result


def _guess_encoding(data: bytes) -> str:
    """UTF-8 (BOM or valid), else whichever of UTF-8 and GB18030 meets fewer invalid sequences."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    utf8_errors = _invalid_sequences(data, "utf-8", b"\xef\xbf\xbd")
    if utf8_errors == 0:
        return "utf-8"
    return "gb18030" if _invalid_sequences(data, "gb18030", b"\x84\x31\xa4\x37") < utf8_errors else "utf-8"


def _invalid_sequences(data: bytes, encoding: str, encoded_replacement: bytes) -> int:
    return data.decode(encoding, errors="replace").count("\ufffd") - data.count(encoded_replacement)


Row = tuple[int, list[Any], str]  # (first line or sheet row, fields, raw text for quarantine)


def _csv_rows(path: Path, lines: list[tuple[int, str]]) -> list[Row]:
    """CSV records; a quoted field may span lines, a record keeps the number of its first line."""
    header_line = next((text for _, text in lines if text.strip()), "")
    delimiter = max((",", "\t", ";"), key=lambda d: (header_line.count(d), d == ","))
    numbers, texts = [n for n, _ in lines], [t for _, t in lines]
    reader = csv.reader(io.StringIO("\n".join(texts)), delimiter=delimiter)
    rows, consumed = [], 0
    try:
        for fields in reader:
            start, consumed = consumed, reader.line_num
            if any(f.strip() for f in fields):
                rows.append((numbers[min(start, len(numbers) - 1)], list(fields), "\n".join(texts[start:consumed])))
    except csv.Error as error:
        raise InboxFileError(path, f"malformed CSV near line {reader.line_num}: {error}") from error
    return rows


def _sheet_rows(path: Path) -> list[Row]:
    """Non-empty rows of the first worksheet, trailing empty cells trimmed."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet_rows = list(book.worksheets[0].iter_rows(values_only=True)) if book.worksheets else []
            finally:
                book.close()
    except Exception as error:  # openpyxl raises many types (BadZipFile, KeyError, XML errors) for broken files
        raise InboxFileError(path, f"corrupt or truncated Excel file ({type(error).__name__}: {error})") from error
    rows = []
    for number, cells in enumerate(sheet_rows, start=1):
        values = list(cells)
        while values and as_text(values[-1]) is None:
            values.pop()
        if values:
            rows.append((number, values, json.dumps([as_text(v) for v in values], ensure_ascii=False)))
    return rows


def _json_records(lines: list[tuple[int, str]], result: InboxRead) -> list[tuple[int, dict[str, Any]]]:
    records = []
    for number, text in lines:
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            result.add_bad_line(number, text, f"invalid JSON: {error.msg} at column {error.colno}")
            continue
        if isinstance(value, dict):
            records.append((number, value))
        else:
            result.add_bad_line(number, text, f"not a JSON object but {type(value).__name__}")
    return records


def _from_table(path: Path, rows: list[Row], mapping: dict[str, str], result: InboxRead) -> InboxRead:
    """First row = header; a CSV record with another number of fields is a bad line."""
    if not rows:
        raise InboxFileError(path, "no header row")
    (_, header, _), body = rows[0], rows[1:]
    names = _column_names(path, [as_text(h) or "" for h in header], mapping)
    records = []
    for number, fields, raw in body:
        if result.file_format == "xlsx":  # sheet rows are trimmed: pad, and name cells beyond the header
            fields = fields + [None] * (len(names) - len(fields))
            names += [f"unnamed_{i}" for i in range(len(names) + 1, len(fields) + 1)]
        if len(fields) != len(names):
            result.add_bad_line(number, raw, f"{len(fields)} fields where the header has {len(names)}")
            continue
        records.append((number, dict(zip(names, fields))))
    return _frame(path, names, records, result)


def _from_records(path: Path, records: list[tuple[int, dict[str, Any]]], mapping: dict[str, str],
                  result: InboxRead) -> InboxRead:
    if not records:
        raise InboxFileError(path, "no line of the file is a JSON object (is it JSON Lines?)")
    keys = list(dict.fromkeys(k for _, record in records for k in record))
    names = _column_names(path, keys, mapping)
    renamed = dict(zip(keys, names))
    return _frame(path, names, [(n, {renamed[k]: v for k, v in r.items()}) for n, r in records], result)


def _header_key(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _column_names(path: Path, header: list[str], mapping: dict[str, str]) -> list[str]:
    """Mapped, trimmed names; our column names match case-insensitively; unnamed -> unnamed_<n>."""
    names = []
    for position, raw in enumerate(header, start=1):
        key = _header_key(raw)
        name = mapping.get(key) or mapping.get(key.lower()) or key or f"unnamed_{position}"
        names.append(name.lower() if name.lower() in INBOX_COLUMNS else name)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InboxFileError(path, "duplicate columns after mapping: " + ", ".join(duplicates))
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InboxFileError(path, "missing required columns: " + ", ".join(missing)
                                   + " (found: " + ", ".join(names) + ")")
    return names


def _frame(path: Path, names: list[str], records: list[tuple[int, dict[str, Any]]],
           result: InboxRead) -> InboxRead:
    extra_names = [n for n in names if n not in INBOX_COLUMNS]
    columns: dict[str, list[str | None]] = {c: [] for c in (*INBOX_COLUMNS, "extra")}
    for _, record in records:
        for column in INBOX_COLUMNS:
            columns[column].append(as_text(record.get(column)))
        extra = {n: _json_value(record[n]) for n in extra_names if n in record}
        columns["extra"].append(json.dumps(extra, ensure_ascii=False))
    result.frame = pd.DataFrame({c: pd.Series(v, dtype="str") for c, v in columns.items()})
    result.source_lines = [number for number, _ in records]
    return result


def as_text(value: Any) -> str | None:
    """A cell as text: '' and NaN -> None, 5.0 -> '5', datetimes -> 'YYYY-MM-DD HH:MM:SS'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if text != "" else None


def _json_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, (dict, list, str, int, bool)) or value is None:
        return value
    return as_text(value)

