"""The inbox sensor: one run per new file and past day, files moved aside, bad files rejected."""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path

import dagster as dg

from pipelines.definitions import inbox_run_requests, inbox_sensor
from pipelines.resources import InboxResource

HEADER = "id,kind,worker_id,order_id,created_at,channel,rating,text,store_name\n"


def _csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode(encoding))
    return path


def _tick(inbox: InboxResource) -> list:
    with dg.build_sensor_context(resources={"inbox": inbox}) as context:
        result = inbox_sensor(context)
        return list(result) if result is not None else []


def test_a_new_file_gives_one_run_per_past_day_keyed_by_its_hash(inbox_dir: Path) -> None:
    path = _csv(inbox_dir / "dianping.csv", [
        "DP1,review,W0001,O1,2025-06-09 10:00,dianping,5,阿姨很准时,南山店",
        "DP2,review,W0002,O2,2025-06-09 11:00,dianping,4,还可以,南山店"], encoding="gb18030")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    requests = [r for r in _tick(InboxResource(path=str(inbox_dir))) if isinstance(r, dg.RunRequest)]

    assert [(r.run_key, r.partition_key) for r in requests] == [(digest, "2025-06-09")]
    assert not path.exists()
    archived = inbox_dir / "processed" / f"{digest[:8]}__dianping.csv"
    meta = json.loads((archived.parent / (archived.name + ".meta.json")).read_text("utf-8"))
    assert archived.exists() and meta["sha256"] == digest and meta["partitions"] == ["2025-06-09"]


def test_a_file_spanning_days_gets_a_run_per_day(inbox_dir: Path) -> None:
    _csv(inbox_dir / "two_days.csv", [
        "A1,review,W0001,O1,2025-06-08 10:00,app,5,好,x",
        "A2,complaint,W0001,O2,2025-06-09 10:00,app,,迟到,x"])
    requests = [r for r in _tick(InboxResource(path=str(inbox_dir))) if isinstance(r, dg.RunRequest)]
    assert sorted(r.partition_key for r in requests) == ["2025-06-08", "2025-06-09"]
    assert len({r.run_key for r in requests}) == 2


def test_unreadable_and_repeated_files_move_to_rejected_with_a_reason(inbox_dir: Path) -> None:
    inbox = InboxResource(path=str(inbox_dir))
    (inbox_dir / "notes.pdf").write_bytes(b"%PDF-1.4 not an export")
    (inbox_dir / "empty.csv").write_bytes(b"")
    _csv(inbox_dir / "a.csv", ["X1,review,W0001,O1,2025-06-09 10:00,app,5,好,x"])
    _tick(inbox)
    _csv(inbox_dir / "a_again.csv", ["X1,review,W0001,O1,2025-06-09 10:00,app,5,好,x"])

    assert [r for r in _tick(inbox) if isinstance(r, dg.RunRequest)] == []
    rejected = inbox_dir / "rejected"
    reasons = {p.name.removesuffix(".reason.txt"): p.read_text("utf-8")
               for p in rejected.glob("*.reason.txt")}
    assert set(reasons) == {"notes.pdf", "empty.csv", "a_again.csv"}
    assert "already processed" in reasons["a_again.csv"]
    assert all((rejected / name).exists() for name in reasons)
    assert list(inbox_dir.glob("*.*")) == []


def test_an_empty_inbox_skips(inbox_dir: Path) -> None:
    results = _tick(InboxResource(path=str(inbox_dir)))
    assert len(results) == 1 and isinstance(results[0], dg.SkipReason)


def test_rows_of_today_are_archived_and_wait_for_the_schedule(inbox_dir: Path) -> None:
    _csv(inbox_dir / "today.csv", ["T1,review,W0001,O1,2025-06-10 08:00,app,5,好,x"])
    inbox = InboxResource(path=str(inbox_dir))
    requests = inbox_run_requests(inbox, logging.getLogger("test"),
                                  received=datetime(2025, 6, 10, 9, 0))
    assert requests == []
    assert [meta["partitions"] for _, meta in inbox.archived()] == [["2025-06-10"]]
