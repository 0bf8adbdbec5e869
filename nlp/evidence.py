"""Aspect evidence and lexicon sentiment: which words say what about attitude / skill / logistics.

One pass over the lexicon tokens of a text (:meth:`nlp.lexicon.Lexicon.tokenize`) with a little
state machine:

* **negation** – a negator (不, 没有, 一点也不, 不太 …) flips the next polar word of the same clause
  within one character (intensifiers may stand between): 不热情 / 一点也不热情 -> attitude
  complaint, 不迟到 / 没有迟到 -> logistics praise, 不太好 -> negative. Two negators in a row
  cancel (不是不好).
* **intensifiers** scale sentiment (很, 非常, 有点); 好 is an intensifier only right before a polar
  word (好慢), otherwise the positive word 好.
* **contrast** – after 但是/不过/就是有点 … the rest of the sentence weighs 1.4 and what came before
  in the sentence 0.6; after 虽然/尽管 … 0.6.
* **targets** – neutral aspect words (服务员, 上菜, 味道) take the polarity of the general sentiment
  words of their clause (服务员 + 很好 -> attitude praise, 上菜 + 很慢 -> logistics complaint);
  each sentiment word goes to the nearest target; without one the aspect is a neutral mention.
  *Mild* words (一般, 一般般) leave a target neutral: 态度一般 is a mention, not a complaint.

Public helpers:

* :func:`analyse` – everything (hits per category, labels, sentiment), used by
  :class:`nlp.rules.RuleClassifier`;
* :func:`find_hits` – per category the list of :class:`Hit` ``(span, polarity, subreason, ...)``;
* :func:`find_evidence` – per category the cue spans found;
* :func:`explain` – spans for the categories a model predicted, falling back to the most
  sentiment-laden words when no cue of that category occurs.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from nlp.lexicon import Lexicon, load_lexicon
from nlp.taxonomy import CATEGORY_KEYS

__all__ = ["Analysis", "Hit", "analyse", "explain", "find_evidence", "find_hits", "label_from_hits"]

NEGATION_REACH = 1  # characters allowed between a negator (or its intensifier) and the polar word
# ... and only these (不会迟到, 没有再迟到, 不是很热情); 不腻很好吃 / 不给就甩脸色 are not negations
NEGATION_FILLER = frozenset("是会再能够太怎么算很那这要用曾都也还就得的有被过")
TARGET_SPAN_MAX = 12  # longest "target ... sentiment word" span reported as one piece of evidence
TARGET_THRESHOLD = 0.5  # |clause sentiment| a target needs to become praise/complaint
COMPLAINT_RATIO = 0.5  # complaint if complaint weight >= ratio * praise weight (complaints count double)
CUES_REACH_OTHER_TARGETS = False  # 服务也很慢: the logistics cue 很慢 also makes 服务 (attitude) negative
CONTRAST_AFTER = 1.4
CONTRAST_BEFORE = 0.6


class Hit(NamedTuple):
    """One piece of aspect evidence. ``polarity``: -1 complaint, 0 neutral mention, 1 praise."""

    span: str
    polarity: int
    subreason: str | None
    start: int
    end: int
    weight: float


class _Item:
    """A hit or a sentiment contribution while the text is being read (mutable factor)."""

    __slots__ = ("base", "cat", "cue_cats", "end", "factor", "pol", "post_only", "span", "start", "sub")

    def __init__(self, cat, span, pol, sub, start, end, base, factor, cue_cats=(), post_only=False):
        self.cat = cat
        self.span = span
        self.pol = pol
        self.sub = sub
        self.start = start
        self.end = end
        self.base = base
        self.factor = factor
        self.cue_cats = cue_cats  # categories this word is already a cue of (not re-attached)
        self.post_only = post_only  # attaches only to a target before it


@dataclass
class Analysis:
    text: str
    hits: dict[str, list[Hit]]  # category -> hits in text order (only categories with hits)
    sentiment_score: float  # raw weighted sum
    sentiment_terms: list[tuple[str, float]]  # (span, signed contribution) in text order

    @property
    def sentiment(self) -> float:
        """Overall sentiment squashed into [-1, 1]."""
        return math.tanh(self.sentiment_score / 2.0)

    def label(self, category: str) -> int | None:
        return label_from_hits(self.hits.get(category, ()))

    def weights(self, category: str) -> tuple[float, float, int]:
        """(complaint weight, praise weight, number of neutral mentions)."""
        comp = praise = 0.0
        neutral = 0
        for h in self.hits.get(category, ()):
            if h.polarity < 0:
                comp += h.weight
            elif h.polarity > 0:
                praise += h.weight
            else:
                neutral += 1
        return comp, praise, neutral

    def evidence(self, category: str, polarity: int | None = None) -> list[str]:
        """Distinct spans of ``category`` (only those of ``polarity`` when it has any)."""
        hits = self.hits.get(category, ())
        if polarity is not None:
            chosen = [h for h in hits if h.polarity == polarity]
            if chosen:
                hits = chosen
        return _dedupe(h.span for h in hits)

    def top_sentiment_words(self, k: int = 3, sign: int | None = None) -> list[str]:
        terms = [t for t in self.sentiment_terms if t[1] != 0]
        if sign:
            same = [t for t in terms if (t[1] > 0) == (sign > 0)]
            terms = same or terms
        terms = sorted(terms, key=lambda t: -abs(t[1]))[:k]
        return _dedupe(span for span, _ in terms)


def weigh_hits(hits: Iterable[Hit]) -> tuple[int | None, float, float]:
    """(label -1 / 0 / 1 or ``None`` without hits, complaint weight, praise weight)."""
    comp = praise = 0.0
    any_hit = False
    for h in hits:
        any_hit = True
        if h.polarity < 0:
            comp += h.weight
        elif h.polarity > 0:
            praise += h.weight
    if not any_hit:
        return None, comp, praise
    if comp == 0 and praise == 0:
        return 0, comp, praise
    return (-1 if comp >= COMPLAINT_RATIO * praise and comp > 0 else 1), comp, praise


def label_from_hits(hits: Iterable[Hit]) -> int | None:
    """-1 / 0 / 1 from a category's hits, ``None`` when there are none."""
    return weigh_hits(hits)[0]


def _dedupe(spans: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for s in spans:
        if s not in seen:
            seen[s] = None
    return list(seen)


def analyse(text: str | None, lexicon: Lexicon | None = None) -> Analysis:
    """Read ``text`` (normalised, simplified Chinese) with the lexicon; see the module docstring."""
    lex = lexicon or load_lexicon()
    if not text:
        return Analysis(text="", hits={}, sentiment_score=0.0, sentiment_terms=[])
    reader = _Reader(text)
    for tok in lex.tokenize(text):
        reader.feed(tok)
    return reader.result()


class _Reader:
    """The state machine behind :func:`analyse`: feed it the lexicon tokens left to right."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[_Item] = []  # hits and sentiment contributions, in reading order
        self.sent_start = 0  # index in items where the current sentence starts
        self.discounted = 0  # items before this index already carry the contrast discount
        self.factor = 1.0  # contrast weight for what is read next
        self.neg_on = False
        self.neg_start = self.neg_reach = 0
        self.neg_scale = 1.0
        self.int_factor = 1.0
        self.int_reach = -10
        self.pending_amb = None  # an ambiguous intensifier (好) waiting for the next token
        # the current clause
        self.targets: list[tuple[str, str | None, int, int, str, float]] = []
        self.clause_sent: list[_Item] = []  # general sentiment words that may describe a target
        self.explicit: set[str] = set()  # categories with an explicit cue in the clause

    def feed(self, tok: tuple) -> None:
        s, e, info, w = tok
        if self.pending_amb is not None:
            self._resolve_ambiguous(s, info)
        if info.brk:
            self._close_clause()
            self._reset_modifiers()
            if info.brk == 2:
                self.factor = 1.0
                self.sent_start = len(self.items)
        elif info.skip:
            return
        elif info.contrast is not None:
            self._contrast(info.contrast)
            if info.negator is not None or info.intensity is not None:
                self._modifier(s, e, info)
        elif info.ambiguous:
            self.pending_amb = tok
        elif info.polar or info.cues:
            self._polar(s, e, info, w)
        else:
            self._modifier(s, e, info)

    def result(self) -> Analysis:
        if self.pending_amb is not None:
            self._polar(*self.pending_amb)
            self.pending_amb = None
        self._close_clause()
        hits: dict[str, list[Hit]] = {}
        score = 0.0
        terms: list[tuple[str, float]] = []
        for it in self.items:
            if it.cat is None:
                v = it.base * it.factor
                score += v
                terms.append((it.span, v))
            else:
                hits.setdefault(it.cat, []).append(
                    Hit(it.span, it.pol, it.sub, it.start, it.end, it.base * it.factor))
        for cat_hits in hits.values():
            if len(cat_hits) > 1:  # target hits are appended when their clause closes
                cat_hits.sort(key=lambda h: h.start)
        return Analysis(text=self.text, hits=hits, sentiment_score=score, sentiment_terms=terms)

    # -- modifiers ------------------------------------------------------------------------------
    def _reaches(self, reach: int, s: int) -> bool:
        gap = s - reach
        return gap <= 0 or (gap <= NEGATION_REACH
                            and all(c in NEGATION_FILLER for c in self.text[reach:s]))

    def _reset_modifiers(self) -> None:
        self.neg_on = False
        self.int_factor, self.int_reach = 1.0, -10

    def _modifier(self, s: int, e: int, info) -> None:
        if info.negator is not None:
            if self.neg_on and self._reaches(self.neg_reach, s):
                self.neg_on = False  # double negation: 不是不好
            else:
                self.neg_on, self.neg_start, self.neg_scale = True, s, info.negator
            self.neg_reach = e
            if info.intensity is not None:
                self.int_factor, self.int_reach = info.intensity, e
        elif info.intensity is not None:
            self.int_factor *= info.intensity
            self.int_reach = e
            if self.neg_on and self._reaches(self.neg_reach, s):
                self.neg_reach = e

    def _resolve_ambiguous(self, s: int, info) -> None:
        """好 right before a polar word is an intensifier (好慢), else the positive word 好."""
        ps, pe, pinfo, pw = self.pending_amb
        self.pending_amb = None
        if s == pe and info.polar:
            self.int_factor *= pinfo.intensity
            self.int_reach = pe
            if self.neg_on and self._reaches(self.neg_reach, ps):
                self.neg_reach = pe
        else:
            self._polar(ps, pe, pinfo, pw)

    def _contrast(self, kind: str) -> None:
        self._close_clause()
        if kind in ("after", "summary"):
            # only the items since the last contrast: rescanning the whole sentence at every
            # 但是 is quadratic on long texts without sentence breaks; a summary (总的来说)
            # outweighs the whole text before it, not just its sentence
            first = self.discounted if kind == "summary" else max(self.sent_start, self.discounted)
            for it in self.items[first:]:
                it.factor = min(it.factor, CONTRAST_BEFORE)
            self.discounted = len(self.items)
            self.factor = CONTRAST_AFTER
        else:
            self.factor = CONTRAST_BEFORE
        self._reset_modifiers()

    # -- polar words and targets ----------------------------------------------------------------
    def _polar(self, s: int, e: int, info, w: str) -> None:
        negated = self.neg_on and self._reaches(self.neg_reach, s)
        intensity = self.int_factor if self._reaches(self.int_reach, s) else 1.0
        self._reset_modifiers()
        a = self.neg_start if negated else s
        span = self.text[a:e] if negated else w
        cue_val = 0.0
        for cue in info.cues:
            if cue.polarity == 0:
                self.targets.append((cue.category, cue.subreason, s, e, w, self.factor))
                continue
            pol = -cue.polarity if negated else cue.polarity
            base = 0.8 if (negated and cue.polarity < 0) else 1.0
            self.items.append(_Item(cue.category, span, pol, cue.subreason, a, e, base, self.factor))
            self.explicit.add(cue.category)
            if cue_val == 0.0:
                cue_val = float(cue.polarity)
        val = info.sentiment if info.sentiment is not None else cue_val
        if not val:
            return
        if negated:  # 不好 is as bad as 好 is good; 不差 is only mildly good
            val = -val * self.neg_scale * (1.0 if val > 0 else 0.6)
        cue_cats = tuple(c.category for c in info.cues if c.polarity)
        it = _Item(None, span, 0, None, a, e, val * intensity, self.factor, cue_cats, info.post_only)
        self.items.append(it)
        if info.mild and not negated and intensity <= 1.0:
            return  # 态度一般(般): a neutral mention of the aspect, only the overall sentiment dips
        if CUES_REACH_OTHER_TARGETS or not cue_cats:
            self.clause_sent.append(it)

    def _attach(self, open_targets: list) -> dict[int, list[_Item]]:
        """Each sentiment word of the clause goes to the nearest target before it (else the first
        one after it), skipping targets of a category the word is itself a cue of."""
        # per category the target starts and indices (both ascending: targets come in reading
        # order), so that a long clause costs O(words x categories x log targets)
        by_cat: dict[str, tuple[list[int], list[int]]] = {}
        for idx, t in enumerate(open_targets):
            starts, idxs = by_cat.setdefault(t[0], ([], []))
            starts.append(t[2])
            idxs.append(idx)
        attached: dict[int, list[_Item]] = {}
        for it in self.clause_sent:
            best = first = None
            for cat, (starts, idxs) in by_cat.items():
                if cat in it.cue_cats:
                    continue
                if first is None or idxs[0] < first:
                    first = idxs[0]
                k = bisect_right(starts, it.start)
                if k and (best is None or idxs[k - 1] > best):
                    best = idxs[k - 1]
            if best is None and not it.post_only:
                best = first
            if best is not None:
                attached.setdefault(best, []).append(it)
        return attached

    def _close_clause(self) -> None:
        if self.targets:
            open_targets = [t for t in self.targets if t[0] not in self.explicit]
            attached = self._attach(open_targets) if open_targets and self.clause_sent else {}
            seen: set[tuple[str, int]] = set()
            for idx, (cat, sub, ts, te, word, tfactor) in enumerate(open_targets):
                its = attached.get(idx, [])
                score = sum(it.base for it in its)
                if abs(score) >= TARGET_THRESHOLD:
                    a = min([ts] + [it.start for it in its])
                    b = max([te] + [it.end for it in its])
                    span = (self.text[a:b] if b - a <= TARGET_SPAN_MAX
                            else " ".join([word] + [it.span for it in its]))
                    self.items.append(_Item(cat, span, 1 if score > 0 else -1, sub, a, b, 0.8, tfactor))
                elif (cat, ts) not in seen:
                    self.items.append(_Item(cat, word, 0, sub, ts, te, 0.0, tfactor))
                seen.add((cat, ts))
            self.targets.clear()
        if self.clause_sent:
            self.clause_sent.clear()
        if self.explicit:
            self.explicit.clear()


def find_hits(text: str | None, lexicon: Lexicon | None = None) -> dict[str, list[Hit]]:
    """Category -> list of :class:`Hit` ``(span, polarity, subreason, start, end, weight)``."""
    return analyse(text, lexicon).hits


def find_evidence(text: str | None, lexicon: Lexicon | None = None) -> dict[str, list[str]]:
    """Category -> distinct cue spans found (negations included: ``不热情``), categories with hits
    only, in taxonomy order."""
    hits = analyse(text, lexicon).hits
    return {c: _dedupe(h.span for h in hits[c]) for c in CATEGORY_KEYS if c in hits}


def explain(
    text: str | None,
    categories: Iterable[str],
    lexicon: Lexicon | None = None,
    polarities: Mapping[str, int] | None = None,
    k: int = 3,
) -> dict[str, list[str]]:
    """Evidence spans for the requested categories (e.g. the labels a model predicted).

    For each category: its cue spans (only those of ``polarities[category]`` when given and
    present, e.g. ``-1`` for a complaint label); when no cue of that category occurs, the ``k``
    most sentiment-laden words of the text (of the matching sign when a polarity is given);
    ``[]`` when the text has neither.
    """
    an = analyse(text, lexicon)
    out: dict[str, list[str]] = {}
    for cat in categories:
        pol = polarities.get(cat) if polarities else None
        spans = an.evidence(cat, pol)
        if not spans:
            spans = an.top_sentiment_words(k, sign=pol)
        out[cat] = spans
    return out
