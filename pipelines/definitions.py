"""The code location: assets, checks, the daily job and schedule, the inbox sensor, resources.

Asset modules are listed once in ASSET_MODULES; a module that does not exist (yet) is skipped, and
packages (`assets.quality`) are loaded with their submodules. Heavy libraries (torch,
transformers, Great Expectations) are imported inside the steps that need them, never here.
"""

import importlib
import json
import logging
import os
import pkgutil
from collections.abc import Iterator
from datetime import datetime
from types import ModuleType

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DagsterRunStatus,
    DefaultSensorStatus,
    Definitions,
    EnvVar,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
    load_asset_checks_from_modules,
    load_assets_from_modules,
    run_status_sensor,
    sensor,
)

from pipelines.resources import (
    ClassifierResource,
    InboxResource,
    SourceDatabaseResource,
    WarehouseResource,
    file_sha256,
)

ASSET_MODULES = ("assets.ingest", "assets.feedback", "assets.model", "assets.quality",
                 "assets.scores")


def _existing_modules(names: tuple[str, ...]) -> list[ModuleType]:
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:  # the module exists but one of its imports is missing
                raise
    return modules


def _with_submodules(modules: list[ModuleType]) -> list[ModuleType]:
    found = []
    for module in modules:
        found.append(module)
        if hasattr(module, "__path__"):  # a package such as assets.quality
            for info in pkgutil.walk_packages(module.__path__, module.__name__ + "."):
                found.append(importlib.import_module(info.name))
    return found


def _load(modules: list[ModuleType]) -> tuple[list, list]:
    # One call over every module: an asset imported into another module is loaded once.
    everything = _with_submodules(modules)
    return (list(load_assets_from_modules(everything)),
            list(load_asset_checks_from_modules(everything)))


def _env(name: str) -> EnvVar | None:
    """EnvVar where the variable is set; None lets the resource use storage.config's default."""
    return EnvVar(name) if os.environ.get(name) else None


def build_resources(backend: str | None = None) -> dict[str, object]:
    """The resources, configured from the FEEDBACK_* variables (README, "Settings")."""
    chosen = backend or os.environ.get("FEEDBACK_CLASSIFIER_BACKEND") or "model"
    return {
        "source_db": SourceDatabaseResource(url=_env("FEEDBACK_SOURCE_URL")),
        "warehouse": WarehouseResource(url=_env("FEEDBACK_WAREHOUSE_URL")),
        "inbox": InboxResource(path=_env("FEEDBACK_INBOX"), column_mapping=json.loads(
            os.environ.get("FEEDBACK_INBOX_COLUMNS") or "{}")),
        "classifier": ClassifierResource(
            backend=chosen, model_dir=_env("FEEDBACK_MODEL_DIR"),
            processes=int(os.environ.get("FEEDBACK_CLASSIFIER_PROCESSES") or 0)),
    }


ALL_ASSETS, ALL_CHECKS = _load(_existing_modules(ASSET_MODULES))
# The classifier is retrained on purpose (assets/model.py), never by a day's run.
DAILY_ASSETS = AssetSelection.all() - AssetSelection.groups("model")
daily_job = define_asset_job(
    "daily_job", selection=DAILY_ASSETS,
    description="Every asset for one day (Asia/Shanghai): ingest, feedback, quality, scores.")
# A parallel backfill runs these two in turn (pipelines/backfill.py): the window assets read 30
# days of the first job's output, so they wait until every day of their window is in.
WINDOW_ASSETS = ("worker_scorecards", "training_recommendations", "incentive_decisions")
daily_inputs_job = define_asset_job(
    "daily_inputs_job", selection=DAILY_ASSETS - AssetSelection.assets(*WINDOW_ASSETS),
    description="Backfill phase 1, one day: everything that reads only that day "
                "(ingest, feedback, classification, daily scores).")
daily_windows_job = define_asset_job(
    "daily_windows_job", selection=AssetSelection.assets(*WINDOW_ASSETS),
    description="Backfill phase 2, one day: scorecards, training and incentives over the "
                "30-day window; run it once phase 1 has covered the window.")
classifier_training_job = define_asset_job(
    "classifier_training_job", selection=AssetSelection.groups("model"),
    description="Retrain the feedback classifier (corpus + labelled files + label corrections) into the "
                "model folder; the next daily run classifies with it.")
inbox_job = define_asset_job(
    "inbox_job", selection=AssetSelection.assets("raw_inbox_feedback").downstream(),
    description="Inbox rows of one day and everything downstream of them.")
daily_schedule = build_schedule_from_partitioned_job(
    daily_job, name="daily_schedule", hour_of_day=2, minute_of_hour=0,
    default_status=DefaultScheduleStatus.STOPPED,
    description="02:00 Asia/Shanghai: run the daily job for the previous day.")


def inbox_run_requests(inbox: InboxResource, log: logging.Logger,
                       received: datetime | None = None) -> list[RunRequest]:
    """Archive or reject each pending inbox file; a RunRequest per past day its rows fall on.

    Rows dated today wait for tomorrow's scheduled run (today's partition is not complete yet);
    the daily job reads every processed file that holds rows of its day.
    """
    from assets.ingest import inbox_partition_dates, now_local

    requests = []
    for path in inbox.pending_files():
        digest = file_sha256(path)
        previous = inbox.archived_digest(digest)
        if previous is not None:
            inbox.reject(path, f"same content as the already processed file {previous.name}")
            continue
        try:
            rows = inbox.read(path)
        except Exception as error:  # any unreadable file goes aside with its reason
            inbox.reject(path, f"unreadable: {type(error).__name__}: {error}")
            log.warning("inbox file %s rejected: %s", path.name, error)
            continue
        if rows.empty:
            inbox.reject(path, "the file holds no data rows")
            continue
        arrived = received or now_local()
        days = sorted(set(inbox_partition_dates(rows["created_at"], arrived.date().isoformat())))
        archived = inbox.archive(path, digest, arrived, days)
        past_days = [d for d in days if d < arrived.date().isoformat()]
        for day in past_days:
            run_key = digest if len(days) == 1 else f"{digest}:{day}"
            requests.append(RunRequest(run_key=run_key, partition_key=day,
                                       tags={"inbox/file": archived.name, "inbox/sha256": digest}))
        log.info("inbox file %s: %d rows on %s", path.name, len(rows), ", ".join(days))
    return requests


@sensor(job=inbox_job, minimum_interval_seconds=30, default_status=DefaultSensorStatus.STOPPED)
def inbox_sensor(context: SensorEvaluationContext,
                 inbox: InboxResource) -> Iterator[RunRequest | SkipReason]:
    """A run per new inbox file and day (run key = file sha256); files move to processed/."""
    requests = inbox_run_requests(inbox, context.log)
    if not requests:
        yield SkipReason(f"no new files in {inbox.root}")
    yield from requests


def build_data_docs() -> None:
    """Render the GX data docs once for a finished run (its checks only stored their results)."""
    from assets.quality.gx_runner import build_data_docs as build
    from assets.quality.results import GX_DOCS_DIR

    build(GX_DOCS_DIR)


def _docs_sensor(status: DagsterRunStatus, name: str):
    @run_status_sensor(run_status=status, name=name, monitored_jobs=[daily_job, inbox_job],
                       default_status=DefaultSensorStatus.RUNNING, minimum_interval_seconds=60)
    def _docs(context) -> None:
        build_data_docs()
    return _docs


# Scheduled and sensor runs (daemon); `feedback run` and `make demo` build after each run themselves.
data_docs_sensors = [_docs_sensor(DagsterRunStatus.SUCCESS, "gx_data_docs_after_success"),
                     _docs_sensor(DagsterRunStatus.FAILURE, "gx_data_docs_after_failure")]

defs = Definitions(
    assets=ALL_ASSETS, asset_checks=ALL_CHECKS,
    jobs=[daily_job, inbox_job, daily_inputs_job, daily_windows_job, classifier_training_job],
    schedules=[daily_schedule], sensors=[inbox_sensor, *data_docs_sensors],
    resources=build_resources(),
    executor=in_process_executor)
