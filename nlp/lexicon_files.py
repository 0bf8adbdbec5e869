"""Reading the lexicon data files (``nlp/data/lexicon/``, format in :mod:`nlp.lexicon`) into one
:class:`nlp.lexicon.Lexicon`: the packaged files through ``importlib.resources``, or a directory
holding the same files."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nlp.lexicon import (CLAUSE_BREAKS, LEXICON_FILES, POLARITY, SENTENCE_BREAKS, Cue, Lexicon,
                         TokenInfo)
from nlp.lexicon_degree import scale_degree_phrases
from nlp.taxonomy import CATEGORY_KEYS, load_taxonomy

__all__ = ["lexicon_from_texts", "load_lexicon", "read_files"]


def _lines(text: str) -> Iterator[str]:
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        line = line.strip()
        if line:
            yield line


def read_files(directory: Path | None) -> dict[str, str]:
    """The text of every lexicon file, packaged or from `directory`."""
    out = {}
    if directory is None:
        base = resources.files("nlp").joinpath("data", "lexicon")
        for name in LEXICON_FILES:
            out[name] = base.joinpath(name).read_text(encoding="utf-8")
    else:
        for name in LEXICON_FILES:
            out[name] = (Path(directory) / name).read_text(encoding="utf-8")
    return out


def lexicon_from_texts(files: dict[str, str], source: str = "package") -> Lexicon:
    """Compile the file texts (name -> text) into a Lexicon; ValueError names a bad line."""
    tax = load_taxonomy()
    tokens: dict[str, TokenInfo] = {}

    def tok(word: str) -> TokenInfo:
        info = tokens.get(word)
        if info is None:
            info = tokens[word] = TokenInfo(word=word)
        return info

    # punctuation
    for ch in CLAUSE_BREAKS:
        tok(ch).brk = 1
    for ch in SENTENCE_BREAKS:
        tok(ch).brk = 2

    regex_cues: list[tuple[str, Cue]] = []
    section: tuple[str, str | None, int] | None = None
    for line in _lines(files["aspects.txt"]):
        m = re.fullmatch(r"\[\s*([a-z_.]+)\s+(complaint|praise|neutral)\s*\]", line)
        if m:
            key, pol = m.group(1), m.group(2)
            if key not in tax:
                raise ValueError(f"aspects.txt: unknown taxonomy key {key!r}")
            cat = key.split(".", 1)[0]
            if cat not in CATEGORY_KEYS:
                raise ValueError(f"aspects.txt: {key!r} is not under a category")
            section = (cat, key if "." in key else None, POLARITY[pol])
            continue
        if section is None:
            raise ValueError(f"aspects.txt: phrase {line!r} before the first [section]")
        cue = Cue(*section)
        if line.startswith("re:"):
            regex_cues.append((line[3:].strip(), cue))
            continue
        info = tok(line)
        if cue not in info.cues:
            # one phrase may cue several aspects, but only with one polarity per aspect
            clash = [c for c in info.cues if c.category == cue.category and c.polarity != cue.polarity]
            if clash:
                raise ValueError(f"aspects.txt: {line!r} is both {clash[0]} and {cue}")
            info.cues = info.cues + (cue,)

    for name, sign in (("sentiment_positive.txt", 1.0), ("sentiment_negative.txt", -1.0)):
        for line in _lines(files[name]):
            parts = line.split()
            word = parts[0]
            weight = float(parts[1]) if len(parts) > 1 else 1.0
            tok(word).sentiment = sign * weight
            tok(word).post_only = "after" in parts[2:]
            tok(word).mild = "mild" in parts[2:]
            tok(word).result = "result" in parts[2:]
            tok(word).compare = "compare" in parts[2:]  # 不如: also denies the polar word after it

    for line in _lines(files["negators.txt"]):
        parts = line.split()
        tok(parts[0]).negator = float(parts[1]) if len(parts) > 1 else 1.0
        tok(parts[0]).result = "result" in parts[2:]
        tok(parts[0]).compare = "compare" in parts[2:]

    for line in _lines(files["intensifiers.txt"]):
        parts = line.split()
        info = tok(parts[0])
        info.intensity = float(parts[1])
        info.ambiguous = "ambiguous" in parts[2:]

    for line in _lines(files["contrast.txt"]):
        parts = line.split()
        info = tok(parts[0])
        info.contrast = parts[1]
        for extra in parts[2:]:
            if extra == "neg":
                info.negator = 1.0
            else:
                info.intensity = float(extra)

    for line in _lines(files["skip.txt"]):
        info = tok(line.split()[0])
        if not (info.cues or info.sentiment is not None or info.negator or info.intensity
                or info.contrast or info.brk):
            info.skip = True

    scale_degree_phrases(tokens)
    _mark_negated_verbs(tokens)
    for info in tokens.values():
        info.finish()
    digest = hashlib.sha256()
    for name in LEXICON_FILES:
        digest.update(name.encode())
        digest.update(files[name].encode("utf-8"))
    return Lexicon(tokens=tokens, regex_cues=regex_cues, hash=digest.hexdigest()[:10], source=source)


def _mark_negated_verbs(tokens: dict[str, TokenInfo]) -> None:
    """Complaint cues made of a result negator and a verb (没清洗, 没收拾) take a result word after
    them as part of the same complaint (没清洗干净), not as praise (nlp.reader)."""
    negators = sorted((w for w, info in tokens.items() if info.negator is not None and info.result),
                      key=len, reverse=True)
    for word, info in tokens.items():
        if any(c.polarity < 0 for c in info.cues):
            prefix = next((n for n in negators if word.startswith(n) and len(word) > len(n)), None)
            if prefix:
                info.neg_prefix = len(prefix)


@lru_cache(maxsize=4)
def _load(directory: str | None) -> Lexicon:
    files = read_files(Path(directory) if directory else None)
    return lexicon_from_texts(files, source=directory or "package")


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """The packaged lexicon (cached), or one read from ``directory`` holding the same files."""
    return _load(str(directory) if directory else None)
