"""Output safety: PII masking, spreadsheet-safe CSV cells, HTML-escaped evidence highlighting."""
from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from nlp.text import mask_pii

# A CSV cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def mask_text(text: str | None) -> str:
    """PII-masked text; applied again on output even where the warehouse text is already masked."""
    return mask_pii(text or "")


def csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def evidence_words(evidence: dict) -> list[str]:
    """Distinct evidence phrases of every category, longest first (so overlaps mark the longer one)."""
    words = {w for values in evidence.values() if isinstance(values, list)
             for w in values if isinstance(w, str) and w.strip()}
    return sorted(words, key=len, reverse=True)


def highlight(text: str, words: Iterable[str]) -> Markup:
    """HTML of `text` with each occurrence of a word wrapped in <mark>; everything is escaped."""
    wanted = [w for w in words if w]
    if not wanted:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(w) for w in wanted))
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)
