"""Degree words inside cue phrases: 太难吃 should weigh like 太 + 难吃, not like 难吃.

Many aspect cues of ``aspects.txt`` are written with their degree word (很脏, 太难吃, 非常热情) so
that the phrase is matched as one token; the reader then never sees the intensifier, and the phrase
counts for the overall sentiment exactly as much as the bare word. :func:`scale_degree_phrases`
gives such a phrase the sentiment value of its parts: the intensifier's factor times the value of
the rest (its own sentiment weight, or ±1 for a bare cue). Only phrases whose rest is itself a polar
lexicon token are touched (真诚 and 蛮横 start with a degree character but are single words), and
ambiguous intensifiers (好沟通, 老玩手机) are left alone. Aspect hits keep their weights.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nlp.lexicon import TokenInfo

__all__ = ["scale_degree_phrases"]


def _value(info: TokenInfo) -> float | None:
    """Sentiment value a token adds when read alone (None when it adds none)."""
    if info.sentiment is not None:
        return info.sentiment
    polar = [c.polarity for c in info.cues if c.polarity]
    return float(polar[0]) if polar else None


def scale_degree_phrases(tokens: dict[str, TokenInfo]) -> int:
    """Set the sentiment of intensifier-led cue phrases from their parts; returns how many changed."""
    degrees = {w: i.intensity for w, i in tokens.items()
               if i.intensity is not None and not i.ambiguous and i.negator is None and i.contrast is None}
    by_length = sorted(degrees, key=len, reverse=True)
    changed = 0
    for word, info in tokens.items():
        if info.sentiment is not None or not any(c.polarity for c in info.cues):
            continue
        for prefix in by_length:
            if len(word) > len(prefix) and word.startswith(prefix):
                rest = tokens.get(word[len(prefix):])
                value = _value(rest) if rest is not None else None
                if value is not None and (value > 0) == (_value(info) > 0):
                    info.sentiment = degrees[prefix] * value
                    changed += 1
                break
    return changed
