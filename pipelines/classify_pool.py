"""Classification spread over processes, results in input order, a bounded number in flight.

The BERT forward pass is most of a large day's CPU and runs best at one torch thread per
process, so a day is classified by this process and `processes - 1` spawned workers, each
holding its own copy of the model (loaded once per worker; the pool lives as long as this
process: starting one costs a torch import, ~5 CPU-s). Chunks are handed out as
they are read and results come back in order, at most two chunks per worker in flight, so memory
stays at a few chunks whatever the size of the day. Each worker classifies whole chunks, exactly
as one process would: the output does not depend on the number of processes.
"""
from __future__ import annotations

import atexit
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

_POOLS: dict[tuple[str, str, float, int], ProcessPoolExecutor] = {}
_LOCK = threading.Lock()
_WORKER: dict[str, Any] = {}


def load_predictor(backend: str, model_dir: Path) -> tuple[Any, str]:
    """(predictor, version) for a backend: the trained model in `model_dir` or the rules."""
    if backend == "rules":
        from nlp.rules import RuleClassifier
        rules = RuleClassifier()
        return rules, f"rules:{getattr(rules, 'version', 'v1')}"
    from nlp.classify import load_classifier
    model = load_classifier(model_dir)
    version = getattr(model, "version", None) or getattr(model, "model_version", None)
    return model, str(version or f"model:{model_dir.name}")


def _start_worker(backend: str, model_dir: str) -> None:
    _WORKER["predictor"] = load_predictor(backend, Path(model_dir))[0]


def _predict(texts: list[str]) -> pd.DataFrame:
    return _WORKER["predictor"].predict(texts).reset_index(drop=True)


def _pool(backend: str, model_dir: str, stamp: float, processes: int) -> ProcessPoolExecutor:
    key = (backend, model_dir, stamp, processes)  # a retrained model gets fresh workers
    with _LOCK:
        if key not in _POOLS:
            _POOLS[key] = ProcessPoolExecutor(
                max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(backend, model_dir))
        return _POOLS[key]


def _warm() -> None:
    """Nothing: submitting it makes the pool spawn a worker, which loads the model."""


def start(backend: str, model_dir: str, stamp: float, processes: int) -> None:
    """Spawn the `processes - 1` workers now, so their torch import and model load overlap
    this process's own instead of waiting for the first chunk."""
    if processes > 1:
        pool = _pool(backend, model_dir, stamp, processes - 1)
        for _ in range(processes - 1):
            pool.submit(_warm)


def shutdown() -> None:
    """Stop every worker (also at interpreter exit)."""
    with _LOCK:
        for pool in _POOLS.values():
            pool.shutdown(cancel_futures=True)
        _POOLS.clear()


atexit.register(shutdown)


def predict_chunks(batches: Iterable[list[str]], local: Callable[[list[str]], pd.DataFrame],
                   backend: str, model_dir: str, stamp: float,
                   processes: int) -> Iterator[pd.DataFrame]:
    """Predictions for each batch of texts, in order: every `processes`-th batch by `local` in
    this process (whose model is loaded already), the others by `processes - 1` workers."""
    pool = _pool(backend, model_dir, stamp, processes - 1)
    pending: deque[Future | pd.DataFrame] = deque()
    for index, batch in enumerate(batches):
        if index % processes == processes - 1:
            pending.append(local(batch))  # the workers compute meanwhile
        else:
            pending.append(pool.submit(_predict, batch))
        while pending and (len(pending) >= 2 * processes or _ready(pending[0])):
            yield _value(pending.popleft())
    while pending:
        yield _value(pending.popleft())


def _ready(item: Future | pd.DataFrame) -> bool:
    return not isinstance(item, Future) or item.done()


def _value(item: Future | pd.DataFrame) -> pd.DataFrame:
    return item.result() if isinstance(item, Future) else item
