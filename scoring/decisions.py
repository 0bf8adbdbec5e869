"""Training recommendations and incentive decisions from window scores, with their evidence."""
from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from scoring.config import CATEGORIES, ScoringConfig, Tier, load_config
from scoring.tables import SUBREASONS, conform, subreason_column
from scoring.window import WindowScores

QUOTE_CHARS = 80
DECISION_NUMBERS = ("composite", "percentile", "orders", "praise", "complaints",
                    "shrunk_on_time_share", "serious_attitude_complaints")


def _mask(text: str) -> str:
    # feedback text is masked upstream; masking again costs little and guards hand-fed frames
    from nlp.text import mask_pii

    return mask_pii(text)


def _top_subreason(row: pd.Series, category: str) -> str:
    keys = [k for k in SUBREASONS if k.startswith(category + ".")]
    counts = {k: row.get(subreason_column(k), 0) for k in keys}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else category


def training_gaps(window: WindowScores, config: ScoringConfig | None = None) -> pd.DataFrame:
    """One row per (worker, category) whose complaint rate or punctuality is a training gap."""
    config = config or load_config()
    rules, workers = config.training, window.workers
    due = workers["orders_served"] + workers["no_shows"]
    ranked = workers[due >= config.min_orders_ranked] if (due >= config.min_orders_ranked).any() \
        else workers
    rows: list[dict[str, Any]] = []
    for category in CATEGORIES:
        rate = workers[f"shrunk_{category}_per100"]
        typical = float(ranked[f"shrunk_{category}_per100"].median())
        mentions = workers[f"{category}_mentions"]
        by_rate = (rate >= max(rules.min_per100, rules.ratio_to_typical * typical)) & \
            (mentions >= rules.min_mentions)
        missed = workers["late"] + workers["no_shows"]
        late = (workers["shrunk_on_time_share"] < rules.on_time_share_below) & \
            (missed >= rules.min_mentions)
        flagged = by_rate | late if category == "logistics" else by_rate
        for worker_id, row in workers[flagged].iterrows():
            subreason = _top_subreason(row, category)
            if category == "logistics" and not by_rate[worker_id]:
                subreason = "logistics.late"
            reason = (f"{category} complaints {rate[worker_id]:.1f}/100 orders "
                      f"(typical worker {typical:.1f}), "
                      f"{int(mentions[worker_id])} mentions; "
                      f"on-time {row['shrunk_on_time_share']:.0%}")
            rows.append({"worker_id": worker_id, "category": category, "subreason": subreason,
                         "worker_per100": rate[worker_id], "typical_per100": typical,
                         "mentions": int(mentions[worker_id]),
                         "on_time_share": row["shrunk_on_time_share"], "reason": reason})
    columns = ["worker_id", "category", "subreason", "worker_per100", "typical_per100", "mentions",
               "on_time_share", "reason"]
    return pd.DataFrame(rows, columns=columns)


def _evidence_rows(evidence: pd.DataFrame, worker_id: str, category: str, subreason: str,
                   limit: int) -> pd.DataFrame:
    mine = evidence[evidence["worker_id"] == worker_id]
    aspect = pd.to_numeric(mine[category], errors="coerce")
    about = mine[(aspect == -1) | (mine["agent_category"].fillna("") == category)]
    has_sub = about["subreasons"].fillna("").str.split(";").map(lambda keys: subreason in keys)
    strength = pd.to_numeric(about[f"p_{category}"], errors="coerce").fillna(0.0)
    ranked = about.assign(_sub=has_sub, _p=strength).sort_values(
        ["_sub", "_p", "feedback_id"], ascending=[False, False, True])
    return ranked.head(limit)


def training_recommendations(gaps: pd.DataFrame, evidence: pd.DataFrame, partition_date: str,
                             config: ScoringConfig | None = None) -> pd.DataFrame:
    """training_recommendations rows: gap, evidence ids and masked quotes, catalogue course."""
    config = config or load_config()
    rows = []
    for gap in gaps.itertuples(index=False):
        quotes = _evidence_rows(evidence, gap.worker_id, gap.category, gap.subreason,
                                config.training.max_quotes) if len(evidence) else evidence
        course = config.course_for(gap.subreason)
        texts = [_mask(str(t))[:QUOTE_CHARS] for t in quotes.get("text", [])]
        rows.append({**gap._asdict(), "partition_date": partition_date,
                     "course_id": course["course_id"], "course_title": course["title"],
                     "course_hours": course["hours"],
                     "evidence_ids": ";".join(quotes.get("feedback_id", [])),
                     "evidence_quotes": json.dumps(texts, ensure_ascii=False)})
    return conform(pd.DataFrame(rows), "training_recommendations")


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 4)


def _tier_checks(card: pd.Series, tier: Tier) -> dict[str, bool]:
    def at_least(value: Any, bound: float) -> bool:
        return not pd.isna(value) and float(value) >= bound

    return {
        "composite": at_least(card["composite"], tier.min_composite),
        "percentile": at_least(card["percentile"], tier.min_percentile),
        "orders": at_least(card["orders"], tier.min_orders),
        "praise": at_least(card["praise"], tier.min_praise),
        "complaints_per100": not at_least(card["complaints_per100"],
                                          tier.max_complaints_per100 + 1e-9),
        "on_time_share": at_least(card["shrunk_on_time_share"], tier.min_on_time_share),
    }


def _decide(card: pd.Series, config: ScoringConfig) -> dict[str, Any]:
    numbers = {k: _number(card[k]) for k in (*DECISION_NUMBERS, "complaints_per100")}
    evidence: dict[str, Any] = {"numbers": numbers, "rules": {}}
    for tier in config.tiers:
        evidence["rules"][tier.name] = _tier_checks(card, tier)
    if card["serious_attitude_complaints"] > 0:
        count = int(card["serious_attitude_complaints"])
        reason = f"excluded: {count} serious attitude complaint(s) in the window"
        return {"tier": "none", "bonus_yuan": 0, "excluded": 1, "reason": reason,
                "evidence": json.dumps(evidence, ensure_ascii=False)}
    for tier in config.tiers:
        checks = evidence["rules"][tier.name]
        if all(checks.values()):
            return {"tier": tier.name, "bonus_yuan": tier.bonus_yuan, "excluded": 0,
                    "reason": f"meets every {tier.name} rule",
                    "evidence": json.dumps(evidence, ensure_ascii=False)}
    lowest = config.tiers[-1]
    failed = [k for k, ok in evidence["rules"][lowest.name].items() if not ok]
    return {"tier": "none", "bonus_yuan": 0, "excluded": 0,
            "reason": f"below {lowest.name}: " + ", ".join(failed),
            "evidence": json.dumps(evidence, ensure_ascii=False)}


def incentive_decisions(cards: pd.DataFrame, partition_date: str,
                        config: ScoringConfig | None = None) -> pd.DataFrame:
    """incentive_decisions rows: a tier per scorecard worker with the numbers behind it (JSON)."""
    config = config or load_config()
    # warehouse reads give nullable Int64/Float64: plain floats make NA a NaN the rules can test
    cards = cards.astype({c: "float64" for c in DECISION_NUMBERS if c in cards.columns})
    cards = cards.assign(complaints_per100=100.0 * cards["complaints"] /
                         cards["orders"].where(cards["orders"] > 0))
    decided = [{"worker_id": card["worker_id"], **_decide(card, config)}
               for _, card in cards.iterrows()]
    frame = pd.DataFrame(decided)
    frame["partition_date"] = partition_date
    return conform(frame, "incentive_decisions")
