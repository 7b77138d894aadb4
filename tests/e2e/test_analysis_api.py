"""The hotspot and risk-group routes through the real HTTP app and the real Neo4j, on a generated registry.

The data is :mod:`tests.integration.test_analysis_job`'s (5,000 firms, a planted county × division
hotspot, shell rings), scored for June and July 2026. Analysts get aggregates only; investigators
also a cell's firms and a group's members, persons by opaque key and masked name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.auth.roles import Role
from riskgraph.jobs import audit
from riskgraph.settings import Settings
from tests.integration.test_analysis_job import (
    JULY,
    JUNE,
    generated_registry,
    load_and_score_generated,
    planted,
    tamper_a_rating,
)
from tests.keys import auth

PERSON_HASH = re.compile(r"\b[0-9a-f]{64}\b")  # a stored person key (HMAC of an ID number) is never shown
ID_NUMBER = re.compile(r"\b\d{17}[\dX]\b")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_registry(tmp_path_factory.mktemp("analysis-api") / "set")


@pytest.fixture(scope="module")
def client(data: Path, driver: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    load_and_score_generated(driver, neo4j_settings, data)
    with TestClient(create_app(neo4j_settings.model_copy(update={"verify_interval_s": 0.0}))) as c:
        yield c


def as_(settings: Settings, role: Role) -> dict[str, str]:
    return auth(settings, role)


def test_the_grid_names_regions_and_industries_and_marks_the_planted_hotspot(
        client: TestClient, data: Path, neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    analyst = as_(neo4j_settings, Role.ANALYST)
    top = client.get(f"/api/v1/months/{JUNE}/hotspots", params={"region": "province", "industry": "all"},
                     headers=analyst)
    assert top.status_code == 200, top.text
    [province] = top.json()["cells"]
    assert province["region_name"] == "广东省" and province["industry_name"] == "全部行业"
    grid = client.get(f"/api/v1/months/{JUNE}/hotspots",
                      params={"region": "county", "industry": "division", "parent": county[:4] + "00",
                              "section": division[0], "lang": "en"}, headers=analyst)
    assert grid.status_code == 200, grid.text
    body = grid.json()
    assert body["fdr"] == 0.05 and body["analysis_version"].startswith("analysis/")
    assert body["parent_name"].startswith("广东省") and body["region_level"] == "county"
    cells = {(c["region"], c["industry"]): c for c in body["cells"]}
    assert all(r.startswith(county[:4]) and i.startswith(division[0]) for r, i in cells)
    cell = cells[(county, division)]
    assert cell["hotspot"] and cell["q"] < 0.05 and cell["region_name"].startswith("广东省")
    assert cell["industry_name"] == "Wholesale and retail trade 52"  # a name, in the language asked for
    assert not re.fullmatch(r"[\dA-Z]+", cell["region_name"])


def test_trend_and_drivers_of_a_cell(client: TestClient, data: Path, neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    analyst = as_(neo4j_settings, Role.ANALYST)
    trend = client.get(f"/api/v1/months/{JULY}/hotspots/trend", params={"region": county, "industry": division},
                       headers=analyst)
    assert trend.status_code == 200, trend.text
    points = trend.json()["points"]
    assert [p["month"] for p in points] == [JUNE, JULY] and points[0]["status"] == "new"
    drivers = client.get(f"/api/v1/months/{JUNE}/hotspots/drivers", params={"region": county, "industry": division,
                                                                            "lang": "zh"}, headers=analyst)
    assert drivers.status_code == 200, drivers.text
    d = drivers.json()
    assert d["computed"] and d["cell"]["hotspot"] and d["indicators"] and d["families"]
    assert all(x["excess"] > 0 and x["label"] for x in d["indicators"])
    assert {x["label"] for x in d["families"]} <= {"基础属性", "动态信息", "监管信息", "关联关系", "社会评价", "其他"}


def test_analysts_get_aggregates_and_no_person_or_firm_list(client: TestClient, data: Path,
                                                            neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    analyst = as_(neo4j_settings, Role.ANALYST)
    groups = client.get(f"/api/v1/months/{JULY}/groups", params={"limit": 1000}, headers=analyst)
    assert groups.status_code == 200, groups.text
    body = groups.json()
    assert body["total"] == len(body["groups"]) > 0
    assert "p-" not in groups.text and not PERSON_HASH.search(groups.text)  # counts of persons, never persons
    assert all(g["first_month"] in (JUNE, JULY) and g["regions"][0]["name"] for g in body["groups"])
    ring = next(g for g in body["groups"] if g["size"] >= 3)
    for path, params in ((f"/api/v1/months/{JUNE}/hotspots/firms", {"region": county, "industry": division}),
                         (f"/api/v1/months/{JULY}/groups/{ring['anchor']}", {})):
        refused = client.get(path, params=params, headers=analyst)
        assert refused.status_code == 403 and "analyst" in refused.json()["detail"]


def test_investigators_get_a_cells_firms_and_a_groups_members_masked(client: TestClient, data: Path,
                                                                    neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    investigator = as_(neo4j_settings, Role.INVESTIGATOR)
    grid = client.get(f"/api/v1/months/{JUNE}/hotspots", params={"region": "county", "industry": "division",
                                                                 "parent": county}, headers=investigator)
    n = next(c["n"] for c in grid.json()["cells"] if c["industry"] == division)
    firms = client.get(f"/api/v1/months/{JUNE}/hotspots/firms",
                       params={"region": county, "industry": division, "limit": 1000}, headers=investigator)
    assert firms.status_code == 200, firms.text
    body = firms.json()
    assert body["total"] == n == len(body["firms"])
    assert all(f["class"] in "ABCD" and f["name"] for f in body["firms"])
    assert body["firms"][0]["class"] >= body["firms"][-1]["class"]  # highest class first
    entry = audit.latest(neo4j_settings, 1)[0]
    assert entry["route"] == "GET /api/v1/months/{month}/hotspots/firms" and entry["results"] == n

    rings = [r for r in json.loads((data / "truth" / "structures.json").read_text(encoding="utf-8"))
             if r["type"] == "shell_ring"]
    member = rings[0]["firms"][0]
    group = client.get(f"/api/v1/months/{JULY}/groups/{member}", headers=investigator)
    assert group.status_code == 200, group.text
    g = group.json()
    assert member in {m["fid"] for m in g["members"]} and g["size"] == len(g["members"])
    assert g["first_month"] == JUNE and g["persons"]
    assert all(p["ref"].startswith("p-") and "*" in p["name"] for p in g["persons"])
    assert not PERSON_HASH.search(group.text) and not ID_NUMBER.search(group.text)


def test_refusals_unknown_month_bad_code_tampered_month(client: TestClient, data: Path, driver: Driver,
                                                         neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    investigator = as_(neo4j_settings, Role.INVESTIGATOR)
    assert client.get("/api/v1/months/2025-01/hotspots", headers=investigator).status_code == 404
    bad = client.get(f"/api/v1/months/{JUNE}/hotspots/trend", params={"region": "44030"}, headers=investigator)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "region"]
    lower = client.get(f"/api/v1/months/{JUNE}/hotspots/drivers", params={"region": county, "industry": "f52"},
                       headers=investigator)
    assert lower.status_code == 422
    nobody = client.get(f"/api/v1/months/{JUNE}/groups/91440300MA5FAKE00X", headers=investigator)
    assert nobody.status_code == 422  # not a valid code: refused before any query

    tampered = tamper_a_rating(driver, neo4j_settings, JULY)
    for path, params in ((f"/api/v1/months/{JULY}/hotspots", {}), (f"/api/v1/months/{JULY}/groups", {}),
                         (f"/api/v1/months/{JULY}/hotspots/trend", {"region": county, "industry": division}),
                         (f"/api/v1/months/{JULY}/hotspots/firms", {"region": county, "industry": division}),
                         (f"/api/v1/months/{JULY}/groups/{tampered}", {})):
        refused = client.get(path, params=params, headers=investigator)
        assert refused.status_code == 409, (path, refused.text)
        assert tampered in refused.json()["detail"] and "riskgraph score --verify" in refused.json()["detail"]
    assert client.get(f"/api/v1/months/{JUNE}/hotspots", headers=investigator).status_code == 200


def test_the_openapi_declares_statuses_and_code_patterns(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/months/{month}/hotspots", "/api/v1/months/{month}/hotspots/firms",
                 "/api/v1/months/{month}/hotspots/trend", "/api/v1/months/{month}/hotspots/drivers",
                 "/api/v1/months/{month}/groups", "/api/v1/months/{month}/groups/{fid}"):
        op = paths[path]["get"]
        assert {"404", "409", "422"} <= set(op["responses"]), path
        params = {p["name"]: p["schema"] for p in op["parameters"]}
        if "region" in params and path != "/api/v1/months/{month}/hotspots":
            assert params["region"]["pattern"] == r"^[1-9][0-9]{5}$"
