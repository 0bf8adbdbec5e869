"""Blend the network's reading of a text with the lexicon's, so real reviews are read robustly.

The network is trained on our synthetic corpus only. On it the character encoder is nearly perfect,
so it learns to trust the characters; on real reviews, phrased more freely than any template, the
characters mislead it more often than the lexicon does. Three views of each text are combined:

* the full network (characters + lexicon features);
* the network's *lexicon view*: the same heads with the character half of the pooled vector zeroed,
  exactly as "text dropout" hides it in training (costs one small MLP, no encoder pass);
* the rules' decision from the same `nlp.evidence.analyse` pass (one-hot aspect classes and the
  lexicon sentiment);
* a word bag of real wording (`nlp.wordbag`: our written reviews, plus a company's own rows when it
  retrains with `--data`), mixed into the sentiment and, since session 14, a little into the aspects
  (more, since session 15, where its gate reads a text as home services).

Last, a text in which the lexicon finds no sentiment word at all is read as neutral
(`NLPSettings.neutral_without_evidence`) unless the blend reads it strongly
(`neutral_without_evidence_below`, since session 12): a weak reading there is mostly the network's
training bias, and a polarity that no word backs is shown only when the readers agree on it. Where the
word bag's gate reads a text as home services, whose wording the bag has learned, the bar is lower
(`neutral_without_evidence_below_home`, `home_service_share`; session 14).

Weights live in `NLPSettings` (saved in the model card, so a model keeps the blend it was measured
with); `bench/evaluate_classifier.py` prints each view beside the blend.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.model import ASPECT_CLASSES, ASPECTS

_CLASS_OF_LABEL = {label: i for i, label in enumerate(ASPECT_CLASSES)}


@dataclass(frozen=True)
class BlendWeights:
    """Shares of the lexicon view, the rules and the user word bag (the full network gets the rest)."""

    lexicon_view: float = 0.0
    rules_aspects: float = 0.0
    rules_sentiment: float = 0.0
    wordbag_aspects: float = 0.0
    wordbag_sentiment: float = 0.0
    rules_skill: float | None = None  # the rules' share in skill; None: rules_aspects, as for the others
    # the bag's aspect share for texts its gate reads as home services; None: wordbag_aspects, as for all
    wordbag_aspects_home: float | None = None

    def __post_init__(self) -> None:
        for name in ("lexicon_view", "rules_aspects", "rules_sentiment", "wordbag_aspects", "wordbag_sentiment",
                     "rules_skill", "wordbag_aspects_home"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"blend weight {name}={value} is outside [0, 1]")

    def rules_by_aspect(self) -> float | np.ndarray:
        """The rules' share for `mix` over (n, 3, 4) aspect probabilities: one number, or (1, 3, 1)."""
        if self.rules_skill is None or self.rules_skill == self.rules_aspects:
            return self.rules_aspects
        shares = [self.rules_skill if aspect == "skill" else self.rules_aspects for aspect in ASPECTS]
        return np.asarray(shares, dtype=np.float32).reshape(1, len(ASPECTS), 1)

    @property
    def home_wordbag_aspects(self) -> float:
        """The bag's aspect share for home-service texts, `wordbag_aspects` when not set apart."""
        return self.wordbag_aspects if self.wordbag_aspects_home is None else self.wordbag_aspects_home

    def wordbag_by_text(self, home: np.ndarray | None) -> float | np.ndarray:
        """The bag's share for `mix` over (n, 3, 4) aspects: one number, or (n, 1, 1) by `home` rows."""
        if home is None or self.home_wordbag_aspects == self.wordbag_aspects:
            return self.wordbag_aspects
        return np.where(home, self.home_wordbag_aspects, self.wordbag_aspects).astype(np.float32).reshape(-1, 1, 1)

    def uses_wordbag(self) -> bool:
        """Whether the word bag has any share in the blend."""
        return bool(self.wordbag_aspects or self.wordbag_aspects_home or self.wordbag_sentiment)


def aspect_classes(aspects: np.ndarray, cutoff: float) -> np.ndarray:
    """(n, 3) class per aspect from (n, 3, 4) probabilities: mentioned when "not mentioned" is below
    `cutoff` (`NLPSettings.mention_cutoff`), then the likeliest polarity."""
    return np.where(aspects[:, :, 0] >= cutoff, 0, 1 + aspects[:, :, 1:].argmax(-1))


def rule_aspects(analyses: Sequence) -> np.ndarray:
    """(n, 3, 4) one-hot of the rules' class per aspect (not mentioned / -1 / 0 / 1)."""
    out = np.zeros((len(analyses), len(ASPECTS), len(ASPECT_CLASSES)), dtype=np.float32)
    for i, analysis in enumerate(analyses):
        for j, aspect in enumerate(ASPECTS):
            out[i, j, _CLASS_OF_LABEL[analysis.label(aspect)]] = 1.0
    return out


def rule_subreasons(analyses: Sequence, keys: Sequence[str]) -> np.ndarray:
    """(n, len(keys)) 1 where the rules found a complaint cue of that sub-reason (迟到 -> logistics.late)."""
    column = {key: k for k, key in enumerate(keys)}
    out = np.zeros((len(analyses), len(keys)), dtype=np.float32)
    for i, analysis in enumerate(analyses):
        for hits in analysis.hits.values():
            for hit in hits:
                if hit.polarity < 0 and hit.subreason in column:
                    out[i, column[hit.subreason]] = 1.0
    return out


def home_subreasons(subreasons: np.ndarray, bag: np.ndarray, cues: np.ndarray | None, home: np.ndarray,
                    share: float) -> np.ndarray:
    """(n, k) `subreasons` with the rows of `home` texts mixed with the word bag's sub-reason heads at
    `share`, a rules cue (`rule_subreasons`) kept at 1 there."""
    mixed = mix(subreasons, bag, share)
    if cues is not None:
        mixed = np.maximum(mixed, cues)
    return np.where(home[:, None], mixed, subreasons).astype(np.float32)


def rule_sentiment(analyses: Sequence) -> np.ndarray:
    """(n, 3) negative / neutral / positive shares whose p_pos - p_neg is the lexicon sentiment."""
    score = np.asarray([a.sentiment for a in analyses], dtype=np.float32).reshape(-1)
    score = np.clip(score, -1.0, 1.0)
    return np.stack([np.maximum(-score, 0.0), 1.0 - np.abs(score), np.maximum(score, 0.0)], axis=-1)


def without_sentiment_evidence(analyses: Sequence) -> np.ndarray:
    """(n,) True where the reading found no sentiment word (no term with a non-zero value)."""
    return np.fromiter((not any(value for _, value in a.sentiment_terms) for a in analyses),
                       dtype=bool, count=len(analyses))


def neutral_where(sentiment: np.ndarray, rows: np.ndarray, below: float | np.ndarray = np.inf) -> np.ndarray:
    """`sentiment` (n, 3) with the `rows` whose |positive - negative| is under `below` (one value, or one
    per row) set to neutral (0, 1, 0); the input itself when none are."""
    rows = rows & (np.abs(sentiment[:, 2] - sentiment[:, 0]) < below)
    if not rows.any():
        return sentiment
    out = sentiment.copy()
    out[rows] = (0.0, 1.0, 0.0)
    return out


def home_rows(settings, home_share: np.ndarray | None, aspects: bool = False) -> np.ndarray | None:
    """Texts the word bag's gate reads as home services (`NLPSettings.home_service_share`, or for the
    bag's aspect share and windows `home_service_share_aspects`); None for an ungated bag."""
    if home_share is None:
        return None
    return home_share >= (settings.home_service_share_aspects if aspects else settings.home_service_share)


def no_evidence_below(settings, home_share: np.ndarray | None) -> float | np.ndarray:
    """`neutral_where`'s `below` per text (`NLPSettings`): lower where the word bag's gate reads home services."""
    general = settings.neutral_without_evidence_below
    home = home_rows(settings, home_share)
    if home is None:
        return general
    return np.where(home, settings.neutral_without_evidence_below_home, general)


def mix(full: np.ndarray, other: np.ndarray, weight: float | np.ndarray) -> np.ndarray:
    """(1 - weight) * full + weight * other (returns `full` itself when weight is 0); `weight` may be an
    array that broadcasts over `full` (a share per aspect)."""
    if np.all(np.asarray(weight) <= 0.0):
        return full
    return ((1.0 - weight) * full + weight * other).astype(np.float32)
