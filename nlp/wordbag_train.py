"""Training of the word bag (nlp.wordbag): Adagrad over hashed n-grams, a few seconds on a few thousand rows.

With `general` flags (which rows are general reviews rather than the product's own domain) the bag is
gated: the first heads learn every row, the second only the general rows, and the gate's logit learns
to tell the two kinds apart. Each column of the table has its own Adagrad state and only its own head's
loss, so the first heads come out exactly as an ungated bag's would.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

from nlp.wordbag import BUCKETS, GATED_OUT, IGNORE, N_CLASSES, N_SENTIMENT, OUT, WordBag, gram_ids


def train_wordbag(examples: Sequence, epochs: int = 4, learning_rate: float = 0.2, seed: int = 13,
                  min_rows: int = 50, hmm: bool = False, general: Sequence[bool] | None = None,
                  progress: Callable[[str], None] = lambda line: None) -> WordBag | None:
    """Fit on labelled `Example`s of real wording; None when no head has `min_rows` labelled rows.

    `general[i]` marks example i as a general review (gated bag); gating needs `min_rows` of each kind."""
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
    is_general = np.asarray(general if general is not None else [False] * len(examples), dtype=bool)
    gated = min(is_general.sum(), (~is_general).sum()) >= min_rows
    torch.manual_seed(seed)
    ids = [torch.tensor(gram_ids(normalise(ex.text), hmm)) for ex in examples]
    width = GATED_OUT if gated else OUT
    bag = torch.nn.EmbeddingBag(BUCKETS, width, mode="sum", sparse=True)  # only seen rows update
    torch.nn.init.zeros_(bag.weight)
    bias = torch.nn.Parameter(torch.zeros(width))
    optimizer = torch.optim.Adagrad([bag.weight, bias], lr=learning_rate)
    order = list(range(len(examples)))
    rng = random.Random(seed)
    targets = (sentiment, aspects, is_general if gated else None)
    with torch.sparse.check_sparse_tensor_invariants(enable=False):  # Adagrad's own sparse updates
        for epoch in range(epochs):
            rng.shuffle(order)
            total = _epoch(bag, bias, optimizer, ids, order, targets, heads, F)
            progress(f"word bag epoch {epoch + 1}/{epochs}{' (gated)' if gated else ''}: "
                     f"mean loss {total / len(order):.3f}")
    return WordBag(bag.weight.detach().numpy().copy(), bias.detach().numpy().copy(), heads, hmm)


def _epoch(bag, bias, optimizer, ids: list, order: list[int], targets: tuple, heads: list[str], F) -> float:
    sentiment, aspects, is_general = targets
    total = 0.0
    for start in range(0, len(order), 64):
        batch = order[start:start + 64]
        logits = _bag_logits(bag, [ids[i] for i in batch]) + bias
        loss = _loss(logits[:, :OUT], sentiment[batch], aspects[batch], heads, F)
        if is_general is not None:
            loss = loss + _general_loss(logits, sentiment[batch], aspects[batch], is_general[batch], heads, F)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total


def _general_loss(logits, sentiment: np.ndarray, aspects: np.ndarray, is_general: np.ndarray,
                  heads: list[str], F):
    """The general heads on the batch's general rows, plus the gate (1 = the product's own domain)."""
    import torch

    mine = torch.from_numpy(~is_general).float()
    loss = F.binary_cross_entropy_with_logits(logits[:, -1], mine)
    if is_general.any():
        rows = torch.from_numpy(np.flatnonzero(is_general))
        loss = loss + _loss(logits[rows, OUT:2 * OUT], sentiment[is_general], aspects[is_general], heads, F)
    return loss


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
        loss = loss + F.cross_entropy(logits[:, N_SENTIMENT:OUT].reshape(-1, N_CLASSES), target_a.reshape(-1),
                                      ignore_index=IGNORE)
    return loss
