"""Choose the blend weights (nlp.blend) on labelled held-out rows, e.g. a company's own data.

A model retrained on a company's agent-labelled complaints knows that company's wording better than
our lexicon does, so the lexicon should count for less; how much less is measured, not guessed: every
candidate blend is scored on the user rows that training held out, and the best one is kept in the
model card (ties go to the smaller lexicon share, so without evidence the network is trusted).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.blend import (BlendWeights, aspect_classes, home_rows, mix, neutral_where, no_evidence_below,
                       rule_aspects, rule_sentiment, without_sentiment_evidence)
from nlp.settings import NLPSettings

LEXICON_VIEW_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
RULES_ASPECTS_GRID = (0.0, 0.2, 0.3, 0.4)
RULES_SENTIMENT_GRID = (0.0, 0.25, 0.5, 0.75)
WORDBAG_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
MIN_ROWS = 50  # fewer labelled held-out rows than this say too little to move the defaults


@dataclass(frozen=True)
class Views:
    """The three readings of the held-out texts that a blend combines."""

    network_aspects: np.ndarray
    network_sentiment: np.ndarray
    lexicon_aspects: np.ndarray
    lexicon_sentiment: np.ndarray
    rules_aspects: np.ndarray
    rules_sentiment: np.ndarray
    wordbag_aspects: np.ndarray | None = None  # only for a model with a word bag
    wordbag_sentiment: np.ndarray | None = None
    neutral_rows: np.ndarray | None = None  # texts without sentiment evidence, when the model reads them as neutral
    neutral_below: float | np.ndarray = np.inf  # ... unless the blend reads them at least this strongly
    home_rows: np.ndarray | None = None  # texts the bag's gate reads as home services (None: ungated or no bag)


def label_arrays(examples: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Sentiment (-1/0/1, 0 also where unknown) and aspect classes (0..3, -1 unknown) of `Example`s."""
    from nlp.model import ASPECTS, polarity_to_class

    sentiment = np.asarray([ex.sentiment or 0 for ex in examples], dtype=np.int64)
    classes = np.full((len(examples), len(ASPECTS)), -1, dtype=np.int64)
    for i, ex in enumerate(examples):
        for j, aspect in enumerate(ASPECTS):
            if aspect in ex.aspects:
                classes[i, j] = polarity_to_class(ex.aspects[aspect])
    return sentiment, classes


def fit_on_examples(classifier, examples: Sequence, default: BlendWeights) -> tuple[BlendWeights, dict[str, float]]:
    """`choose_weights` on labelled `Example`s (the user rows that training held out)."""
    if not examples:
        return default, {}
    sentiment, classes = label_arrays(examples)
    return choose_weights(compute_views(classifier, [ex.text for ex in examples]), sentiment, classes, default,
                          classifier.settings.mention_cutoff)


def compute_views(classifier, texts: Sequence[str]) -> Views:
    """Run `classifier` once over `texts` and keep every view (normalised like `predict`)."""
    from nlp.features import analyse_many, feature_matrix
    from nlp.text import normalise

    texts = [normalise(t) for t in texts]
    analyses = analyse_many(texts)
    features = feature_matrix(analyses)
    network = classifier.network_probabilities(texts, analyses, features)
    lexicon = classifier.lexicon_probabilities(features) or network
    bag = classifier.wordbag_probabilities(texts)
    neutral = without_sentiment_evidence(analyses) if classifier.settings.neutral_without_evidence else None
    return Views(network.aspects, network.sentiment, lexicon.aspects, lexicon.sentiment,
                 rule_aspects(analyses), rule_sentiment(analyses),
                 bag.aspects if bag else None, bag.sentiment if bag else None, neutral,
                 no_evidence_below(classifier.settings, bag.home_share if bag else None),
                 home_rows(classifier.settings, bag.home_share, aspects=True) if bag else None)


def blended_sentiment(views: Views, lexicon_view: float, rules: float, wordbag: float = 0.0) -> np.ndarray:
    """(n, 3) sentiment shares of the views mixed as `FeedbackClassifier` mixes them."""
    blended = mix(mix(views.network_sentiment, views.lexicon_sentiment, lexicon_view), views.rules_sentiment, rules)
    if views.wordbag_sentiment is not None:
        blended = mix(blended, views.wordbag_sentiment, wordbag)
    return blended if views.neutral_rows is None else neutral_where(blended, views.neutral_rows, views.neutral_below)


def blended_aspects(views: Views, lexicon_view: float, rules: float, wordbag: float = 0.0,
                    rules_skill: float | None = None, wordbag_home: float | None = None) -> np.ndarray:
    """(n, 3, 4) aspect probabilities of the views mixed as `FeedbackClassifier` mixes them."""
    weights = BlendWeights(rules_aspects=rules, rules_skill=rules_skill, wordbag_aspects=wordbag,
                           wordbag_aspects_home=wordbag_home)
    blended = mix(mix(views.network_aspects, views.lexicon_aspects, lexicon_view), views.rules_aspects,
                  weights.rules_by_aspect())
    if views.wordbag_aspects is not None:
        blended = mix(blended, views.wordbag_aspects, weights.wordbag_by_text(views.home_rows))
    return blended


def sentiment_accuracy(views: Views, labels: np.ndarray, lexicon_view: float, rules: float,
                       wordbag: float = 0.0) -> float:
    """Share of rows labelled -1 / 1 whose blended sentiment has the same sign (0 rows are skipped)."""
    polar = labels != 0
    if not polar.any():
        return float("nan")
    blended = blended_sentiment(views, lexicon_view, rules, wordbag)
    positive = blended[:, 2] - blended[:, 0] > 0
    return float((positive[polar] == (labels[polar] > 0)).mean())


def aspect_accuracy(views: Views, classes: np.ndarray, lexicon_view: float, rules: float,
                    wordbag: float = 0.0, cutoff: float = NLPSettings.mention_cutoff,
                    rules_skill: float | None = None, wordbag_home: float | None = None) -> float:
    """Share of labelled (row, aspect) cells whose blended class (as `to_frame` decides it) is right."""
    known = classes >= 0
    if not known.any():
        return float("nan")
    predicted = aspect_classes(blended_aspects(views, lexicon_view, rules, wordbag, rules_skill, wordbag_home), cutoff)
    return float((predicted[known] == classes[known]).mean())


def _best(score: Callable[..., float], *grids: Sequence[float | None]) -> tuple:
    """(score, *shares) of the best grid point; ties keep the earlier, smaller shares."""
    best: tuple = (-1.0, *(grid[0] for grid in grids))
    for shares in itertools.product(*grids):
        value = score(*shares)
        if value > best[0] + 1e-9:
            best = (value, *shares)
    return best


def _wordbag_aspect_grids(views: Views, classes: np.ndarray, default: BlendWeights,
                          fit: bool) -> tuple[Sequence[float], Sequence[float | None]]:
    """Grids of the bag's aspect share for general and for home-service texts: each is searched only
    where enough labelled rows of its kind were held out, else it keeps the default."""
    general: Sequence[float] = (default.wordbag_aspects,)
    home: Sequence[float | None] = (default.home_wordbag_aspects,)
    if not fit or views.wordbag_aspects is None:
        return general, home
    labelled = (classes >= 0).any(1)
    if views.home_rows is None:
        return WORDBAG_GRID, (None,)  # ungated: one share for every text
    if (labelled & ~views.home_rows).sum() >= MIN_ROWS:
        general = WORDBAG_GRID
    if (labelled & views.home_rows).sum() >= MIN_ROWS:
        home = WORDBAG_GRID
    return general, home


def choose_weights(views: Views, sentiment: np.ndarray, aspect_classes: np.ndarray, default: BlendWeights,
                   cutoff: float = NLPSettings.mention_cutoff) -> tuple[BlendWeights, dict[str, float]]:
    """The grid point with the best mean of the measurable accuracies; `default` when none is."""
    n_sentiment = int((sentiment != 0).sum())
    n_aspects = int((aspect_classes >= 0).any(1).sum())
    if max(n_sentiment, n_aspects) < MIN_ROWS:
        return default, {}
    # a head without enough labels keeps the default shares
    fit_s, fit_a = n_sentiment >= MIN_ROWS, n_aspects >= MIN_ROWS
    bag_s = WORDBAG_GRID if fit_s and views.wordbag_sentiment is not None else (default.wordbag_sentiment,)
    bag_a, bag_home = _wordbag_aspect_grids(views, aspect_classes, default, fit_a)
    best: tuple[float, BlendWeights, dict[str, float]] | None = None
    for lexicon_view in LEXICON_VIEW_GRID:
        scores: dict[str, float] = {}
        rules_s, wordbag_s = default.rules_sentiment, default.wordbag_sentiment
        rules_a, wordbag_a, wordbag_home = default.rules_aspects, default.wordbag_aspects, default.wordbag_aspects_home
        if fit_s:
            scores["sentiment_acc"], rules_s, wordbag_s = _best(
                lambda r, w: sentiment_accuracy(views, sentiment, lexicon_view, r, w), RULES_SENTIMENT_GRID, bag_s)
        if fit_a:
            scores["aspect_acc"], rules_a, wordbag_a, wordbag_home = _best(
                lambda r, w, h: aspect_accuracy(views, aspect_classes, lexicon_view, r, w, cutoff, default.rules_skill,
                                                h), RULES_ASPECTS_GRID, bag_a, bag_home)
        score = float(np.mean(list(scores.values())))
        if best is None or score > best[0] + 1e-9:  # strict: ties keep the earlier, smaller shares
            best = (score, BlendWeights(lexicon_view, rules_a, rules_s, wordbag_a, wordbag_s, default.rules_skill,
                                        wordbag_home), scores)
    assert best is not None
    return best[1], best[2]
