"""Every Great Expectations suite of the pipeline, declared in one place.

A suite is plain data (`Rule`s naming a GX 1.x expectation class and its arguments), so this
module imports without GX (its import costs ~5 s); `gx_runner` turns the rules into expectations.
Suites are built per partition because some bounds depend on the day (created_at inside the day).

Stages and severities (docs/data_quality.md):
- raw tables: `*_schema` blocks (missing columns make every later stage wrong); `*_rows` warns —
  bad raw rows are expected and are quarantined row by row into `rejected_feedback`.
- `feedback`, `classified_feedback`, `worker_daily_scores`: rows here feed published scores, so
  every rule blocks.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from assets.quality.drift import CATEGORY_KL_MAX, TRAILING_DAYS, Band
from assets.quality.rules import (Rule, Suite, between, columns_present, created_in_day, expect,
                                  in_set, key_list_pattern, not_null, ordered_timestamps, unique)
from nlp.taxonomy import load_taxonomy

RATING_MIN, RATING_MAX = 1, 5
REVIEW_CHANNELS = ("app", "wechat")
COMPLAINT_CHANNELS = ("app", "hotline", "wechat")
AGENT_CATEGORIES = ("attitude", "skill", "logistics", "other")
COMPLAINT_STATUSES = ("open", "in_progress", "resolved", "closed")
FEEDBACK_KINDS = ("review", "complaint")
ASPECT_VALUES = (-1, 0, 1)

RAW_REVIEW_COLUMNS = ("review_id", "order_id", "worker_id", "customer_id", "created_at", "rating",
                      "text", "channel", "partition_date")
RAW_COMPLAINT_COLUMNS = ("complaint_id", "order_id", "worker_id", "customer_id", "channel",
                         "created_at", "first_response_at", "resolved_at", "agent_text",
                         "agent_category", "status", "partition_date")
FEEDBACK_COLUMNS = ("feedback_id", "kind", "source_ids", "n_sources", "channels", "worker_id",
                    "order_id", "customer_id", "created_at", "rating", "text", "text_hash",
                    "first_response_at", "resolved_at", "agent_category", "status",
                    "partition_date")
CLASSIFIER_COLUMNS = ("attitude", "skill", "logistics", "p_attitude", "p_skill", "p_logistics",
                      "labels", "category", "subreasons", "sentiment", "confidence", "evidence",
                      "model_version")
TIMESTAMP_COLUMNS = ("created_at", "first_response_at", "resolved_at")


def raw_reviews_schema(partition_date: str, now: datetime | None = None) -> Suite:
    return Suite("raw_reviews_schema", "raw_reviews", (columns_present(RAW_REVIEW_COLUMNS),),
                 ("review_id",))


def raw_reviews_rows(partition_date: str, now: datetime | None = None) -> Suite:
    rules = (not_null("review_id"), unique("review_id"), not_null("worker_id"),
             not_null("created_at"), created_in_day(partition_date, now), not_null("rating"),
             between("rating", RATING_MIN, RATING_MAX), in_set("channel", REVIEW_CHANNELS))
    return Suite("raw_reviews_rows", "raw_reviews", rules, ("review_id",), ("created_at",))


def raw_complaints_schema(partition_date: str, now: datetime | None = None) -> Suite:
    return Suite("raw_complaints_schema", "raw_complaints",
                 (columns_present(RAW_COMPLAINT_COLUMNS),), ("complaint_id",))


def raw_complaints_rows(partition_date: str, now: datetime | None = None) -> Suite:
    rules = (not_null("complaint_id"), unique("complaint_id"), not_null("worker_id"),
             not_null("created_at"), created_in_day(partition_date, now),
             *ordered_timestamps(), in_set("channel", COMPLAINT_CHANNELS),
             in_set("agent_category", AGENT_CATEGORIES), in_set("status", COMPLAINT_STATUSES))
    return Suite("raw_complaints_rows", "raw_complaints", rules, ("complaint_id",),
                 TIMESTAMP_COLUMNS)


def _feedback_rules(partition_date: str, now: datetime | None) -> tuple[Rule, ...]:
    return (not_null("feedback_id"), unique("feedback_id"), in_set("kind", FEEDBACK_KINDS),
            not_null("worker_id"), not_null("created_at"), created_in_day(partition_date, now),
            not_null("text"), not_null("source_ids"),
            expect("ExpectColumnValuesToBeBetween", "n_sources >= 1", column="n_sources",
                   min_value=1),
            expect("ExpectColumnValuesToNotBeNull", "every review has a rating", column="rating",
                   row_condition='kind=="review"', condition_parser="pandas"),
            between("rating", RATING_MIN, RATING_MAX), *ordered_timestamps())


def feedback_valid(partition_date: str, now: datetime | None = None) -> Suite:
    rules = (columns_present(FEEDBACK_COLUMNS), *_feedback_rules(partition_date, now))
    return Suite("feedback_valid", "feedback", rules, ("feedback_id",), TIMESTAMP_COLUMNS)


def classified_feedback_valid(partition_date: str, now: datetime | None = None) -> Suite:
    taxonomy = load_taxonomy()
    categories = taxonomy.category_keys
    rules = (columns_present(FEEDBACK_COLUMNS + CLASSIFIER_COLUMNS),
             *_feedback_rules(partition_date, now),
             not_null("sentiment"), between("sentiment", -1, 1),
             not_null("confidence"), between("confidence", 0, 1),
             *(between(f"p_{c}", 0, 1) for c in categories),
             *(in_set(c, ASPECT_VALUES) for c in categories),
             not_null("category"), in_set("category", (*categories, "none")),
             expect("ExpectColumnValuesToMatchRegex", "labels are taxonomy categories",
                    column="labels", regex=key_list_pattern(categories)),
             expect("ExpectColumnValuesToMatchRegex", "subreasons are taxonomy sub-reasons",
                    column="subreasons", regex=key_list_pattern(taxonomy.subreason_keys)),
             not_null("model_version"))
    return Suite("classified_feedback_valid", "classified_feedback", rules, ("feedback_id",),
                 TIMESTAMP_COLUMNS)


def worker_daily_scores_valid(partition_date: str, now: datetime | None = None) -> Suite:
    from scoring.tables import DAILY_ADDITIVE, TABLES

    columns = tuple(TABLES["worker_daily_scores"])
    share_columns = tuple(c for c in columns if c.endswith("_share") or c.endswith("_rate"))
    rules = (columns_present(columns), not_null("worker_id"), unique("worker_id"),
             between("stars_mean", RATING_MIN, RATING_MAX), between("sentiment_mean", -1, 1),
             *(between(c, 0, 1) for c in share_columns),
             *(expect("ExpectColumnValuesToBeBetween", f"{c} >= 0", column=c, min_value=0)
               for c in DAILY_ADDITIVE if c != "sentiment_sum"))
    return Suite("worker_daily_scores_valid", "worker_daily_scores", rules, ("worker_id",))


SUITES = {
    "raw_reviews_schema": raw_reviews_schema,
    "raw_reviews_rows": raw_reviews_rows,
    "raw_complaints_schema": raw_complaints_schema,
    "raw_complaints_rows": raw_complaints_rows,
    "feedback_valid": feedback_valid,
    "classified_feedback_valid": classified_feedback_valid,
    "worker_daily_scores_valid": worker_daily_scores_valid,
}


# --- drift (WARN): today's numbers against bands from the trailing 28 days (assets.quality.drift)

def volume_drift(partition_date: str, band: Band) -> Suite:
    rule = expect("ExpectTableRowCountToBeBetween",
                  f"daily feedback volume within {band.low:.0f}–{band.high:.0f} "
                  f"(trailing mean {band.mean:.1f} over {band.days} days)",
                  min_value=int(band.low), max_value=int(band.high + 0.999))
    return Suite("feedback_volume_drift", "feedback", (rule,), ("feedback_id",),
                 baseline=band.as_dict())


def mean_drift(name: str, asset: str, column: str, band: Band, falling_only: bool = False) -> Suite:
    high = None if falling_only else band.high
    text = (f"mean {column} >= {band.low:.3f}" if falling_only
            else f"mean {column} within {band.low:.3f}–{band.high:.3f}")
    rule = expect("ExpectColumnMeanToBeBetween",
                  f"{text} (trailing mean {band.mean:.3f} over {band.days} days)",
                  column=column, min_value=band.low, max_value=high)
    return Suite(name, asset, (rule,), ("feedback_id",), baseline=band.as_dict())


def sentiment_drift(partition_date: str, band: Band) -> Suite:
    return mean_drift("classified_sentiment_drift", "classified_feedback", "sentiment", band)


def confidence_drift(partition_date: str, band: Band) -> Suite:
    return mean_drift("classifier_confidence_drift", "classified_feedback", "confidence", band,
                      falling_only=True)


def category_mix_drift(partition_date: str, baseline: Mapping[str, float]) -> Suite:
    rule = expect("ExpectColumnKLDivergenceToBeLessThan",
                  f"category mix close to the trailing {TRAILING_DAYS} days "
                  f"(KL divergence < {CATEGORY_KL_MAX})",
                  column="category", threshold=CATEGORY_KL_MAX,
                  partition_object={"values": list(baseline), "weights": list(baseline.values())})
    return Suite("category_mix_drift", "classified_feedback", (rule,), ("feedback_id",),
                 baseline={"trailing_shares": dict(baseline)})


# --- gates over the ledger of source rows (assets.quality.ledger)

LEDGER_KEYS = ("source_table", "source_id")


def rejected_share(max_share: float, rows: int, allowed_rows: int = 0) -> Suite:
    """At most `max_share` of `rows` rejected, though `allowed_rows` never block (small days)."""
    allowed = max(max_share, allowed_rows / rows) if rows else max_share
    rule = expect("ExpectColumnValuesToNotBeInSet",
                  f"at most {max_share:.1%} of the day's source rows rejected"
                  + (f" (or {allowed_rows} rows)" if allowed_rows else ""),
                  column="outcome", value_set=["rejected"], mostly=max(0.0, 1.0 - allowed))
    rule_columns = expect("ExpectColumnValuesToNotBeNull", "every rejected row names its rule",
                          column="rule", row_condition='outcome=="rejected"',
                          condition_parser="pandas")
    return Suite("feedback_rejected_share", "feedback", (rule, rule_columns), LEDGER_KEYS,
                 context_columns=("rule", "reason"))


def reconciliation(explained_rows: int) -> Suite:
    """Source rows (the frame) all accounted for, and their count = Σ n_sources + rejected."""
    every_row = expect("ExpectColumnValuesToBeInSet",
                       "every source row is classified or rejected",
                       column="outcome", value_set=["accepted", "rejected"])
    count = expect("ExpectTableRowCountToEqual",
                   f"source rows = sum(classified n_sources) + rejected = {explained_rows}",
                   value=explained_rows)
    return Suite("classified_feedback_reconciliation", "classified_feedback", (every_row, count),
                 LEDGER_KEYS)
