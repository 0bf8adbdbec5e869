"""Per worker and day: additive counts from one day's orders and classified feedback."""
from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.config import CATEGORIES, ScoringConfig, load_config
from scoring.tables import DAILY_ADDITIVE, SUBREASONS, conform, subreason_column


def _timestamps(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column], errors="coerce")


def _aspect(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    # warehouse reads give nullable Int64; float NaN keeps comparisons plain booleans
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def order_counts(orders: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Orders due, served, no-shows, punctuality and rework per worker."""
    status = orders["status"].astype("str")
    scheduled = _timestamps(orders, "scheduled_start")
    arrival = _timestamps(orders, "actual_arrival")
    active = status != "cancelled"
    arrived = active & arrival.notna()
    lateness = ((arrival - scheduled).dt.total_seconds() / 60.0).clip(lower=0.0)
    served = status == "completed"
    rework = _aspect(orders, "rework").fillna(0).astype(bool)
    counts = pd.DataFrame({
        "worker_id": orders["worker_id"],
        "orders_scheduled": 1,
        "orders_served": served.astype(int),
        "orders_cancelled": (~active).astype(int),
        "no_shows": (active & ((status == "no_show") | arrival.isna())).astype(int),
        "arrivals": arrived.astype(int),
        "on_time": (arrived & (lateness <= config.late_grace_minutes)).astype(int),
        "late": (arrived & (lateness > config.late_grace_minutes)).astype(int),
        "late_minutes_sum": lateness.where(arrived, 0.0).fillna(0.0),
        "rework": (served & rework).astype(int),
    })
    return counts.groupby("worker_id", sort=True).sum()


def _serious_attitude(feedback: pd.DataFrame, config: ScoringConfig) -> pd.Series:
    is_complaint = feedback["kind"].astype("str") == "complaint"
    agent = feedback.get("agent_category", pd.Series("", index=feedback.index)).fillna("")
    subreasons = feedback["subreasons"].fillna("").astype("str").str.split(";")
    serious_sub = subreasons.map(lambda keys: bool(set(keys) & set(config.serious_subreasons)))
    agent_says = agent.astype("str") == config.serious_agent_category
    return is_complaint & (_aspect(feedback, "attitude") == -1) & (serious_sub | agent_says)


def _sla_counts(feedback: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    is_complaint = feedback["kind"].astype("str") == "complaint"
    created = _timestamps(feedback, "created_at")
    responded = _timestamps(feedback, "first_response_at") - created
    resolved = _timestamps(feedback, "resolved_at") - created
    first_24, second_48 = config.resolve_hours[:2]
    return pd.DataFrame({
        "complaints_responded_30m":
            is_complaint & (responded <= pd.Timedelta(minutes=config.first_response_minutes)),
        "complaints_resolved_24h": is_complaint & (resolved <= pd.Timedelta(hours=first_24)),
        "complaints_resolved_48h": is_complaint & (resolved <= pd.Timedelta(hours=second_48)),
    }).astype(int)


def feedback_counts(feedback: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Reviews, stars, sentiment, complaint mentions, praise, sub-reasons and SLA per worker."""
    kind = feedback["kind"].astype("str")
    rating = _aspect(feedback, "rating").where(kind == "review")
    sentiment = _aspect(feedback, "sentiment")
    agent = feedback.get("agent_category", pd.Series("", index=feedback.index)).fillna("")
    subreasons = feedback["subreasons"].fillna("").astype("str").str.split(";")
    counts = pd.DataFrame({
        "worker_id": feedback["worker_id"],
        "reviews": (kind == "review").astype(int),
        "stars_sum": rating.fillna(0.0),
        "stars_sq_sum": (rating ** 2).fillna(0.0),
        "feedback_items": sentiment.notna().astype(int),
        "sentiment_sum": sentiment.fillna(0.0),
        "sentiment_sq_sum": (sentiment ** 2).fillna(0.0),
        "complaints": (kind == "complaint").astype(int),
        "serious_attitude_complaints": _serious_attitude(feedback, config).astype(int),
    })
    aspects = {c: _aspect(feedback, c) for c in CATEGORIES}
    for category, values in aspects.items():
        # a service agent's category on a complaint is evidence even where the text model missed it
        agent_says = (kind == "complaint") & (agent.astype("str") == category)
        counts[f"{category}_mentions"] = ((values == -1) | agent_says).astype(int)
        counts[f"praise_{category}"] = (values == 1).astype(int)
    any_praise = pd.concat([v == 1 for v in aspects.values()], axis=1).any(axis=1)
    any_complaint = pd.concat([v == -1 for v in aspects.values()], axis=1).any(axis=1)
    counts["praise_items"] = (any_praise & ~any_complaint & (kind == "review")).astype(int)
    for key in SUBREASONS:
        counts[subreason_column(key)] = subreasons.map(lambda keys, k=key: k in keys).astype(int)
    counts = pd.concat([counts, _sla_counts(feedback, config)], axis=1)
    return counts.groupby("worker_id", sort=True).sum()


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    return (scale * numerator / denominator.where(denominator > 0)).astype("float64")


def add_ratios(totals: pd.DataFrame) -> pd.DataFrame:
    """Readable ratios from additive totals (one day or a whole window)."""
    out = totals.copy()
    due = out["orders_served"] + out["no_shows"]
    out["stars_mean"] = _ratio(out["stars_sum"], out["reviews"])
    out["sentiment_mean"] = _ratio(out["sentiment_sum"], out["feedback_items"])
    for category in CATEGORIES:
        out[f"{category}_per100"] = _ratio(out[f"{category}_mentions"], due, 100.0)
    out["praise_per100"] = _ratio(out["praise_items"], due, 100.0)
    out["on_time_share"] = _ratio(out["on_time"], out["arrivals"] + out["no_shows"])
    out["mean_lateness_min"] = _ratio(out["late_minutes_sum"], out["arrivals"])
    out["no_show_rate"] = _ratio(out["no_shows"], due)
    out["rework_rate"] = _ratio(out["rework"], out["orders_served"])
    out["responded_30m_share"] = _ratio(out["complaints_responded_30m"], out["complaints"])
    out["resolved_24h_share"] = _ratio(out["complaints_resolved_24h"], out["complaints"])
    out["resolved_48h_share"] = _ratio(out["complaints_resolved_48h"], out["complaints"])
    return out


def daily_scores(orders: pd.DataFrame, feedback: pd.DataFrame, partition_date: str,
                 config: ScoringConfig | None = None) -> pd.DataFrame:
    """One row per worker with any order or feedback on `partition_date` (worker_daily_scores)."""
    config = config or load_config()
    parts = []
    if len(orders):
        parts.append(order_counts(orders, config))
    if len(feedback):
        parts.append(feedback_counts(feedback[feedback["worker_id"].notna()], config))
    if not parts:
        return conform(pd.DataFrame(), "worker_daily_scores")
    totals = pd.concat(parts, axis=1).reindex(columns=list(DAILY_ADDITIVE)).fillna(0)
    totals = add_ratios(totals).rename_axis("worker_id").reset_index()
    totals["partition_date"] = partition_date
    return conform(totals, "worker_daily_scores")
