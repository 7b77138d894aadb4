"""API keys: how they are made, read back from a request and kept (argon2id hashes only).

A key is ``rg_<key id>_<secret>``: the key id (16 hex characters) names the key without
revealing it, so a user file, a log line or a rate-limit bucket can refer to it; the secret
(32 random bytes, URL-safe) is shown once, when the key is made, and kept only as an argon2id
hash (argon2-cffi, RFC 9106 low-memory profile).
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

KEY_PATTERN = re.compile(r"rg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
_HASHER = PasswordHasher()


def new_key() -> tuple[str, str]:
    """A fresh ``(key id, key)``."""
    key_id = secrets.token_hex(8)
    return key_id, f"rg_{key_id}_{secrets.token_urlsafe(32)}"


def key_id_of(key: str) -> str | None:
    """The key id of a well-formed key, else None (nothing is verified here)."""
    found = KEY_PATTERN.fullmatch(key)
    return found.group(1) if found else None


def hash_key(key: str) -> str:
    return _HASHER.hash(key)


def key_matches(key: str, key_hash: str) -> bool:
    """Whether ``key`` is the one ``key_hash`` was made from (argon2 verify: deliberately slow)."""
    try:
        return _HASHER.verify(key_hash, key)
    except (VerificationError, InvalidHashError):
        return False
