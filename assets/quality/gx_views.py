"""Data-docs views that share compiled Jinja templates across GX site builds.

GX makes a new view, hence a new Jinja environment, for every data-docs build and recompiles each
template (about three quarters of a build). These views keep the compiled bytecode in one
process-wide cache; the rendered HTML is unchanged. Named in the site config of `gx_runner`.
"""
from __future__ import annotations

from typing import Any

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, keyed by template name and source checksum."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


SHARED_CACHE = MemoryBytecodeCache()
_VIEWS: dict[str, type] = {}


def _cached_view(base: type) -> type:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base.__init__(self, *args, **kwargs)
        self.env.bytecode_cache = SHARED_CACHE
    return type(f"Cached{base.__name__}", (base,), {"__init__": __init__})


def __getattr__(name: str) -> type:
    """The views are built on first use: Dagster imports this package, GX costs ~5 s to import."""
    if name not in ("CachedPageView", "CachedIndexPageView"):
        raise AttributeError(name)
    if name not in _VIEWS:
        from great_expectations.render import view
        base = view.DefaultJinjaIndexPageView if name == "CachedIndexPageView" \
            else view.DefaultJinjaPageView
        _VIEWS[name] = _cached_view(base)
    return _VIEWS[name]
