"""Training of the word bag (nlp.wordbag): Adagrad over hashed n-grams, a few seconds on a few thousand rows.

With `general` flags (which rows are general reviews rather than the product's own domain) the bag is
gated: the first heads learn every row, the second only the general rows, and the gate's logit learns
to tell the two kinds apart. Each column of the table has its own Adagrad state and only its own head's
loss, so the first heads come out exactly as an ungated bag's would. Sub-reason heads (`subreasons`,
session 16) add columns the same way: the other heads come out as without them.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

from nlp.wordbag import BUCKETS, GATED_OUT, IGNORE, N_CLASSES, N_SENTIMENT, OUT, WordBag, gram_ids


def train_wordbag(examples: Sequence, epochs: int = 4, learning_rate: float = 0.2, seed: int = 13,
                  min_rows: int = 50, hmm: bool = False, general: Sequence[bool] | None = None,
                  subreasons: Sequence[str] = (),
                  progress: Callable[[str], None] = lambda line: None) -> WordBag | None:
    """Fit on labelled `Example`s of real wording; None when no head has `min_rows` labelled rows.

    `general[i]` marks example i as a general review (gated bag); gating needs `min_rows` of each kind.
    With the taxonomy's `subreasons` keys the bag learns them too, given `min_rows` rows whose complaint
    has them labelled."""
    import torch
    from torch.nn import functional as F

    from nlp.text import normalise
    from nlp.train import encode_labels

    labels = encode_labels(list(examples), list(subreasons))  # the network's targets: same classes, same IGNORE
    sentiment, aspects = labels.sentiment, labels.aspects
    heads = [name for name, known in (("sentiment", (sentiment != IGNORE).sum()),
                                      ("aspects", (aspects != IGNORE).any(1).sum())) if known >= min_rows]
    if not heads:
        return None
    sub_mask = subreason_mask(labels, subreasons)
    if (sub_mask & (labels.subreasons > 0)).any(1).sum() < min_rows:
        subreasons, sub_mask = (), None
    is_general = np.asarray(general if general is not None else [False] * len(examples), dtype=bool)
    gated = min(is_general.sum(), (~is_general).sum()) >= min_rows
    torch.manual_seed(seed)
    ids = [torch.tensor(gram_ids(normalise(ex.text), hmm)) for ex in examples]
    # the sub-reason heads are a layer of their own (own Adagrad state): the other heads come out as without them
    layers = [_layer(GATED_OUT if gated else OUT, learning_rate)]
    if subreasons:
        layers.append(_layer(len(subreasons), learning_rate))
    order = list(range(len(examples)))
    rng = random.Random(seed)
    targets = (sentiment, aspects, is_general if gated else None, labels.subreasons, sub_mask)
    with torch.sparse.check_sparse_tensor_invariants(enable=False):  # Adagrad's own sparse updates
        for epoch in range(epochs):
            rng.shuffle(order)
            total = _epoch(layers, ids, order, targets, heads, F)
            progress(f"word bag epoch {epoch + 1}/{epochs}{' (gated)' if gated else ''}: "
                     f"mean loss {total / len(order):.3f}")
    weight = np.concatenate([bag.weight.detach().numpy() for bag, _, _ in layers], axis=1)
    bias = np.concatenate([bias.detach().numpy() for _, bias, _ in layers])
    return WordBag(weight, bias, heads, hmm, subreasons)


def _layer(width: int, learning_rate: float) -> tuple:
    """A zero-initialised hashed linear layer (only the rows a batch touches update) and its Adagrad."""
    import torch

    bag = torch.nn.EmbeddingBag(BUCKETS, width, mode="sum", sparse=True)
    torch.nn.init.zeros_(bag.weight)
    bias = torch.nn.Parameter(torch.zeros(width))
    return bag, bias, torch.optim.Adagrad([bag.weight, bias], lr=learning_rate)


def subreason_mask(labels, keys: Sequence[str]) -> np.ndarray:
    """(n, len(keys)) the rows each sub-reason head learns: a complaint on its aspect, sub-reasons labelled."""
    from nlp.model import polarity_to_class, subreason_aspects

    complaint = labels.aspects[:, subreason_aspects(keys)] == polarity_to_class(-1)
    return complaint & (labels.subreason_known[:, None] > 0)


def _epoch(layers: list[tuple], ids: list, order: list[int], targets: tuple, heads: list[str], F) -> float:
    sentiment, aspects, is_general, subs, sub_mask = targets
    total = 0.0
    for start in range(0, len(order), 64):
        batch = order[start:start + 64]
        inputs = _bag_inputs([ids[i] for i in batch])
        (bag, bias, _), *sub_layer = layers
        logits = bag(*inputs[:2], per_sample_weights=inputs[2]) + bias
        loss = _loss(logits[:, :OUT], sentiment[batch], aspects[batch], heads, F)
        if is_general is not None:
            loss = loss + _general_loss(logits, sentiment[batch], aspects[batch], is_general[batch], heads, F)
        if sub_layer:
            sub_bag, sub_bias, _ = sub_layer[0]
            sub_logits = sub_bag(*inputs[:2], per_sample_weights=inputs[2]) + sub_bias
            loss = loss + _subreason_loss(sub_logits, subs[batch], sub_mask[batch], F)
        for _, _, optimizer in layers:
            optimizer.zero_grad()
        loss.backward()
        for _, _, optimizer in layers:
            optimizer.step()
        total += loss.item() * len(batch)
    return total


def _general_loss(logits, sentiment: np.ndarray, aspects: np.ndarray, is_general: np.ndarray,
                  heads: list[str], F):
    """The general heads on the batch's general rows, plus the gate (1 = the product's own domain)."""
    import torch

    mine = torch.from_numpy(~is_general).float()
    loss = F.binary_cross_entropy_with_logits(logits[:, GATED_OUT - 1], mine)  # sub-reason columns follow
    if is_general.any():
        rows = torch.from_numpy(np.flatnonzero(is_general))
        loss = loss + _loss(logits[rows, OUT:2 * OUT], sentiment[is_general], aspects[is_general], heads, F)
    return loss


def _subreason_loss(logits, subs: np.ndarray, mask: np.ndarray, F):
    """Binary cross-entropy of each sub-reason head on the rows it learns (`subreason_mask`)."""
    import torch

    weight = torch.from_numpy(mask.astype(np.float32))
    loss = F.binary_cross_entropy_with_logits(logits, torch.from_numpy(subs), reduction="none")
    return (loss * weight).sum() / weight.sum().clamp(min=1.0)


def _bag_inputs(ids: list) -> tuple:
    """EmbeddingBag's ids, offsets and per-sample weights (1/sqrt(n) per text) for a batch."""
    import torch

    flat = torch.cat(ids)
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    scale = torch.cat([torch.full((len(x),), 1.0 / len(x) ** 0.5) for x in ids])
    return flat, offsets, scale


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
