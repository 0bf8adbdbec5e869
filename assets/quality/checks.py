"""Asset checks of the daily pipeline: GX suites per stage, the rejected-share gate,
reconciliation and drift.

Blocking checks (severity ERROR, `blocking=True`) run right after their asset; when one fails,
Dagster skips every downstream asset in the same run, so a bad day never reaches
`worker_daily_scores`. Drift checks warn. Every result is stored in `data_quality_results`.
Checks share the assets' daily partitions, so each one validates only its own day.
"""

import warnings

from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, Config,
                     MetadataValue, PreviewWarning, asset_check)

from assets.ingest import DAILY_PARTITIONS
from assets.quality import drift, suites
from assets.quality.ledger import source_ledger
from assets.quality.reads import read_for_suite
from assets.quality.results import skipped, validate
from nlp.taxonomy import load_taxonomy
from pipelines.resources import WarehouseResource
from storage import aggregates

ERROR, WARN = AssetCheckSeverity.ERROR, AssetCheckSeverity.WARN
# Partitioned checks are "preview" in Dagster 1.13 but are what keeps a check to its own day.
warnings.filterwarnings("ignore", category=PreviewWarning,
                        message="Specifying a partitions_def on an AssetCheckSpec")


def _table_check(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                 suite: suites.Suite, severity: AssetCheckSeverity) -> AssetCheckResult:
    wh = warehouse.get()
    frame = read_for_suite(wh, suite, context.partition_key)
    return validate(context, wh, suite, frame, severity)


def _now() -> object:
    from assets.ingest import now_local
    return now_local()


@asset_check(asset="raw_reviews", blocking=True, partitions_def=DAILY_PARTITIONS)
def raw_reviews_schema(context: AssetCheckExecutionContext,
                       warehouse: WarehouseResource) -> AssetCheckResult:
    """Every contract column of raw_reviews is present (blocks: later stages would be wrong)."""
    suite = suites.raw_reviews_schema(context.partition_key)
    return _table_check(context, warehouse, suite, ERROR)


@asset_check(asset="raw_reviews", partitions_def=DAILY_PARTITIONS)
def raw_reviews_rows(context: AssetCheckExecutionContext,
                     warehouse: WarehouseResource) -> AssetCheckResult:
    """Row rules on raw reviews (warns: bad rows are quarantined by the feedback stage)."""
    suite = suites.raw_reviews_rows(context.partition_key, _now())
    return _table_check(context, warehouse, suite, WARN)


@asset_check(asset="raw_complaints", blocking=True, partitions_def=DAILY_PARTITIONS)
def raw_complaints_schema(context: AssetCheckExecutionContext,
                          warehouse: WarehouseResource) -> AssetCheckResult:
    """Every contract column of raw_complaints is present."""
    suite = suites.raw_complaints_schema(context.partition_key)
    return _table_check(context, warehouse, suite, ERROR)


@asset_check(asset="raw_complaints", partitions_def=DAILY_PARTITIONS)
def raw_complaints_rows(context: AssetCheckExecutionContext,
                        warehouse: WarehouseResource) -> AssetCheckResult:
    """Row rules on raw complaints, timestamps ordered (warns; quarantined downstream)."""
    suite = suites.raw_complaints_rows(context.partition_key, _now())
    return _table_check(context, warehouse, suite, WARN)


@asset_check(asset="feedback", blocking=True, partitions_def=DAILY_PARTITIONS)
def feedback_valid(context: AssetCheckExecutionContext,
                   warehouse: WarehouseResource) -> AssetCheckResult:
    """Schema, keys, unique ids, ratings 1–5, day and timestamp order of the feedback rows."""
    suite = suites.feedback_valid(context.partition_key, _now())
    return _table_check(context, warehouse, suite, ERROR)


class RejectedShareConfig(Config):
    """How many of a day's source rows may be quarantined before that day's scores are held."""

    max_rejected_share: float = 0.05
    # one or two bad rows on a tiny day are not a broken export; they alone never block
    always_allowed_rows: int = 2


@asset_check(asset="feedback", blocking=True, partitions_def=DAILY_PARTITIONS)
def feedback_rejected_share(context: AssetCheckExecutionContext, config: RejectedShareConfig,
                            warehouse: WarehouseResource) -> AssetCheckResult:
    """At most `max_rejected_share` of the day's source rows went to rejected_feedback."""
    wh = warehouse.get()
    ledger = source_ledger(wh, context.partition_key)
    sources = ledger.loc[ledger["outcome"] != "no_source"]
    is_rejected = sources["outcome"] == "rejected"
    suite = suites.rejected_share(config.max_rejected_share, len(sources),
                                  config.always_allowed_rows)
    return validate(context, wh, suite, sources, ERROR, {
        "source_rows": len(sources), "rejected_rows": int(is_rejected.sum()),
        "rejected_share": round(float(is_rejected.mean()), 4) if len(sources) else 0.0,
        "max_rejected_share": config.max_rejected_share,
        "always_allowed_rows": config.always_allowed_rows,
        "rejected_by_rule": MetadataValue.json(
            sources.loc[is_rejected, "rule"].value_counts().to_dict())})


@asset_check(asset="feedback", partitions_def=DAILY_PARTITIONS)
def feedback_volume_drift(context: AssetCheckExecutionContext,
                          warehouse: WarehouseResource) -> AssetCheckResult:
    """The day's feedback volume is within the band of the trailing 28 days."""
    wh = warehouse.get()
    start, end = drift.trailing_window(context.partition_key)
    band = drift.volume_band(aggregates.daily_counts(wh, "feedback", start, end))
    if band is None:
        return skipped(context, wh, "feedback",
                       f"fewer than {drift.MIN_HISTORY_DAYS} days of history")
    frame = wh.read_partition("feedback", context.partition_key, columns=["feedback_id"])
    return validate(context, wh, suites.volume_drift(context.partition_key, band), frame, WARN,
                    {"rows_today": len(frame)})


@asset_check(asset="classified_feedback", blocking=True, partitions_def=DAILY_PARTITIONS)
def classified_feedback_valid(context: AssetCheckExecutionContext,
                              warehouse: WarehouseResource) -> AssetCheckResult:
    """Feedback rules plus sentiment in [-1, 1], probabilities in [0, 1], taxonomy categories."""
    suite = suites.classified_feedback_valid(context.partition_key, _now())
    return _table_check(context, warehouse, suite, ERROR)


@asset_check(asset="classified_feedback", blocking=True, partitions_def=DAILY_PARTITIONS)
def classified_feedback_reconciliation(context: AssetCheckExecutionContext,
                                       warehouse: WarehouseResource) -> AssetCheckResult:
    """Every source row of the day is classified or rejected: source = Σ n_sources + rejected."""
    wh = warehouse.get()
    day = context.partition_key
    ledger = source_ledger(wh, day, accepted_table="classified_feedback")
    sources = ledger.loc[ledger["outcome"] != "no_source"]
    classified = wh.count_partition("classified_feedback", day, column_sum="n_sources")
    rejected = wh.count_partition("rejected_feedback", day)
    unexplained = ledger.loc[ledger["outcome"] == "no_source", "source_id"].head(5).tolist()
    return validate(context, wh, suites.reconciliation(classified + rejected), sources, ERROR, {
        "source_rows": len(sources), "classified_sources": classified, "rejected_rows": rejected,
        "difference": len(sources) - classified - rejected,
        "ids_without_source_row": MetadataValue.json(unexplained)})


@asset_check(asset="classified_feedback", partitions_def=DAILY_PARTITIONS)
def category_mix_drift(context: AssetCheckExecutionContext,
                       warehouse: WarehouseResource) -> AssetCheckResult:
    """The day's complaint-category mix is close to the trailing 28 days (KL divergence)."""
    day = context.partition_key
    history = aggregates.value_counts(warehouse.get(), "classified_feedback", "category",
                                      *drift.trailing_window(day))
    baseline = drift.category_baseline(history, (*load_taxonomy().category_keys, "none"))
    frame = warehouse.get().read_partition("classified_feedback", day, columns=["category"])
    if baseline is None or len(frame) < drift.CATEGORY_MIN_ROWS:
        return skipped(context, warehouse.get(), "classified_feedback",
                       f"need {drift.CATEGORY_MIN_ROWS} rows today and in the history",
                       {"rows_today": len(frame), "rows_history": int(history.sum())})
    return validate(context, warehouse.get(), suites.category_mix_drift(day, baseline), frame,
                    WARN, {"today_shares": frame["category"].value_counts(normalize=True)
                           .round(4).to_dict()})


def _mean_drift(context: AssetCheckExecutionContext, warehouse: WarehouseResource, column: str,
                floor: float, build: object) -> AssetCheckResult:
    day = context.partition_key
    means = aggregates.daily_means(warehouse.get(), "classified_feedback", column,
                                   *drift.trailing_window(day))
    band = drift.mean_band(means, floor)
    if band is None:
        return skipped(context, warehouse.get(), "classified_feedback",
                       f"fewer than {drift.MIN_HISTORY_DAYS} days of history")
    frame = warehouse.get().read_partition("classified_feedback", day, columns=[column])
    today = round(float(frame[column].mean()), 4) if len(frame) else None
    return validate(context, warehouse.get(), build(day, band), frame, WARN,  # type: ignore[operator]
                    {f"mean_{column}_today": today})


@asset_check(asset="classified_feedback", partitions_def=DAILY_PARTITIONS)
def classified_sentiment_drift(context: AssetCheckExecutionContext,
                               warehouse: WarehouseResource) -> AssetCheckResult:
    """The day's mean sentiment is within the band of the trailing 28 days."""
    return _mean_drift(context, warehouse, "sentiment", drift.SENTIMENT_FLOOR,
                       suites.sentiment_drift)


@asset_check(asset="classified_feedback", partitions_def=DAILY_PARTITIONS)
def classifier_confidence_drift(context: AssetCheckExecutionContext,
                                warehouse: WarehouseResource) -> AssetCheckResult:
    """The classifier's mean confidence has not fallen below its trailing band (a stale model)."""
    return _mean_drift(context, warehouse, "confidence", drift.CONFIDENCE_FLOOR,
                       suites.confidence_drift)


@asset_check(asset="worker_daily_scores", blocking=True, partitions_def=DAILY_PARTITIONS)
def worker_daily_scores_valid(context: AssetCheckExecutionContext,
                              warehouse: WarehouseResource) -> AssetCheckResult:
    """One row per worker, counts non-negative, means and shares in range."""
    import scoring.tables  # noqa: F401  registers the scoring tables on the warehouse metadata

    suite = suites.worker_daily_scores_valid(context.partition_key)
    return _table_check(context, warehouse, suite, ERROR)
