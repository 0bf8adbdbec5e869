"""Small, dependency-free classification metrics used by training cards and the evaluation table."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def binary_f1(truth: Sequence[bool], predicted: Sequence[bool]) -> float:
    """F1 of the positive class; 0.0 when there is nothing to find and nothing found."""
    t, p = np.asarray(truth, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = float((t & p).sum())
    denom = float(t.sum() + p.sum())
    return 2 * tp / denom if denom else 0.0


def accuracy(truth: Sequence, predicted: Sequence) -> float:
    t, p = np.asarray(truth), np.asarray(predicted)
    return float((t == p).mean()) if len(t) else 0.0


def macro_f1(truth: Sequence, predicted: Sequence) -> float:
    """Mean one-vs-rest F1 over the classes present in the truth."""
    t, p = np.asarray(truth), np.asarray(predicted)
    classes = np.unique(t)
    return float(np.mean([binary_f1(t == c, p == c) for c in classes])) if len(classes) else 0.0


def aspect_report(truth: dict[str, list], predicted: dict[str, list]) -> dict[str, float]:
    """Per aspect: mention F1, complaint F1 and 4-way accuracy (None = not mentioned)."""
    report: dict[str, float] = {}
    for aspect, true_values in truth.items():
        pred_values = predicted[aspect]
        report[f"{aspect}_mentioned_f1"] = binary_f1([v is not None for v in true_values],
                                                     [v is not None for v in pred_values])
        report[f"{aspect}_complaint_f1"] = binary_f1([v == -1 for v in true_values],
                                                     [v == -1 for v in pred_values])
        report[f"{aspect}_accuracy"] = accuracy([str(v) for v in true_values],
                                                [str(v) for v in pred_values])
    return report
