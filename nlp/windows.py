"""Long texts in model-sized windows (cut at punctuation), and pooling window outputs back per text."""
from __future__ import annotations

import re

import numpy as np

CLAUSE_END = "。！？!?；;\n~…，,、 "  # a clause ends after any of these (nlp.wordbag_windows cuts there too)
_SENTENCE_END = re.compile(f"(?<=[{re.escape(CLAUSE_END)}])")


def _pieces(text: str, size: int) -> list[str]:
    """Greedy packing of clauses into windows of at most `size` characters."""
    windows, current = [], ""
    for clause in _SENTENCE_END.split(text):
        while len(clause) > size:  # a clause longer than a window is cut hard
            if current:
                windows.append(current)
                current = ""
            windows.append(clause[:size])
            clause = clause[size:]
        if len(current) + len(clause) > size:
            windows.append(current)
            current = ""
        current += clause
    if current or not windows:
        windows.append(current)
    return windows


def split_windows(texts: list[str], size: int) -> tuple[list[str], np.ndarray]:
    """All windows in text order and, for each, the index of its text."""
    windows: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        parts = [text] if len(text) <= size else _pieces(text, size)
        windows.extend(parts)
        owner.extend([i] * len(parts))
    return windows, np.asarray(owner, dtype=np.int64)


def pool_windows(aspects: np.ndarray, subs: np.ndarray, sentiment: np.ndarray, owner: np.ndarray,
                 windows: list[str], n_texts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text: an aspect is mentioned if any window mentions it (polarity shares summed over windows),
    sub-reasons take the max, sentiment is the length-weighted mean."""
    weights = np.asarray([max(len(w), 1) for w in windows], dtype=np.float32)
    pooled_aspects = np.zeros((n_texts, *aspects.shape[1:]), dtype=np.float32)
    pooled_subs = np.zeros((n_texts, subs.shape[1]), dtype=np.float32)
    pooled_sent = np.zeros((n_texts, sentiment.shape[1]), dtype=np.float32)
    absent = np.ones((n_texts, aspects.shape[1]), dtype=np.float32)
    polar = np.zeros((n_texts, aspects.shape[1], aspects.shape[2] - 1), dtype=np.float32)
    np.minimum.at(absent, owner, aspects[:, :, 0])
    np.add.at(polar, owner, aspects[:, :, 1:])
    np.maximum.at(pooled_subs, owner, subs)
    np.add.at(pooled_sent, owner, sentiment * weights[:, None])
    shares = polar / np.clip(polar.sum(-1, keepdims=True), 1e-9, None)
    pooled_aspects[:, :, 0] = absent
    pooled_aspects[:, :, 1:] = (1.0 - absent)[:, :, None] * shares
    pooled_sent /= np.clip(pooled_sent.sum(-1, keepdims=True), 1e-9, None)
    return pooled_aspects, pooled_subs, pooled_sent
