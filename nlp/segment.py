"""Word segmentation: one explicit ``jieba.Tokenizer`` with the home-service domain dictionary.

Never use ``jieba.dt`` or the module-level ``jieba.cut``: they are process-global, share
``/tmp/jieba.cache`` with every other program, and would not know our domain words.

The dictionary cache goes to ``$FEEDBACK_CACHE_DIR/jieba`` (default ``$XDG_CACHE_HOME`` or
``~/.cache`` + ``/jiazheng-feedback/jieba``); when that is not writable, to a per-user folder under
the system temporary directory.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import jieba

__all__ = ["cache_dir", "cut", "cut_many", "domain_words", "get_tokenizer"]

_lock = threading.Lock()


def cache_dir() -> str:
    """A writable folder for jieba's prefix-dictionary cache."""
    candidates = []
    if os.environ.get("FEEDBACK_CACHE_DIR"):
        candidates.append(os.path.join(os.environ["FEEDBACK_CACHE_DIR"], "jieba"))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    candidates.append(os.path.join(base, "jiazheng-feedback", "jieba"))
    try:
        user = str(os.getuid())
    except AttributeError:  # pragma: no cover - Windows
        user = os.environ.get("USERNAME", "user")
    candidates.append(os.path.join(tempfile.gettempdir(), f"jiazheng-feedback-{user}", "jieba"))
    for path in candidates:
        try:
            os.makedirs(path, exist_ok=True)
            if os.access(path, os.W_OK):
                return path
        except OSError:
            continue
    return tempfile.mkdtemp(prefix="jieba-")  # pragma: no cover - last resort


def _domain_dict_bytes() -> bytes:
    return resources.files("nlp").joinpath("data", "domain_dict.txt").read_bytes()


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The words of the packaged domain dictionary."""
    words = set()
    for line in _domain_dict_bytes().decode("utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line.split()[0])
    return frozenset(words)


_tokenizer: jieba.Tokenizer | None = None


def get_tokenizer() -> jieba.Tokenizer:
    """The process-wide project tokenizer (created once, domain dictionary loaded)."""
    global _tokenizer
    tok = _tokenizer
    if tok is not None:
        return tok
    with _lock:
        if _tokenizer is None:
            logging.getLogger("jieba").setLevel(logging.WARNING)
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()  # default (bundled) dictionary
            tok.tmp_dir = cache_dir()
            tok.initialize()
            # strip comments: jieba's loader would otherwise read "#" lines as words
            lines = [
                ln for ln in _domain_dict_bytes().decode("utf-8").lstrip("\ufeff").splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")
            ]
            buf = io.BytesIO("\n".join(lines).encode("utf-8"))
            buf.name = "nlp/data/domain_dict.txt"
            tok.load_userdict(buf)
            _tokenizer = tok
        return _tokenizer


def cut(text: str | None, hmm: bool = True) -> list[str]:
    """Words of ``text`` (whitespace tokens dropped)."""
    if not text:
        return []
    return [w for w in get_tokenizer().cut(text, HMM=hmm) if w.strip()]


def cut_many(texts: Iterable[str | None], hmm: bool = True) -> list[list[str]]:
    tok = get_tokenizer()
    out = []
    for text in texts:
        if not text:
            out.append([])
        else:
            out.append([w for w in tok.cut(text, HMM=hmm) if w.strip()])
    return out
