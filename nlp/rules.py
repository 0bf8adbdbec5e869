"""Keyword-rule classifier: the interim classifier of the pipeline and the evaluation baseline.

``RuleClassifier().predict(texts)`` returns exactly the classifier columns of ``docs/contracts.md``
(same as ``nlp.classify.FeedbackClassifier``). Labels come from :func:`nlp.evidence.analyse`
(lexicon cues with negation, contrast and aspect targets); probabilities are monotone scores of
the cue weights, calibrated only so that ``p >= 0.5`` exactly when the aspect is labelled -1.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from nlp.evidence import COMPLAINT_RATIO, analyse, weigh_hits
from nlp.lexicon import Lexicon
from nlp.lexicon_files import load_lexicon
from nlp.taxonomy import CATEGORY_KEYS, load_taxonomy
from nlp.text import normalise

__all__ = ["CLASSIFIER_COLUMNS", "RuleClassifier"]

CLASSIFIER_COLUMNS = (
    "attitude", "skill", "logistics",
    "p_attitude", "p_skill", "p_logistics",
    "labels", "category", "subreasons", "sentiment", "confidence", "evidence",
)


def _p_complaint(label: int | None, comp: float, praise: float, sentiment: float) -> float:
    """Probability-like complaint score; >= 0.5 exactly when ``label == -1``."""
    if label == -1:
        margin = comp - COMPLAINT_RATIO * praise  # >= 0
        return round(0.55 + 0.44 * (1.0 - math.exp(-1.2 * (margin + 0.3))), 4)
    if label is None:
        return round(0.02 + 0.08 * max(0.0, -sentiment), 4)
    if label == 0:
        return round(0.10 + 0.25 * max(0.0, -sentiment), 4)
    # praise, possibly with a weaker complaint
    share = comp / (comp + praise) if comp + praise else 0.0
    return round(0.03 + 0.4 * share, 4)


def _confidence(label: int | None, comp: float, praise: float) -> float:
    """Max-class probability of one aspect (not mentioned / -1 / 0 / 1)."""
    if label is None:
        return 0.9
    if label == 0:
        return 0.6
    dom = comp if label == -1 else praise
    other = praise if label == -1 else comp
    return 0.55 + 0.4 * (1.0 - math.exp(-dom)) * (1.0 - other / (dom + other + 1e-9) * 0.5)


class RuleClassifier:
    """Lexicon rules with the ``FeedbackClassifier.predict`` interface."""

    def __init__(self, lexicon: Lexicon | None = None, normalise_text: bool = True) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.normalise_text = normalise_text
        self.version = f"rules-{self.lexicon.hash}"
        self.taxonomy = load_taxonomy()
        self._sub_order = {k: i for i, k in enumerate(self.taxonomy.subreason_keys)}

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> RuleClassifier:
        """Rules need no trained state; a ``model_dir`` holding a ``lexicon/`` folder with the
        lexicon files overrides the packaged lexicon, any other directory is ignored."""
        if model_dir is not None:
            lex_dir = Path(model_dir) / "lexicon"
            if (lex_dir / "aspects.txt").is_file():
                return cls(lexicon=load_lexicon(lex_dir))
        return cls()

    def predict_one(self, text: str | None) -> dict:
        if self.normalise_text:
            text = normalise(text)
        elif not isinstance(text, str):
            text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
        an = analyse(text, self.lexicon)
        sentiment = an.sentiment
        row: dict = {}
        labels: list[str] = []
        subs: list[tuple[int, str]] = []
        evidence: dict[str, list[str]] = {}
        conf = 0.0
        best_cat, best_p = "none", -1.0
        for cat in CATEGORY_KEYS:
            hits = an.hits.get(cat, ())
            label, comp, praise = weigh_hits(hits)
            p = _p_complaint(label, comp, praise, sentiment)
            row[cat] = label
            row["p_" + cat] = p
            conf += _confidence(label, comp, praise)
            if label is not None:
                evidence[cat] = an.evidence(cat, label)
            if label == -1:
                labels.append(cat)
                if p > best_p:
                    best_cat, best_p = cat, p
                for h in hits:
                    if h.polarity < 0 and h.subreason:
                        subs.append((h.start, h.subreason))
        ordered_subs: dict[str, None] = {}
        for _, key in sorted(subs):
            ordered_subs.setdefault(key, None)
        row["labels"] = ";".join(labels)
        row["category"] = best_cat
        row["subreasons"] = ";".join(ordered_subs)
        row["sentiment"] = round(max(-1.0, min(1.0, sentiment)), 4)
        row["confidence"] = round(conf / len(CATEGORY_KEYS), 4)
        row["evidence"] = json.dumps(evidence, ensure_ascii=False)
        return row

    def predict(self, texts: Iterable[str | None]) -> pd.DataFrame:
        rows = [self.predict_one(t) for t in texts]
        df = pd.DataFrame(rows, columns=list(CLASSIFIER_COLUMNS))
        for cat in CATEGORY_KEYS:
            df[cat] = pd.array(df[cat].tolist(), dtype="Int64")
            df["p_" + cat] = df["p_" + cat].astype("float64")
        for col in ("sentiment", "confidence"):
            df[col] = df[col].astype("float64")
        for col in ("labels", "category", "subreasons", "evidence"):
            df[col] = df[col].astype("str")
        return df
