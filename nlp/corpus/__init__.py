"""The project's own labelled corpus: hand-written examples, written whole reviews and a seeded generator."""
from __future__ import annotations

import random

from nlp.corpus.examples import ASPECT_KEYS, Example
from nlp.corpus.generator import generate
from nlp.corpus.handwritten import load_handwritten, load_home_reviews, load_written_reviews


def build_corpus(n_generated: int, seed: int, n_written: int | None = None) -> list[Example]:
    """Hand-written examples first, then the written reviews (all, or a seeded sample of `n_written`),
    then generated ones; texts are unique (first occurrence wins)."""
    written = load_written_reviews()
    if n_written is not None and n_written < len(written):
        written = random.Random(seed).sample(written, n_written)
    seen: set[str] = set()
    corpus = []
    for example in [*load_handwritten(), *written, *generate(n_generated, seed)]:
        if example.text not in seen:
            seen.add(example.text)
            corpus.append(example)
    return corpus


__all__ = ["ASPECT_KEYS", "Example", "build_corpus", "generate", "load_handwritten", "load_home_reviews",
           "load_written_reviews"]
