"""Per-day counts and ratios from hand-made orders and feedback."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from scoring_fixtures import feedback_row, order_row

from scoring.daily import daily_scores

DAY = date(2026, 3, 5)
NOON = datetime(2026, 3, 5, 12, 0)


def _by_worker(orders: list[dict], feedback: list[dict]) -> pd.DataFrame:
    frame = daily_scores(pd.DataFrame(orders), pd.DataFrame(feedback), DAY.isoformat())
    return frame.set_index("worker_id")


def test_rates_per_100_orders_and_punctuality() -> None:
    orders = [order_row("W1", DAY, 0, 0.0), order_row("W1", DAY, 1, 30.0, rework=1),
              order_row("W1", DAY, 2, None, status="no_show"),
              order_row("W1", DAY, 3, 5.0), order_row("W1", DAY, 4, None, status="cancelled")]
    feedback = [
        feedback_row("review:R1", "W1", NOON, rating=1, aspects={"attitude": -1},
                     subreasons="attitude.rude", sentiment=-0.8),
        feedback_row("review:R2", "W1", NOON, rating=4, aspects={"logistics": -1, "skill": 1},
                     subreasons="logistics.late", sentiment=0.2),
    ]
    row = _by_worker(orders, feedback).loc["W1"]
    # 3 completed + 1 no-show = 4 orders due; the cancelled one counts nowhere
    assert (row.orders_served, row.no_shows, row.orders_cancelled) == (3, 1, 1)
    assert row.attitude_per100 == pytest.approx(25.0)
    assert row.logistics_per100 == pytest.approx(25.0)
    assert row.skill_per100 == 0.0
    assert row.sub_attitude_rude == 1 and row.sub_logistics_late == 1
    # on time: 0 and 5 minutes late (grace 10); the 30-minute arrival and the no-show are not
    assert row.on_time_share == pytest.approx(2 / 4)
    assert row.mean_lateness_min == pytest.approx(35 / 3)
    assert row.rework_rate == pytest.approx(1 / 3)
    assert row.stars_mean == pytest.approx(2.5)
    assert row.sentiment_mean == pytest.approx(-0.3)
    # praise inside a complaint is not a praise item
    assert row.praise_skill == 1 and row.praise_items == 0


def test_complaint_sla_shares_and_serious_attitude() -> None:
    feedback = [
        feedback_row("complaint:K1", "W2", NOON, kind="complaint", aspects={"attitude": -1},
                     subreasons="attitude.rude", responded_min=10, resolved_h=20),
        feedback_row("complaint:K2", "W2", NOON, kind="complaint", aspects={"skill": -1},
                     subreasons="skill.not_clean", responded_min=45, resolved_h=30),
        feedback_row("complaint:K3", "W2", NOON, kind="complaint", agent_category="attitude",
                     aspects={"attitude": -1}, subreasons="attitude.impatient",
                     responded_min=None, resolved_h=None),
        feedback_row("complaint:K4", "W2", NOON, kind="complaint", aspects={"attitude": -1},
                     subreasons="attitude.phone_use", responded_min=25, resolved_h=60),
    ]
    # the agent misfiled a damage complaint under attitude
    misfiled = feedback_row("complaint:K5", "W2", NOON, kind="complaint", aspects={"skill": -1},
                            subreasons="skill.damage", agent_category="attitude")
    row = _by_worker([], feedback).loc["W2"]
    assert row.complaints == 4 and row.reviews == 0
    assert row.responded_30m_share == pytest.approx(2 / 4)
    assert row.resolved_24h_share == pytest.approx(1 / 4)
    assert row.resolved_48h_share == pytest.approx(2 / 4)
    # K1 (rude) and K3 (agent and classifier agree on attitude); phone use alone is not serious
    assert row.serious_attitude_complaints == 2
    assert row.attitude_mentions == 3
    with_misfiled = _by_worker([], [*feedback, misfiled]).loc["W2"]
    assert with_misfiled.serious_attitude_complaints == 2  # an agent's label alone never excludes
    assert with_misfiled.attitude_mentions == 4  # but it still counts as an attitude mention
    assert pd.isna(row.attitude_per100)  # no orders that day: no rate, not a division by zero


def test_one_row_per_active_worker_with_table_columns() -> None:
    orders = [order_row("W1", DAY, 0), order_row("W2", DAY, 0)]
    feedback = [feedback_row("review:R9", "W3", NOON)]
    frame = daily_scores(pd.DataFrame(orders), pd.DataFrame(feedback), DAY.isoformat())
    assert list(frame["worker_id"]) == ["W1", "W2", "W3"]
    assert set(frame["partition_date"]) == {DAY.isoformat()}
    from scoring.tables import TABLES

    assert list(frame.columns) == list(TABLES["worker_daily_scores"])
