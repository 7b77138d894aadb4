"""Equity penetration through the real HTTP app and the real Neo4j, on a register with a cross-holding.

张 holds 60 % of holding company H and 30 % of target T; H holds 50 % of T; 李 holds 40 % of H and
20 % of T. X and Y hold 20 % of each other, X holds 10 % of T (so 张 and 李's shares are as worked out
below), and a shareholding that ended last year is not counted.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.auth.roles import Role
from riskgraph.graph import db
from riskgraph.settings import Settings
from tests.keys import client_as

T, H, X, Y = "91440300MA5TARGETF", "91440300MA5H0LDC03", "91440300MA5CR055XC", "91440300MA5CR055YF"
BUILD = """
CREATE (t:Firm {fid: $t, name: '目标公司'}), (h:Firm {fid: $h, name: '控股公司'}),
       (x:Firm {fid: $x, name: '交叉甲'}), (y:Firm {fid: $y, name: '交叉乙'}),
       (zhang:Person {ref: 'p-zhang', pid: 'secret-pid-zhang', name: '张伟', id_masked: '440*************12'}),
       (li:Person {ref: 'p-li', pid: 'secret-pid-li', name: '李娜'}),
       (old:Person {ref: 'p-old', pid: 'secret-pid-old', name: '王强'})
CREATE (zhang)-[:SHAREHOLDER_OF {ratio: 0.6}]->(h), (li)-[:SHAREHOLDER_OF {ratio: 0.4}]->(h),
       (h)-[:SHAREHOLDER_OF {ratio: 0.5}]->(t), (zhang)-[:SHAREHOLDER_OF {ratio: 0.3}]->(t),
       (li)-[:SHAREHOLDER_OF {ratio: 0.1}]->(t),
       (x)-[:SHAREHOLDER_OF {ratio: 0.2}]->(y), (y)-[:SHAREHOLDER_OF {ratio: 0.2}]->(x),
       (x)-[:SHAREHOLDER_OF {ratio: 0.1}]->(t),
       (old)-[:SHAREHOLDER_OF {ratio: 0.9, until: date() - duration('P365D')}]->(t)
"""


@pytest.fixture()
def client(clean_db: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    with db.session(clean_db, neo4j_settings) as sess:
        sess.run(BUILD, t=T, h=H, x=X, y=Y).consume()
    with client_as(create_app(neo4j_settings), neo4j_settings) as c:
        yield c


def test_owners_with_integrated_shares_controller_and_beneficial_owners(client: TestClient) -> None:
    body = client.get(f"/api/v1/firms/{T}/owners").json()
    shares = {o["key"]: o["share"] for o in body["owners"]}
    x = 0.1 / (1 - 0.04)  # X's own 10 %, and again through Y's 20 % of X's 20 % of Y, and so on
    assert shares == pytest.approx({"p-zhang": 0.3 + 0.6 * 0.5, H: 0.5, "p-li": 0.1 + 0.4 * 0.5, X: x, Y: 0.2 * x},
                                   abs=1e-6)
    assert "p-old" not in shares  # ended a year ago
    zhang = next(o for o in body["owners"] if o["key"] == "p-zhang")
    assert zhang == {"key": "p-zhang", "type": "person", "name": "张*", "share": pytest.approx(0.6), "direct": 0.3,
                     "ultimate": True, "controls": True, "beneficial": True}
    assert body["ultimate_controller"] == "p-zhang"  # 60 % of H, and H's 50 % with 张's own 30 %
    assert body["beneficial_owners"] == ["p-zhang", "p-li"]  # 60 % and 30 %
    assert body["converged"] and not body["truncated"]
    assert "secret-pid" not in str(body) and "440*" not in str(body)


def test_what_a_person_ultimately_holds(client: TestClient) -> None:
    body = client.get("/api/v1/holdings/p-zhang").json()
    assert {h["key"]: h["share"] for h in body["held"]} == pytest.approx({H: 0.6, T: 0.6})
    assert body["owner"] == {"key": "p-zhang", "type": "person", "name": "张*"}


def test_unknown_keys_and_roles_without_entity_data(client: TestClient, neo4j_settings: Settings) -> None:
    assert client.get("/api/v1/firms/91440300MA5N0F1RM6/owners").status_code == 404
    assert client.get("/api/v1/holdings/p-nobody").status_code == 404
    assert client.get(f"/api/v1/firms/{T}/owners", params={"max_hops": 1}).json()["truncated"]
    with client_as(create_app(neo4j_settings), neo4j_settings, Role.ANALYST) as analyst:
        assert analyst.get(f"/api/v1/firms/{T}/owners").status_code == 403
