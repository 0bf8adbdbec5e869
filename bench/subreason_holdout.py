"""Sub-reasons (迟到, 没拖干净, 玩手机 ...) on the rows the default model's training held out.

    .venv/bin/python bench/subreason_holdout.py [--model-dir var/models/default]

No evaluation file and no audit row is labelled with sub-reasons; the project's own written reviews
are (`nlp/corpus/data/home_reviews.tsv`, `written_reviews.tsv`). `feedback train` holds out a seeded
share of them, which neither the network nor the word bag learns; this script rebuilds that split
from the model card's settings (a model trained with `--data` or another corpus is not comparable)
and scores the held-out rows in two halves by position: `A` chose the session-16 settings
(`blend_wordbag_subreasons_home`, `subreason_floor_home`), `B` only reports. Both halves come from
the same writers as the training rows, so real company feedback will score lower.

Measures, pooled over the sub-reasons of every row: micro precision, recall and F1; and of the
labelled complaints the classifier also reads as complaints, the share that names no sub-reason of
that aspect ("complaints without a sub-reason").
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

ASPECTS = ("attitude", "skill", "logistics")
KINDS = {"home": "home-service reviews", "written": "hotel, restaurant, delivery reviews"}


def scores(examples: list, frame: pd.DataFrame) -> dict[str, float]:
    """Micro P / R / F1 of the sub-reasons, and the share of found complaints that name none."""
    tp = fp = fn = found = unnamed = 0
    for ex, (_, row) in zip(examples, frame.iterrows()):
        truth = set(ex.subreasons or ())
        named = set(filter(None, row["subreasons"].split(";")))
        tp, fp, fn = tp + len(truth & named), fp + len(named - truth), fn + len(truth - named)
        for aspect in ASPECTS:
            if str(row[aspect]) == "-1" and any(k.startswith(aspect + ".") for k in truth):
                found += 1
                unnamed += not any(k.startswith(aspect + ".") for k in named)
    return {"precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
            "F1": 2 * tp / max(1, 2 * tp + fp + fn), "complaints without a sub-reason": unnamed / max(1, found)}


def held_out_rows(settings) -> dict[str, list]:
    """The held-out written rows of the model's own training split, by kind."""
    from nlp.train import build_corpus, split_holdout

    corpus = build_corpus(settings.n_generated, settings.seed, settings.n_written)
    _, held = split_holdout(corpus, settings.holdout_fraction, settings.seed)
    return {kind: [ex for ex in held if ex.source == kind and ex.subreasons is not None] for kind in KINDS}


def table(methods: dict, rows: dict[str, list]) -> str:
    """Markdown: a line per kind, half and method; a column per measure."""
    measures = list(scores([], pd.DataFrame(columns=[*ASPECTS, "subreasons"])))
    lines = ["| rows | half | method | " + " | ".join(measures) + " |", "|" + "---|" * (3 + len(measures))]
    for kind, examples in rows.items():
        frames = {name: predict([ex.text for ex in examples]) for name, predict in methods.items()}
        for half, start in (("A", 0), ("B", 1)):
            part = examples[start::2]
            for name, frame in frames.items():
                got = scores(part, frame.iloc[start::2].reset_index(drop=True))
                lines.append(f"| {KINDS[kind]} ({len(part)}) | {half} | {name} | "
                             + " | ".join(f"{got[m]:.3f}" for m in measures) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from nlp.classify import FeedbackClassifier, load_classifier
    from nlp.rules import RuleClassifier
    from nlp.settings import NLPSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=NLPSettings().model_dir)
    args = parser.parse_args(argv)
    ours = load_classifier(args.model_dir)
    before = FeedbackClassifier(ours.model, ours.tokenizer, replace(ours.settings, blend_wordbag_subreasons_home=0.0),
                                ours.version, ours.wordbag, ours.network)
    methods = {"ours": lambda texts: ours.predict(texts, with_evidence=False),
               "ours without the bag's sub-reasons (session 15)": lambda texts: before.predict(texts, with_evidence=False),
               "rules": RuleClassifier().predict}
    print(table(methods, held_out_rows(ours.settings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
