"""API tokens (salted HMAC-SHA256, revocable), roles, page sessions and the audit log."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service.db import api_tokens, audit_log

ROLES = ("quality", "hr", "admin")
TOKEN_PREFIX = "fbk"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's public id, its name and role."""

    token_id: str
    name: str
    role: str

    def has_role(self, *allowed: str) -> bool:
        return self.role == "admin" or self.role in allowed


class AuthError(Exception):
    """401 (no or bad credentials) or 403 (wrong role)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _hash_secret(secret: str, salt: str) -> str:
    # Tokens carry 256 random bits, so a fast keyed hash is enough; a slow KDF would only add latency.
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def create_token(engine: Engine, name: str, role: str) -> str:
    """Store a new token (hashed) and return its plaintext, which is never stored or shown again."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name.strip():
        raise ValueError("token name must not be empty")
    token_id, secret, salt = secrets.token_hex(4), secrets.token_urlsafe(32), secrets.token_hex(16)
    with engine.begin() as conn:
        conn.execute(api_tokens.insert().values(
            token_id=token_id, name=name.strip(), role=role, salt=salt,
            token_hash=_hash_secret(secret, salt), created_at=datetime.now().replace(microsecond=0),
        ))
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def list_tokens(engine: Engine) -> list[dict]:
    """Every token without its hash or salt, oldest first."""
    cols = [api_tokens.c.token_id, api_tokens.c.name, api_tokens.c.role,
            api_tokens.c.created_at, api_tokens.c.revoked_at]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(*cols).order_by(api_tokens.c.created_at))]


def revoke_token(engine: Engine, token_id_or_name: str) -> int:
    """Revoke by public id or by name; returns how many tokens were revoked."""
    key = token_id_or_name.strip()
    match = sa.or_(api_tokens.c.token_id == key, api_tokens.c.name == key)
    with engine.begin() as conn:
        result = conn.execute(api_tokens.update().where(match, api_tokens.c.revoked_at.is_(None))
                              .values(revoked_at=datetime.now().replace(microsecond=0)))
    return result.rowcount


def lookup_active(engine: Engine, token_id: str) -> sa.Row | None:
    """The unrevoked token row for a public id, or None."""
    query = sa.select(api_tokens).where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
    with engine.connect() as conn:
        return conn.execute(query).first()


def verify_token(engine: Engine, token: str) -> Principal:
    """Return the principal for a plaintext token or raise AuthError(401)."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise AuthError(401, "invalid API token")
    row = lookup_active(engine, parts[1])
    if row is None or not hmac.compare_digest(row.token_hash, _hash_secret(parts[2], row.salt)):
        raise AuthError(401, "invalid or revoked API token")
    return Principal(row.token_id, row.name, row.role)


def require_role(principal: Principal, *allowed: str) -> Principal:
    """Raise AuthError(403) unless the principal holds one of the roles (admin holds all)."""
    if not principal.has_role(*allowed):
        raise AuthError(403, f"role '{principal.role}' may not do this; needs {' or '.join(allowed)}")
    return principal


def record_audit(engine: Engine, who: Principal, action: str, worker_id: str | None = None,
                 detail: str | None = None) -> None:
    """Append one audit row (who did what, to which worker)."""
    with engine.begin() as conn:
        conn.execute(audit_log.insert().values(
            at=datetime.now().replace(microsecond=0), token_id=who.token_id, token_name=who.name,
            role=who.role, action=action, worker_id=worker_id, detail=detail,
        ))


class SessionSigner:
    """Signed page-session cookies `token_id.expiry.signature`; the token is re-checked on each request."""

    def __init__(self, secret: bytes, lifetime_s: float) -> None:
        self.secret = secret
        self.lifetime_s = lifetime_s

    def _sign(self, payload: str) -> str:
        return hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, token_id: str) -> str:
        payload = f"{token_id}.{int(time.time() + self.lifetime_s)}"
        return f"{payload}.{self._sign(payload)}"

    def token_id_of(self, cookie: str) -> str | None:
        """The token id of a valid, unexpired cookie, else None."""
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        payload = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(parts[2], self._sign(payload)) or int(parts[1]) < time.time():
            return None
        return parts[0]

    def csrf_token(self, cookie: str) -> str:
        """Form token bound to the session, so a cross-site form cannot post on the user's behalf."""
        return self._sign(f"csrf:{cookie}")

    def check_csrf(self, cookie: str, submitted: str) -> bool:
        return hmac.compare_digest(self.csrf_token(cookie), submitted or "")
