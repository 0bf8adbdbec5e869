"""Service settings: one frozen dataclass, read from the environment once at start."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from storage.config import default_model_dir, default_warehouse_url

MAX_BATCH = 1_000
MAX_TEXT_CHARS = 100_000
# Big enough for a full batch of ordinary reviews or a dozen 100,000-character texts, small enough that
# one request cannot exhaust memory.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
# The classifier reads long texts in windows, so its time grows with characters, not texts: this bounds
# one request to about a minute of CPU on two cores (a full batch of 200-character reviews, or two
# 100,000-character texts).
DEFAULT_MAX_REQUEST_CHARS = 200_000


@dataclass(frozen=True)
class ServiceSettings:
    """Everything the HTTP service needs; tests build one directly, `feedback serve` uses from_env()."""

    warehouse_url: str
    model_dir: str
    # Signs page-session cookies; a random per-process key logs everyone out on restart, which is safe.
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    session_hours: float = 8.0
    secure_cookies: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_batch: int = MAX_BATCH
    max_text_chars: int = MAX_TEXT_CHARS
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS
    max_page_size: int = 500
    max_export_rows: int = 100_000
    load_model_at_startup: bool = False

    @classmethod
    def from_env(cls) -> ServiceSettings:
        """Read FEEDBACK_* variables; unset ones fall back to the project defaults."""
        secret = os.environ.get("FEEDBACK_SESSION_SECRET")
        return cls(
            warehouse_url=default_warehouse_url(),
            model_dir=str(default_model_dir()),
            session_secret=secret.encode() if secret else secrets.token_bytes(32),
            secure_cookies=os.environ.get("FEEDBACK_SECURE_COOKIES", "0") == "1",
            max_body_bytes=int(os.environ.get("FEEDBACK_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
            max_request_chars=int(os.environ.get("FEEDBACK_MAX_REQUEST_CHARS",
                                                 DEFAULT_MAX_REQUEST_CHARS)),
            load_model_at_startup=os.environ.get("FEEDBACK_LOAD_MODEL_AT_STARTUP", "1") == "1",
        )
