"""What reading a text yields: aspect hits and lexicon sentiment (built by nlp.reader)."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

COMPLAINT_RATIO = 0.5  # complaint if complaint weight >= ratio * praise weight (complaints count double)


class Hit(NamedTuple):
    """One piece of aspect evidence. ``polarity``: -1 complaint, 0 neutral mention, 1 praise."""

    span: str
    polarity: int
    subreason: str | None
    start: int
    end: int
    weight: float




@dataclass
class Analysis:
    text: str
    hits: dict[str, list[Hit]]  # category -> hits in text order (only categories with hits)
    sentiment_score: float  # raw weighted sum
    sentiment_terms: list[tuple[str, float]]  # (span, signed contribution) in text order

    @property
    def sentiment(self) -> float:
        """Overall sentiment squashed into [-1, 1]."""
        return math.tanh(self.sentiment_score / 2.0)

    def label(self, category: str) -> int | None:
        return label_from_hits(self.hits.get(category, ()))

    def weights(self, category: str) -> tuple[float, float, int]:
        """(complaint weight, praise weight, number of neutral mentions)."""
        comp = praise = 0.0
        neutral = 0
        for h in self.hits.get(category, ()):
            if h.polarity < 0:
                comp += h.weight
            elif h.polarity > 0:
                praise += h.weight
            else:
                neutral += 1
        return comp, praise, neutral

    def evidence(self, category: str, polarity: int | None = None) -> list[str]:
        """Distinct spans of ``category`` (only those of ``polarity`` when it has any)."""
        hits = self.hits.get(category, ())
        if polarity is not None:
            chosen = [h for h in hits if h.polarity == polarity]
            if chosen:
                hits = chosen
        return dedupe(h.span for h in hits)

    def top_sentiment_words(self, k: int = 3, sign: int | None = None) -> list[str]:
        terms = [t for t in self.sentiment_terms if t[1] != 0]
        if sign:
            same = [t for t in terms if (t[1] > 0) == (sign > 0)]
            terms = same or terms
        terms = sorted(terms, key=lambda t: -abs(t[1]))[:k]
        return dedupe(span for span, _ in terms)


def weigh_hits(hits: Iterable[Hit]) -> tuple[int | None, float, float]:
    """(label -1 / 0 / 1 or ``None`` without hits, complaint weight, praise weight)."""
    comp = praise = 0.0
    any_hit = False
    for h in hits:
        any_hit = True
        if h.polarity < 0:
            comp += h.weight
        elif h.polarity > 0:
            praise += h.weight
    if not any_hit:
        return None, comp, praise
    if comp == 0 and praise == 0:
        return 0, comp, praise
    return (-1 if comp >= COMPLAINT_RATIO * praise and comp > 0 else 1), comp, praise


def label_from_hits(hits: Iterable[Hit]) -> int | None:
    """-1 / 0 / 1 from a category's hits, ``None`` when there are none."""
    return weigh_hits(hits)[0]


def dedupe(spans: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for s in spans:
        if s not in seen:
            seen[s] = None
    return list(seen)

