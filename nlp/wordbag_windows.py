"""The word bag's reading of a long text per window of clauses (session 15).

Over a whole long text the bag's words are averaged (scaled by 1/sqrt(n)), and the clause that names
an aspect drowns among the others: the bag says "not mentioned". Read per window of whole clauses (at
most `NLPSettings.wordbag_window` characters) and pooled as the network's windows are (an aspect is
mentioned where any window mentions it, `nlp.windows.pool_windows`), it keeps the reading of short
texts it was trained on. Windows are made of the words of the whole text's cut: cutting is most of
the bag's time, and jieba never joins a character to punctuation, where clauses end.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nlp.windows import CLAUSE_END, pool_windows

if TYPE_CHECKING:
    from nlp.wordbag import WordBagOutput

_CLAUSE_END = frozenset(CLAUSE_END)


def windows_of(cut_texts: Sequence[list[str]], size: int) -> tuple[list[list[str]], np.ndarray]:
    """The windows (word lists) of every text, in order, and for each the index of its text."""
    windows: list[list[str]] = []
    owner: list[int] = []
    for i, words in enumerate(cut_texts):
        parts = pack(words, size)
        windows.extend(parts)
        owner.extend([i] * len(parts))
    return windows, np.asarray(owner, dtype=np.int64)


def pack(words: list[str], size: int) -> list[list[str]]:
    """Greedy packing of clauses into windows of at most `size` characters (a longer clause is cut
    between words, a longer word stands alone)."""
    windows: list[list[str]] = []
    current: list[str] = []
    used = 0
    for clause in _clauses(words):
        for piece in _pieces(clause, size):
            length = sum(map(len, piece))
            if current and used + length > size:
                windows.append(current)
                current, used = [], 0
            current = current + piece
            used += length
    if current or not windows:
        windows.append(current)
    return windows


def pooled_aspects(parts: "WordBagOutput", owner: np.ndarray, n_texts: int) -> np.ndarray:
    """(n_texts, 3, 4) aspects of the windows' outputs pooled per text."""
    assert parts.aspects is not None and parts.sentiment is not None
    unused = np.zeros((len(owner), 0), dtype=np.float32)
    return pool_windows(parts.aspects, unused, parts.sentiment, owner, [" "] * len(owner), n_texts)[0]


def pooled_subreasons(parts: "WordBagOutput", owner: np.ndarray, n_texts: int,
                      keys: Sequence[str]) -> np.ndarray:
    """(n_texts, len(keys)) sub-reasons read in each text's window likeliest to complain about the
    sub-reason's aspect: the heads assume a complaint, which most windows of a long text do not hold."""
    from nlp.model import ASPECT_CLASSES, ASPECTS, subreason_aspects

    assert parts.aspects is not None and parts.subreasons is not None
    complaint = parts.aspects[:, :, ASPECT_CLASSES.index(-1)]  # (windows, 3)
    chosen = np.zeros((n_texts, len(ASPECTS)), dtype=np.int64)
    for a in range(len(ASPECTS)):
        order = np.lexsort((-complaint[:, a], owner))  # by text, likeliest complaint first (stable)
        first = np.r_[True, owner[order][1:] != owner[order][:-1]]
        chosen[owner[order][first], a] = order[first]
    return parts.subreasons[chosen[:, subreason_aspects(keys)], np.arange(len(keys))]


def _clauses(words: list[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for word in words:
        clauses[-1].append(word)
        if word in _CLAUSE_END:  # punctuation is a word of its own in jieba's cut
            clauses.append([])
    return [clause for clause in clauses if clause]


def _pieces(clause: list[str], size: int) -> list[list[str]]:
    if sum(map(len, clause)) <= size:
        return [clause]
    pieces: list[list[str]] = [[]]
    used = 0
    for word in clause:
        if pieces[-1] and used + len(word) > size:
            pieces.append([])
            used = 0
        pieces[-1].append(word)
        used += len(word)
    return pieces
