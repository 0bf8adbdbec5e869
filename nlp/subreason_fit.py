"""Choose the sub-reason settings of home-service complaints on labelled held-out rows (a company's own).

How much of a home-service complaint's sub-reasons come from the word bag's heads
(`NLPSettings.blend_wordbag_subreasons_home`) and the bar from which such a complaint names its
likeliest sub-reason (`subreason_floor_home`) were chosen on our own written home-service reviews
(session 16). A company's agents name sub-reasons their own way, so `feedback train --data` scores
every grid point on the user rows that training held out and that carry a `subreasons` column: micro
F1 of the sub-reasons named. The settings' own values are kept on ties, and without at least
`MIN_ROWS` held-out rows that name a sub-reason.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from nlp.blend_fit import MIN_ROWS
from nlp.settings import NLPSettings

if TYPE_CHECKING:
    from nlp.classify import FeedbackClassifier, Probabilities

SHARE_GRID = (0.0, 0.5, 0.7, 1.0)
NEVER = 1.01  # above any probability: a complaint names no sub-reason below the threshold
FLOOR_GRID = (0.0, 0.1, 0.2, 0.3, NEVER)


@dataclass(frozen=True)
class SubreasonChoice:
    """The chosen share and floor, their micro F1 and that of the settings they replace."""

    share: float
    floor: float
    f1: float
    default_f1: float
    rows: int  # held-out rows scored (with a `subreasons` column, named or empty)


def micro_f1(truth: Sequence[set[str]], named: Sequence[set[str]]) -> float:
    """Micro F1 of the named sub-reasons against the labelled ones, pooled over every row."""
    tp = sum(len(t & n) for t, n in zip(truth, named))
    fp = sum(len(n - t) for t, n in zip(truth, named))
    fn = sum(len(t - n) for t, n in zip(truth, named))
    return 2 * tp / max(1, 2 * tp + fp + fn)


def named_subreasons(probs: Probabilities, keys: Sequence[str], settings: NLPSettings,
                     floor: float) -> list[set[str]]:
    """The sub-reasons `predict` names for each text, with the home-service floor set to `floor`."""
    from nlp.frame import to_frame

    if probs.subreason_floor is not None:  # finite on home-service texts only
        home = np.isfinite(probs.subreason_floor)
        probs = replace(probs, subreason_floor=np.where(home, floor, np.inf).astype(np.float32))
    frame = to_frame(probs, list(keys), settings.subreason_threshold, mention_cutoff=settings.mention_cutoff)
    return [set(filter(None, names.split(";"))) for names in frame["subreasons"]]


def choose(probabilities_of: Callable[[float], Probabilities], keys: Sequence[str],
           truth: Sequence[set[str]], settings: NLPSettings) -> SubreasonChoice | None:
    """The best (share, floor) of the grids by micro F1, the settings' own first so that ties keep
    them; None when fewer than `MIN_ROWS` rows name a sub-reason."""
    if sum(map(bool, truth)) < MIN_ROWS:
        return None
    own = (settings.blend_wordbag_subreasons_home, settings.subreason_floor_home)
    scores: dict[tuple[float, float], float] = {}
    for share in dict.fromkeys((own[0], *SHARE_GRID)):
        probs = probabilities_of(share)
        for floor in dict.fromkeys((own[1], *FLOOR_GRID)):
            scores[(share, floor)] = micro_f1(truth, named_subreasons(probs, keys, settings, floor))
    best = own
    for point, value in scores.items():
        if value > scores[best] + 1e-9:
            best = point
    return SubreasonChoice(best[0], best[1], scores[best], scores[own], len(truth))


def fit_on_examples(classifier: FeedbackClassifier, examples: Sequence) -> SubreasonChoice | None:
    """`choose` on the `Example`s labelled with sub-reasons; None when the model has no word bag
    sub-reason heads behind a home-service gate (then neither setting changes anything)."""
    from nlp.classify import FeedbackClassifier
    from nlp.features import analyse_many
    from nlp.text import normalise

    bag = classifier.wordbag
    rows = [ex for ex in examples if ex.subreasons is not None]
    if bag is None or not bag.gated or not bag.subreasons or not rows:
        return None
    texts = [normalise(ex.text) for ex in rows]
    analyses = analyse_many(texts)

    def probabilities_of(share: float) -> Probabilities:
        settings = replace(classifier.settings, blend_wordbag_subreasons_home=share)
        return FeedbackClassifier(classifier.model, classifier.tokenizer, settings, classifier.version,
                                  bag, classifier.network).probabilities(texts, analyses)

    return choose(probabilities_of, classifier.subreasons, [set(ex.subreasons) for ex in rows],
                  classifier.settings)


def refit(classifier: FeedbackClassifier, user_held: Sequence,
          progress: Callable[[str], None]) -> NLPSettings:
    """The classifier's settings with the sub-reason share and floor chosen on `user_held`."""
    chosen = fit_on_examples(classifier, user_held)
    if chosen is None:
        return classifier.settings
    floor = "never" if chosen.floor >= NEVER else chosen.floor
    progress(f"sub-reasons chosen on {chosen.rows} held-out user rows: word bag share {chosen.share}, "
             f"floor {floor} (micro F1 {chosen.default_f1:.3f} with the defaults, {chosen.f1:.3f} chosen)")
    return replace(classifier.settings, blend_wordbag_subreasons_home=chosen.share,
                   subreason_floor_home=chosen.floor)
