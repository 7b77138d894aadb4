"""Managing who may call the service (``riskgraph users``), each change recorded in the audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from riskgraph.auth.roles import Role
from riskgraph.auth.users import User, UserStore
from riskgraph.errors import Unauthenticated
from riskgraph.files import write_private
from riskgraph.jobs import audit
from riskgraph.settings import Settings


def store(settings: Settings) -> UserStore:
    return UserStore(settings.users_path)


def add_user(settings: Settings, name: str, role: Role, days: int | None = None, cleared: bool = False,
             actor: str | None = None) -> tuple[User, str]:
    """A new user and their key (shown once; only its hash is kept)."""
    user, key = store(settings).add(name, role, days or settings.api_key_days, cleared)
    audit.record(settings, "users.add", actor, user=name, role=str(role), cleared=cleared, key_id=user.key_id,
                 expires=user.expires)
    return user, key


def revoke_user(settings: Settings, name: str, actor: str | None = None) -> User:
    user = store(settings).revoke(name)
    audit.record(settings, "users.revoke", actor, user=name, key_id=user.key_id)
    return user


def rotate_key(settings: Settings, name: str, days: int | None = None, actor: str | None = None) -> tuple[User, str]:
    """A new key for ``name``; the old one stops working at once."""
    user, key = store(settings).rotate(name, days or settings.api_key_days)
    audit.record(settings, "users.rotate", actor, user=name, key_id=user.key_id, expires=user.expires)
    return user, key


def list_users(settings: Settings) -> list[dict[str, Any]]:
    """Every user without key hashes: name, role, clearance, key id, dates and state."""
    return [u.public() for u in store(settings).users()]


DEMO_PREFIX = "demo-"


def demo_keys(settings: Settings, keys_file: Path) -> dict[str, str]:
    """One user per role for the demo (the investigator cleared), their keys in ``keys_file`` (mode 0600).

    Only the demo keeps keys in the clear, so that the page can be opened and the API tried at once; a
    re-run reuses the keys that still work and makes new ones for the others.
    """
    kept: dict[str, str] = json.loads(keys_file.read_text(encoding="utf-8")) if keys_file.is_file() else {}
    users = store(settings)
    keys: dict[str, str] = {}
    for role in Role:
        name = DEMO_PREFIX + role
        key = kept.get(str(role))
        if key is not None:
            try:
                users.authenticate(key)
                keys[str(role)] = key
                continue
            except Unauthenticated:
                pass
        if any(u.name == name for u in users.users()):
            _, keys[str(role)] = rotate_key(settings, name, actor="demo")
        else:
            _, keys[str(role)] = add_user(settings, name, role, cleared=role is Role.INVESTIGATOR, actor="demo")
    write_private(keys_file, json.dumps(keys, indent=1).encode("utf-8"))
    return keys
