"""Held-out metrics and the model card (card.json + MODEL_CARD.md) written beside the weights."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

from nlp.chartok import CharTokenizer
from nlp.corpus import ASPECT_KEYS, Example
from nlp.metrics import accuracy, aspect_report, binary_f1
from nlp.settings import NLPSettings

CARD_JSON, CARD_MD = "card.json", "MODEL_CARD.md"


def holdout_metrics(model, tokenizer: CharTokenizer, settings: NLPSettings,
                    held: list[Example], wordbag=None) -> dict[str, float]:
    """Aspect mention/complaint F1, sentiment accuracy, sub-reason micro-F1 on labelled held-out rows."""
    from nlp.classify import FeedbackClassifier

    if not held:
        return {}
    classifier = FeedbackClassifier(model, tokenizer, settings, wordbag=wordbag)
    frame = classifier.predict([ex.text for ex in held], with_evidence=False)
    metrics: dict[str, float] = {}
    with_aspects = [i for i, ex in enumerate(held) if set(ASPECT_KEYS) <= set(ex.aspects)]
    if with_aspects:
        truth = {a: [held[i].aspects[a] for i in with_aspects] for a in ASPECT_KEYS}
        predicted = {a: [None if frame[a].isna().iloc[i] else int(frame[a].iloc[i]) for i in with_aspects]
                     for a in ASPECT_KEYS}
        metrics.update(aspect_report(truth, predicted))
    with_sentiment = [i for i, ex in enumerate(held) if ex.sentiment is not None]
    if with_sentiment:
        truth_s = [held[i].sentiment for i in with_sentiment]
        pred_s = np.sign(np.round(frame["sentiment"].to_numpy()[with_sentiment] * 2)).astype(int)
        metrics["sentiment_accuracy_3way"] = accuracy(truth_s, pred_s)
        polar = [k for k, t in enumerate(truth_s) if t != 0]
        metrics["sentiment_accuracy_binary"] = accuracy(
            [truth_s[k] > 0 for k in polar], [frame["sentiment"].iloc[with_sentiment[k]] > 0 for k in polar])
    metrics.update(_subreason_f1(held, frame))
    return {k: round(float(v), 4) for k, v in metrics.items()}


def _subreason_f1(held: list[Example], frame) -> dict[str, float]:
    """Micro-F1 of the sub-reasons on every held-out row that has them labelled, and on the home-service ones."""
    out = {}
    for name, source in (("subreason_micro_f1", None), ("subreason_micro_f1_home", "home")):
        rows = [i for i, ex in enumerate(held) if ex.subreasons is not None and source in (None, ex.source)]
        truth, predicted = [], []
        for i in rows:
            true_set = set(held[i].subreasons or ())
            pred_set = set(filter(None, frame["subreasons"].iloc[i].split(";")))
            for key in true_set | pred_set:
                truth.append(key in true_set)
                predicted.append(key in pred_set)
        if truth:
            out[name] = binary_f1(truth, predicted)
    return out


def _version() -> str:
    try:
        return metadata.version("jiazheng-feedback")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def write_card(output_dir: Path, settings: NLPSettings, sizes: dict[str, int], metrics: dict[str, float],
               speed: dict[str, float], base_model: Path | None) -> dict:
    """Write card.json and a human-readable MODEL_CARD.md; returns the card."""
    trained_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    card = {
        "name": "jiazheng-feedback-classifier",
        "version": f"{_version()}+{trained_at.replace('-', '').replace(':', '')}",
        "trained_at": trained_at,
        "seed": settings.seed,
        "base_model": str(base_model) if base_model else None,
        "data_sizes": sizes,
        "held_out_metrics": metrics,
        "training": speed,
        "settings": settings.to_dict(),
        "environment": {"python": platform.python_version(), "torch": _pkg("torch"),
                        "transformers": _pkg("transformers")},
    }
    output_dir = Path(output_dir)
    (output_dir / CARD_JSON).write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    (output_dir / CARD_MD).write_text(_markdown(card), encoding="utf-8")
    return card


def _pkg(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _markdown(card: dict) -> str:
    metric_rows = "\n".join(f"| {k} | {v:.3f} |" for k, v in card["held_out_metrics"].items())
    size_rows = "\n".join(f"| {k} | {v} |" for k, v in card["data_sizes"].items())
    s = card["settings"]
    return f"""# Model card: {card['name']}

- version: `{card['version']}`, trained {card['trained_at']}, seed {card['seed']}
- architecture: character BERT, hidden {s['hidden_size']}, {s['num_layers']} layers, max length {s['max_length']};
  heads: attitude / skill / logistics (not mentioned, complaint, neutral, praise), sub-reasons, sentiment
- base model: {card['base_model'] or 'none (trained from scratch)'}
- blend shares (nlp.blend): lexicon view {s['blend_lexicon_view']}, rules aspects {s['blend_rules_aspects']}
  (skill {s.get('blend_rules_skill', s['blend_rules_aspects'])}),
  rules sentiment {s['blend_rules_sentiment']}, word bag aspects {s.get('blend_wordbag_aspects', 0.0)}
  (home services {s.get('blend_wordbag_aspects_home', s.get('blend_wordbag_aspects', 0.0))}),
  word bag sentiment {s.get('blend_wordbag_sentiment', 0.0)} (the word bag learns from written reviews and user rows;
  its gate tells home-service and user rows from general reviews)
- training: {card['training'].get('train_seconds')} s, {card['training'].get('train_examples_per_s')} examples/s,
  {s['epochs']} epochs, batch {s['batch_size']}

## Data
The project's own corpus (hand-written examples, written whole reviews and generated text, `nlp/corpus`)
plus any user files.
| part | examples |
|---|---|
{size_rows}

## Held-out metrics (split of the training data, not real-world accuracy)
| metric | value |
|---|---|
{metric_rows}

Real-data evaluation: `feedback evaluate` (see docs/classifier.md).
"""
