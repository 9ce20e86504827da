"""API keys: created with a role, shown once, stored as the sha256 of the secret, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from eligibility.errors import NotFound
from eligibility.ports import Storage
from eligibility.records import ROLES, ApiKey, Role

TOKEN_PREFIX = "elig_"


def hash_token(token: str) -> str:
    """sha256 of a secret, as hex: enough for a 256-bit random token (no need for a slow KDF)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(
    store: Storage, role: Role, name: str, expires_at: dt.datetime | None = None
) -> tuple[str, ApiKey]:
    """A new key: the secret (shown once, never stored) and its record (sha256 of the secret).

    With `expires_at` (aware) the key stops working then; without it, when revoked.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}'; one of {', '.join(ROLES)}")
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= store.now()):
        raise ValueError("a key's expiry must be a moment in the future, with its time zone")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id=str(uuid.uuid4()),
        name=name,
        role=role,
        key_hash=hash_token(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        created_at=store.now(),
        expires_at=expires_at,
    )
    store.keys.add(key)
    return token, key


def authenticate(store: Storage, token: str) -> ApiKey | None:
    """The key this secret belongs to while it is neither revoked nor expired, or None."""
    if not token:
        return None
    digest = hash_token(token)
    key = store.keys.by_hash(digest)
    if key is None or not hmac.compare_digest(key.key_hash, digest):
        return None
    return key if key.usable(store.now()) else None


def list_keys(store: Storage) -> list[ApiKey]:
    """Every key (without secrets), oldest first."""
    return store.keys.list()


def revoke_key(store: Storage, key_id: str) -> ApiKey:
    """Revoke a key (again is harmless); NotFound if there is none with this id."""
    key = store.keys.revoke(key_id, store.now())
    if key is None:
        raise NotFound("API key", key_id)
    return key
