"""Keyword lexicons (data files under ``nlp/data/lexicon/``) compiled into one fast matcher.

Files (UTF-8, ``#`` comments):

* ``aspects.txt`` – sections ``[<category|sub-reason> complaint|praise|neutral]`` of cue phrases
  per aspect, plus ``re: <regex>`` lines for numeric phrases (等了40分钟, 晚了半小时);
* ``sentiment_positive.txt`` / ``sentiment_negative.txt`` – ``word [weight] [after] [mild]``
  (``after``: describes only an aspect word before it; ``mild``: counts for the overall sentiment
  but leaves an aspect word a neutral mention, 态度一般 is no complaint; ``result``: a verb's
  resultative complement, 干净 in 洗干净, which a ``result`` negator reaches across the verb);
* ``negators.txt`` – ``word [scale] [result|compare]`` (``result``: a perfective negator, 没 / 没有 /
  未, that also reaches a *result* word across the verb between them: 没清洗干净, 没有收拾好;
  ``compare``: 不比, which reaches any polar word across the thing compared: 不比大公司差);
  ``intensifiers.txt`` – ``word factor [ambiguous]``;
* ``contrast.txt`` – ``word after|before|summary|claim|reply [factor] [neg]`` (``claim``: the rest of
  the clause is an expectation or a claim, 本以为很专业, and counts for nothing; ``reply``: a business's
  answer starts, 酒店反馈, and the rest of the text is not read);
* ``skip.txt`` – words that contain a negator or cue but are neither (不但, 慢慢, 菜单).

Every phrase of every file becomes one entry of a phrase table scanned greedily (longest match
first, indexed by the first two characters), plus one regular expression for the numeric phrases,
so one pass over a text yields all lexicon tokens left to right without overlaps; :mod:`nlp.reader`
interprets that token stream. :mod:`nlp.lexicon_files` reads the files into a :class:`Lexicon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


__all__ = ["POLARITY", "Cue", "Lexicon", "TokenInfo"]

POLARITY = {"complaint": -1, "neutral": 0, "praise": 1}
LEXICON_FILES = (
    "aspects.txt",
    "sentiment_positive.txt",
    "sentiment_negative.txt",
    "negators.txt",
    "intensifiers.txt",
    "contrast.txt",
    "skip.txt",
)
# A "re:" phrase must contain a number followed by a unit (半小时, 40分钟, 三次, 200块): texts
# without such a pair skip the regular expressions (a cheap character-class search).
REGEX_TRIGGER = frozenset("时钟分天次遍块元")
# Repetitions are bounded: an unbounded ``[数]+`` backtracks over a long run of number-like
# characters (好好好…, 多多多…) at every start position, i.e. quadratic time on long texts.
_NUMBER_UNIT_RE = re.compile(
    r"[0-9一二两俩三四五六七八九十百几半多好]{1,8}个?(?:多|半)?(?:小时|钟头|分钟|分|刻钟|天|次|遍|块|元)"
)
# unescaped + or *, or an open-ended {n,}: forbidden in "re:" phrases (see _NUMBER_UNIT_RE)
_UNBOUNDED_RE = re.compile(r"(?<!\\)[+*]|\{\d*,\}")
# clause / sentence punctuation (matched as tokens too)
CLAUSE_BREAKS = "，,、：:"
SENTENCE_BREAKS = "。.！!？?；;…~～\n "


@dataclass(frozen=True, slots=True)
class Cue:
    category: str
    subreason: str | None
    polarity: int  # -1 complaint, 0 neutral mention (target), 1 praise


@dataclass(slots=True)
class TokenInfo:
    word: str
    cues: tuple[Cue, ...] = ()
    sentiment: float | None = None
    negator: float | None = None  # scale of the flipped value
    intensity: float | None = None
    ambiguous: bool = False  # intensifier only directly before a polar word
    contrast: str | None = None  # "after" | "before" | "summary" | "claim" | "reply"
    skip: bool = False
    post_only: bool = False  # sentiment word that only describes an aspect word before it
    mild: bool = False  # sentiment word too weak to make an aspect word praise or complaint
    result: bool = False  # negator: reaches a result word across a verb; word: a verb's result (洗干净)
    compare: bool = False  # negator that reaches any polar word across the thing compared (不比…差)
    neg_prefix: int = 0  # a complaint cue that starts with a result negator (没清洗): its length
    brk: int = 0  # 1 clause break, 2 sentence break

    polar: bool = False  # has a sentiment value or a praise/complaint cue (set by finish())

    def finish(self) -> None:
        self.polar = self.sentiment is not None or any(c.polarity for c in self.cues)


@dataclass
class Lexicon:
    tokens: dict[str, TokenInfo]
    regex_cues: list[tuple[str, Cue]]
    hash: str
    source: str = "package"
    pattern: re.Pattern = field(init=False, repr=False)
    regex_infos: dict[str, TokenInfo] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.regex_infos = {}
        parts = []
        for i, (rx, cue) in enumerate(self.regex_cues):
            name = f"r{i}"
            if re.compile(rx).groups:
                raise ValueError(f"lexicon regex must not contain groups: {rx!r}")
            if _UNBOUNDED_RE.search(rx):
                raise ValueError(f"lexicon regex must bound its repetitions ({{1,8}}, not + or *): {rx!r}")
            if not REGEX_TRIGGER.intersection(rx):
                raise ValueError(f"lexicon regex needs a unit ({''.join(sorted(REGEX_TRIGGER))}): {rx!r}")
            parts.append(f"(?P<{name}>{rx})")
            self.regex_infos[name] = TokenInfo(word=rx, cues=(cue,))
            self.regex_infos[name].finish()
        self.pattern = re.compile("|".join(parts)) if parts else None

        # Phrase lookup: Python's re tries the alternatives of a big alternation one by one, so a
        # 2,500-phrase trie regex costs ~40 us per 40 characters; a greedy longest-match scan over a
        # dict indexed by the first two characters costs ~9 us.
        index2: dict[str, set[int]] = {}
        for w in self.tokens:
            if len(w) >= 2:
                index2.setdefault(w[:2], set()).add(len(w))
        self._index2 = {k: tuple(sorted(v, reverse=True)) for k, v in index2.items()}

    # -- convenience views ------------------------------------------------------------------
    def cues_for(self, category: str, polarity: str | int | None = None) -> list[str]:
        pol = POLARITY.get(polarity, polarity) if isinstance(polarity, str) else polarity
        return sorted(
            w for w, info in self.tokens.items()
            for c in info.cues
            if c.category == category and (pol is None or c.polarity == pol)
        )

    @property
    def n_phrases(self) -> int:
        return len(self.tokens) + len(self.regex_cues)

    def tokenize(self, text: str) -> list[tuple[int, int, TokenInfo, str]]:
        """Lexicon tokens of ``text``: ``(start, end, info, surface)``, left to right, longest
        match first, no overlaps; a ``re:`` phrase wins over the plain phrases it overlaps."""
        out = []
        get2 = self._index2.get
        getw = self.tokens.get
        i = 0
        n = len(text)
        while i < n:
            lens = get2(text[i:i + 2])
            if lens is not None:
                for length in lens:
                    w = text[i:i + length]
                    info = getw(w)
                    if info is not None:
                        out.append((i, i + length, info, w))
                        i += length
                        break
                else:
                    info = getw(text[i])
                    if info is not None:
                        out.append((i, i + 1, info, text[i]))
                    i += 1
            else:
                info = getw(text[i])
                if info is not None:
                    out.append((i, i + 1, info, text[i]))
                i += 1
        if self.pattern is not None and _NUMBER_UNIT_RE.search(text):
            found = [(m.start(), m.end(), self.regex_infos[m.lastgroup], m.group())
                     for m in self.pattern.finditer(text)]
            if found:
                out = _merge_regex_tokens(out, found)
        return out


def _merge_regex_tokens(plain: list, found: list) -> list:
    """``plain`` without the tokens that overlap a regex token, merged with ``found``; both
    lists are sorted and non-overlapping, so one sweep with a pointer into ``found`` suffices."""
    keep = []
    j, n_found = 0, len(found)
    for t in plain:
        while j < n_found and found[j][1] <= t[0]:
            j += 1
        if j < n_found and found[j][0] < t[1]:
            continue
        keep.append(t)
    return sorted(keep + found, key=lambda t: t[0])
