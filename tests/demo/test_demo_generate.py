"""The demo source: contract schema, determinism, idempotent re-runs, speed, CLI."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from demo import generate
from demo.generate import build, write_tables

CONTRACT_COLUMNS = {
    "workers": ["worker_id", "name", "service_types", "city", "hire_date", "phone"],
    "customers": ["customer_id", "name", "phone", "address", "city"],
    "orders": ["order_id", "customer_id", "worker_id", "service_type", "city", "scheduled_start",
               "actual_arrival", "duration_hours", "rework", "status"],
    "reviews": ["review_id", "order_id", "worker_id", "customer_id", "created_at", "rating", "text", "channel"],
    "complaints": ["complaint_id", "order_id", "worker_id", "customer_id", "channel", "created_at",
                   "first_response_at", "resolved_at", "agent_text", "agent_category", "status"],
    "worker_latent_quality": ["worker_id", "punctuality", "attitude", "skill", "overall", "archetype"],
}


def table_digests(url: str) -> dict[str, str]:
    """sha256 of every table's rows in primary-key order."""
    engine = sa.create_engine(url)
    digests = {}
    try:
        with engine.connect() as conn:
            for table in CONTRACT_COLUMNS:
                rows = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()
    return digests


def test_tables_follow_the_contract(company) -> None:
    inspector = sa.inspect(sa.create_engine(company.url))
    for table, columns in CONTRACT_COLUMNS.items():
        assert [c["name"] for c in inspector.get_columns(table)] == columns
    assert company.counts == {t: len(company.tables[t]) for t in CONTRACT_COLUMNS}
    tables = company.tables
    assert tables["workers"]["worker_id"].iloc[0] == "W0001"
    assert tables["orders"]["order_id"].str.fullmatch(r"O\d{8}").all()
    assert tables["reviews"]["review_id"].str.fullmatch(r"R\d{8}").all()
    assert tables["complaints"]["complaint_id"].str.fullmatch(r"K\d{8}").all()
    assert tables["customers"]["customer_id"].str.fullmatch(r"C\d{6}").all()
    services = set(";".join(tables["workers"]["service_types"]).split(";"))
    assert services == {"cleaning", "nanny", "maternity", "eldercare", "appliance"}
    assert set(tables["workers"]["city"]) == {"上海", "北京", "杭州", "深圳", "成都"}
    assert set(tables["orders"]["status"]) == {"completed", "cancelled", "no_show"}
    assert set(tables["complaints"]["channel"]) == {"app", "hotline", "wechat"}
    assert set(tables["reviews"]["channel"]) == {"app", "wechat"}
    assert set(tables["complaints"]["status"]) == {"open", "in_progress", "resolved", "closed"}


def test_generation_is_fast(company) -> None:
    assert company.seconds < 15, f"60 days took {company.seconds:.1f} s"


def test_rerun_gives_identical_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rerun.db'}"
    counts = generate(url, date(2026, 3, 1), days=10, workers=60)
    before = table_digests(url)
    assert generate(url, date(2026, 3, 1), days=10, workers=60) == counts
    assert table_digests(url) == before


def test_same_seed_same_rows_in_another_process_and_hash_seed(tmp_path: Path) -> None:
    here, there = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    generate(here, date(2026, 3, 1), days=5, workers=40)
    code = ("import sys; from datetime import date; from demo import generate; "
            "generate(sys.argv[1], date(2026, 3, 1), days=5, workers=40)")
    env = os.environ | {"PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, there], check=True, env=env, cwd=tmp_path)
    assert table_digests(here) == table_digests(there)
    generate(there, date(2026, 3, 1), days=5, workers=40, seed=8)
    assert table_digests(here)["reviews"] != table_digests(there)["reviews"]


def test_failed_write_keeps_previous_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    generate(url, date(2026, 3, 1), days=3, workers=20)
    before = table_digests(url)
    tables, _ = build(date(2026, 3, 1), days=4, workers=20)
    tables["complaints"].append(dict(tables["complaints"][0]))  # duplicate primary key, late in the write
    with pytest.raises(sa.exc.IntegrityError):
        write_tables(url, tables)
    assert table_digests(url) == before


def test_cli_writes_and_summarises(tmp_path: Path, capsys) -> None:
    from pipelines.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    inbox = tmp_path / "inbox"
    assert main(["demo", "--url", url, "--end-date", "2026-05-01", "--days", "3", "--workers", "30",
                 "--inbox-sample", str(inbox)]) == 0
    out = capsys.readouterr().out
    assert "workers" in out and "deliberately bad rows" in out and url in out
    assert sorted(p.name for p in inbox.iterdir()) == ["dianping_20260501.csv", "wechat_kf_20260501.jsonl"]
