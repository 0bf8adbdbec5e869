"""The classifier as an asset (`assets/model.py`): trained from the UI or CLI, its card as metadata."""
from __future__ import annotations

import itertools
from pathlib import Path

import dagster as dg
import pandas as pd

from assets.model import ClassifierTrainingConfig, classifier_model
from pipelines import definitions
from pipelines.resources import ClassifierResource, WarehouseResource


def test_the_classifier_trains_as_an_asset_on_a_companys_file(tmp_path: Path) -> None:
    praise = ["阿姨打扫得很干净", "师傅准时上门，态度也好", "做饭好吃，孩子爱吃"]
    complaints = ["迟到一个小时，也不打招呼", "地没拖干净，桌上还有灰", "说话很冲，一直在玩手机"]
    tails = ["", "。", "！", "，谢谢", "，下次还约", "，就这样"]
    rows = [{"text": t + tail, "sentiment": 1} for t, tail in itertools.product(praise, tails)]
    rows += [{"text": t + tail, "sentiment": -1} for t, tail in itertools.product(complaints, tails)]
    labelled = tmp_path / "agents.csv"
    pd.DataFrame(rows).to_csv(labelled, index=False)
    model_dir, warehouse = tmp_path / "model", tmp_path / "warehouse.db"
    result = dg.materialize(
        [classifier_model],
        resources={"classifier": ClassifierResource(backend="model", model_dir=str(model_dir)),
                   "warehouse": WarehouseResource(url=f"sqlite:///{warehouse}")},
        run_config=dg.RunConfig({"classifier_model": ClassifierTrainingConfig(
            data_files=[str(labelled)], tiny=True, seed=3)}))
    assert result.success
    metadata = result.asset_materializations_for_node("classifier_model")[0].metadata
    assert metadata["data_sizes"].data["user"] == len(rows)
    assert metadata["seed"].value == 3 and metadata["version"].text
    assert "sentiment_accuracy_binary" in metadata["held_out_metrics"].md_str
    assert "blend_wordbag_subreasons_home" in metadata["chosen_settings"].data
    assert not warehouse.exists()  # no warehouse yet: no corrections, and no empty file left behind
    read = ClassifierResource(backend="model", model_dir=str(model_dir)).predict(["阿姨迟到了一个小时"])
    assert list(read.columns[:3]) == ["attitude", "skill", "logistics"]


def test_only_the_training_job_retrains_the_classifier() -> None:
    defs = definitions.defs
    key = dg.AssetKey("classifier_model")
    assert defs.resolve_job_def("classifier_training_job").asset_layer.executable_asset_keys == {key}
    for name in ("daily_job", "daily_inputs_job", "daily_windows_job", "inbox_job"):
        assert key not in defs.resolve_job_def(name).asset_layer.executable_asset_keys, name


def test_the_asset_learns_the_label_corrections_stored_in_the_warehouse(tmp_path: Path) -> None:
    import sqlalchemy as sa

    warehouse = tmp_path / "warehouse.db"
    pd.DataFrame({"feedback_id": ["review:1"], "text": ["阿姨态度很凶"], "category": ["attitude"],
                  "polarity": [-1], "corrected_by": ["qa"], "corrected_at": ["2025-01-01"]}).to_sql(
        "label_corrections", sa.create_engine(f"sqlite:///{warehouse}"), index=False)
    result = dg.materialize(
        [classifier_model],
        resources={"classifier": ClassifierResource(backend="model", model_dir=str(tmp_path / "model")),
                   "warehouse": WarehouseResource(url=f"sqlite:///{warehouse}")},
        run_config=dg.RunConfig({"classifier_model": ClassifierTrainingConfig(tiny=True)}))
    metadata = result.asset_materializations_for_node("classifier_model")[0].metadata
    assert metadata["data_sizes"].data["user"] == 3  # one correction, weighed as `feedback train` weighs it
