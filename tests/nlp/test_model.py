"""Character tokenizer and the network built from a config."""
from __future__ import annotations

from pathlib import Path

import torch

from nlp.chartok import CharTokenizer, normalise_chars
from nlp.model import ASPECT_CLASSES, ASPECTS, FeedbackModel, new_model, taxonomy_subreasons
from nlp.settings import NLPSettings
from nlp.taxonomy import load_taxonomy

TEXTS = ["阿姨迟到了一个小时，态度很差！", "WiFi很慢abc123，房间ok😋😋 好评", "服务员很热情"]


def test_char_tokenizer_matches_saved_bert_tokenizer(tmp_path: Path):
    from transformers import AutoTokenizer

    tok = CharTokenizer.build(TEXTS)
    tok.save(tmp_path)
    hf = AutoTokenizer.from_pretrained(str(tmp_path))
    assert hf.vocab_size == tok.vocab_size
    for text in TEXTS + ["阿姨xyz好", "没见过的字龘"]:
        assert hf(normalise_chars(text))["input_ids"] == tok.tokenize_ids(text, 64)
    assert CharTokenizer.load(tmp_path).vocab == tok.vocab


def test_char_tokenizer_round_trip_and_unknowns():
    tok = CharTokenizer.build(TEXTS)
    ids = tok.tokenize_ids(TEXTS[0], 64)
    assert "".join(tok.vocab[i] for i in ids[1:-1]) == normalise_chars(TEXTS[0]) == "阿姨迟到了一个小时,态度很差!"
    assert tok.tokenize_ids("龘", 64)[1] == 1  # [UNK]
    assert len(tok.tokenize_ids("好" * 500, 32)) == 32


def test_encode_batch_pads_to_longest():
    tok = CharTokenizer.build(TEXTS)
    ids, mask = tok.encode_batch(["好", "服务员很热情"], 64)
    assert ids.shape == mask.shape == (2, 8)
    assert mask[0].sum() == 3 and mask[1].sum() == 8


def test_model_heads_have_the_contract_shapes(tmp_path: Path):
    from nlp.features import N_FEATURES

    model = new_model(NLPSettings.tiny(), vocab_size=50).eval()
    ids = torch.randint(5, 50, (4, 12))
    out = model(ids, torch.ones_like(ids), torch.zeros(4, N_FEATURES))
    assert out["aspects"].shape == (4, len(ASPECTS), len(ASPECT_CLASSES))
    assert out["subreasons"].shape == (4, len(load_taxonomy().subreason_keys))
    assert out["sentiment"].shape == (4, 3)
    model.save_pretrained(str(tmp_path))
    again = FeedbackModel.from_pretrained(str(tmp_path)).eval()
    assert torch.allclose(again(ids, torch.ones_like(ids))["sentiment"], model(ids, torch.ones_like(ids))["sentiment"])
    assert again.subreasons == taxonomy_subreasons()


def test_text_dropout_skips_the_encoder_for_hidden_examples():
    """A hidden example's characters never reach the encoder; its heads read the lexicon alone."""
    torch.manual_seed(0)
    model = new_model(NLPSettings.tiny(dropout=0.0, text_dropout=0.5), vocab_size=50)
    model.train()
    ids = torch.randint(5, 50, (64, 12))
    mask = torch.ones_like(ids)
    features = torch.rand(64, model.n_features)
    out = model(ids, mask, features)
    model.eval()
    with torch.no_grad():
        alone = model.lexicon_view(features)["sentiment"]
        full = model(ids, mask, features)["sentiment"]
    hidden = torch.isclose(out["sentiment"], alone, atol=1e-6).all(1)
    kept = torch.isclose(out["sentiment"], full, atol=1e-6).all(1)
    assert 16 < int(hidden.sum()) < 48 and bool((hidden ^ kept).all())  # each row is one or the other

    model.train()
    model.text_dropout = 1.0  # every example hidden: the encoder gets no gradient at all
    model.zero_grad()
    model(ids, mask, features)["sentiment"].sum().backward()
    assert all(p.grad is None or not p.grad.any() for p in model.bert.parameters())
    assert model.sentiment_head.weight.grad.abs().sum() > 0
