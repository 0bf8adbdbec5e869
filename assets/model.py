"""The feedback classifier as an asset: `feedback train` from the Dagster UI or CLI, its card as metadata.

Not part of the daily jobs (`pipelines/definitions.py` selects it only in `classifier_training_job`):
a retrain is a deliberate act, on new labelled files or corrections, and the daily classification
loads the new weights at its next run (`ClassifierResource` notices a changed model folder).
No `from __future__ import annotations` here: Dagster reads the config class from the signature.
"""

import json
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset

from pipelines.resources import ClassifierResource, WarehouseResource

GROUP = "model"
CHOSEN_SETTINGS = ("blend_lexicon_view", "blend_rules_aspects", "blend_rules_sentiment", "blend_wordbag_aspects",
                   "blend_wordbag_aspects_home", "blend_wordbag_sentiment", "blend_wordbag_subreasons_home",
                   "subreason_floor_home")


class ClassifierTrainingConfig(Config):
    """What a retrain learns from, as `feedback train`'s options."""

    data_files: list[str] = []  # the company's labelled CSV / JSONL / XLSX files (`--data`)
    text_column: str | None = None  # their text column; guessed when empty
    epochs: int | None = None
    seed: int | None = None
    use_corpus: bool = True  # the project's own corpus (off: the files alone)
    use_corrections: bool = True  # label corrections stored in the warehouse, when its table exists
    tiny: bool = False  # a tiny model in seconds: smoke tests only


@asset(group_name=GROUP, kinds={"pytorch"})
def classifier_model(context: AssetExecutionContext, config: ClassifierTrainingConfig,
                     classifier: ClassifierResource, warehouse: WarehouseResource) -> MaterializeResult:
    """The feedback classifier (network, word bag, model card) trained by the project into the model folder."""
    from nlp.corpus.user_files import load_user_files
    from nlp.settings import NLPSettings
    from nlp.train import train

    settings = (NLPSettings.tiny() if config.tiny else NLPSettings()).with_overrides(
        epochs=config.epochs, seed=config.seed)
    extra = load_user_files([Path(f) for f in config.data_files], config.text_column) if config.data_files else []
    corrections = _corrections(warehouse) if config.use_corrections else []
    context.log.info(f"training on the corpus: {config.use_corpus}, {len(extra)} rows of "
                     f"{len(config.data_files)} files, {len(corrections)} label corrections (weighted)")
    output = train(classifier.resolved_model_dir, settings, extra + corrections, use_corpus=config.use_corpus,
                   progress=context.log.info)
    return MaterializeResult(metadata=card_metadata(json.loads((output / "card.json").read_text(encoding="utf-8")),
                                                    output))


def _corrections(warehouse: WarehouseResource) -> list:
    """Stored label corrections, weighed as `feedback train` weighs them; none without the table."""
    from nlp.corpus.corrections import weighted_corrections

    return weighted_corrections(warehouse.get().url) or []


def card_metadata(card: dict[str, Any], model_dir: Path) -> dict[str, Any]:
    """What the UI shows of a trained model: where, which version, on what, how well, which shares."""
    metrics = card.get("held_out_metrics", {})
    settings = card.get("settings", {})
    return {
        "model_dir": MetadataValue.path(str(model_dir)),
        "version": card.get("version", "unversioned"),
        "seed": card.get("seed"),
        "data_sizes": MetadataValue.json(card.get("data_sizes", {})),
        "training_seconds": float(card.get("training", {}).get("train_seconds", 0.0)),
        "held_out_metrics": MetadataValue.md("\n".join(
            ["| metric | value |", "|---|---|"] + [f"| {k} | {v:.3f} |" for k, v in metrics.items()])),
        "chosen_settings": MetadataValue.json({k: settings[k] for k in CHOSEN_SETTINGS if k in settings}),
        **{f"held_out_{k}": float(v) for k, v in metrics.items()
           if k in ("sentiment_accuracy_binary", "subreason_micro_f1_home")},
    }
