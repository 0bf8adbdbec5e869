"""Scores on ../shared/eval by how much each part was used while the classifier was tuned.

Lexicon entries, blend shares and the mention cutoff were chosen by reading errors on a *dev* part
and checked on a *test* part (docs/classifier.md), so figures on those parts flatter the
classifier. The rows of the sentiment files that were never in the tuning sample are the honest
estimate of what a company's own reviews would get:

| part | waimai_10k / ChnSentiCorp_htl_all | ASAP samples |
|---|---|---|
| dev | first 1,500 rows of the seeded 3,000-row sample (errors read, choices made) | train + dev (200) |
| test | the other 1,500 (choices checked) | test (100) |
| untouched | every other row of the file (8,987 / 4,765), never read | none |
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from nlp.evaluate import EvalData, aspect_scores, sentiment_scores

TUNING_SAMPLE = 3000  # rows per sentiment file that tuning looked at (`--sample 3000`, seed 0)
TUNING_SEED = 0
ASAP_DEV_ROWS = 200  # train_sample + dev_sample come first in nlp.evaluate.load_eval
PARTS = ("dev", "test", "untouched")
MEASURES = [("waimai_acc", "waimai acc"), ("hotel_acc", "hotel acc"),
            ("asap_attitude_mentioned_f1", "ASAP attitude mentioned F1"),
            ("asap_attitude_complaint_f1", "ASAP attitude complaint F1"),
            ("asap_logistics_mentioned_f1", "ASAP logistics mentioned F1"),
            ("asap_logistics_complaint_f1", "ASAP logistics complaint F1")]

Predict = Callable[[list[str]], pd.DataFrame]


def sentiment_parts(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """dev / test / untouched rows of a whole sentiment file (as `load_eval` returns it)."""
    sample = frame.sample(min(TUNING_SAMPLE, len(frame)), random_state=TUNING_SEED)
    half = len(sample) // 2
    return {"dev": frame.loc[sample.index[:half]], "test": frame.loc[sample.index[half:]],
            "untouched": frame.drop(sample.index)}


def asap_parts(aspects: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """dev / test rows of the ASAP samples; none of them is untouched."""
    dev = np.arange(len(aspects)) < ASAP_DEV_ROWS
    return {"dev": aspects[dev], "test": aspects[~dev]}


def split_scores(predict: Predict, data: EvalData) -> dict[str, dict[str, float]]:
    """part -> measure -> value for one method, on whole files (`load_eval` without a sample)."""
    out: dict[str, dict[str, float]] = {part: {} for part in PARTS}
    for name in ("waimai", "hotel"):
        for part, rows in sentiment_parts(getattr(data, name)).items():
            if len(rows):
                positive = predict(rows["text"].tolist())["sentiment"].to_numpy() > 0
                out[part][f"{name}_acc"] = sentiment_scores(name, rows["label"], positive)[f"{name}_acc"]
    predicted = predict(data.aspects["text"].tolist())
    for part, rows in asap_parts(data.aspects).items():
        if len(rows):
            scores = aspect_scores(rows.reset_index(drop=True), predicted.loc[rows.index].reset_index(drop=True))
            out[part].update({key: scores[key] for key, _ in MEASURES if key in scores})
    return out


def split_table(methods: dict[str, dict[str, dict[str, float]]], data: EvalData) -> str:
    """One markdown table: a line per measure, for each method its dev / test / untouched score."""
    waimai, hotel, asap = sentiment_parts(data.waimai), sentiment_parts(data.hotel), asap_parts(data.aspects)
    sizes = {part: (len(waimai[part]), len(hotel[part]), len(asap.get(part, ()))) for part in PARTS}
    head = ["measure"] + [f"{method}: {part}" for method in methods for part in PARTS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, title in MEASURES:
        cells = [f"{scores[part][key]:.3f}" if key in scores[part] else "—"
                 for scores in methods.values() for part in PARTS]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    rows = "; ".join(f"{part}: {w:,} waimai, {h:,} hotel, {a} ASAP rows" for part, (w, h, a) in sizes.items())
    return "\n".join(lines) + f"\n\n{rows}"


def run_split_evaluation(eval_dir: Path, model_dir: Path, progress: Callable[[str], None]) -> str:
    """Our model and the keyword rules on whole files, by part; the markdown table."""
    from nlp.classify import load_classifier
    from nlp.evaluate import load_eval
    from nlp.rules import RuleClassifier

    data = load_eval(eval_dir)
    methods = {"ours": load_classifier(model_dir).predict, "rules": RuleClassifier().predict}
    scores = {}
    for name, predict in methods.items():
        progress(f"scoring {name} on the dev / test / untouched parts of the whole files ...")
        scores[name] = split_scores(predict, data)
    return split_table(scores, data)
