"""A word-bag reader of real wording: our written reviews and a company's own labelled rows.

The character network learns mostly from generated text; real reviews repeat words ("骑手", "分量",
"隔音", a dish or a district) far more often than any template does, and a linear model over those
words learns them from a few thousand rows in seconds. `feedback train` fits it on the written whole
reviews of the corpus (`nlp/corpus/data/written_reviews.tsv`) plus any user rows (`--data`, label
corrections), never on generated text; it is saved beside the weights as `wordbag.pt` and blended
into the sentiment with `NLPSettings.blend_wordbag_sentiment` (re-chosen on the user rows training
held out when there are any, `nlp.blend_fit`).

Features are hashed (crc32, stable across processes): jieba words, word bigrams and character
bigrams, each counted once and scaled by 1/sqrt(n) so that long texts do not dominate. New bags cut
without jieba's HMM guesser of unknown words (`hmm=False`, stored in the file; bags saved before
session 9 keep the HMM): it read dev, test and untouched rows alike over three seed models and cuts
in 55-70 % of the time, and segmentation was a quarter of `predict`.
"""
from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from nlp.model import ASPECTS

FILE_NAME = "wordbag.pt"
BUCKETS = 1 << 18
N_SENTIMENT, N_CLASSES = 3, 4  # negative/neutral/positive; not mentioned/-1/0/1 per aspect
OUT = N_SENTIMENT + len(ASPECTS) * N_CLASSES
IGNORE = -100  # as nlp.train.IGNORE


def gram_ids(text: str, hmm: bool = True) -> list[int]:
    """Sorted distinct hashed ids of the words, word bigrams and character bigrams of `text`."""
    from nlp.segment import cut

    words = cut(text, hmm=hmm)
    grams = ["w" + w for w in words]
    grams += [f"b{a}\x1f{b}" for a, b in zip(words, words[1:])]
    grams += ["c" + text[i:i + 2] for i in range(len(text) - 1) if not text[i:i + 2].isspace()]
    ids = set(map(_BUCKET_OF.get, grams))  # map over a dict method: no bytecode per gram
    if None in ids:
        ids.discard(None)
        ids.update(_bucket(g) for g in grams if g not in _BUCKET_OF)
    return sorted(ids) or [0]


# Words and bigrams repeat across texts (Zipf), so most lookups hit this memo instead of hashing; it is
# bounded so that a stream of millions of texts cannot grow it without limit.
_BUCKET_OF: dict[str, int] = {}
_MEMO_LIMIT = 1 << 18  # at most about 40 MB of short strings


def _bucket(gram: str) -> int:
    bucket = zlib.crc32(gram.encode("utf-8")) % BUCKETS
    if len(_BUCKET_OF) < _MEMO_LIMIT:
        _BUCKET_OF[gram] = bucket
    return bucket


@dataclass
class WordBagOutput:
    """Probabilities of the heads the word bag was trained for (None for the others)."""

    sentiment: np.ndarray | None  # (n, 3)
    aspects: np.ndarray | None  # (n, 3, 4)


class WordBag:
    """Hashed n-gram features -> linear sentiment and aspect heads (a logistic regression)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, heads: Sequence[str], hmm: bool = True):
        self.weight = weight.astype(np.float32)  # (BUCKETS, OUT), mostly zero rows
        self.bias = bias.astype(np.float32)
        self.heads = tuple(heads)  # subset of ("sentiment", "aspects")
        self.hmm = hmm  # how the texts were cut in training; inference must cut them the same way

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, OUT), dtype=np.float32)
        ids = [gram_ids(text, self.hmm) for text in texts]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        # one gather and one segmented sum for the whole batch instead of one per text
        sums = np.add.reduceat(self.weight[np.fromiter(chain.from_iterable(ids), dtype=np.int64)], starts, axis=0)
        return sums / np.sqrt(lengths)[:, None].astype(np.float32) + self.bias

    def probabilities(self, texts: Sequence[str]) -> WordBagOutput:
        """Softmax of each trained head; texts should be normalised as `predict` normalises them."""
        logits = self.logits(texts)
        sentiment = _softmax(logits[:, :N_SENTIMENT]) if "sentiment" in self.heads else None
        aspects = None
        if "aspects" in self.heads:
            aspects = _softmax(logits[:, N_SENTIMENT:].reshape(len(texts), len(ASPECTS), N_CLASSES))
        return WordBagOutput(sentiment, aspects)

    def save(self, model_dir: Path) -> Path:
        """Only the rows training touched are stored (the rest are zero)."""
        import torch

        rows = np.flatnonzero(np.abs(self.weight).sum(1))
        path = Path(model_dir) / FILE_NAME
        torch.save({"rows": torch.from_numpy(rows), "values": torch.from_numpy(self.weight[rows]),
                    "bias": torch.from_numpy(self.bias), "heads": list(self.heads), "buckets": BUCKETS,
                    "hmm": self.hmm}, path)
        return path

    @classmethod
    def load(cls, model_dir: Path) -> "WordBag | None":
        """The word bag saved in `model_dir`, or None when the model has none."""
        import torch

        path = Path(model_dir) / FILE_NAME
        if not path.exists():
            return None
        data = torch.load(path, weights_only=True)
        if data["buckets"] != BUCKETS:
            raise ValueError(f"{path}: hashed with {data['buckets']} buckets, this version uses {BUCKETS}")
        weight = np.zeros((BUCKETS, OUT), dtype=np.float32)
        weight[data["rows"].numpy()] = data["values"].numpy()
        return cls(weight, data["bias"].numpy(), data["heads"], data.get("hmm", True))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return (shifted / shifted.sum(-1, keepdims=True)).astype(np.float32)


def train_wordbag(examples: Sequence, epochs: int = 4, learning_rate: float = 0.2, seed: int = 13,
                  min_rows: int = 50, hmm: bool = False,
                  progress: Callable[[str], None] = lambda line: None) -> WordBag | None:
    """Fit on labelled `Example`s of real wording; None when no head has `min_rows` labelled rows."""
    import torch
    from torch.nn import functional as F

    from nlp.text import normalise
    from nlp.train import encode_labels

    labels = encode_labels(list(examples), [])  # the network's targets: same classes, same IGNORE
    sentiment, aspects = labels.sentiment, labels.aspects
    heads = [name for name, known in (("sentiment", (sentiment != IGNORE).sum()),
                                      ("aspects", (aspects != IGNORE).any(1).sum())) if known >= min_rows]
    if not heads:
        return None
    torch.manual_seed(seed)
    ids = [torch.tensor(gram_ids(normalise(ex.text), hmm)) for ex in examples]
    bag = torch.nn.EmbeddingBag(BUCKETS, OUT, mode="sum", sparse=True)  # only seen rows update
    torch.nn.init.zeros_(bag.weight)
    bias = torch.nn.Parameter(torch.zeros(OUT))
    optimizer = torch.optim.Adagrad([bag.weight, bias], lr=learning_rate)
    order = list(range(len(examples)))
    rng = random.Random(seed)
    with torch.sparse.check_sparse_tensor_invariants(enable=False):  # Adagrad's own sparse updates
        for epoch in range(epochs):
            rng.shuffle(order)
            total = _epoch(bag, bias, optimizer, ids, order, sentiment, aspects, heads, F)
            progress(f"word bag epoch {epoch + 1}/{epochs}: mean loss {total / len(order):.3f}")
    return WordBag(bag.weight.detach().numpy().copy(), bias.detach().numpy().copy(), heads, hmm)


def _epoch(bag, bias, optimizer, ids: list, order: list[int], sentiment: np.ndarray, aspects: np.ndarray,
           heads: list[str], F) -> float:
    total = 0.0
    for start in range(0, len(order), 64):
        batch = order[start:start + 64]
        logits = _bag_logits(bag, [ids[i] for i in batch]) + bias
        loss = _loss(logits, sentiment[batch], aspects[batch], heads, F)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total


def _bag_logits(bag, ids: list) -> "torch.Tensor":
    import torch

    flat = torch.cat(ids)
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    scale = torch.cat([torch.full((len(x),), 1.0 / len(x) ** 0.5) for x in ids])
    return bag(flat, offsets, per_sample_weights=scale)


def _loss(logits, sentiment: np.ndarray, aspects: np.ndarray, heads: list[str], F):
    import torch

    loss = logits.new_zeros(())
    target_s = torch.from_numpy(sentiment)
    if "sentiment" in heads and (target_s != IGNORE).any():
        loss = loss + F.cross_entropy(logits[:, :N_SENTIMENT], target_s, ignore_index=IGNORE)
    target_a = torch.from_numpy(aspects)
    if "aspects" in heads and (target_a != IGNORE).any():
        loss = loss + F.cross_entropy(logits[:, N_SENTIMENT:].reshape(-1, N_CLASSES), target_a.reshape(-1),
                                      ignore_index=IGNORE)
    return loss
