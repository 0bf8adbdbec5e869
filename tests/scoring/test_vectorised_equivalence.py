"""The vectorised scoring steps give exactly what the per-worker loops they replaced gave.

The references below are the row-by-row versions (iterrows / apply(axis=1) / Series.map) kept
only as oracles; they run on random frames with NaN, nullable dtypes, ties and every tier outcome.
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.config import load_config
from scoring.decisions import DECISION_NUMBERS, incentive_decisions
from scoring.tables import SUBREASONS, conform, subreason_column
from scoring.window import component_score, top_subreasons


def _reference_decide(card: pd.Series) -> dict[str, Any]:
    config = load_config()

    def at_least(value: Any, bound: float) -> bool:
        return not pd.isna(value) and float(value) >= bound

    def number(value: Any) -> float | None:
        value = float(value)
        return None if math.isnan(value) else round(value, 4)

    numbers = {k: number(card[k]) for k in (*DECISION_NUMBERS, "complaints_per100")}
    rules = {tier.name: {
        "composite": at_least(card["composite"], tier.min_composite),
        "percentile": at_least(card["percentile"], tier.min_percentile),
        "orders": at_least(card["orders"], tier.min_orders),
        "praise": at_least(card["praise"], tier.min_praise),
        "complaints_per100": not at_least(card["complaints_per100"],
                                          tier.max_complaints_per100 + 1e-9),
        "on_time_share": at_least(card["shrunk_on_time_share"], tier.min_on_time_share),
    } for tier in config.tiers}
    evidence = json.dumps({"numbers": numbers, "rules": rules}, ensure_ascii=False)
    if card["serious_attitude_complaints"] > 0:
        count = int(card["serious_attitude_complaints"])
        return {"tier": "none", "bonus_yuan": 0, "excluded": 1, "evidence": evidence,
                "reason": f"excluded: {count} serious attitude complaint(s) in the window"}
    for tier in config.tiers:
        if all(rules[tier.name].values()):
            return {"tier": tier.name, "bonus_yuan": tier.bonus_yuan, "excluded": 0,
                    "reason": f"meets every {tier.name} rule", "evidence": evidence}
    lowest = config.tiers[-1].name
    failed = [k for k, ok in rules[lowest].items() if not ok]
    return {"tier": "none", "bonus_yuan": 0, "excluded": 0, "evidence": evidence,
            "reason": f"below {lowest}: " + ", ".join(failed)}


def _reference_decisions(cards: pd.DataFrame, day: str) -> pd.DataFrame:
    cards = cards.astype({c: "float64" for c in DECISION_NUMBERS})
    cards = cards.assign(complaints_per100=100.0 * cards["complaints"] /
                         cards["orders"].where(cards["orders"] > 0))
    rows = [{"worker_id": card["worker_id"], **_reference_decide(card)}
            for _, card in cards.iterrows()]
    return conform(pd.DataFrame(rows).assign(partition_date=day), "incentive_decisions")


def _random_cards(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    orders = rng.integers(0, 60, n)
    cards = pd.DataFrame({
        "worker_id": [f"W{i:04d}" for i in range(n)],
        "composite": rng.uniform(50, 100, n).round(rng.integers(0, 3)),
        "percentile": rng.uniform(0, 100, n),
        "orders": orders, "praise": rng.integers(0, 8, n),
        "complaints": rng.integers(0, 3, n) * (rng.random(n) < 0.3),
        "shrunk_on_time_share": rng.uniform(0.85, 1.0, n),
        "serious_attitude_complaints": (rng.random(n) < 0.05).astype(int),
    })
    cards.loc[rng.random(n) < 0.1, "percentile"] = np.nan
    cards.loc[rng.random(n) < 0.05, "composite"] = np.nan
    return cards.astype({"orders": "Int64", "complaints": "Int64", "percentile": "Float64"})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incentive_decisions_match_the_row_loop(seed: int) -> None:
    cards = _random_cards(seed)
    expected = _reference_decisions(cards, "2026-03-31")
    got = incentive_decisions(cards, "2026-03-31")
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["tier"]) == {t.name for t in load_config().tiers} | {"none"}
    assert got["excluded"].sum() > 0


def test_incentive_decisions_of_no_cards() -> None:
    got = incentive_decisions(_random_cards(0).iloc[0:0], "2026-03-31")
    assert got.empty and list(got.columns) == list(_reference_decisions(
        _random_cards(0).iloc[:1], "2026-03-31").columns)


def _reference_top(totals: pd.DataFrame, limit: int = 3) -> pd.Series:
    columns = {subreason_column(k): k for k in SUBREASONS if subreason_column(k) in totals}
    counts = totals[list(columns)].rename(columns=columns)

    def top(row: pd.Series) -> str:
        found = row[row > 0].sort_values(ascending=False, kind="stable").head(limit)
        return json.dumps({k: int(v) for k, v in found.items()}, ensure_ascii=False)

    return counts.apply(top, axis=1) if len(counts) else pd.Series(dtype="str")


@pytest.mark.parametrize("seed", [0, 1])
def test_top_subreasons_match_the_row_apply(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (300, len(SUBREASONS))
    counts = rng.integers(0, 4, shape) * (rng.random(shape) < 0.25)  # many ties and zeros
    totals = pd.DataFrame(counts.astype("float64"), columns=[subreason_column(k) for k in
                                                             SUBREASONS],
                          index=[f"W{i}" for i in range(shape[0])])
    got = top_subreasons(totals)
    pd.testing.assert_series_equal(got, _reference_top(totals), check_dtype=False)
    assert (got != "{}").sum() > 100


def test_component_score_matches_the_scalar_score() -> None:
    values = pd.Series([np.nan, -1.0, 0.0, 0.5, 0.93, 1.0, 2.0, np.inf, -np.inf])
    for component in load_config().components:
        expected = values.map(component.score)
        pd.testing.assert_series_equal(component_score(values, component), expected)
