"""The demo's partner exports read back through the inbox reader."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from demo import write_inbox_sample
from storage.inbox_files import file_sha256, read_inbox_file


def test_inbox_sample_reads_back(company, tmp_path: Path) -> None:
    csv_path, jsonl_path = write_inbox_sample(tmp_path, company.end_date)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dianping_20261121.csv", "wechat_kf_20261121.jsonl"]
    csv_path.read_bytes().decode("gbk")  # a real GBK export, as Chinese spreadsheet tools write
    exported = read_inbox_file(csv_path)
    assert exported.encoding == "gb18030" and len(exported.frame) == 12 and exported.bad_lines == []
    assert set(exported.frame["kind"]) == {"review"} and exported.frame["rating"].notna().all()
    assert exported.frame["extra"].str.contains("store_name").all()
    service_desk = read_inbox_file(jsonl_path)
    assert len(service_desk.frame) == 8 and len(service_desk.bad_lines) == 1
    known = set(company.tables["workers"]["worker_id"])
    for frame in (exported.frame, service_desk.frame):
        assert frame["worker_id"].isin(known).all()
        assert frame["created_at"].str.startswith("2026-11-21").all()


def test_inbox_sample_is_deterministic(tmp_path: Path) -> None:
    first = write_inbox_sample(tmp_path / "a", date(2026, 5, 1))
    second = write_inbox_sample(tmp_path / "b", date(2026, 5, 1))
    assert [file_sha256(p) for p in first] == [file_sha256(p) for p in second]
    other_day = write_inbox_sample(tmp_path / "c", date(2026, 5, 2))
    assert file_sha256(first[0]) != file_sha256(other_day[0])
