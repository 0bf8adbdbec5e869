"""Run the real daily graph (spine assets + quality checks) for one day, in process."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg

SCORES = "worker_daily_scores"


def run_to_scores(resources: Mapping[str, Any], day: str,
                  run_config: Mapping[str, Any] | None = None) -> dg.ExecuteInProcessResult:
    """Materialize everything `worker_daily_scores` needs for `day`, checks included."""
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS

    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS], partition_key=day, resources=dict(resources),
        selection=dg.AssetSelection.assets(SCORES).upstream().required_multi_asset_neighbors(),
        run_config=dict(run_config or {}), raise_on_error=False,
        instance=dg.DagsterInstance.ephemeral())


def run_assets(resources: Mapping[str, Any], day: str, selection: dg.AssetSelection,
               with_checks: bool = True) -> dg.ExecuteInProcessResult:
    """Materialize a selection of the real graph for `day` (optionally without its checks)."""
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS

    selection = selection.required_multi_asset_neighbors()
    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS], partition_key=day, resources=dict(resources),
        selection=selection if with_checks else selection.without_checks(),
        raise_on_error=False, instance=dg.DagsterInstance.ephemeral())


def archive_inbox(resources: Mapping[str, Any], day: str) -> list[Any]:
    """Let the inbox sensor's logic archive (or reject) every dropped file, received late on `day`.

    Rows whose date is unusable (future, unparseable) fall on the day the file arrived: arriving on
    `day` itself keeps every hostile row in the one partition the test runs.
    """
    from pipelines.definitions import inbox_run_requests

    received = datetime.fromisoformat(day) + timedelta(hours=23, minutes=30)
    return inbox_run_requests(resources["inbox"], logging.getLogger("test"), received=received)


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def inbox_path(resources: Mapping[str, Any]) -> Path:
    return Path(resources["inbox"].root)
