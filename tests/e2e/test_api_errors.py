"""Error answers against the real app and Neo4j: statuses from the domain error classes, bodies as declared.

The routes raise domain errors (riskgraph.errors); one handler answers each with its class's
``http_status``. The OpenAPI description must promise what the routes really answer: every
route that takes arguments declares 422, and a route declares 404 exactly when an unknown key
gets one — found here by calling every route, not from a list of routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.errors import (
    ConfigError,
    Conflict,
    Neo4jServerError,
    RiskgraphError,
    RowProblem,
    ValidationFailed,
)
from riskgraph.settings import Settings
from tests.keys import admitted, client_as
from tests.related_risk import fid, load_and_score

UNKNOWN_FIRM = "91440305MA5DABCD7E"  # well formed, in no data set
BAD_CHECK_DIGIT = "91440305MA5DABCD7X"
X = fid("乙关联")

# Arguments by parameter name (not by route): a well-formed value naming nothing, and a malformed one.
UNKNOWN = {"fid": UNKNOWN_FIRM, "key": "no-such-key", "month": "2025-01", "q": "无此企业", "region": "990000",
           "plan_id": "no-such-plan", "alert_id": "AL-2025-01-0000000000"}
MALFORMED = {"fid": BAD_CHECK_DIGIT, "key": "k" * 301, "month": "2026-13", "q": "", "region": "44030",
             "plan_id": "-bad", "alert_id": "AL-2025-13-xyz"}
# Request bodies by their declared model.
UNKNOWN_BODY = {"BatchRequest": {"fids": [UNKNOWN_FIRM], "month": "2026-06"},
                "PersonLookup": {"id_number": "11010519491231002X"},  # valid, nobody's
                "DrawRequest": {"task_id": "no-such-task", "month": "2025-01"},
                "StatusChange": {"status": "acknowledged"}}
MALFORMED_BODY = {"BatchRequest": {"fids": [X, BAD_CHECK_DIGIT]}, "PersonLookup": {"id_number": "110105194912310021"},
                  "DrawRequest": {"task_id": "-bad", "month": "2026-13"}, "StatusChange": {"status": "sideways"}}
# Where one name means another thing on one route: the grid's ``region`` is a level, not a code.
BY_ROUTE = {("/api/v1/months/{month}/hotspots", "region"): {"unknown": "county", "malformed": "township"}}


@pytest.fixture(scope="module")
def client(driver: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    load_and_score(driver, neo4j_settings)
    with client_as(create_app(neo4j_settings), neo4j_settings) as c:
        c.settings = neo4j_settings  # type: ignore[attr-defined]  # whose users hold the keys (see _call)
        yield c


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _conforms(spec: dict[str, Any], schema: dict[str, Any], value: Any, at: str = "body") -> list[str]:
    """Where ``value`` breaks ``schema`` (the subset of JSON Schema FastAPI emits for these models)."""
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        options = [_conforms(spec, s, value, at) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{at}: matches none of {schema['anyOf']}"]
    kind = schema.get("type")
    python = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool}
    if kind in python and not isinstance(value, python[kind]):
        return [f"{at}: expected {kind}, got {value!r}"]
    problems = []
    if kind == "object":
        problems += [f"{at}: no {name!r}" for name in schema.get("required", []) if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += _conforms(spec, sub, value[name], f"{at}.{name}")
    if kind == "array":
        for i, item in enumerate(value):
            problems += _conforms(spec, schema.get("items", {}), item, f"{at}[{i}]")
    return problems


def _declared(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    responses = spec["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answers {status} but does not declare it"
    return responses[str(status)]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def _assert_as_declared(spec: dict[str, Any], path: str, method: str, response: Any) -> None:
    schema = _declared(spec, path, method, response.status_code)
    assert _conforms(spec, schema, response.json()) == [], response.json()


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        if path.startswith("/api/v1/"):
            for method, op in ops.items():
                yield path, method, op


def _call(client: TestClient, path: str, method: str, op: dict[str, Any], values: dict[str, str],
          bodies: dict[str, Any]) -> Any:
    """Call the operation with the parameters (and body) the tables have; path and required ones must be there."""
    params = {p["name"]: p for p in op.get("parameters", []) if p["in"] in ("path", "query")}
    kind = "malformed" if values is MALFORMED else "unknown"
    values = {**values, **{name: v[kind] for (route, name), v in BY_ROUTE.items() if route == path}}
    needed = [n for n, p in params.items() if p["in"] == "path" or p.get("required")]
    missing = [n for n in needed if n not in values]
    assert not missing, f"{method.upper()} {path}: add sample values for parameter(s) {missing} to this test"
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    query = {n: values[n] for n, p in params.items() if p["in"] == "query" and n in values}
    body = None
    if "requestBody" in op:
        model = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert model in bodies, f"{method.upper()} {path}: add a sample {model} body to this test"
        body = bodies[model]
    return client.request(method, url, params=query, json=body, headers=admitted(client.settings, method, path))


# --- the handler --------------------------------------------------------------------------

def test_not_found_is_404_with_the_declared_body(client: TestClient, openapi: dict[str, Any]) -> None:
    firm = client.get(f"/api/v1/firms/{UNKNOWN_FIRM}")
    assert firm.status_code == 404 and firm.json() == {"detail": f"no firm with code {UNKNOWN_FIRM}"}
    _assert_as_declared(openapi, "/api/v1/firms/{fid}", "get", firm)
    month = client.get("/api/v1/months/2025-01/classes")
    assert month.status_code == 404 and month.json() == {"detail": "month 2025-01 has not been scored"}
    _assert_as_declared(openapi, "/api/v1/months/{month}/classes", "get", month)
    compared = client.get("/api/v1/months/2026-07/changes", params={"from": "2025-01"})
    assert compared.status_code == 404 and "2025-01" in compared.json()["detail"]
    first = client.get("/api/v1/months/2026-06/changes")
    assert first.status_code == 404 and first.json()["detail"] == "no scored month before 2026-06 to compare with"
    vendor = client.get("/web/vendor/nothing.js")  # the web page's routes answer through the same handler
    assert vendor.status_code == 404 and "nothing.js is not installed" in vendor.json()["detail"]


def test_invalid_input_is_422_shaped_like_fastapis_own(client: TestClient, openapi: dict[str, Any]) -> None:
    ours = client.get(f"/api/v1/firms/{BAD_CHECK_DIGIT}/rating")
    assert ours.status_code == 422
    [problem] = ours.json()["detail"]
    assert problem["loc"] == ["path", "fid"] and problem["type"] == "value_error"
    assert "expected 'E'" in problem["msg"] and problem["input"] == BAD_CHECK_DIGIT
    _assert_as_declared(openapi, "/api/v1/firms/{fid}/rating", "get", ours)

    fastapis = client.get(f"/api/v1/network/{X}", params={"depth": 9})
    assert fastapis.status_code == 422 and fastapis.json()["detail"][0]["loc"] == ["query", "depth"]
    _assert_as_declared(openapi, "/api/v1/network/{key}", "get", fastapis)
    required = {"loc", "msg", "type", "input"}
    assert required <= set(problem) and required <= set(fastapis.json()["detail"][0])

    batch = client.post("/api/v1/ratings", json={"fids": [BAD_CHECK_DIGIT, X, "9144"]})
    assert batch.status_code == 422
    assert [(p["loc"], p["input"]) for p in batch.json()["detail"]] == [
        (["body", "fids", 0], BAD_CHECK_DIGIT), (["body", "fids", 2], "9144")]
    _assert_as_declared(openapi, "/api/v1/ratings", "post", batch)

    month = client.get("/api/v1/months/2026-13/changes", params={"from": "2026-6"})
    assert month.status_code == 422 and month.json()["detail"] == [
        {"loc": ["path", "month"], "msg": "expected YYYY-MM", "type": "value_error", "input": "2026-13"}]
    since = client.get("/api/v1/months/2026-07/changes", params={"from": "2026-6"})
    assert since.status_code == 422 and since.json()["detail"][0]["loc"] == ["query", "from"]


@pytest.mark.parametrize(("error", "status"), [
    (Conflict("month 2026-07 was withdrawn while being read; try again"), 409),
    (Neo4jServerError("Neo4j did not start within 60 s"), 503),
    (ConfigError("model.yaml, indicators[3].weight: must be positive"), 500),
    (RiskgraphError("something the caller cannot fix"), 500),
])
def test_handler_answers_with_the_status_of_the_error_class(neo4j_settings: Settings, error: RiskgraphError,
                                                            status: int) -> None:
    app = create_app(neo4j_settings)

    @app.get("/probe")
    def probe() -> None:
        raise error

    with TestClient(app) as c:
        answer = c.get("/probe")
    assert answer.status_code == status == type(error).http_status
    assert answer.json() == {"detail": str(error)}


def test_file_validation_failures_are_422_with_located_problems(neo4j_settings: Settings) -> None:
    app = create_app(neo4j_settings)
    problem = RowProblem("firms.csv", 4812, "uscc", "check digit wrong (expected 'X')", "91440305MA5DABCD7E")

    @app.get("/probe")
    def probe() -> None:
        raise ValidationFailed([problem])

    with TestClient(app) as c:
        answer = c.get("/probe")
    assert answer.status_code == 422
    assert answer.json()["detail"] == [{"loc": ["file", "firms.csv", 4812, "uscc"], "msg": problem.reason,
                                        "type": "value_error", "input": problem.value}]


# --- the OpenAPI declaration --------------------------------------------------------------

def test_every_route_taking_arguments_declares_422(openapi: dict[str, Any]) -> None:
    for path, method, op in _operations(openapi):
        takes_arguments = bool(op.get("parameters")) or "requestBody" in op
        declared = op["responses"].get("422")
        assert bool(declared) == takes_arguments, f"{method.upper()} {path}"
        if declared:
            assert declared["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/InvalidInputBody"}, f"{method.upper()} {path}"
    body = openapi["components"]["schemas"]["InputProblemBody"]
    assert set(body["required"]) == {"loc", "msg", "type"}  # as FastAPI's own ValidationError


def test_404_is_declared_exactly_where_an_unknown_key_gets_one(client: TestClient, openapi: dict[str, Any]) -> None:
    routes = list(_operations(openapi))
    assert len(routes) >= 10
    for path, method, op in routes:
        answer = _call(client, path, method, op, UNKNOWN, UNKNOWN_BODY)
        assert answer.status_code in (200, 404), f"{method.upper()} {path}: {answer.status_code} {answer.text}"
        declares = "404" in op["responses"]
        assert declares == (answer.status_code == 404), (
            f"{method.upper()} {path} answers {answer.status_code} for an unknown key but "
            f"{'declares' if declares else 'does not declare'} 404")
        if declares:
            _assert_as_declared(openapi, path, method, answer)
            assert op["responses"]["404"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"}


def test_malformed_arguments_get_the_declared_422(client: TestClient, openapi: dict[str, Any]) -> None:
    for path, method, op in _operations(openapi):
        if not op.get("parameters") and "requestBody" not in op:
            continue
        answer = _call(client, path, method, op, MALFORMED, MALFORMED_BODY)
        if answer.status_code == 200:  # only optional query parameters, all left out
            assert not any(p["required"] for p in op.get("parameters", [])) and "requestBody" not in op, path
            continue
        assert answer.status_code == 422, f"{method.upper()} {path}: {answer.status_code} {answer.text}"
        _assert_as_declared(openapi, path, method, answer)
