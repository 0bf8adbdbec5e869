"""Run the real asset checks after stand-in assets that write prepared frames to the warehouse.

The stand-ins let a test decide exactly what a day's tables hold; the checks under test are the
production ones from `assets.quality.checks`, run by Dagster with the day's partition key.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
import pandas as pd

from assets.ingest import DAILY_PARTITIONS
from pipelines.resources import WarehouseResource


def stand_in(asset: str, tables: Mapping[str, pd.DataFrame]) -> dg.AssetsDefinition:
    """An asset named `asset` that writes `tables` (name -> frame) for its partition."""
    @dg.asset(name=asset, partitions_def=DAILY_PARTITIONS)
    def _write(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
        for table, frame in tables.items():
            rows = frame.drop(columns=["partition_date"], errors="ignore")
            warehouse.get().replace_partition(table, context.partition_key, rows)
    return _write


def run_checks(url: str, day: str, assets: Mapping[str, Mapping[str, pd.DataFrame]],
               checks: Sequence[dg.AssetChecksDefinition],
               run_config: Mapping[str, Any] | None = None) -> dict[str, dg.AssetCheckEvaluation]:
    """Materialize stand-ins and run `checks` for `day`; the evaluations by check name."""
    result = dg.materialize(
        [*(stand_in(name, tables) for name, tables in assets.items()), *checks],
        partition_key=day, resources={"warehouse": WarehouseResource(url=url)},
        run_config=dict(run_config or {}), raise_on_error=False)
    return {e.check_name: e for e in result.get_asset_check_evaluations()}
