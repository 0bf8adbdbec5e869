"""Small partner exports for the file-drop inbox: a GBK CSV (点评 platform) and a JSONL (WeChat service desk)."""
from __future__ import annotations

import csv
import io
import json
import os
import random
from datetime import date, timedelta
from pathlib import Path

from demo.company import make_customers, make_workers
from demo.complaint_text import compose_complaint, main_issue
from demo.feedback import rating_for
from demo.fragments import substream
from demo.generate import CUSTOMERS_PER_WORKER
from demo.orders import Order, make_orders
from demo.texts import compose_review

CSV_COLUMNS = ("id", "kind", "worker_id", "order_id", "created_at", "channel", "rating", "text", "store_name")
# the JSONL export ends with one line cut off mid-object, as happens with interrupted exports
TRUNCATED_LINE = '{"id": "WX-TRUNCATED", "kind": "review", "worker_id": "W0001", "text": "阿姨很'


def write_inbox_sample(inbox_dir: str | Path, day: date, seed: int = 7, workers: int = 200,
                       n_reviews: int = 12, n_service_desk: int = 8) -> list[Path]:
    """Write `dianping_<day>.csv` (GBK) and `wechat_kf_<day>.jsonl` for `day`; returns their paths.

    Texts come from the same workers and the same day's events as the demo source database.
    Files are written under a dot-name and renamed, so an inbox sensor never sees half a file.
    """
    inbox = Path(inbox_dir)
    inbox.mkdir(parents=True, exist_ok=True)
    orders = [o for o in _day_orders(seed, workers, day) if o.status != "cancelled"]
    rng = substream(seed, "inbox", day.isoformat())
    picked = rng.sample(orders, min(len(orders), n_reviews + n_service_desk))
    stamp = day.strftime("%Y%m%d")
    csv_rows = [_review(rng, o, f"DP{stamp}{i:04d}", "dianping", emoji=False)
                for i, o in enumerate(picked[:n_reviews], 1)]
    jsonl_rows = [_service_desk_row(rng, o, f"WX{stamp}{i:04d}") for i, o in enumerate(picked[n_reviews:], 1)]
    csv_path = _write_atomic(inbox / f"dianping_{stamp}.csv", _csv_bytes(csv_rows))
    lines = [json.dumps(row, ensure_ascii=False) for row in jsonl_rows] + [TRUNCATED_LINE]
    jsonl_path = _write_atomic(inbox / f"wechat_kf_{stamp}.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    return [csv_path, jsonl_path]


def _day_orders(seed: int, workers: int, day: date) -> list[Order]:
    staff = [w for w in make_workers(seed, workers, day + timedelta(days=1)) if w.hire_date <= day]
    return make_orders(seed, staff, make_customers(seed, workers * CUSTOMERS_PER_WORKER), day, day)


def _created_at(rng: random.Random, order: Order) -> str:
    created = order.scheduled_start + timedelta(hours=order.booked_hours, minutes=rng.randint(20, 180))
    created = min(created, order.scheduled_start.replace(hour=23, minute=30))
    return created.strftime("%Y-%m-%d %H:%M:%S")


def _review(rng: random.Random, order: Order, row_id: str, channel: str, emoji: bool) -> dict[str, object]:
    rating = rating_for(rng, order)
    return {"id": row_id, "kind": "review", "worker_id": order.worker.worker_id, "order_id": f"P{row_id}",
            "created_at": _created_at(rng, order), "channel": channel, "rating": rating,
            "text": compose_review(rng, order, rating, emoji=emoji), "store_name": f"{order.worker.city}旗舰店"}


def _service_desk_row(rng: random.Random, order: Order, row_id: str) -> dict[str, object]:
    if order.issues and rng.random() < 0.7:
        text = compose_complaint(rng, order, "wechat", main_issue(rng, order))
        return {"id": row_id, "kind": "complaint", "worker_id": order.worker.worker_id, "order_id": f"P{row_id}",
                "created_at": _created_at(rng, order), "channel": "wechat", "rating": None, "text": text,
                "agent": f"kf{rng.randint(1, 9):02d}", "meta": {"source": "wechat_kf", "priority": "normal"}}
    row = _review(rng, order, row_id, "wechat", emoji=True)
    row.pop("store_name")
    return row | {"agent": None, "meta": {"source": "wechat_kf"}}


def _csv_bytes(rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    # Chinese spreadsheet software exports GBK; drop anything GBK cannot hold rather than fail
    return buffer.getvalue().encode("gbk", errors="ignore")


def _write_atomic(path: Path, data: bytes) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path
