"""Hostile partner exports for the inbox: each row or file is a known way real exports go wrong."""
from __future__ import annotations

import csv
import io
from pathlib import Path

COLUMNS = ("id", "kind", "worker_id", "order_id", "created_at", "channel", "rating", "text",
           "store_name")
LONG_TEXT = "阿姨打扫得很干净。" * 11_112  # 100,008 characters
HTML = "<script>alert('x')</script><b>阿姨很准时</b>"
SQL = "'; DROP TABLE feedback; -- 阿姨不错"

# id -> (overrides of a valid review row, the rule it must be rejected with, or None if accepted)
ROWS: dict[str, tuple[dict[str, str], str | None]] = {
    "H-EMPTY": ({"text": ""}, "missing_text"),
    "H-SPACE": ({"text": "  \t  "}, "missing_text"),
    "H-LONG": ({"text": LONG_TEXT}, None),
    "H-EMOJI": ({"text": "😀😀👍"}, None),
    "H-HTML": ({"text": HTML}, None),
    "H-SQL": ({"text": SQL}, None),
    "H-FUTURE": ({"created_at": "2099-01-01 10:00"}, "future_date"),
    "H-R0": ({"rating": "0"}, "rating_out_of_range"),
    "H-RNEG": ({"rating": "-1"}, "rating_out_of_range"),
    "H-R6": ({"rating": "6"}, "rating_out_of_range"),
    "H-OK": ({}, None),
}
DUPLICATE_ID = "H-DUP"  # twice, different texts: the second is rejected as duplicate_id


def _row(day: str, worker: str, row_id: str, **overrides: str) -> dict[str, str]:
    base = {"id": row_id, "kind": "review", "worker_id": worker, "order_id": "",
            "created_at": f"{day} 10:30", "channel": "dianping", "rating": "4",
            "text": "阿姨做事认真", "store_name": "朝阳店"}
    return {**base, **overrides}


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def hostile_rows(day: str, worker: str) -> list[dict[str, str]]:
    rows = [_row(day, worker, row_id, **overrides) for row_id, (overrides, _) in ROWS.items()]
    rows.append(_row(day, worker, DUPLICATE_ID, text="第一次的内容"))
    rows.append(_row(day, worker, DUPLICATE_ID, text="完全不同的第二条内容", rating="1"))
    return rows


def write_hostile_inbox(inbox: Path, day: str, worker: str) -> dict[str, str]:
    """Write every hostile file; returns file name -> what should happen to it."""
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "hostile.csv").write_text(_csv(hostile_rows(day, worker)), encoding="utf-8")
    gbk_rows = [_row(day, worker, "G-1", text="保洁阿姨非常细心，厨房擦得锃亮"),
                _row(day, worker, "G-2", text="师傅迟到了半小时，态度还行")]
    (inbox / "gbk_export.csv").write_bytes(_csv(gbk_rows).encode("gbk"))
    lines = _csv([_row(day, worker, "U-1", text="正常的一行"),
                  _row(day, worker, "U-2", text="BROKEN")]).encode("utf-8")
    (inbox / "bad_bytes.csv").write_bytes(lines.replace(b"BROKEN", b"\xff\xfe\xfa bad"))
    (inbox / "missing_columns.csv").write_text(
        _csv([_row(day, worker, "M-1")], columns=("id", "kind", "worker_id", "rating")),
        encoding="utf-8")
    (inbox / "empty.csv").write_bytes(b"")
    (inbox / "truncated.xlsx").write_bytes(_truncated_xlsx(day, worker))
    return {"hostile.csv": "processed", "gbk_export.csv": "processed",
            "bad_bytes.csv": "processed", "missing_columns.csv": "rejected",
            "empty.csv": "rejected", "truncated.xlsx": "rejected"}


def _truncated_xlsx(day: str, worker: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in hostile_rows(day, worker)[:3]:
        sheet.append([row[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return data[: len(data) // 2]
