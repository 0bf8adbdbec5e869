"""A write killed or failing half-way leaves the old partition; a re-run equals a clean run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from crash_writer import frame
from storage.warehouse import Warehouse

DAY = "2025-03-10"
ROWS = 3_000
HERE = Path(__file__).parent


def table_state(store: Warehouse, table: str = "raw_reviews") -> pd.DataFrame:
    data = store.read_table(table)
    return data.sort_values(list(data.columns)).reset_index(drop=True)


def clean_run(tmp_path: Path) -> pd.DataFrame:
    store = Warehouse(f"sqlite:///{tmp_path / 'clean.db'}")
    store.replace_partition("raw_reviews", DAY, frame(ROWS, "new"))
    return table_state(store)


def test_exception_mid_insert_keeps_the_old_partition(tmp_path: Path, warehouse) -> None:
    warehouse.chunk_rows = 500
    warehouse.replace_partition("raw_reviews", DAY, frame(ROWS, "old"))
    before = table_state(warehouse)

    def failing() -> Iterator[pd.DataFrame]:
        data = frame(ROWS, "new")
        yield data.iloc[:1_000]
        raise RuntimeError("disk full (injected)")

    with pytest.raises(RuntimeError, match="injected"):
        warehouse.replace_partition("raw_reviews", DAY, failing())
    pd.testing.assert_frame_equal(table_state(warehouse), before)

    warehouse.replace_partition("raw_reviews", DAY, frame(ROWS, "new"))
    pd.testing.assert_frame_equal(table_state(warehouse), clean_run(tmp_path))


def _writer(url: str, flag: Path, pause: bool) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.getcwd(),
                                                        os.environ.get("PYTHONPATH", "")])}
    args = [sys.executable, str(HERE / "crash_writer.py"), url, DAY, str(ROWS), str(flag)]
    return subprocess.Popen(args + (["--pause"] if pause else []), env=env)


def test_sigkill_during_replace_partition_leaves_no_partial_partition(tmp_path: Path,
                                                                      warehouse,
                                                                      warehouse_url) -> None:
    warehouse.replace_partition("raw_reviews", DAY, frame(ROWS, "old"))
    before = table_state(warehouse)
    warehouse.dispose()
    flag = tmp_path / "first_chunk_written"

    writer = _writer(warehouse_url, flag, pause=True)
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert writer.poll() is None, "writer exited before writing its first chunk"
        assert time.monotonic() < deadline, "writer never wrote its first chunk"
        time.sleep(0.05)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    after_kill = table_state(Warehouse(warehouse_url))
    pd.testing.assert_frame_equal(after_kill, before)  # not one row of the new version

    rerun = _writer(warehouse_url, flag, pause=False)
    assert rerun.wait(timeout=120) == 0
    pd.testing.assert_frame_equal(table_state(Warehouse(warehouse_url)), clean_run(tmp_path))
