"""The users file and API keys, without a server: hashes only, conflicts, rotation, revocation, demo keys."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from riskgraph.auth.keys import key_id_of
from riskgraph.auth.roles import Role
from riskgraph.auth.users import UserStore
from riskgraph.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from riskgraph.jobs import users
from riskgraph.settings import Settings


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(users_path=tmp_path / "auth" / "users.json", audit_path=tmp_path / "audit.jsonl",
                    audit_key="unit-audit-key")  # type: ignore[arg-type]


def test_a_key_works_until_rotated_or_revoked(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    user, key = store.add("etl", Role.INTEGRATOR, days=5)
    assert key_id_of(key) == user.key_id and key not in settings.users_path.read_text(encoding="utf-8")
    assert store.authenticate(key).role is Role.INTEGRATOR
    assert store.authenticate(key).name == "etl"  # the second check is the cached one
    with pytest.raises(Conflict):
        store.add("etl", Role.ANALYST, days=5)
    _, new_key = store.rotate("etl", days=5)
    with pytest.raises(Unauthenticated):
        store.authenticate(key)
    assert store.authenticate(new_key).name == "etl"
    store.revoke("etl")
    with pytest.raises(Unauthenticated, match="revoked"):
        store.authenticate(new_key)
    with pytest.raises(NotFound):
        store.revoke("nobody")
    with pytest.raises(InvalidInput):
        store.add(" padded ", Role.ANALYST, days=5)


def test_a_wrong_secret_for_a_known_key_id_is_refused(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    _, key = store.add("analyst", Role.ANALYST, days=5)
    store.authenticate(key)
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    with pytest.raises(Unauthenticated):
        store.authenticate(forged)
    with pytest.raises(Unauthenticated):
        store.authenticate("not-a-key")


def test_another_process_sees_changes_to_the_file(settings: Settings) -> None:
    reader, writer = UserStore(settings.users_path), UserStore(settings.users_path)
    _, key = writer.add("later", Role.AUDITOR, days=5)
    assert reader.authenticate(key).role is Role.AUDITOR
    writer.revoke("later")
    with pytest.raises(Unauthenticated):
        reader.authenticate(key)


def test_user_changes_are_audited_and_listed_without_hashes(settings: Settings) -> None:
    users.add_user(settings, "wang", Role.INVESTIGATOR, cleared=True, actor="test")
    users.revoke_user(settings, "wang", actor="test")
    listed = users.list_users(settings)
    assert listed[0]["state"] == "revoked" and listed[0]["cleared"] and "key_hash" not in listed[0]
    trail = settings.audit_path.read_text(encoding="utf-8")
    assert '"action":"users.add"' in trail and '"action":"users.revoke"' in trail and "$argon2" not in trail


def test_demo_keys_are_made_once_kept_private_and_renewed_when_revoked(settings: Settings, tmp_path: Path) -> None:
    keys_file = tmp_path / "demo-keys.json"
    first = users.demo_keys(settings, keys_file)
    assert set(first) == {str(r) for r in Role}
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert users.demo_keys(settings, keys_file) == first  # reused
    users.revoke_user(settings, "demo-analyst", actor="test")
    again = users.demo_keys(settings, keys_file)
    assert again["analyst"] != first["analyst"] and again["auditor"] == first["auditor"]
    store = UserStore(settings.users_path)
    assert store.authenticate(again["analyst"]).role is Role.ANALYST
    assert store.authenticate(first["investigator"]).cleared
