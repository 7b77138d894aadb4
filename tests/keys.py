"""API keys for tests: one user per role (and a cleared investigator) in the settings' users file."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from riskgraph.auth.roles import Role
from riskgraph.jobs.users import add_user
from riskgraph.settings import Settings

CLEARED = "investigator+cleared"
_made: dict[tuple[str, str], str] = {}


def api_key(settings: Settings, who: Role | str = Role.INVESTIGATOR) -> str:
    """The key of the test user for ``who`` (a role, or ``CLEARED``), made once per users file."""
    name = f"test-{who}"
    cached = _made.get((str(settings.users_path), name))
    if cached is None:
        role = Role.INVESTIGATOR if who == CLEARED else Role(who)
        _, cached = add_user(settings, name, role, days=30, cleared=who == CLEARED, actor="test")
        _made[(str(settings.users_path), name)] = cached
    return cached


def auth(settings: Settings, who: Role | str = Role.INVESTIGATOR) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key(settings, who)}"}


def client_as(app: FastAPI, settings: Settings, who: Role | str = Role.INVESTIGATOR) -> TestClient:
    """A test client that sends the key of ``who`` with every request."""
    return TestClient(app, headers=auth(settings, who))


def admitted(settings: Settings, method: str, path: str) -> dict[str, str]:
    """The key header of a test user whom the access table admits to ``METHOD path``."""
    from riskgraph.auth.access import access_table

    rule = access_table()[(method.upper(), path)]
    who = next((r for r in Role if r in rule.roles), None) or (CLEARED if rule.cleared_roles else Role.INVESTIGATOR)
    return auth(settings, who)
