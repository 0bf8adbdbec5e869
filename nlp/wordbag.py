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

A bag trained with both kinds of rows is *gated* (session 14): one set of heads learns every row, a
second only the general reviews (hotels, restaurants, delivery), and a gate learns which of the two
kinds a text's words belong to. A home-service text is read by the first heads, a restaurant review
mostly by the second, so that how our customers praise a nanny does not move how a diner's "可以" reads.
The aspects of a long home-service text are read per window of clauses (`WordBag.read`,
`nlp.wordbag_windows`, session 15).

Since session 16 a bag may also have sub-reason heads (one logistic output per taxonomy sub-reason,
after the gate's column): each learns only the rows that complain about its aspect and have sub-reasons
labelled, so it reads "given a complaint on this aspect, does the text name this sub-reason".
"""
from __future__ import annotations

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
GATED_OUT = 2 * OUT + 1  # heads of every row, heads of the general rows, the gate's logit
IGNORE = -100  # as nlp.train.IGNORE


def gram_ids(text: str, hmm: bool = True) -> list[int]:
    """Sorted distinct hashed ids of the words, word bigrams and character bigrams of `text`."""
    from nlp.segment import cut

    return ids_of_words(cut(text, hmm=hmm), text)


def ids_of_words(words: list[str], text: str) -> list[int]:
    """`gram_ids` of `text` already cut into `words`."""
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
    home_share: np.ndarray | None = None  # (n,) the gate's reading of each text as home services; None: ungated
    # (n, n_subreasons): given a complaint on a sub-reason's aspect, the chance the text names it; None: no heads
    subreasons: np.ndarray | None = None


class WordBag:
    """Hashed n-gram features -> linear sentiment and aspect heads (a logistic regression)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, heads: Sequence[str], hmm: bool = True,
                 subreasons: Sequence[str] = ()):
        self.weight = weight.astype(np.float32)  # (BUCKETS, OUT or GATED_OUT [+ sub-reasons]), mostly zero rows
        self.bias = bias.astype(np.float32)
        self.heads = tuple(heads)  # subset of ("sentiment", "aspects")
        self.hmm = hmm  # how the texts were cut in training; inference must cut them the same way
        self.subreasons = tuple(subreasons)  # keys of the sub-reason columns, the last ones; () for none
        self.gated = self.weight.shape[1] - len(self.subreasons) == GATED_OUT

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        return self._logits_of_ids([gram_ids(text, self.hmm) for text in texts])

    def _logits_of_ids(self, ids: list[list[int]]) -> np.ndarray:
        if not ids:
            return np.empty((0, self.weight.shape[1]), dtype=np.float32)
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        # one gather and one segmented sum for the whole batch instead of one per text
        sums = np.add.reduceat(self.weight[np.fromiter(chain.from_iterable(ids), dtype=np.int64)], starts, axis=0)
        return sums / np.sqrt(lengths)[:, None].astype(np.float32) + self.bias

    def probabilities(self, texts: Sequence[str]) -> WordBagOutput:
        """Softmax of each trained head; texts should be normalised as `predict` normalises them."""
        return self._output(self.logits(texts))

    def _output(self, logits: np.ndarray) -> WordBagOutput:
        every = self._heads(logits[:, :OUT])
        if self.subreasons:
            every.subreasons = _sigmoid(logits[:, -len(self.subreasons):])
        if not self.gated:
            return every
        general, share = self._heads(logits[:, OUT:2 * OUT]), self.domain_share(logits)
        return WordBagOutput(_by_share(share, every.sentiment, general.sentiment),
                             _by_share(share, every.aspects, general.aspects), share, every.subreasons)

    def read(self, texts: Sequence[str], window: int,
             where: Callable[[WordBagOutput], np.ndarray] | None = None) -> WordBagOutput:
        """`probabilities(texts)`, with the aspects of texts longer than `window` characters (those of
        them `where(output)` marks, if given) read per window of clauses and pooled (`nlp.wordbag_windows`).
        Each text is cut once."""
        from nlp.segment import cut
        from nlp.wordbag_windows import pooled_aspects, pooled_subreasons, windows_of

        words = [cut(text, hmm=self.hmm) for text in texts]
        out = self._output(self._logits_of_ids([ids_of_words(w, t) for w, t in zip(words, texts)]))
        if window <= 0 or out.aspects is None or out.sentiment is None:
            return out
        long = np.fromiter((len(t) > window for t in texts), dtype=bool, count=len(texts))
        rows = np.flatnonzero(long & where(out) if where is not None else long)
        if rows.size:
            windows, owner = windows_of([words[i] for i in rows], window)
            parts = self._output(self._logits_of_ids([ids_of_words(w, "".join(w)) for w in windows]))
            out.aspects[rows] = pooled_aspects(parts, owner, len(rows))
            if out.subreasons is not None:
                out.subreasons[rows] = pooled_subreasons(parts, owner, len(rows), self.subreasons)
        return out

    def domain_share(self, logits: np.ndarray) -> np.ndarray:
        """(n,) how much the gate reads each text as the product's own domain (1 for an ungated bag)."""
        if not self.gated:
            return np.ones(len(logits), dtype=np.float32)
        return _sigmoid(logits[:, GATED_OUT - 1])

    def _heads(self, logits: np.ndarray) -> WordBagOutput:
        sentiment = _softmax(logits[:, :N_SENTIMENT]) if "sentiment" in self.heads else None
        aspects = None
        if "aspects" in self.heads:
            aspects = _softmax(logits[:, N_SENTIMENT:OUT].reshape(len(logits), len(ASPECTS), N_CLASSES))
        return WordBagOutput(sentiment, aspects)

    def save(self, model_dir: Path) -> Path:
        """Only the rows training touched are stored (the rest are zero)."""
        import torch

        rows = np.flatnonzero(np.abs(self.weight).sum(1))
        path = Path(model_dir) / FILE_NAME
        torch.save({"rows": torch.from_numpy(rows), "values": torch.from_numpy(self.weight[rows]),
                    "bias": torch.from_numpy(self.bias), "heads": list(self.heads), "buckets": BUCKETS,
                    "hmm": self.hmm, "subreasons": list(self.subreasons)}, path)
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
        weight = np.zeros((BUCKETS, data["values"].shape[1]), dtype=np.float32)
        weight[data["rows"].numpy()] = data["values"].numpy()
        return cls(weight, data["bias"].numpy(), data["heads"], data.get("hmm", True), data.get("subreasons", ()))


def _by_share(share: np.ndarray, every: np.ndarray | None, general: np.ndarray | None) -> np.ndarray | None:
    if every is None:
        return None
    share = share.reshape(-1, *[1] * (every.ndim - 1))
    return (share * every + (1 - share) * general).astype(np.float32)


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return (shifted / shifted.sum(-1, keepdims=True)).astype(np.float32)
