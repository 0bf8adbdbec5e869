"""Complaint taxonomy: categories and sub-reasons with Chinese names.

The data lives in ``nlp/data/taxonomy.json`` (read through ``importlib.resources``); keys are the
contract in ``docs/contracts.md``.

>>> tax = load_taxonomy()
>>> tax.category_keys
('attitude', 'skill', 'logistics')
>>> tax.get("logistics.late").name_zh
'迟到'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = ["CATEGORY_KEYS", "Category", "SubReason", "Taxonomy", "load_taxonomy"]

#: The three complaint categories, in their canonical order (contract).
CATEGORY_KEYS: tuple[str, ...] = ("attitude", "skill", "logistics")


@dataclass(frozen=True)
class SubReason:
    key: str  # "<category>.<name>", e.g. "logistics.late"
    name_zh: str
    description: str = ""

    @property
    def category(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class Category:
    key: str
    name_zh: str
    description: str = ""
    subreasons: tuple[SubReason, ...] = ()

    @property
    def subreason_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.subreasons)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    version: int = 1
    _index: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, Category | SubReason] = {}
        for cat in self.categories:
            if cat.key in index:
                raise ValueError(f"duplicate taxonomy key {cat.key!r}")
            index[cat.key] = cat
            for sub in cat.subreasons:
                if sub.key in index:
                    raise ValueError(f"duplicate taxonomy key {sub.key!r}")
                if sub.category != cat.key:
                    raise ValueError(f"sub-reason {sub.key!r} must start with {cat.key + '.'!r}")
                index[sub.key] = sub
        self._index.clear()
        self._index.update(index)

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    @property
    def subreason_keys(self) -> tuple[str, ...]:
        return tuple(s.key for c in self.categories for s in c.subreasons)

    def get(self, key: str) -> Category | SubReason:
        """Category or sub-reason by key; ``KeyError`` for an unknown key."""
        try:
            return self._index[key]
        except KeyError:
            raise KeyError(f"unknown taxonomy key {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def name_zh(self, key: str) -> str:
        return self.get(key).name_zh

    def subreasons_of(self, category: str) -> tuple[SubReason, ...]:
        cat = self.get(category)
        if not isinstance(cat, Category):
            raise KeyError(f"{category!r} is not a category")
        return cat.subreasons


def taxonomy_from_dict(data: dict) -> Taxonomy:
    cats = []
    for c in data["categories"]:
        subs = tuple(
            SubReason(key=s["key"], name_zh=s["name_zh"], description=s.get("description", ""))
            for s in c.get("subreasons", ())
        )
        cats.append(
            Category(key=c["key"], name_zh=c["name_zh"], description=c.get("description", ""),
                     subreasons=subs)
        )
    return Taxonomy(categories=tuple(cats), version=int(data.get("version", 1)))


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy (cached; the returned object is immutable)."""
    text = resources.files("nlp").joinpath("data", "taxonomy.json").read_text(encoding="utf-8")
    tax = taxonomy_from_dict(json.loads(text))
    if tax.category_keys != CATEGORY_KEYS:
        raise ValueError(f"taxonomy categories {tax.category_keys} != {CATEGORY_KEYS}")
    return tax
