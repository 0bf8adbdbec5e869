"""Training gaps with evidence and courses; incentive tiers, exclusion and their numbers."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scoring.config import load_config
from scoring.decisions import incentive_decisions, training_gaps, training_recommendations
from scoring.tables import DAILY_ADDITIVE
from scoring.window import score_window


def _window() -> pd.DataFrame:
    """20 ordinary workers, one rude (many attitude complaints), one late (poor on-time share)."""
    rows = {}
    for i in range(20):
        rows[f"W{i:04d}"] = {"orders_served": 40, "arrivals": 40, "on_time": 38 - i % 3,
                             "attitude_mentions": i % 2, "logistics_mentions": i % 3 // 2}
    rows["RUDE"] = {"orders_served": 40, "arrivals": 40, "on_time": 38, "attitude_mentions": 12,
                    "sub_attitude_rude": 9, "sub_attitude_impatient": 3}
    rows["LATE"] = {"orders_served": 40, "arrivals": 40, "on_time": 18, "late": 22,
                    "logistics_mentions": 1,
                    "sub_logistics_late": 1}
    # one complaint on two orders: a raw rate of 50 per 100, but not evidence enough
    rows["TWO_ORDERS"] = {"orders_served": 2, "arrivals": 2, "on_time": 2, "attitude_mentions": 1,
                          "sub_attitude_rude": 1}
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(DAILY_ADDITIVE))
    return frame.fillna(0.0)


def _evidence() -> pd.DataFrame:
    def row(fid: str, worker: str, text: str, subreasons: str, p: float) -> dict:
        return {"feedback_id": fid, "worker_id": worker, "kind": "review", "text": text,
                "attitude": -1, "skill": None, "logistics": None, "p_attitude": p,
                "p_skill": 0.0, "p_logistics": 0.0, "subreasons": subreasons,
                "agent_category": None}
    return pd.DataFrame([
        row("review:R1", "RUDE", "阿姨态度很差还骂人，我电话13912345678", "attitude.rude", 0.7),
        row("review:R2", "RUDE", "不耐烦，一直催", "attitude.impatient", 0.99),
        row("review:R3", "RUDE", "甩脸色，态度恶劣", "attitude.rude", 0.95),
        row("review:R4", "W0001", "态度一般", "attitude.rude", 0.6),
    ])


def test_gaps_flag_the_rude_and_the_late_worker_only() -> None:
    gaps = training_gaps(score_window(_window()))
    assert sorted(zip(gaps["worker_id"], gaps["category"], strict=True)) == [
        ("LATE", "logistics"), ("RUDE", "attitude")]
    by_worker = gaps.set_index("worker_id")
    assert by_worker.loc["RUDE", "subreason"] == "attitude.rude"  # the most frequent one
    assert by_worker.loc["LATE", "subreason"] == "logistics.late"  # from punctuality
    assert by_worker.loc["RUDE", "worker_per100"] > 3.5 * by_worker.loc["RUDE", "typical_per100"]


def test_recommendation_carries_evidence_masked_quotes_and_course() -> None:
    gaps = training_gaps(score_window(_window()))
    recs = training_recommendations(gaps, _evidence(), "2026-03-31").set_index("worker_id")
    rude = recs.loc["RUDE"]
    # rows with the gap's sub-reason first, strongest first; another worker's rows never
    assert rude["evidence_ids"] == "review:R3;review:R1;review:R2"
    quotes = json.loads(rude["evidence_quotes"])
    assert len(quotes) == 3 and "13912345678" not in "".join(quotes) and "[手机号]" in quotes[1]
    assert (rude["course_id"], rude["course_title"]) == ("ATT-101", "文明用语与情绪管理")
    assert recs.loc["LATE", "course_id"] == "LOG-101" and recs.loc["LATE", "evidence_ids"] == ""
    assert set(recs["partition_date"]) == {"2026-03-31"}


def _card(worker: str, **values: float) -> dict:
    base = {"worker_id": worker, "composite": 90.0, "percentile": 95.0, "orders": 40,
            "praise": 5, "complaints": 0, "shrunk_on_time_share": 0.97,
            "serious_attitude_complaints": 0}
    return {**base, **values}


def test_incentive_tiers_exclusion_and_numbers() -> None:
    cards = pd.DataFrame([
        _card("GOLD"),
        _card("SILVER", composite=80.0, percentile=75.0),
        _card("SERIOUS", serious_attitude_complaints=1),
        _card("FEW_ORDERS", orders=8),
        _card("COMPLAINER", complaints=4, composite=80.0, percentile=75.0),
        # feedback in the window but no orders (as read back from the warehouse: nullable types)
        _card("NO_ORDERS", orders=0, complaints=1, percentile=None, composite=60.0),
    ]).astype({"orders": "Int64", "complaints": "Int64", "percentile": "Float64"})
    decisions = incentive_decisions(cards, "2026-03-31").set_index("worker_id")
    tiers = decisions["tier"].to_dict()
    assert tiers == {"GOLD": "金牌", "SILVER": "银牌", "SERIOUS": "none", "FEW_ORDERS": "none",
                     "COMPLAINER": "none", "NO_ORDERS": "none"}
    assert json.loads(decisions.loc["NO_ORDERS", "evidence"])["numbers"]["percentile"] is None
    assert decisions.loc["SERIOUS", "excluded"] == 1
    assert "serious" in decisions.loc["SERIOUS", "reason"]
    assert "orders" in decisions.loc["FEW_ORDERS", "reason"]
    assert "complaints_per100" in decisions.loc["COMPLAINER", "reason"]  # 10 per 100 > 6
    evidence = json.loads(decisions.loc["GOLD", "evidence"])
    assert evidence["numbers"]["composite"] == pytest.approx(90.0)
    assert all(evidence["rules"]["金牌"].values())
    assert decisions.loc["GOLD", "bonus_yuan"] == load_config().tiers[0].bonus_yuan


def test_every_taxonomy_subreason_has_a_course() -> None:
    from nlp.taxonomy import load_taxonomy

    config = load_config()
    for key in (*load_taxonomy().subreason_keys, *load_taxonomy().category_keys):
        assert config.course_for(key)["course_key"] == key
    assert sum(c.weight for c in config.components) == pytest.approx(1.0)


def _per_gap_reference(mine: pd.DataFrame, category: str, subreason: str,
                       limit: int) -> list[str]:
    """The per-gap selection evidence_for_gaps replaced (ids it quoted)."""
    aspect = pd.to_numeric(mine[category], errors="coerce")
    about = mine[(aspect == -1) | (mine["agent_category"].fillna("") == category)]
    has_sub = about["subreasons"].fillna("").str.split(";").map(lambda keys: subreason in keys)
    strength = pd.to_numeric(about[f"p_{category}"], errors="coerce").fillna(0.0)
    ranked = about.assign(_sub=has_sub, _p=strength).sort_values(
        ["_sub", "_p", "feedback_id"], ascending=[False, False, True])
    return ranked.head(limit)["feedback_id"].tolist()


def test_evidence_for_all_gaps_at_once_matches_the_per_gap_choice() -> None:
    from scoring.evidence import evidence_for_gaps

    rng = np.random.default_rng(3)
    n = 400
    categories = ["attitude", "skill", "logistics"]
    keys = ["attitude.rude", "attitude.impatient", "skill.not_clean", "logistics.late", ""]
    evidence = pd.DataFrame({
        "feedback_id": [f"review:R{i:05d}" for i in rng.permutation(n)],
        "worker_id": [f"W{i}" for i in rng.integers(0, 12, n)],
        "text": [f"text {i}" for i in range(n)],
        "agent_category": rng.choice(["attitude", "skill", "logistics", None], n),
        "subreasons": [";".join(rng.choice(keys, rng.integers(0, 3), replace=False))
                       for _ in range(n)],
        **{c: rng.choice([-1, 0, 1, None], n) for c in categories},
        **{f"p_{c}": np.round(rng.random(n), 1) for c in categories}})
    gaps = pd.DataFrame([(f"W{w}", c, k) for w in range(14) for c in categories
                         for k in keys[:4] if k.startswith(c) or w % 5 == 0],
                        columns=["worker_id", "category", "subreason"])

    got = evidence_for_gaps(gaps, evidence, 3)

    assert sum(len(ids) for ids, _ in got) > 50 and any(not ids for ids, _ in got)
    by_worker = dict(tuple(evidence.groupby("worker_id", sort=False)))
    for (worker, category, subreason), (ids, texts) in zip(gaps.itertuples(index=False), got,
                                                          strict=True):
        mine = by_worker.get(worker, evidence.iloc[0:0])
        assert ids == _per_gap_reference(mine, category, subreason, 3)
        assert texts == [f"text {evidence.index[evidence['feedback_id'] == i][0]}" for i in ids]
