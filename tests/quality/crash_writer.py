"""Subprocess for the crash test: write a partition in chunks, pausing after the first chunk.

    python crash_writer.py URL DAY ROWS FLAG_FILE [--pause]

With --pause the process writes one chunk inside the open transaction, creates FLAG_FILE and
sleeps, so the parent can SIGKILL it mid-write. Without it, it writes the whole partition.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from storage.warehouse import Warehouse

CHUNK = 500


def frame(rows: int, version: str) -> pd.DataFrame:
    return pd.DataFrame({"review_id": [f"R{i:08d}" for i in range(rows)],
                         "worker_id": "W0001", "rating": 5, "channel": "app",
                         "text": [f"{version} 第{i}条 阿姨很好" for i in range(rows)],
                         "created_at": pd.Timestamp("2025-03-10 10:00")})


def chunks(data: pd.DataFrame, flag: Path, pause: bool) -> Iterator[pd.DataFrame]:
    for start in range(0, len(data), CHUNK):
        yield data.iloc[start:start + CHUNK]
        if pause and start == 0:
            flag.touch()
            time.sleep(60)  # the parent kills us here, with a chunk inserted and not committed


def main(url: str, day: str, rows: int, flag: str, pause: bool) -> None:
    store = Warehouse(url, chunk_rows=CHUNK)
    store.replace_partition("raw_reviews", day, chunks(frame(rows, "new"), Path(flag), pause))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], "--pause" in sys.argv)
