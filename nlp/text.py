"""Text normalisation for Chinese customer feedback.

``normalise`` makes texts comparable (width, script, whitespace, markup); PII masking lives in
`nlp.pii` (``mask_pii``, re-exported here). The pipeline applies ``normalise`` first and
``mask_pii`` second; both are pure functions of their input, linear-time, and safe on any ``str``.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from nlp.pii import PII_TAGS, mask_pii

__all__ = ["PII_TAGS", "mask_pii", "normalise", "to_simplified"]

# Full-width punctuation that is the normal Chinese form and stays full-width.
_KEEP_FULLWIDTH = set("，！？：；（）")


def _build_width_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xFF01, 0xFF5F):  # ！ .. ～
        ch = chr(cp)
        if ch in _KEEP_FULLWIDTH:
            continue
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    table[0xFFE5] = "¥"  # fullwidth yen sign
    table[0xFFE0] = "¢"
    table[0xFFE1] = "£"
    table[0x2212] = "-"  # minus sign
    # invisible / formatting characters (ZWJ U+200D is kept: it glues emoji sequences)
    for cp in (0x00AD, 0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x202A, 0x202B, 0x202C,
               0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xFFFD):
        table[cp] = None  # type: ignore[assignment]
    # control characters except whitespace (\t \n \r \v \f become spaces later)
    for cp in list(range(0x20)) + [0x7F] + list(range(0x80, 0xA0)):
        ch = chr(cp)
        table[cp] = " " if ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85" else None  # type: ignore[assignment]
    table[0xA0] = " "  # nbsp
    return table


_WIDTH_TABLE = _build_width_table()
# str.translate with a dict costs ~0.4 us per non-ASCII character; search first (C speed)
_WIDTH_CHARS_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_WIDTH_TABLE)) + "]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_HTML_TAG_RE = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]{0,30}(?:\s[^<>]{0,2000})?/?|!--.{0,5000}?--|![A-Za-z][^<>]{0,500})>", re.DOTALL)
_HTML_BLOCK_RE = re.compile(r"<(?:script|style)\b[^<>]{0,2000}>.{0,100000}?</(?:script|style)\s*>", re.DOTALL | re.IGNORECASE)
_HTML_BREAK_RE = re.compile(r"<(?:br|/p|/div|/li|/tr|p|div|li|tr)\b[^<>]{0,2000}>", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_WS_RE = re.compile(r"\s+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# half-width clause punctuation right after a Chinese character -> the Chinese form
_ASCII_PUNCT_AFTER_CJK_RE = re.compile(f"[,!?;:](?<=[{_CJK}][,!?;:])(?![0-9])")
_TO_FULLWIDTH = {",": "，", "!": "！", "?": "？", ";": "；", ":": "："}
# one literal-led branch per character: re then skips non-candidate positions quickly
_LONG_PUNCT_RUN_RE = re.compile("|".join(re.escape(c) * 4 + "+" for c in "。，！？!?.,~、…-"))
_T2S_SEGMENT_RE = re.compile(r"[^\s,.!?;:，。！？；：、]+")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters whose presence means t2s may change the text (fast path skips the rest)."""
    import opencc

    chars: set[str] = set()
    targets: set[str] = set()  # simplified forms: a text made only of these needs no conversion
    base = resources.files(opencc).joinpath("dictionary")
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in base.joinpath(name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            key, value = parts[0], parts[1].split(" ")[0]
            targets.update(value)
            if key == value:
                continue
            if len(key) == len(value):
                chars.update(k for k, v in zip(key, value) if k != v)
            else:
                chars.update(key)
    return frozenset(chars - targets)


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s); a no-op fast path for simplified text."""
    trad = _traditional_chars()
    if not text or trad.isdisjoint(text):
        return text
    cc = _t2s()
    # OpenCC (pure Python) costs ~2 us per character: convert only the clauses that need it
    return _T2S_SEGMENT_RE.sub(
        lambda m: m.group() if trad.isdisjoint(m.group()) else cc.convert(m.group()), text
    )


def _strip_html(text: str) -> str:
    text = _HTML_BLOCK_RE.sub(" ", text)
    text = _HTML_BREAK_RE.sub(" ", text)
    return _HTML_TAG_RE.sub("", text)


def normalise(text: str | None) -> str:
    """Canonical form of a feedback text.

    * ``None``/non-text/empty -> ``""``;
    * HTML: tags removed (block tags become a space), entities decoded;
    * full-width ASCII letters, digits and symbols -> half-width; the usual Chinese clause
      punctuation ，！？：；（） stays full-width, and a half-width ``,!?;:`` right after a Chinese
      character becomes the full-width form (``好,就是`` -> ``好，就是``; ``14:30`` is untouched);
    * traditional -> simplified (OpenCC t2s, only when a traditional character is present);
    * control/invisible characters and lone surrogates removed; emoji kept (ZWJ sequences too);
    * whitespace runs -> one space, stripped; runs of 4+ identical punctuation -> 3.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        if isinstance(text, float) and math.isnan(text):  # pandas' missing value
            return ""
        text = str(text)
    if not text:
        return ""
    if _SURROGATE_RE.search(text):
        # join valid surrogate pairs, drop lone halves
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if "<" in text:
        text = _strip_html(text)
    if "&" in text:
        text = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)
    text = unicodedata.normalize("NFC", text) if not text.isascii() else text
    if _WIDTH_CHARS_RE.search(text):
        text = text.translate(_WIDTH_TABLE)
    text = to_simplified(text)
    text = _ASCII_PUNCT_AFTER_CJK_RE.sub(lambda m: _TO_FULLWIDTH[m.group(0)], text)
    text = _LONG_PUNCT_RUN_RE.sub(lambda m: m.group()[:3], text)
    text = _WS_RE.sub(" ", text).strip()
    return text
