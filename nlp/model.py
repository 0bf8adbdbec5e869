"""The classifier network: a small BERT encoder with aspect, sub-reason and sentiment heads."""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel

from nlp.settings import NLPSettings

ASPECTS = ("attitude", "skill", "logistics")
# Aspect classes: index 0 = not mentioned, then polarity -1, 0, 1.
ASPECT_CLASSES = (None, -1, 0, 1)
SENTIMENT_CLASSES = (-1, 0, 1)


def taxonomy_subreasons() -> list[str]:
    """Sub-reason keys in taxonomy order; a model stores its own copy in its config."""
    from nlp.taxonomy import load_taxonomy

    return list(load_taxonomy().subreason_keys)

def subreason_aspects(keys) -> "np.ndarray":
    """(len(keys),) the aspect number (index in ASPECTS) of each sub-reason key ("logistics.late" -> 2)."""
    import numpy as np

    return np.array([ASPECTS.index(key.split(".")[0]) for key in keys], dtype=np.int64)


MODEL_TYPE_TAG = "jiazheng-feedback-classifier"


def polarity_to_class(polarity: int | None) -> int:
    """Aspect polarity (None, -1, 0, 1) to class index (0..3)."""
    return ASPECT_CLASSES.index(polarity)


class FeedbackModel(BertPreTrainedModel):
    """BERT encoder; [CLS] and mean-pooled states feed 3 aspect heads, a sub-reason head, a sentiment head."""

    config_class = BertConfig
    base_model_prefix = "bert"

    def __init__(self, config: BertConfig):
        super().__init__(config)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.n_features = int(getattr(config, "n_lexicon_features", 0) or 0)
        self.text_dropout = float(getattr(config, "text_dropout", 0.0) or 0.0)
        lexicon_width = 64 if self.n_features else 0
        self.lexicon_mlp = nn.Sequential(nn.Linear(self.n_features, lexicon_width), nn.GELU()) \
            if self.n_features else None
        width = 2 * config.hidden_size + lexicon_width
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.aspect_heads = nn.Linear(width, len(ASPECTS) * len(ASPECT_CLASSES))
        self.subreasons = list(getattr(config, "subreasons", None) or taxonomy_subreasons())
        self.subreason_head = nn.Linear(width, len(self.subreasons))
        self.sentiment_head = nn.Linear(width, len(SENTIMENT_CLASSES))
        self.post_init()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                features: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Logits: `aspects` (batch, 3, 4), `subreasons` (batch, n), `sentiment` (batch, 3)."""
        if self.training and self.text_dropout and self.lexicon_mlp is not None:
            # Hide the characters from some examples so the lexicon path learns to stand alone:
            # synthetic text is too easy for the encoder, real text is not. A hidden example's
            # encoder output would be multiplied by 0, so the encoder reads only the kept ones
            # (a fifth of each batch: training ran 2.5x faster, docs/classifier.md session 10).
            keep = torch.rand(input_ids.shape[0], device=input_ids.device) >= self.text_dropout
            rows = keep.nonzero().squeeze(1)
            encoded = self._encode(input_ids[rows], attention_mask[rows])
            pooled = encoded.new_zeros((input_ids.shape[0], encoded.shape[1])).index_copy(0, rows, encoded)
        else:
            pooled = self._encode(input_ids, attention_mask)
        pooled = self.dropout(pooled)
        if self.lexicon_mlp is not None:
            if features is None:
                features = pooled.new_zeros((pooled.shape[0], self.n_features))
            pooled = torch.cat([pooled, self.lexicon_mlp(features)], dim=-1)
        return self._heads(pooled)

    def _encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """[CLS] and mean-pooled final states, (batch, 2 * hidden)."""
        if input_ids.shape[0] == 0:
            return input_ids.new_zeros((0, 2 * self.config.hidden_size), dtype=self.dtype)
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return torch.cat([hidden[:, 0], mean], dim=-1)

    def lexicon_view(self, features: torch.Tensor) -> dict[str, torch.Tensor] | None:
        """The heads with the characters hidden (as text dropout hides them): no encoder pass."""
        if self.lexicon_mlp is None:
            return None
        hidden = features.new_zeros((features.shape[0], 2 * self.config.hidden_size))
        return self._heads(torch.cat([hidden, self.lexicon_mlp(features)], dim=-1))

    def _heads(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        aspects = self.aspect_heads(pooled).view(-1, len(ASPECTS), len(ASPECT_CLASSES))
        return {"aspects": aspects, "subreasons": self.subreason_head(pooled),
                "sentiment": self.sentiment_head(pooled)}


def build_config(settings: NLPSettings, vocab_size: int) -> BertConfig:
    """A fresh BertConfig from the settings (nothing is downloaded)."""
    return BertConfig(
        vocab_size=vocab_size, hidden_size=settings.hidden_size, num_hidden_layers=settings.num_layers,
        num_attention_heads=settings.num_heads, intermediate_size=settings.intermediate_size,
        hidden_dropout_prob=settings.dropout, attention_probs_dropout_prob=settings.dropout,
        max_position_embeddings=max(settings.max_length, 64), type_vocab_size=1,
        pad_token_id=0, feedback_model=MODEL_TYPE_TAG, subreasons=taxonomy_subreasons(),
        n_lexicon_features=n_lexicon_features(), text_dropout=settings.text_dropout,
    )


def new_model(settings: NLPSettings, vocab_size: int) -> FeedbackModel:
    """A randomly initialised model, seeded by the caller."""
    return FeedbackModel(build_config(settings, vocab_size))


def n_lexicon_features() -> int:
    from nlp.features import N_FEATURES

    return N_FEATURES


def from_base_model(base_dir: Path, settings: NLPSettings) -> FeedbackModel:
    """Encoder weights from a local pretrained BERT checkpoint; the heads start fresh."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = BertConfig.from_pretrained(str(base_dir), local_files_only=True)
    config.subreasons = taxonomy_subreasons()
    config.n_lexicon_features = n_lexicon_features()
    config.text_dropout = settings.text_dropout
    model = FeedbackModel.from_pretrained(str(base_dir), config=config, local_files_only=True)
    model.config.feedback_model = MODEL_TYPE_TAG
    return model


def is_feedback_model(model_dir: Path) -> bool:
    """True when `model_dir` holds weights trained by `feedback train` (not just a base checkpoint)."""
    import json

    config_path = Path(model_dir) / "config.json"
    if not config_path.exists():
        return False
    config = json.loads(config_path.read_text(encoding="utf-8"))
    return config.get("feedback_model") == MODEL_TYPE_TAG


def load_model(model_dir: Path) -> FeedbackModel:
    """A trained model from a local directory, in eval mode."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = FeedbackModel.from_pretrained(str(model_dir), local_files_only=True)
    return model.eval()
