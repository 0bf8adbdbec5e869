"""The state machine behind `nlp.evidence.analyse` (negation, intensity, contrast, targets).

Feed it the lexicon tokens of a text left to right; the rules it applies are described in the
docstring of `nlp.evidence`.
"""
from __future__ import annotations

from bisect import bisect_right

from nlp.analysis import Analysis, Hit
from nlp.reach import gap_is_filler, negator_reaches_across

TARGET_SPAN_MAX = 12  # longest "target ... sentiment word" span reported as one piece of evidence
TARGET_THRESHOLD = 0.5  # |clause sentiment| a target needs to become praise/complaint
CUES_REACH_OTHER_TARGETS = False  # 服务也很慢: the logistics cue 很慢 also makes 服务 (attitude) negative
CONTRAST_AFTER = 1.4
CONTRAST_BEFORE = 0.6


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



class Reader:
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
        # the last negator that reaches across words: start, end, kind ("result", "compare", or
        # "cue": 没 inside a complaint cue such as 没清洗)
        self.res_neg: tuple[int, int, str] | None = None
        self.int_factor = 1.0
        self.int_reach = -10
        self.pending_amb = None  # an ambiguous intensifier (好) waiting for the next token
        self.claim_factor: float | None = None  # factor to restore when a claim's clause ends
        self.stopped = False  # a business reply began: the rest of the text is not read
        # the current clause
        self.targets: list[tuple[str, str | None, int, int, str, float]] = []
        self.clause_sent: list[_Item] = []  # general sentiment words that may describe a target
        self.explicit: set[str] = set()  # categories with an explicit cue in the clause

    def feed(self, tok: tuple) -> None:
        if self.stopped:
            return
        s, e, info, w = tok
        if self.pending_amb is not None:
            self._resolve_ambiguous(s, info)
        if info.brk:
            self._close_clause()
            self._reset_modifiers()
            if self.claim_factor is not None:  # 本以为很专业，| 结果…: the claim ends with its clause
                self.factor, self.claim_factor = self.claim_factor, None
            if info.brk == 2:
                self.factor = 1.0
                self.sent_start = len(self.items)
        elif info.skip:
            return
        elif info.contrast == "reply":  # the business answers (酒店反馈：感谢您…): not the customer's voice
            self._close_clause()
            self.stopped = True
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
        return gap_is_filler(self.text, reach, s)

    def _reaches_across(self, s: int, info) -> bool:
        if self.res_neg is None:
            return False
        _, end, kind = self.res_neg
        return negator_reaches_across(self.text, end, kind, s, info.result)

    def _reset_modifiers(self) -> None:
        self.neg_on = False
        self.res_neg = None
        self.int_factor, self.int_reach = 1.0, -10

    def _modifier(self, s: int, e: int, info) -> None:
        if info.negator is not None:
            if self.neg_on and self._reaches(self.neg_reach, s):
                self.neg_on = False  # double negation: 不是不好
            else:
                self.neg_on, self.neg_start, self.neg_scale = True, s, info.negator
            self.neg_reach = e
            self.res_neg = (s, e, "compare") if info.compare else (s, e, "result") if info.result else None
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
        if kind == "claim":  # 以为 / 说是 / 号称: what the customer expected or was told, not a verdict
            if self.claim_factor is None:
                self.claim_factor = self.factor
            self.factor = 0.0
        elif kind in ("after", "summary"):
            self.claim_factor = None
            # only the items since the last contrast: rescanning the whole sentence at every
            # 但是 is quadratic on long texts without sentence breaks; a summary (总的来说)
            # outweighs the whole text before it, not just its sentence
            first = self.discounted if kind == "summary" else max(self.sent_start, self.discounted)
            for it in self.items[first:]:
                it.factor = min(it.factor, CONTRAST_BEFORE)
            self.discounted = len(self.items)
            self.factor = CONTRAST_AFTER
        else:
            self.claim_factor = None
            self.factor = CONTRAST_BEFORE
        self._reset_modifiers()

    # -- polar words and targets ----------------------------------------------------------------
    def _polar(self, s: int, e: int, info, w: str) -> None:
        negated = self.neg_on and self._reaches(self.neg_reach, s)
        if not negated and self._reaches_across(s, info):
            if self.res_neg[2] == "cue":  # 没清洗|干净: the complaint cue before it has said so
                self._reset_modifiers()
                return
            negated, self.neg_start, self.neg_scale = True, self.res_neg[0], 1.0
        intensity = self.int_factor if self._reaches(self.int_reach, s) else 1.0
        keep = None if info.polar else self.res_neg  # a neutral target may be the verb: 没有打扫|干净
        self._reset_modifiers()
        self.res_neg = (s, s + info.neg_prefix, "cue") if info.neg_prefix else keep
        if info.compare:  # 不如我自己打扫得干净: the comparison is bad, and so is what it compares
            self.res_neg = (s, e, "compare")
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

