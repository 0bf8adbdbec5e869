"""The grid behind the blend shares in NLPSettings: every share on dev and test halves of ../shared/eval.

    .venv/bin/python bench/blend_grid.py [--model-dir var/models/default] [--sample 3000] [--top 8]

Dev = the first half of each seeded sentiment sample + ASAP train/dev samples (200 reviews);
test = the other half + ASAP test_sample (100). Prints the best grid points by the mean of the six
dev measures (the word bag's sentiment share is a fourth axis when the model has a word bag), then
the network alone, its lexicon view alone, the rules alone and the shipped shares
(docs/classifier.md, "Choosing the blend"). Skips (exit 0) without ../shared/eval.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

LEXICON = (0.0, 0.25, 0.5, 0.75, 1.0)
RULES_ASPECTS = (0.0, 0.2, 0.3, 0.4, 0.45, 0.5)
RULES_SENTIMENT = (0.0, 0.25, 0.5, 0.75, 1.0)
WORDBAG_SENTIMENT = (0.0, 0.25, 0.4, 0.5, 0.6, 0.75)  # only for a model with a word bag


def aspect_frame(classes: np.ndarray) -> pd.DataFrame:
    """Predicted polarity per aspect (NA = not mentioned), as nlp.evaluate.aspect_scores reads it."""
    from nlp.model import ASPECT_CLASSES, ASPECTS

    polarity = np.array([np.nan if c is None else c for c in ASPECT_CLASSES])
    return pd.DataFrame({a: pd.array(polarity[classes[:, j]], dtype="Float64") for j, a in enumerate(ASPECTS)})


def score_point(views: dict, data, weights: tuple[float, ...], cutoff: float) -> dict[str, float]:
    """Dev and test measures of one (lexicon view, rules aspects, rules sentiment[, word bag sentiment]) point."""
    from nlp.blend import aspect_classes
    from nlp.blend_fit import blended_aspects, blended_sentiment
    from nlp.eval_splits import ASAP_DEV_ROWS
    from nlp.evaluate import aspect_scores

    lexicon, rules_a, rules_s, bag_s = (*weights, 0.0)[:4]
    out = {"lexicon_view": lexicon, "rules_aspects": rules_a, "rules_sentiment": rules_s, "wordbag_sentiment": bag_s}
    for name in ("waimai", "hotel"):
        sent = blended_sentiment(views[name], lexicon, rules_s, bag_s)
        right = (sent[:, 2] - sent[:, 0] > 0) == (getattr(data, name)["label"].to_numpy() == 1)
        half = len(right) // 2
        out[f"{name}_dev"], out[f"{name}_test"] = right[:half].mean(), right[half:].mean()
    predicted = aspect_frame(aspect_classes(blended_aspects(views["asap"], lexicon, rules_a), cutoff))
    dev = np.arange(len(predicted)) < ASAP_DEV_ROWS
    for part, rows in (("dev", dev), ("test", ~dev)):
        scores = aspect_scores(data.aspects[rows].reset_index(drop=True), predicted[rows].reset_index(drop=True))
        for aspect in ("attitude", "logistics"):
            for kind in ("mentioned", "complaint"):
                out[f"{aspect}_{kind}_{part}"] = scores[f"asap_{aspect}_{kind}_f1"]
    return out


def main(argv: list[str] | None = None) -> int:
    from nlp.blend_fit import compute_views
    from nlp.classify import load_classifier
    from nlp.evaluate import DEFAULT_EVAL_DIR, eval_available, load_eval
    from nlp.settings import NLPSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=NLPSettings().model_dir)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    if not eval_available(args.eval_dir):
        print(f"skipped: no evaluation data in {args.eval_dir}")
        return 0
    data, classifier = load_eval(args.eval_dir, args.sample), load_classifier(args.model_dir)
    views = {name: compute_views(classifier, getattr(data, name)["text"].tolist()) for name in ("waimai", "hotel")}
    views["asap"] = compute_views(classifier, data.aspects["text"].tolist())
    cutoff = classifier.settings.mention_cutoff
    bags = WORDBAG_SENTIMENT if views["waimai"].wordbag_sentiment is not None else (0.0,)
    grid = pd.DataFrame([score_point(views, data, w, cutoff)
                         for w in itertools.product(LEXICON, RULES_ASPECTS, RULES_SENTIMENT, bags)])
    for part in ("dev", "test"):
        grid[f"mean_{part}"] = grid[[c for c in grid if c.endswith(f"_{part}")]].mean(axis=1)
    shipped = classifier.settings.blend_weights()
    named = {"network alone": (0.0, 0.0, 0.0, 0.0), "lexicon view alone": (1.0, 0.0, 0.0, 0.0),
             "rules alone": (0.0, 0.5, 1.0, 0.0),
             "shipped without the word bag": (shipped.lexicon_view, shipped.rules_aspects, shipped.rules_sentiment, 0.0),
             "shipped": (shipped.lexicon_view, shipped.rules_aspects, shipped.rules_sentiment,
                         shipped.wordbag_sentiment if len(bags) > 1 else 0.0)}
    print(f"best {args.top} by the mean of the dev measures:")
    print(grid.sort_values("mean_dev", ascending=False).head(args.top).round(3).to_string(index=False))
    axes = ("lexicon_view", "rules_aspects", "rules_sentiment", "wordbag_sentiment")
    for label, point in named.items():
        row = grid[np.logical_and.reduce([grid[axis].to_numpy() == value for axis, value in zip(axes, point)])]
        print(f"\n{label} {point}:\n" + row.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
