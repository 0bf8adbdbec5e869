"""The code location loads whole, fast, and wires jobs, schedule, sensor and resources."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg

from assets.ingest import DAILY_PARTITIONS
from pipelines import definitions
from pipelines.resources import ClassifierResource, WarehouseResource

REPO = Path(__file__).resolve().parents[2]
OWN_ASSETS = {"raw_reviews", "raw_complaints", "raw_orders", "raw_inbox_feedback", "worker_roster",
              "feedback", "rejected_feedback", "classified_feedback"}


def test_definitions_load_every_asset_with_a_group_and_one_partitioning() -> None:
    graph = definitions.defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert OWN_ASSETS <= keys
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in {"ingest", "feedback", "quality", "scores", "model"}, key
        if key.to_user_string() != "worker_roster" and node.partitions_def is not None:
            assert node.partitions_def == DAILY_PARTITIONS, key


def test_daily_job_schedule_and_sensor() -> None:
    defs = definitions.defs
    job = defs.resolve_job_def("daily_job")
    assert job.partitions_def == DAILY_PARTITIONS
    assert defs.resolve_job_def("inbox_job").partitions_def == DAILY_PARTITIONS
    schedule = defs.resolve_schedule_def("daily_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "inbox_job"
    assert job.executor_def.name == "in_process"


def test_daily_schedule_targets_the_previous_local_day() -> None:
    schedule = definitions.defs.resolve_schedule_def("daily_schedule")
    tick = datetime.fromisoformat("2025-06-11T02:00:00+08:00")
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2025-06-10"]


def test_every_owned_asset_retries_transient_database_errors() -> None:
    graph = definitions.defs.resolve_asset_graph()
    for assets_def in graph.assets_defs:
        if OWN_ASSETS & {k.to_user_string() for k in assets_def.keys}:
            policy = assets_def.node_def.retry_policy
            assert policy is not None and policy.max_retries >= 2 and policy.backoff is not None


def test_resources_use_env_vars_when_set(monkeypatch) -> None:
    monkeypatch.setenv("FEEDBACK_WAREHOUSE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.delenv("FEEDBACK_MODEL_DIR", raising=False)
    resources = definitions.build_resources("rules")
    assert isinstance(resources["warehouse"], WarehouseResource)
    assert isinstance(resources["warehouse"].url, dg.EnvVar)
    classifier = resources["classifier"]
    assert isinstance(classifier, ClassifierResource)
    assert classifier.backend == "rules" and classifier.model_dir is None


def test_importing_the_code_location_loads_no_heavy_library() -> None:
    code = ("import sys, time; t = time.perf_counter(); import pipelines.definitions; "
            "print(round(time.perf_counter() - t, 2)); "
            "print(sorted(m for m in ('torch', 'transformers', 'great_expectations', 'jieba') "
            "if m in sys.modules))")
    env = {**os.environ, "DAGSTER_TELEMETRY_DISABLED": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert out[1] == "[]", out


def test_the_classifier_loads_once_and_only_when_first_used(monkeypatch, tmp_path) -> None:
    import nlp.rules
    from pipelines import resources

    built = []

    class CountingRules(nlp.rules.RuleClassifier):
        def __init__(self) -> None:
            built.append(1)
            super().__init__()

    monkeypatch.setattr(nlp.rules, "RuleClassifier", CountingRules)
    monkeypatch.setattr(resources, "_LOADED", {})
    classifier = ClassifierResource(backend="rules", model_dir=str(tmp_path))
    assert built == []
    first = classifier.predict(["阿姨迟到了一个小时", "很满意"])
    classifier.predict(["态度很差"])
    assert built == [1] and len(first) == 2 and "category" in first
    assert classifier.version.startswith("rules")
