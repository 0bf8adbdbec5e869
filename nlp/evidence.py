"""Aspect evidence and lexicon sentiment: which words say what about attitude / skill / logistics.

One pass over the lexicon tokens of a text (:meth:`nlp.lexicon.Lexicon.tokenize`) with a little
state machine:

* **negation** – a negator (不, 没有, 一点也不, 不太 …) flips the next polar word of the same clause
  within one character (intensifiers may stand between): 不热情 / 一点也不热情 -> attitude
  complaint, 不迟到 / 没有迟到 -> logistics praise, 不太好 -> negative. Two negators in a row
  cancel (不是不好). A *result* negator (没, 没有, 未) also reaches a verb's result across the verb
  (没清洗干净, 没有收拾好, 没把厨房打扫干净), a *comparative* one (不比) any polar word across the thing
  compared (一点也不比大公司差), and rhetorical questions negate (这也叫干净？, 这就叫专业？).
* **claims** – after 以为 / 说是 / 号称 … the rest of the clause is an expectation or a claim, not
  the verdict, and counts for nothing (本以为很专业，没想到这么敷衍).
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

from collections.abc import Iterable, Mapping

from nlp.analysis import COMPLAINT_RATIO, Analysis, Hit, dedupe, label_from_hits, weigh_hits
from nlp.lexicon import Lexicon
from nlp.lexicon_files import load_lexicon
from nlp.reader import Reader
from nlp.taxonomy import CATEGORY_KEYS

__all__ = ["COMPLAINT_RATIO", "Analysis", "Hit", "analyse", "explain", "find_evidence", "find_hits",
           "label_from_hits", "weigh_hits"]


def analyse(text: str | None, lexicon: Lexicon | None = None) -> Analysis:
    """Read ``text`` (normalised, simplified Chinese) with the lexicon; see the module docstring."""
    lex = lexicon or load_lexicon()
    if not text:
        return Analysis(text="", hits={}, sentiment_score=0.0, sentiment_terms=[])
    reader = Reader(text)
    for tok in lex.tokenize(text):
        reader.feed(tok)
    return reader.result()


def find_hits(text: str | None, lexicon: Lexicon | None = None) -> dict[str, list[Hit]]:
    """Category -> list of :class:`Hit` ``(span, polarity, subreason, start, end, weight)``."""
    return analyse(text, lexicon).hits


def find_evidence(text: str | None, lexicon: Lexicon | None = None) -> dict[str, list[str]]:
    """Category -> distinct cue spans found (negations included: ``不热情``), categories with hits
    only, in taxonomy order."""
    hits = analyse(text, lexicon).hits
    return {c: dedupe(h.span for h in hits[c]) for c in CATEGORY_KEYS if c in hits}


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
