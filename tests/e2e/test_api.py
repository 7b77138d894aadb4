"""The HTTP app against the real Neo4j with the example set loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.reference.identifiers import person_key
from riskgraph.settings import Settings
from tests.conftest import FIXTURES
from tests.e2e.service import running_service
from tests.keys import CLEARED, auth, client_as

FIRM = "91440305MA5DABCD1U"


@pytest.fixture()
def client(clean_db: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    apply_schema(clean_db, neo4j_settings)
    load_directory(FIXTURES / "minimal", clean_db, neo4j_settings)
    with client_as(create_app(neo4j_settings), neo4j_settings) as c:
        yield c


def test_health_reports_neo4j_up(client: TestClient) -> None:
    assert client.get("/health").json()["neo4j"] == "up"


def test_firm_profile_masks_persons(client: TestClient) -> None:
    body = client.get(f"/api/v1/firms/{FIRM}").json()
    assert body["name"] == "深圳市南山示例科技有限公司"
    assert body["addresses"][0]["text"] == "科技园路1号3楼"
    rep = body["legal_reps"][0]
    # an investigator sees the person by an opaque key and a masked name, and nothing of the ID number
    assert body["legal_reps"] == [{"key": rep["key"], "name": "张*"}]
    stored = person_key("440305199201010012", "test-salt")
    assert rep["key"] != stored and rep["key"].startswith("p-")
    # the stored key (the salted hash of the ID number) is no way in
    assert client.get(f"/api/v1/network/{stored}").status_code == 404
    assert "440305199201010012" not in client.get(f"/api/v1/firms/{FIRM}").text


def test_masked_id_number_and_lookup_only_when_cleared(client: TestClient, neo4j_settings: Settings) -> None:
    cleared = auth(neo4j_settings, CLEARED)
    rep = client.get(f"/api/v1/firms/{FIRM}", headers=cleared).json()["legal_reps"][0]
    assert rep["id_masked"] == "440*************12"
    found = client.post("/api/v1/persons/lookup", json={"id_number": "440305199201010012"}, headers=cleared)
    assert found.status_code == 200
    assert found.json()["key"] == rep["key"] and found.json()["id_masked"] == "440*************12"
    assert {f["fid"] for f in found.json()["firms"]} >= {FIRM}
    # the key leads to the person's network, as it does from the profile
    net = client.get(f"/api/v1/network/{rep['key']}").json()
    assert FIRM in {n["id"] for n in net["nodes"]}
    # an investigator without clearance may not look up by number
    assert client.post("/api/v1/persons/lookup", json={"id_number": "440305199201010012"}).status_code == 403
    # the lookup is audited with the number masked, never in full
    trail = neo4j_settings.audit_path.read_text(encoding="utf-8")
    assert '"id_number":"440*************12"' in trail and "440305199201010012" not in trail
    unknown = client.post("/api/v1/persons/lookup", json={"id_number": "11010519491231002X"}, headers=cleared)
    assert unknown.status_code == 404 and "11010519491231002X" not in unknown.text


def test_unknown_and_malformed_codes(client: TestClient) -> None:
    unknown = client.get("/api/v1/firms/91440305MA5DABCD7E")
    assert unknown.status_code == 404 and "91440305MA5DABCD7E" in unknown.json()["detail"]
    bad = client.get("/api/v1/firms/91440305MA5DABCD7X")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["path", "fid"]


def test_search_and_events(client: TestClient) -> None:
    hits = client.get("/api/v1/search", params={"q": "食品"}).json()
    assert [h["fid"] for h in hits] == ["91440305MA5DABCD32"]
    assert client.get("/api/v1/search", params={"q": FIRM}).json()[0]["fid"] == FIRM
    events = client.get("/api/v1/firms/91440305MA5DABCD32/events").json()
    assert [e["kind"] for e in events] == ["penalty", "inspection"]  # newest first


def test_network_shows_shared_address_and_people(client: TestClient) -> None:
    net = client.get(f"/api/v1/network/{FIRM}", params={"depth": 2}).json()
    ids = {n["id"] for n in net["nodes"]}
    assert "91440305MA5DABCD2Y" in ids  # subsidiary, branch, same address, same legal representative
    assert "440305:科技园路1号3楼" in ids
    types = {(e["type"], e["target"]) for e in net["edges"]}
    assert ("BRANCH_OF", FIRM) in types
    holding = next(e for e in net["edges"] if e["type"] == "SHAREHOLDER_OF" and e["source"] == FIRM)
    assert holding["ratio"] == 1.0
    small = client.get(f"/api/v1/network/{FIRM}", params={"depth": 2, "max_nodes": 3}).json()
    assert len(small["nodes"]) <= 4 and small["truncated"]
    # breadth first: the firm has four direct neighbours, so a cut at three keeps only direct ones
    direct = {e["source"] for e in small["edges"] if e["target"] == FIRM} | {
        e["target"] for e in small["edges"] if e["source"] == FIRM}
    assert {n["id"] for n in small["nodes"]} == {FIRM} | direct


def test_served_over_real_http(clean_db: Driver, neo4j_settings: Settings) -> None:
    """`riskgraph serve` in its own process, spoken to over a socket."""
    import httpx

    apply_schema(clean_db, neo4j_settings)
    load_directory(FIXTURES / "minimal", clean_db, neo4j_settings)
    with running_service(neo4j_settings) as base:
        assert httpx.get(f"{base}/api/v1/firms/{FIRM}").status_code == 401
        assert httpx.get(f"{base}/api/v1/firms/{FIRM}", headers=auth(neo4j_settings)).json()["fid"] == FIRM
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "riskgraph"
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "riskgraph" in page.text
        assert httpx.get(f"{base}/web/vendor/cytoscape.min.js").status_code == 200
