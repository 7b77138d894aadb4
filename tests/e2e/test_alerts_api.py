"""The early-warning routes over the real app: what each role sees of an alert, status moves by
administrators only and in order, the refusals the OpenAPI promises, and the reads in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from riskgraph.api.app import create_app
from riskgraph.auth.roles import Role
from riskgraph.jobs import alerts, audit
from riskgraph.settings import Settings
from riskgraph.warning.alert import FREQUENT_CHANGES, REGISTRATION_BURST, Alert
from riskgraph.warning.config import load_alert_config
from tests.keys import auth

PERSON_REF = "p-0123456789abcdef01234567"
FIRMS = ["91440305MA5DABCD1U", "91440305MA5DABCE1X"]


@pytest.fixture(scope="module")
def served(neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[TestClient, Settings, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("alerts-api")
    settings = neo4j_settings.model_copy(update={"audit_path": tmp / "audit" / "audit.jsonl",
                                                 "users_path": tmp / "users.json"})
    person = Alert(REGISTRATION_BURST, "person", PERSON_REF, "2026-06", "high", 8, 0.01, 1e-12, 1e-9,
                   {"window_days": 30, "firms": FIRMS, "observed": 8})
    firm = Alert(FREQUENT_CHANGES, "firm", FIRMS[0], "2026-06", "medium", 6, 0.2, 1e-7, 1e-4,
                 {"changes": [{"kind": "change_legal_rep", "date": "2026-05-02"}]})
    alerts.store_alerts(settings, "2026-06", [person, firm], load_alert_config(), "test", actor="test")
    with TestClient(create_app(settings)) as client:
        yield client, settings, {"person": person.alert_id, "firm": firm.alert_id}


def test_analysts_list_without_persons_investigators_read_evidence_by_ref(
        served: tuple[TestClient, Settings, dict[str, str]]) -> None:
    client, settings, ids = served
    listed = client.get("/api/v1/alerts?month=2026-06", headers=auth(settings, Role.ANALYST))
    assert listed.status_code == 200, listed.text
    by_type = {a["subject_type"]: a for a in listed.json()}
    assert by_type["person"]["subject"] is None and PERSON_REF not in listed.text
    assert by_type["firm"]["subject"] == FIRMS[0] and "evidence" not in by_type["firm"]
    assert client.get(f"/api/v1/alerts/{ids['person']}", headers=auth(settings, Role.ANALYST)).status_code == 403

    one = client.get(f"/api/v1/alerts/{ids['person']}", headers=auth(settings, Role.INVESTIGATOR))
    assert one.status_code == 200
    body = one.json()
    assert body["subject"] == PERSON_REF and body["evidence"]["firms"] == FIRMS
    assert body["status"] == "open" and body["history"][0]["status"] == "open"
    filtered = client.get("/api/v1/alerts?type=frequent_changes", headers=auth(settings, Role.INVESTIGATOR))
    assert [a["alert_id"] for a in filtered.json()] == [ids["firm"]]
    read = next(e for e in audit.latest(settings, 20) if e["action"] == "read" and ids["person"] in e["entities"])
    assert read["route"] == "GET /api/v1/alerts/{alert_id}"


def test_only_administrators_move_a_status_and_only_forward(
        served: tuple[TestClient, Settings, dict[str, str]]) -> None:
    client, settings, ids = served
    url = f"/api/v1/alerts/{ids['firm']}/status"
    body = {"status": "acknowledged", "note": "assigned"}
    assert client.post(url, json=body, headers=auth(settings, Role.INVESTIGATOR)).status_code == 403
    moved = client.post(url, json=body, headers=auth(settings, Role.ADMIN))
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "acknowledged" and moved.json()["history"][-1]["by"] == "user:test-admin"
    again = client.post(url, json=body, headers=auth(settings, Role.ADMIN))
    assert again.status_code == 409 and "can move to closed" in again.text
    assert client.post(url, json={"status": "open"}, headers=auth(settings, Role.ADMIN)).status_code == 422
    entry = next(e for e in audit.latest(settings, 5) if e["action"] == "alert_status")
    assert (entry["alert_id"], entry["previous"], entry["status"]) == (ids["firm"], "open", "acknowledged")


def test_unknown_and_malformed_alert_ids(served: tuple[TestClient, Settings, dict[str, str]]) -> None:
    client, settings, _ = served
    headers = auth(settings, Role.INVESTIGATOR)
    assert client.get("/api/v1/alerts/AL-2026-06-0000000000", headers=headers).status_code == 404
    malformed = client.get("/api/v1/alerts/not-an-alert", headers=headers)
    # a malformed id is 422 naming the form expected, as for codes and months everywhere
    assert malformed.status_code == 422 and "AL-" in malformed.text
