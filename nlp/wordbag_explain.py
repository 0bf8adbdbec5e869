"""The words that moved the word bag (nlp.wordbag) to a label, for evidence the lexicon cannot give.

Since session 15 the bag has half the say in the aspects of home-service texts, so a label may stand
on wording no lexicon entry covers (周四又改周六, 往桌上一摔). The bag is linear over hashed words
and word bigrams, so what each word adds to a class is read off its weights: the class's weight minus
the mean of the aspect's other classes (for a gated bag, the heads mixed by the text's gate share, as
`WordBag.probabilities` mixes them). The evidence is the best run of up to `WIDTH` words inside one
clause, scored with the bigrams inside it: a phrase a person can read, not a list of single words.
"""
from __future__ import annotations

import numpy as np

from nlp.wordbag import N_CLASSES, N_SENTIMENT, OUT, WordBag, _bucket

WIDTH = 4  # words per span: enough for 周四又改周六, short enough to point at one thing
MAX_SPANS = 2
_NOT_A_WORD = -1e9  # punctuation and spaces bound spans and never join one


def bag_spans(bag: WordBag, text: str, aspect: int, klass: int, max_spans: int = MAX_SPANS) -> list[str]:
    """Up to `max_spans` phrases of `text` that pushed aspect number `aspect` to class `klass` (1..3),
    in text order; none when no word pushed it."""
    from nlp.segment import cut

    words = cut(text, hmm=bag.hmm)
    if not words:
        return []
    share = float(bag.probabilities([text]).home_share[0]) if bag.gated else 1.0
    by_word = _pushes(bag, ["w" + w for w in words], aspect, klass, share)
    by_word[[not any(ch.isalnum() for ch in w) for w in words]] = _NOT_A_WORD
    by_pair = _pushes(bag, [f"b{a}\x1f{b}" for a, b in zip(words, words[1:])], aspect, klass, share)
    spans = ["".join(words[start:end]) for start, end in sorted(_best_runs(by_word, by_pair, max_spans))]
    return [span for span in spans if span in text]  # the cut drops spaces: a run across one is no span


def _pushes(bag: WordBag, grams: list[str], aspect: int, klass: int, share: float) -> np.ndarray:
    """What each gram adds to `klass` over the aspect's other classes."""
    if not grams:
        return np.zeros(0, dtype=np.float32)
    rows = bag.weight[[_bucket(g) for g in grams]]
    columns = N_SENTIMENT + aspect * N_CLASSES + np.arange(N_CLASSES)
    weights = rows[:, columns]
    if bag.gated:
        weights = share * weights + (1.0 - share) * rows[:, columns + OUT]
    others = np.delete(weights, klass, axis=1).mean(1)
    return (weights[:, klass] - others).astype(np.float64)


def _best_runs(by_word: np.ndarray, by_pair: np.ndarray, max_spans: int) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) word runs with the highest positive push; each after the first
    must push at least half as hard, and every run starts and ends on a word that pushes."""
    candidates = []
    for start in range(len(by_word)):
        if by_word[start] <= 0:
            continue
        for end in range(start + 1, min(start + WIDTH, len(by_word)) + 1):
            run = by_word[start:end]
            if run.min() == _NOT_A_WORD:
                break
            if by_word[end - 1] > 0:
                candidates.append((float(run.sum() + by_pair[start:end - 1].sum()), start, end))
    chosen: list[tuple[float, int, int]] = []
    for score, start, end in sorted(candidates, reverse=True):
        if score <= 0 or (chosen and score < chosen[0][0] / 2) or len(chosen) == max_spans:
            break
        if all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((score, start, end))
    return [(start, end) for _, start, end in chosen]
