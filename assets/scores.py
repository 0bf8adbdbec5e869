"""Scores assets: daily worker counts, rolling scorecards, training and incentive decisions."""

import warnings

from dagster import (
    AssetDep,
    AssetExecutionContext,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    TimeWindowPartitionMapping,
    asset,
)

import scoring.tables  # noqa: F401  registers the scoring tables on the warehouse metadata
from assets.ingest import DAILY_PARTITIONS, DB_RETRY_POLICY, preview, retry_only_transient
from pipelines.resources import WarehouseResource
from scoring import pipeline
from scoring.config import load_config
from scoring.decisions import DECISION_COLUMNS

GROUP = "scores"
WINDOW_DAYS = load_config().window_days
with warnings.catch_warnings():
    # the flag is beta but needed: early partitions' windows reach before the first partition
    warnings.simplefilter("ignore", BetaWarning)
    # a scorecard reads the current and the previous window of daily scores (trend)
    WINDOWS = TimeWindowPartitionMapping(start_offset=-(2 * WINDOW_DAYS - 1),
                                         allow_nonexistent_upstream_partitions=True)
    CURRENT_WINDOW = TimeWindowPartitionMapping(start_offset=-(WINDOW_DAYS - 1),
                                                allow_nonexistent_upstream_partitions=True)


@asset(group_name=GROUP, partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       deps=["raw_orders", "classified_feedback"], kinds={"pandas"})
def worker_daily_scores(context: AssetExecutionContext,
                        warehouse: WarehouseResource) -> MaterializeResult:
    """Per worker and day: orders, stars, complaint rates, punctuality, rework and complaint SLA."""
    day, store = context.partition_key, warehouse.get()
    with retry_only_transient():
        daily = pipeline.compute_daily(store, day)
        rows = store.replace_partition("worker_daily_scores", day, daily)
    return MaterializeResult(metadata={
        "rows": rows, "orders": int(daily["orders_scheduled"].sum()),
        "reviews": int(daily["reviews"].sum()), "complaints": int(daily["complaints"].sum()),
        "preview": preview(daily, ("worker_id", "orders_served", "reviews", "stars_mean",
                                   "attitude_per100", "on_time_share"))})


@asset(group_name=GROUP, partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       deps=[AssetDep("worker_daily_scores", partition_mapping=WINDOWS), "worker_roster"],
       kinds={"pandas"})
def worker_scorecards(context: AssetExecutionContext,
                      warehouse: WarehouseResource) -> MaterializeResult:
    """Rolling 30-day composite (shrunk), percentile, category breakdown and trend per worker."""
    day, store = context.partition_key, warehouse.get()
    with retry_only_transient():
        cards = pipeline.compute_scorecards(store, day)
        rows = store.replace_partition("worker_scorecards", day, cards)
    ranked = cards[cards["ranked"] == 1]
    return MaterializeResult(metadata={
        "rows": rows, "ranked_workers": len(ranked),
        "mean_composite": round(float(ranked["composite"].mean()), 2) if len(ranked) else 0.0,
        "mean_trend": round(float(ranked["trend"].mean()), 2) if ranked["trend"].notna().any()
        else 0.0,
        "bottom": preview(ranked.sort_values("composite"),
                          ("worker_id", "composite", "orders", "top_subreasons"))})


@asset(group_name=GROUP, partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       deps=[AssetDep("worker_daily_scores", partition_mapping=CURRENT_WINDOW),
             AssetDep("classified_feedback", partition_mapping=CURRENT_WINDOW)],
       kinds={"pandas"})
def training_recommendations(context: AssetExecutionContext,
                             warehouse: WarehouseResource) -> MaterializeResult:
    """Workers with a complaint or punctuality gap, its evidence and a catalogue course."""
    day, store = context.partition_key, warehouse.get()
    with retry_only_transient():
        training, _ = pipeline.compute_training(store, day)
        rows = store.replace_partition("training_recommendations", day, training)
    return MaterializeResult(metadata={
        "rows": rows, "workers": int(training["worker_id"].nunique()),
        "by_category": MetadataValue.json(training["category"].value_counts().to_dict()),
        "by_course": MetadataValue.json(training["course_id"].value_counts().to_dict()),
        "preview": preview(training, ("worker_id", "subreason", "course_title", "reason"))})


@asset(group_name=GROUP, partitions_def=DAILY_PARTITIONS, retry_policy=DB_RETRY_POLICY,
       deps=["worker_scorecards"], kinds={"pandas"})
def incentive_decisions(context: AssetExecutionContext,
                        warehouse: WarehouseResource) -> MaterializeResult:
    """Incentive tier per worker (金牌/银牌/none) with the rules and numbers behind it."""
    day, store = context.partition_key, warehouse.get()
    with retry_only_transient():
        cards = store.read_partition("worker_scorecards", day, DECISION_COLUMNS)
        decisions = pipeline.compute_incentives(cards, day)
        rows = store.replace_partition("incentive_decisions", day, decisions)
    return MaterializeResult(metadata={
        "rows": rows, "by_tier": MetadataValue.json(decisions["tier"].value_counts().to_dict()),
        "excluded": int(decisions["excluded"].sum()),
        "preview": preview(decisions[decisions["tier"] != "none"],
                           ("worker_id", "tier", "bonus_yuan", "reason"))})
