"""Aggregates check the month they read, through the real HTTP app and the real Neo4j.

The case is scored for June and July 2026. D1 (甲失信) is class D; Z (戊后失信) moves to D in July.
Tampering is done as someone with write access to Neo4j would: change D1's June class to A and
recompute its digest the way it used to be computed (plain SHA-256). The app re-checks every rating
on each request (``verify_interval_s = 0``) so the outcome does not depend on timing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.auth.roles import Role
from riskgraph.graph import db
from riskgraph.settings import Settings
from tests.e2e.service import running_service
from tests.e2e.test_web_page import rendered
from tests.keys import api_key, client_as
from tests.related_risk import fid, load_and_score

D1, Z = fid("甲失信"), fid("戊后失信")
JUNE, JULY = "2026-06", "2026-07"


def tamper_june_class_of_d1(driver: Driver, settings: Settings) -> None:
    """D1's June class set to A, with the digest recomputed as a plain SHA-256 (what anyone can compute)."""
    with db.session(driver, settings) as sess:
        r = sess.run("MATCH (:Firm {fid: $fid})-[:RATED]->(r:Rating {month: $m}) RETURN r {.*} AS r",
                     fid=D1, m=JUNE).single(strict=True)["r"]
        text = "\x1f".join((r["fid"], r["month"], r["run_id"], r["model_version"], f"{r['score']:.4f}", "A",
                            r["reasons"], r["detail"]))
        sess.run("MATCH (:Firm {fid: $fid})-[:RATED]->(r:Rating {month: $m}) SET r.class = 'A', r.digest = $d",
                 fid=D1, m=JUNE, d=hashlib.sha256(text.encode()).hexdigest()).consume()


@pytest.fixture()
def client(driver: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    load_and_score(driver, neo4j_settings)
    with client_as(create_app(neo4j_settings.model_copy(update={"verify_interval_s": 0.0})), neo4j_settings) as c:
        yield c


def test_an_intact_month_is_served_as_before(client: TestClient) -> None:
    months = client.get("/api/v1/months").json()
    assert [(m["month"], m["verified"], m["failed_firms"], m["integrity"]) for m in months] == [
        (JULY, True, [], None), (JUNE, True, [], None)]
    assert client.get(f"/api/v1/months/{JUNE}/classes").status_code == 200
    assert Z in [c["fid"] for c in client.get(f"/api/v1/months/{JULY}/changes").json()]
    assert client.get(f"/api/v1/firms/{D1}/rating", params={"month": JUNE}).json()["intact"] is True


def test_a_tampered_month_is_flagged_or_refused_by_every_aggregate(client: TestClient, driver: Driver,
                                                                   neo4j_settings: Settings) -> None:
    tamper_june_class_of_d1(driver, neo4j_settings)
    rating = client.get(f"/api/v1/firms/{D1}/rating", params={"month": JUNE}).json()
    assert rating["class"] == "A" and rating["intact"] is False  # the recomputed digest does not help

    months = {m["month"]: m for m in client.get("/api/v1/months").json()}
    assert months[JULY]["verified"] is True
    june = months[JUNE]
    assert june["verified"] is False and june["failed_count"] == 1 and june["failed_firms"] == [D1]
    assert D1 in june["integrity"] and "riskgraph score --verify 2026-06" in june["integrity"]

    counts = client.get(f"/api/v1/months/{JUNE}/classes", params={"by": "county"})
    assert counts.status_code == 409 and D1 in counts.json()["detail"] and JUNE in counts.json()["detail"]
    assert client.get(f"/api/v1/months/{JULY}/classes").status_code == 200  # July is intact
    changes = client.get(f"/api/v1/months/{JULY}/changes")  # compares July with the tampered June
    assert changes.status_code == 409 and D1 in changes.json()["detail"]

    history = {h["month"]: h for h in client.get(f"/api/v1/firms/{D1}/ratings").json()}
    assert history[JUNE]["intact"] is False and history[JUNE]["class"] == "A"
    assert history[JULY]["intact"] is True and history[JULY]["change"] is None  # no "down" from a forged A


def test_openapi_declares_the_refusal(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/months/{month}/classes", "/api/v1/months/{month}/changes"):
        assert "409" in paths[path]["get"]["responses"], path


def test_the_hotspots_page_flags_a_tampered_month(driver: Driver, neo4j_settings: Settings) -> None:
    load_and_score(driver, neo4j_settings)
    tamper_june_class_of_d1(driver, neo4j_settings)
    with running_service(neo4j_settings) as base:
        # July is shown first; its changes compare with June
        july = rendered(f"{base}/?view=hotspots&lang=en#key={api_key(neo4j_settings, Role.ANALYST)}")
        assert 'data-ready="hotspots"' in july and "2026-06 ⚠" in july
        assert "fail their integrity check" in july and D1 in july
