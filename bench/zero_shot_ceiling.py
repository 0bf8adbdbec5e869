"""How far a decision threshold alone could move the zero-shot targets of issue 3.

    .venv/bin/python bench/zero_shot_ceiling.py [--model-dir var/models/default] [--sample 3000]

The shipped output calls a text positive when its blended sentiment is > 0. This script sweeps that
threshold over the same seeded samples `feedback evaluate` reads and prints, per threshold, the
accuracy on waimai_10k and ChnSentiCorp_htl_all, then each file's best threshold (an oracle that
looks at the labels, so an upper bound, not a setting), and how many misses carry strong lexicon
evidence against their label (|rules' sentiment| >= 0.5 with the other sign): texts whose words say
the opposite of their star rating. Then the same for the ASAP "mentioned" targets: mention F1 of
attitude and logistics as the "not mentioned" probability a text must stay under moves (shipped:
`NLPSettings.mention_cutoff`), and how many false mentions the rules back with an explicit opinion
on the aspect (a cue of non-zero weight, e.g. 服务员很热情 in a review ASAP marks as not speaking of
the waiters' attitude).
Skips (exit 0) without ../shared/eval.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

THRESHOLDS = (-0.6, -0.5, -0.4, -0.3, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 0.3)
STRONG = 0.5
ABSENT_BELOW = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def blended_scores(views, settings) -> tuple[np.ndarray, np.ndarray]:
    """(shipped blended sentiment, rules' sentiment) per text, as `predict` mixes them."""
    from nlp.blend_fit import blended_sentiment

    weights = settings.blend_weights()
    sent = blended_sentiment(views, weights.lexicon_view, weights.rules_sentiment, weights.wordbag_sentiment)
    return sent[:, 2] - sent[:, 0], views.rules_sentiment[:, 2] - views.rules_sentiment[:, 0]


def sweep(scores: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> pd.DataFrame:
    """Accuracy of each file at each threshold (positive = score > threshold)."""
    rows = [{"threshold": t, **{name: float(((scores[name] > t) == labels[name]).mean()) for name in scores}}
            for t in THRESHOLDS]
    return pd.DataFrame(rows)


def opposed_misses(score: np.ndarray, rules: np.ndarray, positive: np.ndarray) -> tuple[int, int]:
    """(misses, misses whose lexicon evidence is strong and against the label)."""
    miss = (score > 0) != positive
    against = np.where(positive, rules <= -STRONG, rules >= STRONG)
    return int(miss.sum()), int((miss & against).sum())


def mention_sweep(aspects: np.ndarray, gold: dict[str, np.ndarray]) -> pd.DataFrame:
    """Mention F1 per aspect when a text is "mentioned" while p(not mentioned) < each cut."""
    from nlp.evaluate import binary_f1
    from nlp.model import ASPECTS

    def f1(aspect: str, cut: float) -> float:
        return binary_f1(gold[aspect], aspects[:, ASPECTS.index(aspect), 0] < cut)

    return pd.DataFrame([{"absent_below": cut, **{f"{a}_mentioned_f1": f1(a, cut) for a in gold}}
                         for cut in ABSENT_BELOW])


def explicit_false_mentions(texts: list[str], aspects: np.ndarray, gold: dict[str, np.ndarray],
                            cutoff: float) -> dict[str, tuple[int, int]]:
    """Per aspect: (false mentions at `cutoff`, of which the rules find an opinion on it)."""
    from nlp.features import analyse_many
    from nlp.model import ASPECTS
    from nlp.text import normalise

    analyses = analyse_many([normalise(t) for t in texts])
    out = {}
    for a in gold:
        false = (aspects[:, ASPECTS.index(a), 0] < cutoff) & ~gold[a]
        opinion = np.array([any(h.weight > 0 for h in an.hits.get(a, [])) for an in analyses])
        out[a] = (int(false.sum()), int((false & opinion).sum()))
    return out


def report_aspects(classifier, data) -> None:
    """The ASAP half of the report: mention F1 by cut, false mentions with an explicit opinion."""
    from nlp.blend_fit import blended_aspects, compute_views
    from nlp.evaluate import NOT_MENTIONED

    texts = data.aspects["text"].tolist()
    views, weights = compute_views(classifier, texts), classifier.settings.blend_weights()
    aspects = blended_aspects(views, weights.lexicon_view, weights.rules_aspects)
    gold = {a: data.aspects[a].to_numpy() != NOT_MENTIONED for a in ("attitude", "logistics")}
    cutoff = classifier.settings.mention_cutoff
    print(f'\nASAP mention F1 by the "not mentioned" cut (shipped: {cutoff}):')
    print(mention_sweep(aspects, gold).round(4).to_string(index=False))
    for a, (false, explicit) in explicit_false_mentions(texts, aspects, gold, cutoff).items():
        print(f"{a}: {int(gold[a].sum())} of {len(texts)} reviews mentioned; false mentions at {cutoff}: {false}, "
              f"of which {explicit} carry an explicit opinion on the aspect")


def main(argv: list[str] | None = None) -> int:
    from nlp.blend_fit import compute_views
    from nlp.classify import load_classifier
    from nlp.evaluate import DEFAULT_EVAL_DIR, eval_available, load_eval
    from nlp.settings import NLPSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=NLPSettings().model_dir)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--sample", type=int, default=3000)
    args = parser.parse_args(argv)
    if not eval_available(args.eval_dir):
        print(f"skipped: no evaluation data in {args.eval_dir}")
        return 0
    data, classifier = load_eval(args.eval_dir, args.sample), load_classifier(args.model_dir)
    scores, rules, labels = {}, {}, {}
    for name in ("waimai", "hotel"):
        frame = getattr(data, name)
        scores[name], rules[name] = blended_scores(compute_views(classifier, frame["text"].tolist()),
                                                   classifier.settings)
        labels[name] = frame["label"].to_numpy() == 1
    table = sweep(scores, labels)
    print("accuracy by threshold (shipped: 0.0):")
    print(table.round(4).to_string(index=False))
    for name in scores:
        best = table.loc[table[name].idxmax()]
        misses, against = opposed_misses(scores[name], rules[name], labels[name])
        print(f"{name}: positive share {labels[name].mean():.3f}; best threshold {best.threshold:+.2f} -> "
              f"{best[name]:.4f} (oracle); misses at 0: {misses}, of which {against} have strong lexicon "
              f"evidence against their label (|rules sentiment| >= {STRONG})")
    report_aspects(classifier, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
