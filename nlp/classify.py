"""Batch inference: texts in, one row of aspect labels, probabilities, sentiment and evidence out."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nlp.chartok import CharTokenizer
from nlp.frame import OUTPUT_COLUMNS, EvidenceFallback, to_frame  # noqa: F401 (OUTPUT_COLUMNS: re-exported)
from nlp.model import ASPECT_CLASSES, ASPECTS
from nlp.settings import NLPSettings

if TYPE_CHECKING:
    from nlp.onnx_network import OnnxNetwork
    from nlp.wordbag import WordBag, WordBagOutput

_PROCESS_SETTINGS = ("model_dir", "num_threads", "predict_batch_size", "runtime")


@dataclass
class Probabilities:
    """Raw head outputs for a list of texts, in input order."""

    aspects: np.ndarray  # (n, 3, 4): not mentioned, complaint, neutral, praise
    subreasons: np.ndarray  # (n, n_subreasons)
    sentiment: np.ndarray  # (n, 3): negative, neutral, positive
    # (n,) per text, the bar from which a complained aspect names its likeliest sub-reason when none
    # reaches the threshold (NLPSettings.subreason_floor_home); None: no such bar
    subreason_floor: np.ndarray | None = None


class FeedbackClassifier:
    """A trained model plus its tokenizer; `predict` returns the contract's DataFrame."""

    def __init__(self, model, tokenizer: CharTokenizer, settings: NLPSettings | None = None,
                 version: str = "unversioned", wordbag: "WordBag | None" = None,
                 network: "OnnxNetwork | None" = None):
        import torch

        self.settings = settings or NLPSettings()
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.subreasons: list[str] = list(model.subreasons)
        self.version = version
        self.wordbag = wordbag  # trained on a company's own rows (nlp.wordbag), None for the default
        self.network = network  # the same network in ONNX Runtime (nlp.onnx_network); None: torch runs it
        self.max_length = min(self.settings.max_length, model.config.max_position_embeddings)
        torch.set_num_threads(max(1, min(self.settings.num_threads, os.cpu_count() or 1)))

    @classmethod
    def load(cls, model_dir: str | Path, settings: NLPSettings | None = None) -> "FeedbackClassifier":
        """Load a model trained by `feedback train` from a local directory."""
        from nlp.model import is_feedback_model, load_model
        from nlp.wordbag import WordBag

        model_dir = Path(model_dir)
        if not is_feedback_model(model_dir):
            raise FileNotFoundError(
                f"no trained feedback classifier in {model_dir}: run `feedback train --output {model_dir}`")
        card_path = model_dir / "card.json"
        card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
        # where the model lives, how many threads run it and how big its batches are belong to
        # this process, not the card
        trained = NLPSettings(**{k: v for k, v in card.get("settings", {}).items()
                                 if k in NLPSettings.__dataclass_fields__
                                 and k not in _PROCESS_SETTINGS})
        chosen = settings or trained
        model = load_model(model_dir)
        network = None
        if chosen.runtime == "onnx":
            from nlp import onnx_network

            network = onnx_network.load(model_dir, chosen.quantize, chosen.num_threads, model)
        if chosen.quantize and network is None:  # with ONNX, torch runs only the small lexicon view
            model = quantized(model)
        return cls(model, CharTokenizer.load(model_dir), chosen, card.get("version", "unversioned"),
                   WordBag.load(model_dir), network)

    def probabilities(self, texts: list[str], analyses: list | None = None) -> Probabilities:
        """Head probabilities per text: the network's, blended with the lexicon's (nlp.blend)."""
        from nlp.features import analyse_many, feature_matrix

        analyses = analyses if analyses is not None else analyse_many(texts)
        features = feature_matrix(analyses)  # one matrix for the network and its lexicon view
        return self._blend(texts, self.network_probabilities(texts, analyses, features), analyses, features)

    def network_probabilities(self, texts: list[str], analyses: list,
                              features: np.ndarray | None = None) -> Probabilities:
        """The full network's outputs; long texts are read in windows whose outputs are pooled."""
        from nlp.features import analyse_many, feature_matrix
        from nlp.windows import pool_windows, split_windows

        whole = self._window_probabilities(texts, feature_matrix(analyses) if features is None else features)
        windows, owner = split_windows(texts, self.settings.window_chars)
        if len(windows) == len(texts):
            return whole
        # Long texts: aspects from windows (a mention deep in the text counts), sentiment from the
        # whole-text pass (its lexicon features see every clause, which reads the verdict better).
        parts = self._window_probabilities(windows, feature_matrix(analyse_many(windows)))
        aspects, subs, _ = pool_windows(parts.aspects, parts.subreasons, parts.sentiment, owner, windows,
                                        len(texts))
        return Probabilities(aspects, subs, whole.sentiment)

    def lexicon_probabilities(self, features: np.ndarray) -> Probabilities | None:
        """The heads on the lexicon features (`nlp.features.feature_matrix`) alone; None for a
        model without them."""
        import torch

        with torch.inference_mode():
            out = self.model.lexicon_view(torch.from_numpy(features))
            if out is None:
                return None
            return Probabilities(torch.softmax(out["aspects"], -1).numpy(),
                                 torch.sigmoid(out["subreasons"]).numpy(),
                                 torch.softmax(out["sentiment"], -1).numpy())

    def wordbag_probabilities(self, texts: list[str]) -> "WordBagOutput | None":
        """The word bag's heads (nlp.wordbag), long home-service texts' aspects read per window
        (`NLPSettings.wordbag_window`); None for a model without one."""
        from nlp.blend import home_rows

        if self.wordbag is None:
            return None
        if not self.wordbag.gated:  # no text is home services
            return self.wordbag.probabilities(texts)
        return self.wordbag.read(texts, self.settings.wordbag_window,
                                 lambda out: home_rows(self.settings, out.home_share, aspects=True))

    def _blend(self, texts: list[str], network: Probabilities, analyses: list,
               features: np.ndarray) -> Probabilities:
        from nlp.blend import (mix, neutral_where, no_evidence_below, rule_aspects, rule_sentiment,
                               rule_subreasons, without_sentiment_evidence)

        weights = self.settings.blend_weights()
        if not analyses:
            return network
        lexicon = self.lexicon_probabilities(features) if weights.lexicon_view else None
        if lexicon is not None:
            network = Probabilities(mix(network.aspects, lexicon.aspects, weights.lexicon_view),
                                    mix(network.subreasons, lexicon.subreasons, weights.lexicon_view),
                                    mix(network.sentiment, lexicon.sentiment, weights.lexicon_view))
        # a sub-reason with a complaint cue in the text (迟到 -> logistics.late) is reported whenever
        # the rules count at all: the cue is its evidence, and the network misses rare ones
        cues = (rule_subreasons(analyses, self.subreasons) if weights.rules_aspects or weights.rules_skill
                else None)
        subreasons = network.subreasons if cues is None else np.maximum(network.subreasons, cues)
        # the bag runs when it has a share, or when its gate sets the bar for texts without sentiment words
        needed = (weights.uses_wordbag() or self.settings.neutral_without_evidence
                  or self.settings.blend_wordbag_subreasons_home > 0)
        bag = self.wordbag_probabilities(texts) if needed else None
        blended = self._mix_wordbag(bag, Probabilities(
            mix(network.aspects, rule_aspects(analyses), weights.rules_by_aspect()), subreasons,
            mix(network.sentiment, rule_sentiment(analyses), weights.rules_sentiment)), cues)
        if self.settings.neutral_without_evidence:  # last: no reader may give these texts a polarity
            below = no_evidence_below(self.settings, bag.home_share if bag is not None else None)
            blended.sentiment = neutral_where(blended.sentiment, without_sentiment_evidence(analyses), below)
        return blended

    def _mix_wordbag(self, bag: "WordBagOutput | None", blended: Probabilities,
                     cues: np.ndarray | None = None) -> Probabilities:
        from nlp.blend import home_rows, home_subreasons, mix

        weights = self.settings.blend_weights()
        if bag is None:
            return blended
        aspects, sentiment, subreasons, floor = blended.aspects, blended.sentiment, blended.subreasons, None
        home = home_rows(self.settings, bag.home_share, aspects=True)
        if bag.aspects is not None and weights.uses_wordbag():
            aspects = mix(aspects, bag.aspects, weights.wordbag_by_text(home))
        if bag.sentiment is not None and weights.uses_wordbag():
            sentiment = mix(sentiment, bag.sentiment, weights.wordbag_sentiment)
        share = self.settings.blend_wordbag_subreasons_home
        if bag.subreasons is not None and home is not None and share > 0:
            # an ungated bag (home is None) has learned no home-service wording apart from the rest
            subreasons = home_subreasons(subreasons, bag.subreasons, cues, home, share)
            floor = np.where(home, self.settings.subreason_floor_home, np.inf).astype(np.float32)
        return Probabilities(aspects, subreasons, sentiment, floor)

    def _window_probabilities(self, texts: list[str], features: np.ndarray) -> Probabilities:
        """Model outputs for texts that fit one window, in length-sorted batches (little padding)."""
        import torch

        n = len(texts)
        aspects = np.zeros((n, len(ASPECTS), len(ASPECT_CLASSES)), dtype=np.float32)
        subs = np.zeros((n, len(self.subreasons)), dtype=np.float32)
        sentiment = np.zeros((n, 3), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        size = self.settings.predict_batch_size
        with torch.inference_mode():
            for start in range(0, n, size):
                idx = order[start:start + size]
                ids, mask = self.tokenizer.encode_batch([texts[i] for i in idx], self.max_length)
                out = self._logits(ids, mask, features[idx])
                aspects[idx] = torch.softmax(out["aspects"], -1).numpy()
                subs[idx] = torch.sigmoid(out["subreasons"]).numpy()
                sentiment[idx] = torch.softmax(out["sentiment"], -1).numpy()
        return Probabilities(aspects, subs, sentiment)

    def _logits(self, ids: np.ndarray, mask: np.ndarray, features: np.ndarray) -> dict:
        import torch

        if self.network is not None:
            return dict(zip(("aspects", "subreasons", "sentiment"),
                            map(torch.from_numpy, self.network(ids, mask, features))))
        return self.model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(features))

    def predict(self, texts: list[str], with_evidence: bool = True) -> pd.DataFrame:
        """One row per text, in order, with exactly the columns of docs/contracts.md."""
        from nlp.features import analyse_many
        from nlp.text import normalise

        texts = [normalise(t) for t in texts]
        analyses = analyse_many(texts)
        probs = self.probabilities(texts, analyses)
        return to_frame(probs, self.subreasons, self.settings.subreason_threshold,
                        analyses if with_evidence else None, mention_cutoff=self.settings.mention_cutoff,
                        fallback=self._wordbag_evidence(texts))

    def _wordbag_evidence(self, texts: list[str]) -> EvidenceFallback | None:
        """Spans of the word bag's reading, for labels the lexicon finds no words for (nlp.wordbag_explain)."""
        if self.wordbag is None:
            return None
        from nlp.wordbag_explain import bag_spans

        bag = self.wordbag
        return lambda row, aspect, klass: bag_spans(bag, texts[row], aspect, klass)


def quantized(model):
    """int8 weights for the Linear layers: faster on CPU, output differences far below label changes."""
    import warnings

    import torch
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():  # torch 2.13 flags the quantized tensor API as deprecated
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def load_classifier(model_dir: str | Path | None = None) -> FeedbackClassifier:
    """The trained classifier in `model_dir` (default: FEEDBACK_MODEL_DIR); FileNotFoundError if none."""
    return FeedbackClassifier.load(model_dir or NLPSettings().model_dir)
