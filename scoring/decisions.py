"""Training recommendations and incentive decisions from window scores, with their evidence."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from scoring.config import CATEGORIES, ScoringConfig, Tier, load_config
from scoring.evidence import evidence_for_gaps
from scoring.tables import SUBREASONS, conform, subreason_column
from scoring.window import WindowScores

QUOTE_CHARS = 80
DECISION_NUMBERS = ("composite", "percentile", "orders", "praise", "complaints",
                    "shrunk_on_time_share", "serious_attitude_complaints")
DECISION_COLUMNS = ("worker_id", *DECISION_NUMBERS)  # what a decision reads of a scorecard


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


def training_recommendations(gaps: pd.DataFrame, evidence: pd.DataFrame, partition_date: str,
                             config: ScoringConfig | None = None) -> pd.DataFrame:
    """training_recommendations rows: gap, evidence ids and masked quotes, catalogue course."""
    config = config or load_config()
    rows = []
    quotes = evidence_for_gaps(gaps, evidence, config.training.max_quotes)
    for gap, (ids, found) in zip(gaps.itertuples(index=False), quotes, strict=True):
        course = config.course_for(gap.subreason)
        texts = [_mask(str(t))[:QUOTE_CHARS] for t in found]
        rows.append({**gap._asdict(), "partition_date": partition_date,
                     "course_id": course["course_id"], "course_title": course["title"],
                     "course_hours": course["hours"], "evidence_ids": ";".join(ids),
                     "evidence_quotes": json.dumps(texts, ensure_ascii=False)})
    return conform(pd.DataFrame(rows), "training_recommendations")


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 4)


def _tier_checks(cards: pd.DataFrame, tier: Tier) -> dict[str, np.ndarray]:
    """Each rule of a tier for every card at once (NaN never meets a minimum)."""
    def at_least(column: str, bound: float) -> np.ndarray:
        return cards[column].to_numpy(dtype="float64", na_value=np.nan) >= bound

    return {
        "composite": at_least("composite", tier.min_composite),
        "percentile": at_least("percentile", tier.min_percentile),
        "orders": at_least("orders", tier.min_orders),
        "praise": at_least("praise", tier.min_praise),
        "complaints_per100": ~at_least("complaints_per100", tier.max_complaints_per100 + 1e-9),
        "on_time_share": at_least("shrunk_on_time_share", tier.min_on_time_share),
    }


def _first_tier(checks: dict[str, dict[str, np.ndarray]], config: ScoringConfig,
                n: int) -> np.ndarray:
    """Index into config.tiers of the first tier whose every rule holds, else -1."""
    chosen = np.full(n, -1, dtype=np.int64)
    for index in range(len(config.tiers) - 1, -1, -1):
        passed = np.logical_and.reduce(list(checks[config.tiers[index].name].values()))
        chosen[passed] = index
    return chosen


def _reason(tier: int, serious: float, failed: list[str], config: ScoringConfig) -> str:
    if serious > 0:
        return f"excluded: {int(serious)} serious attitude complaint(s) in the window"
    if tier >= 0:
        return f"meets every {config.tiers[tier].name} rule"
    return f"below {config.tiers[-1].name}: " + ", ".join(failed)


def _evidence_json(cards: pd.DataFrame, checks: dict[str, dict[str, np.ndarray]]) -> list[str]:
    """json.dumps({"numbers": ..., "rules": ...}) per card; the few distinct rule outcomes are
    encoded once each and spliced in (same text as dumping the whole dict)."""
    names = (*DECISION_NUMBERS, "complaints_per100")
    numbers = zip(*(cards[k].to_numpy(dtype="float64", na_value=np.nan).tolist() for k in names))
    flat = [(tier, rule) for tier, rules in checks.items() for rule in rules]
    outcomes = zip(*(checks[tier][rule].tolist() for tier, rule in flat)) if flat else \
        iter([()] * len(cards))
    encoded: dict[tuple[bool, ...], str] = {}
    out = []
    for values, outcome in zip(numbers, outcomes):
        if outcome not in encoded:
            rules: dict[str, dict[str, bool]] = {tier: {} for tier in checks}
            for (tier, rule), ok in zip(flat, outcome):
                rules[tier][rule] = ok
            encoded[outcome] = json.dumps(rules, ensure_ascii=False)
        shown = json.dumps({k: _number(v) for k, v in zip(names, values)}, ensure_ascii=False)
        out.append(f'{{"numbers": {shown}, "rules": {encoded[outcome]}}}')
    return out


def incentive_decisions(cards: pd.DataFrame, partition_date: str,
                        config: ScoringConfig | None = None) -> pd.DataFrame:
    """incentive_decisions rows: a tier per scorecard worker with the numbers behind it (JSON)."""
    config = config or load_config()
    # warehouse reads give nullable Int64/Float64: plain floats make NA a NaN the rules can test
    cards = cards.astype({c: "float64" for c in DECISION_NUMBERS if c in cards.columns})
    cards = cards.assign(complaints_per100=100.0 * cards["complaints"] /
                         cards["orders"].where(cards["orders"] > 0))
    checks = {tier.name: _tier_checks(cards, tier) for tier in config.tiers}
    serious = cards["serious_attitude_complaints"].to_numpy(dtype="float64", na_value=np.nan)
    excluded = serious > 0
    tier = np.where(excluded, -1, _first_tier(checks, config, len(cards)))
    lowest = checks[config.tiers[-1].name]
    failed = [[k for k, ok in lowest.items() if not ok[row]] for row in range(len(cards))]
    names = np.array([t.name for t in config.tiers] + ["none"], dtype=object)
    bonus = np.array([t.bonus_yuan for t in config.tiers] + [0], dtype=np.int64)
    frame = pd.DataFrame({
        "worker_id": cards["worker_id"].to_numpy(), "tier": names[tier],
        "bonus_yuan": bonus[tier], "excluded": excluded.astype(np.int64),
        "reason": [_reason(t, s, f, config) for t, s, f in zip(tier.tolist(), serious.tolist(),
                                                                failed)],
        "evidence": _evidence_json(cards, checks)})
    frame["partition_date"] = partition_date
    return conform(frame, "incentive_decisions")
