"""API keys for the write endpoints: created by ``pantau apikey create``, stored as SHA-256 only."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from .db import Catalogue
from .models import ApiKey, utcnow
from .types import iso

PREFIX = "pnt_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create(cat: Catalogue, name: str) -> str:
    """Create a key; the clear key is returned once and never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    with cat.session() as s:
        s.add(ApiKey(name=name[:200], key_hash=_hash(key), prefix=key[:12]))
    return key


def verify(cat: Catalogue, key: str | None) -> ApiKey | None:
    """The active key matching ``key``, or None. Constant-time on the hash comparison."""
    if not key or not key.startswith(PREFIX) or len(key) > 200:
        return None
    digest = _hash(key)
    with cat.session() as s:
        row = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None)))
        if row is None or not hmac.compare_digest(row.key_hash, digest):
            return None
        row.last_used_at = utcnow()
        return row


def revoke(cat: Catalogue, prefix: str) -> int:
    with cat.session() as s:
        rows = list(s.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))))
        for r in rows:
            r.revoked_at = utcnow()
        return len(rows)


def listing(cat: Catalogue) -> list[dict]:
    with cat.session() as s:
        return [{"name": k.name, "prefix": k.prefix, "created_at": iso(k.created_at, "seconds"),
                 "revoked": k.revoked_at is not None,
                 "last_used_at": iso(k.last_used_at, "seconds")}
                for k in s.scalars(select(ApiKey).order_by(ApiKey.id))]
