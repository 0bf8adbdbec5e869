"""Shrinkage toward the team, composite, percentile and trend on hand-made window totals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.shrinkage import shrink
from scoring.tables import DAILY_ADDITIVE
from scoring.window import build_scorecards, score_window


def _totals(workers: dict[str, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(workers, orient="index").reindex(columns=list(DAILY_ADDITIVE))
    return frame.fillna(0.0)


def _worker(orders: int, stars: list[float], rude: int = 0, late: int = 0) -> dict[str, float]:
    return {"orders_served": orders, "arrivals": orders, "on_time": orders - late,
            "reviews": len(stars), "stars_sum": sum(stars),
            "stars_sq_sum": sum(s * s for s in stars),
            "feedback_items": len(stars), "sentiment_sum": sum((s - 3) / 2 for s in stars),
            "sentiment_sq_sum": sum(((s - 3) / 2) ** 2 for s in stars),
            "attitude_mentions": rude, "sub_attitude_rude": rude}


def _team(rng: np.random.Generator) -> dict[str, dict[str, float]]:
    """40 regular workers, 40 orders and 30 reviews each; the rare 1–2 star review hits anyone."""
    team = {}
    for i in range(40):
        p_five = 0.55 + 0.4 * i / 39
        rest = 1 - p_five
        stars = list(rng.choice([5.0, 4.0, 2.0, 1.0], size=30,
                                p=[p_five, 0.6 * rest, 0.25 * rest, 0.15 * rest]))
        team[f"W{i:04d}"] = _worker(40, stars, rude=int(rng.integers(0, 3)),
                                    late=int(rng.integers(0, 4)))
    return team


def test_shrink_pulls_small_samples_toward_team_mean() -> None:
    sums = pd.Series({"few": 1.0, "many": 300.0, **{f"t{i}": 4.0 * 20 + i for i in range(20)}})
    n = pd.Series({"few": 1.0, "many": 100.0, **{f"t{i}": 20.0 for i in range(20)}})
    result = shrink(sums, n, 1.0, min_strength=1.0, max_strength=500.0)
    few_pull = abs(result.values["few"] - result.team_mean) / abs(1.0 - result.team_mean)
    many_pull = abs(result.values["many"] - result.team_mean) / abs(3.0 - result.team_mean)
    assert few_pull < 0.5 < many_pull  # one review keeps under half its distance, 100 keep most
    assert result.values["many"] == pytest.approx(3.0, abs=0.15)


def test_zero_exposure_gets_the_team_value_and_rates_stay_bounded() -> None:
    result = shrink(pd.Series([0.0, 5.0, 1.0]), pd.Series([0.0, 50.0, 50.0]), "rate", 3.0, 200.0)
    assert result.values.iloc[0] == pytest.approx(result.team_mean)
    assert 0.02 < result.values.iloc[1] < 0.1 and result.values.iloc[2] < result.values.iloc[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_few_reviews_cannot_reach_the_top_or_bottom(seed: int) -> None:
    team = _team(np.random.default_rng(seed))
    regular = list(team)
    # enough orders to be ranked, but only one or two reviews
    team["LUCKY"] = _worker(12, [5.0, 5.0])
    team["ONE_BAD"] = _worker(12, [1.0])
    team["UNLUCKY"] = _worker(12, [1.0, 1.0])
    workers = score_window(_totals(team)).workers
    order = list(workers["composite"].sort_values().index)
    assert order.index("LUCKY") < len(order) - 5  # raw 5.0 stars would be first
    assert order.index("ONE_BAD") >= 3
    # two 1-star reviews never look worse than the worst 30-review record in the team
    assert workers.loc["UNLUCKY", "shrunk_stars"] >= workers.loc[regular, "stars_mean"].min()
    assert 0.0 <= workers["composite"].min() and workers["composite"].max() <= 100.0


def test_scorecards_rank_only_workers_with_enough_orders_and_show_trend() -> None:
    rng = np.random.default_rng(3)
    current, previous = _totals(_team(rng)), _totals(_team(rng))
    current.loc["NEWBIE"] = _totals({"NEWBIE": _worker(3, [5.0, 5.0, 5.0])}).loc["NEWBIE"]
    roster = pd.DataFrame({"worker_id": list(current.index), "name": "王芳", "city": "上海",
                           "service_types": "cleaning"})
    cards = build_scorecards(current, previous, roster, "2026-03-31").set_index("worker_id")
    assert cards.loc["NEWBIE", "ranked"] == 0 and pd.isna(cards.loc["NEWBIE", "percentile"])
    assert pd.isna(cards.loc["NEWBIE", "trend"])  # no previous window
    ranked = cards[cards["ranked"] == 1]
    assert ranked["percentile"].max() == pytest.approx(100.0)
    assert ranked["rank"].min() == 1 and ranked["rank"].max() == len(ranked)
    assert (ranked["trend"] == ranked["composite"] - ranked["previous_composite"]).all()
    assert cards.loc["W0000", "window_start"] == "2026-03-02"
    breakdown = cards[["score_attitude", "score_skill", "score_logistics", "score_satisfaction"]]
    assert breakdown.notna().all().all()
