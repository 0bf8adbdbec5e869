"""The project's own labelled corpus: hand-written examples plus a seeded generator."""
from __future__ import annotations

from nlp.corpus.examples import ASPECT_KEYS, Example
from nlp.corpus.generator import generate
from nlp.corpus.handwritten import load_handwritten


def build_corpus(n_generated: int, seed: int) -> list[Example]:
    """Hand-written examples first, then generated ones; texts are unique (first occurrence wins)."""
    seen: set[str] = set()
    corpus = []
    for example in [*load_handwritten(), *generate(n_generated, seed)]:
        if example.text not in seen:
            seen.add(example.text)
            corpus.append(example)
    return corpus


__all__ = ["ASPECT_KEYS", "Example", "build_corpus", "generate", "load_handwritten"]
