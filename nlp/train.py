"""Training loop: corpus -> tensors -> seeded AdamW with length-bucketed batches -> saved model + card."""
from __future__ import annotations

import logging
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.chartok import CharTokenizer
from nlp.corpus import ASPECT_KEYS, Example, build_corpus
from nlp.settings import NLPSettings

log = logging.getLogger(__name__)
IGNORE = -100


@dataclass
class Encoded:
    """Label arrays aligned with a list of examples; IGNORE / zero mask where a label is unknown."""

    aspects: np.ndarray  # (n, 3) class index 0..3 or IGNORE
    subreasons: np.ndarray  # (n, n_subreasons) 0/1
    subreason_known: np.ndarray  # (n,) 1.0 when sub-reasons are labelled
    sentiment: np.ndarray  # (n,) class index 0..2 or IGNORE


def encode_labels(examples: list[Example], subreasons: list[str]) -> Encoded:
    """Heads' targets; aspects missing from an example's dict, or sentiment None, do not train."""
    from nlp.model import polarity_to_class

    n = len(examples)
    aspects = np.full((n, len(ASPECT_KEYS)), IGNORE, dtype=np.int64)
    subs = np.zeros((n, len(subreasons)), dtype=np.float32)
    known = np.zeros(n, dtype=np.float32)
    sentiment = np.full(n, IGNORE, dtype=np.int64)
    position = {key: i for i, key in enumerate(subreasons)}
    for i, ex in enumerate(examples):
        for j, aspect in enumerate(ASPECT_KEYS):
            if aspect in ex.aspects:
                aspects[i, j] = polarity_to_class(ex.aspects[aspect])
        if ex.subreasons is not None:
            known[i] = 1.0
            for reason in ex.subreasons:
                if reason in position:
                    subs[i, position[reason]] = 1.0
        if ex.sentiment is not None:
            sentiment[i] = ex.sentiment + 1
    return Encoded(aspects, subs, known, sentiment)


def split_holdout(examples: list[Example], fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Seeded train / held-out split; hand-written examples always train."""
    rng = random.Random(seed)
    train, held = [], []
    for ex in examples:
        (held if ex.source != "handwritten" and rng.random() < fraction else train).append(ex)
    return train, held


def bucketed_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort by length inside windows of 50 batches, cut into batches, shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: lengths[i])
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fit(model, tokenizer: CharTokenizer, examples: list[Example], settings: NLPSettings,
        learning_rate: float, progress: Callable[[str], None]) -> dict[str, float]:
    """Train `model` in place; returns throughput figures."""
    import torch
    from torch.nn import functional as F

    from nlp.features import analyse_many, feature_matrix

    labels = encode_labels(examples, list(model.subreasons))
    texts = [ex.text for ex in examples]
    features = torch.from_numpy(feature_matrix(analyse_many(texts)))
    rng = random.Random(settings.seed)
    lengths = [min(len(t) + 2, settings.max_length) for t in texts]
    steps_per_epoch = -(-len(texts) // settings.batch_size)
    total = steps_per_epoch * settings.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=settings.weight_decay)
    warmup = max(1, int(total * settings.warmup_fraction))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    model.train()
    step, seen, started = 0, 0, time.perf_counter()
    for epoch in range(settings.epochs):
        epoch_loss = 0.0
        for batch in bucketed_batches(lengths, settings.batch_size, rng):
            ids, mask = tokenizer.encode_batch([texts[i] for i in batch], settings.max_length)
            out = model(torch.from_numpy(ids), torch.from_numpy(mask), features[batch])
            loss = _loss(out, labels, batch, F)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step, seen, epoch_loss = step + 1, seen + len(batch), epoch_loss + loss.item()
            if step % settings.log_every == 0:
                rate = seen / (time.perf_counter() - started)
                progress(f"epoch {epoch + 1}/{settings.epochs} step {step}/{total} "
                         f"loss {loss.item():.3f} {rate:.0f} examples/s")
        progress(f"epoch {epoch + 1}/{settings.epochs} done: mean loss {epoch_loss / steps_per_epoch:.3f}, "
                 f"{time.perf_counter() - started:.0f} s elapsed")
    model.eval()
    elapsed = time.perf_counter() - started
    return {"train_seconds": round(elapsed, 1), "train_examples_per_s": round(seen / elapsed, 1)}


def _loss(out, labels: Encoded, batch: list[int], F):
    import torch

    aspects = torch.from_numpy(labels.aspects[batch])
    sentiment = torch.from_numpy(labels.sentiment[batch])
    known = torch.from_numpy(labels.subreason_known[batch])
    loss = out["aspects"].new_zeros(())
    if (aspects != IGNORE).any():
        loss = loss + F.cross_entropy(out["aspects"].reshape(-1, out["aspects"].shape[-1]),
                                      aspects.reshape(-1), ignore_index=IGNORE)
    if (sentiment != IGNORE).any():
        loss = loss + F.cross_entropy(out["sentiment"], sentiment, ignore_index=IGNORE)
    if known.sum() > 0:
        per_row = F.binary_cross_entropy_with_logits(
            out["subreasons"], torch.from_numpy(labels.subreasons[batch]), reduction="none").sum(1)
        loss = loss + 0.3 * (per_row * known).sum() / known.sum()
    return loss


def is_user_row(example: Example) -> bool:
    """A row from the user's files or label corrections (not our corpus)."""
    return example.source.startswith("user") or example.source == "correction"


def is_wordbag_row(example: Example) -> bool:
    """A row the word bag learns from: real wording, i.e. user rows and our written reviews."""
    return is_user_row(example) or example.source in ("written", "home")


def fit_blend(model, tokenizer: CharTokenizer, settings: NLPSettings, user_held: list[Example],
              progress: Callable[[str], None], wordbag=None) -> NLPSettings:
    """Blend weights (nlp.blend) re-chosen on held-out user rows; the settings' own without them."""
    from nlp.blend_fit import fit_on_examples
    from nlp.classify import FeedbackClassifier

    default = settings.blend_weights()
    classifier = FeedbackClassifier(model, tokenizer, settings, wordbag=wordbag)
    chosen, scores = fit_on_examples(classifier, user_held, default)
    if not scores:
        return settings
    progress(f"blend chosen on {len(user_held)} held-out user rows: lexicon view {chosen.lexicon_view}, "
             f"rules aspects {chosen.rules_aspects}, rules sentiment {chosen.rules_sentiment}, "
             f"word bag aspects {chosen.wordbag_aspects} (home services {chosen.home_wordbag_aspects}), "
             f"word bag sentiment {chosen.wordbag_sentiment} "
             f"({', '.join(f'{k} {v:.3f}' for k, v in scores.items())})")
    return settings.with_overrides(blend_lexicon_view=chosen.lexicon_view,
                                   blend_rules_aspects=chosen.rules_aspects,
                                   blend_rules_sentiment=chosen.rules_sentiment,
                                   blend_wordbag_aspects=chosen.wordbag_aspects,
                                   blend_wordbag_aspects_home=chosen.home_wordbag_aspects,
                                   blend_wordbag_sentiment=chosen.wordbag_sentiment)


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def train(output_dir: Path, settings: NLPSettings | None = None, extra: list[Example] | None = None,
          base_model: Path | None = None, use_corpus: bool = True,
          progress: Callable[[str], None] = stderr_progress) -> Path:
    """Build the corpus (+ extra user examples), train, evaluate on a held-out split, save with a card."""
    from nlp.classify import FeedbackClassifier
    from nlp.model import from_base_model, new_model
    from nlp.onnx_network import file_name, save_beside
    from nlp.subreason_fit import refit as refit_subreasons
    from nlp.train_card import holdout_metrics, write_card
    from nlp.wordbag import FILE_NAME as WORDBAG_FILE
    from nlp.wordbag_train import train_wordbag

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    settings = settings or NLPSettings()
    seed_everything(settings.seed)
    corpus = build_corpus(settings.n_generated, settings.seed, settings.n_written) if use_corpus else []
    examples = corpus + list(extra or [])
    if not examples:
        raise ValueError("nothing to train on: the corpus is off and no data files were given")
    train_set, held = split_holdout(examples, settings.holdout_fraction, settings.seed)
    progress(f"training on {len(train_set)} examples ({len(corpus)} corpus, {len(extra or [])} user), "
             f"{len(held)} held out")
    if base_model:
        tokenizer, model, lr = CharTokenizer.load(base_model), from_base_model(base_model, settings), \
            settings.base_model_learning_rate
    else:
        tokenizer = CharTokenizer.build((ex.text for ex in train_set), settings.min_char_count)
        model, lr = new_model(settings, tokenizer.vocab_size), settings.learning_rate
    speed = fit(model, tokenizer, train_set, settings, lr, progress)
    bag_rows = [ex for ex in train_set if is_wordbag_row(ex)]
    # general reviews (hotels, restaurants, delivery) vs home services and the user's rows: a gated bag
    wordbag = train_wordbag(bag_rows, seed=settings.seed, general=[ex.source == "written" for ex in bag_rows],
                            subreasons=model.subreasons, progress=progress)
    user_held = [ex for ex in held if is_user_row(ex)]
    settings = fit_blend(model, tokenizer, settings, user_held, progress, wordbag)
    settings = refit_subreasons(FeedbackClassifier(model, tokenizer, settings, wordbag=wordbag), user_held, progress)
    metrics = holdout_metrics(model, tokenizer, settings, held, wordbag)
    progress("held-out metrics: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    output_dir = Path(output_dir)
    model.save_pretrained(str(output_dir))
    tokenizer.save(output_dir)
    (output_dir / WORDBAG_FILE).unlink(missing_ok=True)  # a retrain without bag rows drops the old one
    if wordbag is not None:
        wordbag.save(output_dir)
    if save_beside(model, output_dir, settings.quantize) is not None:
        progress(f"exported the network for ONNX Runtime to {output_dir / file_name(settings.quantize)}")
    sizes = {"corpus": len(corpus), "written_reviews": sum(ex.source in ("written", "home") for ex in corpus),
             "home_service_reviews": sum(ex.source == "home" for ex in corpus),
             "user": len(extra or []), "train": len(train_set), "held_out": len(held)}
    write_card(output_dir, settings, sizes, metrics, speed, base_model)
    progress(f"saved model to {output_dir}")
    return output_dir


def train_tiny_model(out_dir: Path) -> Path:
    """A tiny model in a few seconds, for tests in every package."""
    return train(Path(out_dir), NLPSettings.tiny(), progress=lambda line: None)
