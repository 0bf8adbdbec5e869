"""Training: tiny model + card, determinism, fine-tuning a local base checkpoint, user examples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.corpus import Example
from nlp.settings import NLPSettings
from nlp.train import bucketed_batches, encode_labels, split_holdout, train


def test_tiny_model_dir_holds_weights_tokenizer_and_card(tiny_model_dir: Path):
    for name in ("config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "card.json",
                 "MODEL_CARD.md"):
        assert (tiny_model_dir / name).is_file(), name
    card = json.loads((tiny_model_dir / "card.json").read_text(encoding="utf-8"))
    assert card["seed"] == NLPSettings.tiny().seed
    assert card["data_sizes"]["train"] > 500 and card["data_sizes"]["held_out"] > 0
    assert 0.0 <= card["held_out_metrics"]["sentiment_accuracy_binary"] <= 1.0
    assert card["settings"]["hidden_size"] == NLPSettings.tiny().hidden_size


def test_labels_of_unknown_heads_are_ignored():
    examples = [Example("好", {"attitude": None, "skill": -1, "logistics": 1}, 1, ("skill.not_clean",)),
                Example("差", {"logistics": -1}, None, None, "user")]
    enc = encode_labels(examples, ["skill.not_clean", "logistics.late"])
    assert enc.aspects.tolist() == [[0, 1, 3], [-100, -100, 1]]
    assert enc.sentiment.tolist() == [2, -100]
    assert enc.subreason_known.tolist() == [1.0, 0.0]
    assert enc.subreasons[0].tolist() == [1.0, 0.0]


def test_holdout_keeps_handwritten_and_batches_cover_everything():
    import random

    examples = [Example(str(i), {}, 1, (), "handwritten" if i % 2 else "generated") for i in range(200)]
    train_set, held = split_holdout(examples, 0.5, seed=1)
    assert all(ex.source == "generated" for ex in held) and len(train_set) + len(held) == 200
    batches = bucketed_batches([i % 17 for i in range(130)], 16, random.Random(0))
    assert sorted(i for b in batches for i in b) == list(range(130))


@pytest.mark.slow
def test_training_is_seeded(tmp_path: Path):
    settings = NLPSettings.tiny(n_generated=150)
    quiet = dict(settings=settings, progress=lambda line: None)
    a = train(tmp_path / "a", **quiet)
    b = train(tmp_path / "b", **quiet)
    assert (a / "model.safetensors").read_bytes() == (b / "model.safetensors").read_bytes()


@pytest.mark.slow
def test_fine_tunes_a_local_base_checkpoint_with_user_examples(tmp_path: Path):
    from transformers import BertConfig, BertModel

    from nlp.chartok import CharTokenizer
    from nlp.classify import FeedbackClassifier
    from nlp.corpus import build_corpus

    texts = [ex.text for ex in build_corpus(300, seed=2)]
    base = tmp_path / "base"
    tokenizer = CharTokenizer.build(texts)
    BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64)).save_pretrained(str(base))
    tokenizer.save(base)
    user = [Example("阿姨准时到，很满意", {}, 1, None, "user"), Example("太差了", {}, -1, None, "user")]
    out = train(tmp_path / "tuned", NLPSettings.tiny(n_generated=200), user, base_model=base,
                progress=lambda line: None)
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["base_model"] == str(base) and card["data_sizes"]["user"] == 2
    frame = FeedbackClassifier.load(out).predict(["阿姨迟到了"])
    assert len(frame) == 1 and -1.0 <= frame["sentiment"].iloc[0] <= 1.0
