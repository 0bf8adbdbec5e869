"""`feedback scorecard` exports against a small filled warehouse, and its error messages."""
from __future__ import annotations

import argparse
import io
import re

import pandas as pd
import pytest

from scoring import cli


def _run(url: str, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([*argv, "--warehouse", url])
    return cli.run(args)


@pytest.fixture(scope="module")
def url(filled_warehouse) -> str:
    return filled_warehouse[0].url


def test_worker_csv_has_the_month_by_day(url: str, tmp_path, capsys) -> None:
    assert _run(url, "--worker", "W0003", "--month", "2026-03", "--format", "csv") == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(frame["worker_id"]) == {"W0003"}
    assert frame["partition_date"].is_monotonic_increasing and len(frame) >= 4
    assert {"composite", "percentile", "score_logistics", "raw_on_time_share"} <= set(frame.columns)


def test_worker_xlsx_sheets(url: str, tmp_path) -> None:
    target = tmp_path / "w.xlsx"
    assert _run(url, "--worker", "W0004", "--month", "2026-03", "--format", "xlsx",
                "--output", str(target)) == 0
    sheets = pd.read_excel(target, sheet_name=None)
    assert {"scorecard", "trend", "breakdown", "quotes", "training", "incentive"} <= set(sheets)
    assert set(sheets["training"]["category"]) == {"attitude"}  # W0004 is the rude one
    assert "13812345678" not in sheets["quotes"].to_string()


def test_worker_html_has_chart_breakdown_and_masked_quotes(url: str, tmp_path) -> None:
    target = tmp_path / "w.html"
    assert _run(url, "--worker", "W0003", "--month", "2026-03", "--format", "html",
                "--output", str(target)) == 0
    html = target.read_text(encoding="utf-8")
    points = re.search(r'<polyline[^>]*points="([^"]+)"', html).group(1).split()
    assert len(points) >= 4  # one point per scored day of the month
    assert "服务态度" in html and "时间与调度" in html and 'id="breakdown"' in html
    assert "[手机号]" in html and "13812345678" not in html
    assert "时间管理与准时上门" in html  # W0003 (late) gets the punctuality course


def test_all_workers_and_team_views(url: str, tmp_path, capsys) -> None:
    assert _run(url, "--all", "--month", "2026-03") == 0
    cards = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert sorted(cards["worker_id"]) == [f"W000{i}" for i in range(1, 7)]
    assert _run(url, "--all", "--month", "2026-03", "--by", "city") == 0
    view = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("city")
    assert view["workers"].to_dict() == {"上海": 3, "北京": 3}
    assert _run(url, "--all", "--month", "2026-03", "--by", "service_type") == 0
    view = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("service_type")
    assert view.loc["cleaning", "workers"] == 6 and view.loc["nanny", "workers"] == 3
    target = tmp_path / "all.xlsx"
    assert _run(url, "--all", "--month", "2026-03", "--format", "xlsx",
                "--output", str(target)) == 0
    sheets = pd.read_excel(target, sheet_name=None)
    assert {"scorecards", "by_city", "by_service_type"} <= set(sheets)


@pytest.mark.parametrize("argv, message", [
    (("--worker", "W9999", "--month", "2026-03"), "unknown worker 'W9999'"),
    (("--worker", "W0001", "--month", "2025-01"), "no scorecard in 2025-01"),
    (("--worker", "W0001", "--month", "2026-13"), "YYYY-MM"),
    (("--all", "--month", "2026-03", "--format", "html"), "html is per worker"),
])
def test_errors_are_one_line_and_non_zero(url: str, capsys, argv, message) -> None:
    assert _run(url, *argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
