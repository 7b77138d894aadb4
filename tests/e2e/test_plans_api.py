"""The inspection-plan routes over the real app and the real Neo4j: who may draw and read, what each role sees,
the refusals the OpenAPI promises, and the reads in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.auth.roles import Role
from riskgraph.jobs import audit, plans
from riskgraph.settings import Settings
from tests.keys import auth
from tests.related_risk import load_and_score

TASK = {"name": "深圳南山双随机抽查", "regions": ["4403"], "base_ratio": 0.2, "date": "2026-07-15", "pool": "nanshan"}


@pytest.fixture(scope="module")
def served(driver: Driver, neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[TestClient, Settings]]:
    tmp = tmp_path_factory.mktemp("plans-api")
    settings = neo4j_settings.model_copy(update={"audit_path": tmp / "audit" / "audit.jsonl",
                                                 "users_path": tmp / "users.json"})
    load_and_score(driver, settings)
    pool = tmp / "pool.yaml"
    units = [{"id": "u1", "name": "龙岗局", "authority": "440307"},
             {"id": "u2", "name": "南山局", "authority": "440305"}]
    people = [{"id": f"I{i}", "name": f"检查员{i}", "unit": "u1" if i < 4 else "u2"} for i in range(6)]
    pool.write_text(yaml.safe_dump({"units": units, "inspectors": people}, allow_unicode=True), encoding="utf-8")
    plans.store_pool(settings, pool, "nanshan", actor="test")
    with TestClient(create_app(settings)) as client:
        yield client, settings


def test_an_administrator_draws_and_each_role_sees_what_it_may(served: tuple[TestClient, Settings]) -> None:
    client, settings = served
    body = {"task_id": "api-1", "month": "2026-07", "task": TASK}
    assert client.post("/api/v1/plan-draws", json=body, headers=auth(settings, Role.INVESTIGATOR)).status_code == 403
    drawn = client.post("/api/v1/plan-draws", json=body, headers=auth(settings, Role.ADMIN))
    assert drawn.status_code == 201, drawn.text
    plan = drawn.json()
    assert plan["plan_id"] == "api-1" and plan["firms"] == plan["firms_total"] == len(plan["firm_list"]) > 0
    assert plan["commitment"] == plan["seed"]["commitment"] and plan["seed"]["revealed"]
    assert {s["class"] for s in plan["strata"]} == {"A", "B", "C", "D"}
    assert plan["inspectors"] and all(i["name"] for i in plan["inspectors"])
    for firm in plan["firm_list"]:  # all firms registered in 440305: the 南山局 inspectors are recused
        assert set(firm["inspectors"]) <= {"I0", "I1", "I2", "I3"}
    assert client.post("/api/v1/plan-draws", json=body, headers=auth(settings, Role.ADMIN)).status_code == 409

    seen = client.get("/api/v1/plans/api-1", headers=auth(settings, Role.INVESTIGATOR))
    assert seen.status_code == 200
    assert seen.json()["inspectors"] and all(i["name"] is None for i in seen.json()["inspectors"])
    assert "检查员" not in seen.text  # staff names: administrators only
    assert client.get("/api/v1/plans/api-1", headers=auth(settings, Role.ANALYST)).status_code == 403
    listed = client.get("/api/v1/plans", headers=auth(settings, Role.ANALYST))
    assert listed.status_code == 200 and listed.json()[0]["plan_id"] == "api-1"
    assert not any(f["fid"] in listed.text for f in plan["firm_list"]) and "检查员" not in listed.text
    evaluated = client.get("/api/v1/plans/api-1/evaluation", headers=auth(settings, Role.ANALYST))
    assert evaluated.status_code == 200
    assert evaluated.json()["inspected"] == 0 and evaluated.json()["pending"] == plan["firms"]
    assert [c["class"] for c in evaluated.json()["classes"]] == ["A", "B", "C", "D"]

    entries = audit.latest(settings, 20)
    reads = [e for e in entries if e["action"] == "read" and e["route"] == "GET /api/v1/plans/{plan_id}"]
    assert reads and reads[0]["entities"] == [f["fid"] for f in plan["firm_list"]]
    draws = [e for e in entries if e["action"] == "plan_draw"]
    assert draws[0]["actor"] == "user:test-admin" and draws[0]["plan_sha256"] == plan["digest"]


def test_what_does_not_exist_is_404_and_a_malformed_id_422(served: tuple[TestClient, Settings]) -> None:
    client, settings = served
    admin = auth(settings, Role.ADMIN)
    unknown_pool = {"task_id": "api-2", "month": "2026-07", "task": {**TASK, "pool": "nowhere"}}
    assert client.post("/api/v1/plan-draws", json=unknown_pool, headers=admin).status_code == 404
    unscored = {"task_id": "api-3", "month": "2025-01", "task": TASK}
    assert client.post("/api/v1/plan-draws", json=unscored, headers=admin).status_code == 404
    assert not (plans.plans_dir(settings) / "api-3").exists()  # a refused draw commits nothing
    uncommitted = {"task_id": "api-4", "month": "2026-07"}
    assert client.post("/api/v1/plan-draws", json=uncommitted, headers=admin).status_code == 404
    path_pool = {"task_id": "api-5", "month": "2026-07", "task": {**TASK, "pool": "pool.yaml"}}
    assert client.post("/api/v1/plan-draws", json=path_pool, headers=admin).status_code == 404  # a name, never a path
    assert client.get("/api/v1/plans/nope", headers=admin).status_code == 404
    assert client.get("/api/v1/plans/..%2Fetc", headers=admin).status_code in (404, 422)
    bad = client.post("/api/v1/plan-draws", json={"task_id": "x", "month": "2026-7"}, headers=admin)
    assert bad.status_code == 422


def test_the_openapi_declares_the_plans_statuses_and_formats(served: tuple[TestClient, Settings]) -> None:
    client, _ = served
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/plan-draws"]["post"]
    assert {"201", "401", "403", "404", "409", "413", "422"} <= set(post["responses"])
    one = spec["paths"]["/api/v1/plans/{plan_id}"]["get"]
    assert {"200", "404", "422"} <= set(one["responses"])
    assert next(p for p in one["parameters"] if p["name"] == "plan_id")["schema"]["pattern"]


def test_a_pool_file_is_kept_only_when_valid(served: tuple[TestClient, Settings], tmp_path: Path) -> None:
    _, settings = served
    bad = tmp_path / "bad.yaml"
    bad.write_text("inspectors: [{id: A, name: a, unit: missing}]\n", encoding="utf-8")
    with pytest.raises(Exception, match="units the pool does not list"):
        plans.store_pool(settings, bad, "bad")
    assert not (plans.plans_dir(settings) / "pools" / "bad.yaml").exists()
