"""Data-file access and seeded random streams shared by the demo generator."""
from __future__ import annotations

import json
import random
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """Load `demo/data/<name>.json` (fragment banks, names, places)."""
    text = resources.files("demo").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def substream(seed: int, *keys: object) -> random.Random:
    """An independent generator per (seed, keys).

    String seeds are hashed with SHA-512 by `random`, so streams do not depend on PYTHONHASHSEED,
    and one part of the company (one worker-day) does not shift when another part changes.
    """
    return random.Random(":".join([str(seed), *map(str, keys)]))


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    """Pick a key with probability proportional to its weight (insertion order is fixed)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]
