"""How far a negator reaches: the next polar word, or across a verb or the thing compared.

Used by `nlp.reader`; the lexicon marks which negators reach across (`negators.txt`: ``result``,
``compare``) and which words are a verb's result (`sentiment_positive.txt`: ``result``).
"""
from __future__ import annotations

NEGATION_REACH = 1  # characters allowed between a negator (or its intensifier) and the polar word
# ... and only these (不会迟到, 没有再迟到, 不是很热情); 不腻很好吃 / 不给就甩脸色 are not negations
NEGATION_FILLER = frozenset("是会再能够太怎么算很那这要用曾都也还就得的有被过")
# a result negator (没, 没有, 未) reaches a result word (干净, 好) across the verb between them:
# 没清洗干净, 没有收拾好, and across a fronted object: 没把厨房打扫干净
RESULT_REACH = 3
RESULT_REACH_BA = 6  # when the gap starts with 把
# ... but not across these: 没多久就好了, 没有更好的, 没想到很干净, 没吃过拌好的, 没别的好选择 are no
# verb and its result
RESULT_GAP_STOP = frozenset("就才都也又却比更最什想料过别其")
# a comparative negator (不比, 一点也不比) reaches any polar word across the thing compared:
# 一点也不比大公司差 is praise, 并不比别家好 a complaint
COMPARE_REACH = 8
COMPARE_GAP_STOP = frozenset("就才却但")


def gap_is_filler(text: str, reach: int, s: int) -> bool:
    """Nothing but filler (at most NEGATION_REACH characters) between position ``reach`` and ``s``."""
    gap = s - reach
    return gap <= 0 or (gap <= NEGATION_REACH and all(c in NEGATION_FILLER for c in text[reach:s]))


def negator_reaches_across(text: str, end: int, kind: str, s: int, is_result: bool) -> bool:
    """A negator ending at ``end`` reaches the word at ``s``: a result negator (``kind`` "result", or
    "cue" for 没 inside a cue such as 没清洗) a result word across its verb and a fronted object; a
    comparative one ("compare") any polar word across the thing compared."""
    gap = text[end:s]
    if kind == "compare":  # no gap too: 不如上次好吃 (不如上次 is a polar word, not a negator)
        least, reach, stop = 0, COMPARE_REACH, COMPARE_GAP_STOP
    elif is_result:
        least, reach, stop = 1, (RESULT_REACH_BA if gap[:1] == "把" else RESULT_REACH), RESULT_GAP_STOP
    else:
        return False
    return least <= len(gap) <= reach and all("\u4e00" <= c <= "\u9fff" and c not in stop for c in gap)
