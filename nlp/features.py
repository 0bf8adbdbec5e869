"""Lexicon features fed to the model beside the characters, from one `nlp.evidence.analyse` pass.

The lexicon reads negation, contrast and aspect targets over the whole text (no length cut), and
knows far more sentiment words than any generator; the network learns how far to trust it. The same
analysis also yields the evidence spans, so a text is analysed once per `predict`.
"""
from __future__ import annotations

import math

import numpy as np

from nlp.model import ASPECTS

_PER_ASPECT = ("absent", "complaint", "neutral", "praise", "complaint_weight", "praise_weight", "neutral_count")
FEATURE_NAMES: tuple[str, ...] = (
    "sentiment", "score", "positive_terms", "negative_terms", "length",
    *(f"{a}_{f}" for a in ASPECTS for f in _PER_ASPECT),
)
N_FEATURES = len(FEATURE_NAMES)
_LABEL_SLOT = {None: 0, -1: 1, 0: 2, 1: 3}


def analyse_many(texts: list[str]) -> list:
    """One `Analysis` per text (lexicon loaded once)."""
    from nlp.evidence import analyse
    from nlp.lexicon_files import load_lexicon

    lexicon = load_lexicon()
    return [analyse(text, lexicon) for text in texts]


def feature_row(analysis) -> list[float]:
    """Squashed counts and weights: every value stays within about [-1, 3]."""
    positive = sum(1 for _, v in analysis.sentiment_terms if v > 0)
    negative = sum(1 for _, v in analysis.sentiment_terms if v < 0)
    row = [analysis.sentiment, math.tanh(analysis.sentiment_score / 6.0), math.log1p(positive),
           math.log1p(negative), math.log1p(len(analysis.text)) / 5.0]
    for aspect in ASPECTS:
        onehot = [0.0, 0.0, 0.0, 0.0]
        onehot[_LABEL_SLOT[analysis.label(aspect)]] = 1.0
        complaint, praise, neutral = analysis.weights(aspect)
        row += onehot + [math.log1p(complaint), math.log1p(praise), math.log1p(neutral)]
    return row


def feature_matrix(analyses: list) -> np.ndarray:
    """(n, N_FEATURES) float32."""
    if not analyses:
        return np.zeros((0, N_FEATURES), dtype=np.float32)
    return np.asarray([feature_row(a) for a in analyses], dtype=np.float32)


def evidence_json(analysis, categories: dict[str, int], k: int = 3) -> dict[str, list[str]]:
    """What `nlp.evidence.explain(text, categories, polarities=...)` returns, from a ready analysis."""
    out: dict[str, list[str]] = {}
    for category, polarity in categories.items():
        spans = analysis.evidence(category, polarity)
        out[category] = spans or analysis.top_sentiment_words(k, sign=polarity)
    return out
