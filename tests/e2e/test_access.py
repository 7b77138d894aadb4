"""Who may use what: every route × role from the access table, keys that expire, are revoked or rotated,
and each read of entity data in the audit trail — against the real app and the real Neo4j."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.access import authorise, require_rules, route_entries
from riskgraph.api.app import create_app
from riskgraph.auth.access import access_table, roles_markdown
from riskgraph.auth.roles import Role
from riskgraph.auth.users import UserStore
from riskgraph.errors import ConfigError
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.jobs import users
from riskgraph.settings import PROJECT_ROOT, Settings
from tests.conftest import FIXTURES
from tests.keys import CLEARED, auth

FIRM = "91440305MA5DABCD1U"
SAMPLE = {"fid": FIRM, "key": FIRM, "month": "2024-01", "name": "cytoscape.min.js", "plan_id": "no-such-plan",
          "alert_id": "AL-2024-01-0000000000"}
BODIES = {"/api/v1/ratings": {"fids": [FIRM]}, "/api/v1/persons/lookup": {"id_number": "440305199201010012"},
          "/api/v1/plan-draws": {"task_id": "no-such-task", "month": "2024-01"},
          "/api/v1/alerts/{alert_id}/status": {"status": "acknowledged"}}
WHO = [*Role, CLEARED]


@pytest.fixture(scope="module")
def app_client(driver: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    from riskgraph.graph import db

    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, neo4j_settings)
    load_directory(FIXTURES / "minimal", driver, neo4j_settings)
    with TestClient(create_app(neo4j_settings)) as c:
        yield c


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    url = path.format(**SAMPLE)
    if method == "POST":
        return client.post(url, json=BODIES[path], headers=headers).status_code
    return client.get(url, headers=headers).status_code


def test_every_route_has_a_rule_and_every_rule_a_route(app_client: TestClient) -> None:
    served = set(route_entries(app_client.app.routes))  # type: ignore[attr-defined]
    assert served == set(access_table())


@pytest.mark.parametrize("who", WHO, ids=str)
def test_each_route_for_each_role_as_the_table_says(app_client: TestClient, neo4j_settings: Settings,
                                                    who: str) -> None:
    headers = auth(neo4j_settings, who)
    principal = app_client.app.state.users.authenticate(headers["Authorization"].split()[1])  # type: ignore[attr-defined]
    for (method, path), rule in access_table().items():
        status = _call(app_client, method, path, headers)
        if rule.admits(principal):
            assert status not in (401, 403), f"{who} refused {method} {path} ({status})"
        else:
            assert status == 403, f"{who} got {status} from {method} {path}; the table refuses it"


def test_without_a_key_only_public_routes_answer(app_client: TestClient) -> None:
    for (method, path), rule in access_table().items():
        status = _call(app_client, method, path, {})
        assert (status != 401) if rule.public else (status == 401), f"{method} {path}: {status}"
    bad = app_client.get(f"/api/v1/firms/{FIRM}", headers={"Authorization": "Bearer rg_0123456789abcdef_" + "x" * 43})
    assert bad.status_code == 401 and "Bearer" in bad.json()["detail"]


def test_a_route_without_a_rule_stops_the_service(neo4j_settings: Settings) -> None:
    app = create_app(neo4j_settings)
    extra = APIRouter(prefix="/api/v1", dependencies=[Depends(authorise)])

    @extra.get("/secret-new-route")
    def secret() -> dict[str, str]:
        return {}

    app.include_router(extra)
    with pytest.raises(ConfigError, match="/api/v1/secret-new-route"):
        require_rules(app)


def test_the_readme_prints_the_access_table() -> None:
    assert roles_markdown() in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_analyst_sees_aggregates_but_no_person_level_data(app_client: TestClient, neo4j_settings: Settings) -> None:
    analyst = auth(neo4j_settings, Role.ANALYST)
    assert app_client.get("/api/v1/months", headers=analyst).status_code == 200
    for url in (f"/api/v1/firms/{FIRM}", f"/api/v1/network/{FIRM}", f"/api/v1/firms/{FIRM}/events"):
        answer = app_client.get(url, headers=analyst)
        assert answer.status_code == 403 and "analyst" in answer.json()["detail"]
    me = app_client.get("/api/v1/me", headers=analyst, params={"lang": "zh"}).json()
    assert me["role"] == "analyst" and me["role_label"] == "分析员" and not me["cleared"]
    assert "GET /api/v1/months/{month}/classes" in me["routes"] and "GET /api/v1/firms/{fid}" not in me["routes"]


def test_keys_expire_are_revoked_and_rotated(app_client: TestClient, neo4j_settings: Settings) -> None:
    settings = neo4j_settings
    _, key = users.add_user(settings, "rotating-system", Role.INTEGRATOR, days=1, actor="test")
    url = f"/api/v1/firms/{FIRM}/ratings"
    bearer = {"Authorization": f"Bearer {key}"}
    assert app_client.get(url, headers=bearer).status_code == 200
    _, new_key = users.rotate_key(settings, "rotating-system", actor="test")
    assert app_client.get(url, headers=bearer).status_code == 401  # the old key stops at once
    assert app_client.get(url, headers={"Authorization": f"Bearer {new_key}"}).status_code == 200
    users.revoke_user(settings, "rotating-system", actor="test")
    refused = app_client.get(url, headers={"Authorization": f"Bearer {new_key}"})
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]

    store = UserStore(settings.users_path)
    _, old_key = store.add("expired-system", Role.INTEGRATOR, days=1)
    _backdate(settings.users_path, "expired-system")
    refused = app_client.get(url, headers={"Authorization": f"Bearer {old_key}"})
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]

    text = settings.users_path.read_text(encoding="utf-8")
    assert key not in text and new_key not in text and "$argon2id$" in text  # only hashes are kept
    assert stat.S_IMODE(settings.users_path.stat().st_mode) == 0o600
    listed = {u["name"]: u for u in users.list_users(settings)}
    assert listed["rotating-system"]["state"] == "revoked" and listed["expired-system"]["state"] == "expired"
    assert all("key_hash" not in u for u in listed.values())


def _backdate(path: Path, name: str) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    for u in doc["users"]:
        if u["name"] == name:
            u["expires"] = past
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_reads_and_user_changes_are_in_the_audit_trail(app_client: TestClient, neo4j_settings: Settings) -> None:
    from riskgraph.jobs import audit

    investigator = auth(neo4j_settings, Role.INVESTIGATOR)
    app_client.get(f"/api/v1/firms/{FIRM}", headers=investigator)
    app_client.post("/api/v1/ratings", json={"fids": [FIRM, "91440305MA5DABCD2Y"]},
                    headers=auth(neo4j_settings, Role.INTEGRATOR))
    latest = audit.latest(neo4j_settings, 50)
    batch = next(e for e in latest if e.get("route") == "POST /api/v1/ratings")
    assert batch["actor"] == "user:test-integrator" and batch["role"] == "integrator"
    assert batch["entities"] == [FIRM, "91440305MA5DABCD2Y"] and batch["client"] == "testclient"
    profile = next(e for e in latest if e.get("route") == "GET /api/v1/firms/{fid}")
    assert profile["action"] == "read" and profile["entities"][0] == FIRM and profile["results"] == 1
    assert any(e["action"] == "users.add" and e["user"] == "test-investigator" for e in audit.trail(neo4j_settings)
               .entries())
    # the auditor reads (and checks) the same trail through the API; nobody else may
    auditor = auth(neo4j_settings, Role.AUDITOR)
    assert app_client.get("/api/v1/audit/verify", headers=auditor).json()["intact"] is True
    shown = app_client.get("/api/v1/audit", params={"last": 5}, headers=auditor).json()
    assert len(shown) == 5 and shown[0]["seq"] > shown[-1]["seq"]
    assert app_client.get("/api/v1/audit", headers=investigator).status_code == 403
