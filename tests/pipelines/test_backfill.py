"""`feedback run --backfill --workers 2`: two processes, two phases, the same tables as in order."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from storage.warehouse import Warehouse

pytestmark = pytest.mark.slow

COMPARED = ("classified_feedback", "worker_daily_scores", "worker_scorecards",
            "training_recommendations", "incentive_decisions")
VOLATILE = {"checked_at", "generated_at", "computed_at", "created_run_id"}


def _table(url: str, name: str, days: list[str]) -> pd.DataFrame:
    frame = Warehouse(url).read_range(name, days[0], days[-1])
    frame = frame.drop(columns=[c for c in frame.columns if c in VOLATILE])
    return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)


def _use(monkeypatch: pytest.MonkeyPatch, source_url: str, warehouse_url: str,
         inbox: Path) -> None:
    monkeypatch.setenv("FEEDBACK_SOURCE_URL", source_url)
    monkeypatch.setenv("FEEDBACK_WAREHOUSE_URL", warehouse_url)
    monkeypatch.setenv("FEEDBACK_INBOX", str(inbox))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)


def test_two_workers_give_the_tables_of_an_in_order_run(tiny_demo, tmp_path: Path,
                                                        monkeypatch, capsys) -> None:
    from pipelines.cli import main

    days = tiny_demo.partition_keys
    first, last = days[0], days[-1]
    in_order, parallel = (f"sqlite:///{tmp_path / name}.db" for name in ("order", "parallel"))
    (tmp_path / "inbox").mkdir()

    _use(monkeypatch, tiny_demo.url, in_order, tmp_path / "inbox")
    assert main(["run", "--backfill", first, last, "--backend", "rules"]) == 0
    _use(monkeypatch, tiny_demo.url, parallel, tmp_path / "inbox")
    assert main(["run", "--backfill", first, last, "--workers", "2", "--backend", "rules"]) == 0

    printed = capsys.readouterr().out
    assert f"[phase 2/2 {len(days)}/{len(days)}]" in printed and "FAILED" not in printed
    assert "reconciliation" in printed and "MISMATCH" not in printed
    for name in COMPARED:
        expected, got = _table(in_order, name, days), _table(parallel, name, days)
        assert len(got) > 0, name
        pd.testing.assert_frame_equal(got, expected, check_like=True, obj=name)


def test_workers_must_be_positive(monkeypatch) -> None:
    from pipelines.cli import main

    with pytest.raises(SystemExit, match="at least 1"):
        main(["run", "--backfill", "2025-06-01", "2025-06-02", "--workers", "0"])


def test_a_worker_that_cannot_start_fails_the_backfill(monkeypatch) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from pipelines.backfill import run_backfill

    monkeypatch.setenv("FEEDBACK_CLASSIFIER_PROCESSES", "not a number")  # the resources refuse it
    with pytest.raises(BrokenProcessPool):
        run_backfill(["2025-06-01", "2025-06-02"], workers=2, backend="rules",
                     progress=lambda line: None)


def _open_instance(home: str, barrier, answers) -> None:
    import os

    os.environ["DAGSTER_HOME"] = home
    from pipelines.run_cli import instance

    barrier.wait()
    try:
        instance()
        answers.put("ok")
    except Exception as error:  # the race raised OperationalError / CommandError / IntegrityError
        answers.put(f"{type(error).__name__}: {error}")


def test_workers_opening_a_fresh_instance_at_once_all_succeed(tmp_path: Path) -> None:
    """Backfill workers open the DAGSTER_HOME instance together; a fresh SQLite one used to
    fail all but one of them in its migration (measured: 3 of 3 rounds, 3 processes)."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    for round_ in range(2):
        home = tmp_path / f"home{round_}"
        home.mkdir()
        barrier, answers = spawn.Barrier(3), spawn.Queue()
        processes = [spawn.Process(target=_open_instance, args=(str(home), barrier, answers))
                     for _ in range(3)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(120)
        assert [answers.get(timeout=5) for _ in processes] == ["ok"] * 3
