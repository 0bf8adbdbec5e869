"""The scores assets materialise one partition against a filled warehouse (in process)."""
from __future__ import annotations

import pytest

dagster = pytest.importorskip("dagster")


def test_scores_assets_write_their_tables(tmp_path) -> None:
    from scoring_fixtures import fill_warehouse

    from assets import scores
    from assets.ingest import DAILY_PARTITIONS
    from pipelines.resources import WarehouseResource
    from storage.warehouse import Warehouse

    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    warehouse = Warehouse(url)
    day = fill_warehouse(warehouse, days=8, score_every=0)[-1]
    specs = [scores.worker_daily_scores, scores.worker_scorecards,
             scores.training_recommendations, scores.incentive_decisions]
    assert all(s.partitions_def == DAILY_PARTITIONS for s in specs)
    assert {s.group_names_by_key[s.key] for s in specs} == {"scores"}
    result = dagster.materialize(specs, partition_key=day,
                                 resources={"warehouse": WarehouseResource(url=url)},
                                 instance=dagster.DagsterInstance.ephemeral())
    assert result.success
    metadata = {e.materialization.asset_key.path[-1]: e.materialization.metadata
                for e in result.get_asset_materialization_events()}
    assert metadata["worker_scorecards"]["rows"].value == 6
    assert metadata["incentive_decisions"]["rows"].value == 6
    training = warehouse.read_partition("training_recommendations", day)
    assert metadata["training_recommendations"]["rows"].value == len(training)
    assert len(warehouse.read_partition("worker_scorecards", day)) == 6
    warehouse.dispose()
