"""Rating routes against the real Neo4j: the hand-built scoring case scored for June and July 2026.

Z (戊后失信) is put on the serious-dishonesty list on 2026-07-15, so it is not D in June
and D in July; X (乙关联) shares its legal representative with the D firm D1.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.graph import db
from riskgraph.settings import Settings
from tests.keys import client_as
from tests.related_risk import fid, load_and_score

D1, X, Z = fid("甲失信"), fid("乙关联"), fid("戊后失信")
UNRATED_BUT_VALID = "91440305MA5DABCD1U"


@pytest.fixture(scope="module")
def client(driver: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    load_and_score(driver, neo4j_settings)
    with client_as(create_app(neo4j_settings), neo4j_settings) as c:
        yield c


def test_rating_has_class_reasons_in_both_languages(client: TestClient) -> None:
    zh = client.get(f"/api/v1/firms/{X}/rating", params={"month": "2026-06"}).json()
    assert zh["fid"] == X and zh["month"] == "2026-06" and zh["intact"] is True
    assert zh["class"] in "ABCD" and zh["received_risk"] > 0
    connector = next(r for r in zh["reasons"] if r["type"] == "connector")
    assert "张**" in connector["text"] and "甲失信" in connector["text"]
    assert connector["data"]["examples"][0]["fid"] == D1
    en = client.get(f"/api/v1/firms/{X}/rating", params={"month": "2026-06"},
                    headers={"Accept-Language": "en-GB,en;q=0.9"}).json()
    assert any("legal representative 张**" in r["text"] for r in en["reasons"])
    assert "张三丰" not in client.get(f"/api/v1/firms/{X}/rating", params={"lang": "en"}).text


def test_latest_month_is_the_default_and_history_shows_the_downgrade(client: TestClient) -> None:
    assert client.get(f"/api/v1/firms/{Z}/rating").json()["month"] == "2026-07"
    history = client.get(f"/api/v1/firms/{Z}/ratings").json()
    assert [(h["month"], h["class"]) for h in history][1] == ("2026-07", "D")
    assert history[0]["class"] != "D" and history[1]["change"] == "down"
    assert history[1]["previous_class"] == history[0]["class"]


def test_batch_returns_rated_firms_and_names_the_rest(client: TestClient) -> None:
    body = client.post("/api/v1/ratings", json={"fids": [D1, UNRATED_BUT_VALID, D1], "month": "2026-06"}).json()
    assert [r["fid"] for r in body["ratings"]] == [D1]
    assert body["ratings"][0]["class"] == "D"
    assert any(r["type"] == "rule" for r in body["ratings"][0]["reasons"])
    assert body["not_rated"] == [UNRATED_BUT_VALID]
    bad = client.post("/api/v1/ratings", json={"fids": [D1, "91440305MA5DABCD7X"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "fids", 1]


def test_months_changes_and_class_counts(client: TestClient) -> None:
    months = client.get("/api/v1/months").json()
    assert [m["month"] for m in months] == ["2026-07", "2026-06"]
    assert sum(months[0]["class_counts"].values()) == months[0]["firms"] == 13
    down = client.get("/api/v1/months/2026-07/changes", params={"direction": "down"}).json()
    assert Z in [c["fid"] for c in down] and all(c["after"] > c["before"] for c in down)
    assert client.get("/api/v1/months/2026-07/changes", params={"direction": "up"}).json() == [
        c for c in client.get("/api/v1/months/2026-07/changes").json() if c["after"] < c["before"]]
    counts = client.get("/api/v1/months/2026-07/classes", params={"by": "county"}).json()
    assert [(c["key"], c["label"], c["firms"]) for c in counts] == [("440305", "广东省深圳市南山区", 13)]
    assert counts[0]["D"] >= 2 and counts[0]["high_risk_share"] == (counts[0]["C"] + counts[0]["D"]) / 13
    industries = client.get("/api/v1/months/2026-07/classes", params={"by": "industry", "lang": "en"}).json()
    assert sum(c["firms"] for c in industries) == 13 and all(c["label"] for c in industries)


def test_errors_are_clear(client: TestClient) -> None:
    assert client.get(f"/api/v1/firms/{X}/rating", params={"month": "2026-13"}).status_code == 422
    missing = client.get(f"/api/v1/firms/{X}/rating", params={"month": "2025-01"})
    assert missing.status_code == 404 and "2025-01" in missing.json()["detail"]
    assert client.get("/api/v1/firms/91440305MA5DABCD7X/rating").status_code == 422
    assert client.get("/api/v1/months/2026-05/changes").status_code == 404
    assert client.get("/api/v1/months/2026-06/changes").status_code == 404  # nothing scored before June


def test_tampered_rating_is_served_as_not_intact(client: TestClient, driver: Driver,
                                                 neo4j_settings: Settings) -> None:
    with db.session(driver, neo4j_settings) as sess:
        sess.run("MATCH (r:Rating {fid: $fid, month: '2026-06'}) SET r.class = 'A'", fid=D1).consume()
    body = client.get(f"/api/v1/firms/{D1}/rating", params={"month": "2026-06"}).json()
    assert body["class"] == "A" and body["intact"] is False
