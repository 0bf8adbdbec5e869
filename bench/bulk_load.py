"""Bulk-load tab-separated rows into a source table: COPY (PostgreSQL), LOAD DATA (MariaDB/MySQL),
executemany (SQLite and anything else).

Rows travel as lines of PostgreSQL COPY text format, which is also MySQL's LOAD DATA default
(tab between fields, `\\N` for NULL, backslash escapes), so generator processes can format them
and the writer only joins lines. Per row this is about ten times cheaper than SQLAlchemy
executemany of dicts, which dominated the old generator's time on MariaDB.
"""
from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

NULL = "\\N"


def cell(value: Any) -> str:
    """One field in COPY text format."""
    if value is None:
        return NULL
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")  # the source contract stores whole seconds
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def line(values: Sequence[Any]) -> str:
    """One row as a COPY text line (no trailing newline)."""
    return "\t".join(map(cell, values))


def _unescape(field: str) -> str | None:
    if field == NULL:
        return None
    if "\\" not in field:
        return field
    out, chars = [], iter(field)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append({"t": "\t", "n": "\n", "r": "\r"}.get(nxt, nxt))
        else:
            out.append(char)
    return "".join(out)


def load_lines(conn: sa.Connection, table: sa.Table, columns: Sequence[str],
               lines: Sequence[str]) -> int:
    """Insert `lines` (COPY text, fields in `columns` order) into `table`; returns the count."""
    if not lines:
        return 0
    dialect = conn.dialect.name
    if dialect == "postgresql" and conn.dialect.driver == "psycopg2":
        _copy_postgres(conn, table, columns, lines)
    elif dialect in ("mysql", "mariadb") and conn.dialect.driver == "pymysql":
        _load_data_mysql(conn, table, columns, lines)
    else:  # SQLite: untyped parameters, so the column affinities convert the text
        quote = conn.dialect.identifier_preparer
        keys = [f"c{i}" for i in range(len(columns))]
        statement = sa.text(f"INSERT INTO {quote.format_table(table)} "
                            f"({', '.join(quote.quote(c) for c in columns)}) "
                            f"VALUES ({', '.join(':' + k for k in keys)})")
        conn.execute(statement, [dict(zip(keys, map(_unescape, text.split("\t")), strict=True))
                                 for text in lines])
    return len(lines)


def _copy_postgres(conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                   lines: Sequence[str]) -> None:
    quote = conn.dialect.identifier_preparer
    names = ", ".join(quote.quote(c) for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(f"COPY {quote.format_table(table)} ({names}) FROM STDIN",
                           io.StringIO("\n".join(lines) + "\n"))
    finally:
        cursor.close()


def _load_data_mysql(conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                     lines: Sequence[str]) -> None:
    # pymysql sends a LOCAL INFILE by reading a named file; the engine must allow it
    # (`mysql_engine(url)`), and so must the server (local_infile=ON, the MariaDB default)
    quote = conn.dialect.identifier_preparer
    names = ", ".join(quote.quote(c) for c in columns)
    handle, path = tempfile.mkstemp(prefix="bench-load-", suffix=".tsv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write("\n".join(lines) + "\n")
        conn.exec_driver_sql(
            f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE {quote.format_table(table)} "
            f"CHARACTER SET utf8mb4 ({names})")
    finally:
        os.unlink(path)


def bulk_engine(url: str) -> sa.Engine:
    """An engine that can bulk-load: LOAD DATA LOCAL is switched on for pymysql."""
    from storage.engine import make_engine

    parsed = sa.make_url(url)
    if parsed.get_backend_name() in ("mysql", "mariadb") and parsed.get_driver_name() == "pymysql":
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args={
            "charset": "utf8mb4", "local_infile": True})
    return make_engine(url)
