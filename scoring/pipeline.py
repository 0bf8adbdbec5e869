"""One scoring day end to end against a warehouse: what the assets call (and tests, bench)."""
from __future__ import annotations

import pandas as pd

from scoring.config import ScoringConfig, load_config
from scoring.daily import daily_scores
from scoring.decisions import incentive_decisions, training_gaps, training_recommendations
from scoring.store import complaint_evidence, window_totals
from scoring.window import WindowScores, build_scorecards, previous_end, score_window, window_bounds
from storage.warehouse import Warehouse

ORDER_COLUMNS = ("order_id", "worker_id", "scheduled_start", "actual_arrival", "rework", "status")
FEEDBACK_COLUMNS = ("feedback_id", "kind", "worker_id", "created_at", "rating",
                    "first_response_at", "resolved_at", "agent_category", "attitude", "skill",
                    "logistics", "subreasons", "sentiment")


def compute_daily(warehouse: Warehouse, partition_date: str,
                  config: ScoringConfig | None = None) -> pd.DataFrame:
    """worker_daily_scores of one day from raw_orders and classified_feedback in the warehouse."""
    orders = warehouse.read_partition("raw_orders", partition_date, ORDER_COLUMNS)
    feedback = warehouse.read_partition("classified_feedback", partition_date, FEEDBACK_COLUMNS)
    return daily_scores(orders, feedback, partition_date, config)


def _roster(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.read_table("worker_roster", ["worker_id", "name", "city", "service_types"])


def current_window(warehouse: Warehouse, partition_date: str,
                   config: ScoringConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Window totals for the window ending on `partition_date` and for the one before it."""
    start, end = window_bounds(partition_date, config.window_days)
    prev_start, prev_stop = window_bounds(previous_end(partition_date, config.window_days),
                                          config.window_days)
    return window_totals(warehouse, start, end), window_totals(warehouse, prev_start, prev_stop)


def compute_scorecards(warehouse: Warehouse, partition_date: str,
                       config: ScoringConfig | None = None) -> pd.DataFrame:
    """worker_scorecards for the window ending on `partition_date`."""
    config = config or load_config()
    current, previous = current_window(warehouse, partition_date, config)
    return build_scorecards(current, previous, _roster(warehouse), partition_date, config)


def compute_training(warehouse: Warehouse, partition_date: str,
                     config: ScoringConfig | None = None) -> tuple[pd.DataFrame, WindowScores]:
    """training_recommendations; evidence is read only for the flagged workers."""
    config = config or load_config()
    start, end = window_bounds(partition_date, config.window_days)
    window = score_window(window_totals(warehouse, start, end), config)
    gaps = training_gaps(window, config)
    evidence = complaint_evidence(warehouse, start, end, gaps["worker_id"].tolist())
    return training_recommendations(gaps, evidence, partition_date, config), window


def compute_incentives(cards: pd.DataFrame, partition_date: str,
                       config: ScoringConfig | None = None) -> pd.DataFrame:
    """incentive_decisions from that day's scorecards."""
    return incentive_decisions(cards, partition_date, config)
