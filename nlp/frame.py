"""The contract's output frame (docs/contracts.md) from the classifier's probabilities, with evidence."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nlp.model import ASPECT_CLASSES, ASPECTS, subreason_aspects

if TYPE_CHECKING:
    from nlp.classify import Probabilities

OUTPUT_COLUMNS = ["attitude", "skill", "logistics", "p_attitude", "p_skill", "p_logistics", "labels",
                  "category", "subreasons", "sentiment", "confidence", "evidence"]
COMPLAINT = ASPECT_CLASSES.index(-1)
_POLARITY_OF_CLASS = np.array([0, -1, 0, 1], dtype=np.int64)
# (row, aspect number, class 1..3) -> spans, for a label whose text holds no lexicon word for it
EvidenceFallback = Callable[[int, int, int], list[str]]


def to_frame(probs: Probabilities, subreasons: list[str], threshold: float,
             analyses: list | None = None, *, mention_cutoff: float,
             fallback: EvidenceFallback | None = None) -> pd.DataFrame:
    """Turn head probabilities into the contract's columns (evidence from `analyses` when given, from
    `fallback` for a label they hold no words for)."""
    from nlp.blend import aspect_classes

    classes = aspect_classes(probs.aspects, mention_cutoff)
    mentioned = classes != 0
    complaint = classes == COMPLAINT
    p_complaint = probs.aspects[:, :, COMPLAINT]
    frame = pd.DataFrame(index=range(len(classes)))
    for j, aspect in enumerate(ASPECTS):
        values = pd.array(_POLARITY_OF_CLASS[classes[:, j]], dtype="Int64")
        values[~mentioned[:, j]] = pd.NA
        frame[aspect] = values
    for j, aspect in enumerate(ASPECTS):
        frame[f"p_{aspect}"] = p_complaint[:, j].astype(float)
    names = np.array(ASPECTS)
    frame["labels"] = [";".join(names[row]) for row in complaint]
    masked = np.where(complaint, p_complaint, -1.0)
    frame["category"] = np.where(complaint.any(1), names[masked.argmax(1)], "none")
    frame["subreasons"] = _subreason_strings(probs.subreasons, subreasons, complaint, threshold,
                                             probs.subreason_floor)
    frame["sentiment"] = (probs.sentiment[:, 2] - probs.sentiment[:, 0]).astype(float)
    frame["confidence"] = probs.aspects.max(-1).mean(1).astype(float)
    frame["evidence"] = _evidence(analyses, classes, fallback) if analyses is not None else "{}"
    return frame[OUTPUT_COLUMNS]


def _subreason_strings(sub_probs: np.ndarray, keys: list[str], complaint: np.ndarray,
                       threshold: float, floor: np.ndarray | None = None) -> list[str]:
    aspect_of = subreason_aspects(keys)
    allowed = complaint[:, aspect_of] & (sub_probs >= threshold)  # only for complained aspects
    if floor is not None:
        _name_likeliest(allowed, sub_probs, aspect_of, complaint, floor)
    key_arr = np.array(keys)
    return [";".join(key_arr[row]) for row in allowed]


def _name_likeliest(allowed: np.ndarray, sub_probs: np.ndarray, aspect_of: np.ndarray, complaint: np.ndarray,
                    floor: np.ndarray) -> None:
    """In place: a complained aspect without a sub-reason names its likeliest one if it reaches `floor`."""
    rows = np.arange(len(sub_probs))
    for aspect in range(complaint.shape[1]):
        columns = np.flatnonzero(aspect_of == aspect)
        if not columns.size:
            continue
        best = columns[sub_probs[:, columns].argmax(1)]
        pick = complaint[:, aspect] & ~allowed[:, columns].any(1) & (sub_probs[rows, best] >= floor)
        allowed[rows[pick], best[pick]] = True


def _evidence(analyses: list, classes: np.ndarray, fallback: EvidenceFallback | None = None) -> list[str]:
    """JSON evidence for every mentioned aspect, spans of the predicted polarity first."""
    from nlp.features import evidence_json

    out = []
    for i, (analysis, row) in enumerate(zip(analyses, classes)):
        labelled = {a: int(_POLARITY_OF_CLASS[c]) for a, c in zip(ASPECTS, row) if c}
        found = evidence_json(analysis, labelled) if labelled else {}
        if fallback is not None:
            for j, aspect in enumerate(ASPECTS):
                if aspect in found and not found[aspect]:
                    found[aspect] = fallback(i, j, int(row[j]))
        out.append(json.dumps(found, ensure_ascii=False))
    return out
