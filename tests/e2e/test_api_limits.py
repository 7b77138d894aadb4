"""The service under load and bad input, against the real app and the real Neo4j.

Each bound is set small in the test's own settings so that it is reached by a handful of
requests — never by timing: a body over the limit (413), a client over its rate (429), a
request past capacity while the test itself holds the only place (503), a query time limit no
query can meet (504). Also: security headers on every answer, codes and months taken in one
written form only, 404 for an unknown firm's history, and the OpenAPI declaring all of it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.api.limits import AdmissionGate
from riskgraph.api.schemas import MONTH
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.settings import Settings
from tests.conftest import FIXTURES
from tests.keys import client_as

FIRM = "91440305MA5DABCD1U"  # in tests/fixtures/minimal
UNKNOWN_FIRM = "91440305MA5DABCD7E"  # well formed, in no data set
UNLIMITED = {"api_rate_per_s": 0.0}


@pytest.fixture(scope="module")
def loaded(driver: Driver, neo4j_settings: Settings) -> Settings:
    from riskgraph.graph import db

    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, neo4j_settings)
    load_directory(FIXTURES / "minimal", driver, neo4j_settings)
    return neo4j_settings


@contextmanager
def client_with(settings: Settings, **limits: Any) -> Iterator[TestClient]:
    """An investigator's client (its API key on every request) of an app with ``limits``."""
    with client_as(create_app(settings.model_copy(update=limits)), settings) as c:
        yield c


@pytest.fixture(scope="module")
def client(loaded: Settings) -> Iterator[TestClient]:
    with client_with(loaded, **UNLIMITED) as c:
        yield c


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


# --- 413 ----------------------------------------------------------------------------------

def test_a_10_mb_body_is_refused_unread(client: TestClient) -> None:
    """Default limit 1 MiB; the body is not even JSON, so a 413 (not a 422) shows it was never parsed."""
    answer = client.post("/api/v1/ratings", content=b"x" * 10_000_000, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert "at most 1,048,576" in answer.json()["detail"] and "RISKGRAPH_API_MAX_BODY_BYTES" in answer.json()["detail"]


def test_a_streamed_body_is_counted_and_cut_off(loaded: Settings) -> None:
    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to trust
        yield b'{"fids": ['
        for _ in range(100):
            yield b'"91440305MA5DABCD1U", '
        yield b'"91440305MA5DABCD1U"]}'

    with client_with(loaded, api_max_body_bytes=1_000, **UNLIMITED) as c:
        streamed = c.post("/api/v1/ratings", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413 and "more than 1,000" in streamed.json()["detail"]
        small = c.post("/api/v1/ratings", json={"fids": [FIRM]})  # under the limit: read and answered
        assert small.status_code == 200 and small.json()["not_rated"] == [FIRM]


# --- 429 ----------------------------------------------------------------------------------

def test_a_client_past_its_rate_gets_429_with_retry_after(loaded: Settings) -> None:
    """A bucket of 2 refilled once in 1,000 s: the third request in a row is refused whatever the timing."""
    with client_with(loaded, api_rate_burst=2, api_rate_per_s=0.001) as c:
        assert [c.get("/health").status_code for _ in range(2)] == [200, 200]
        refused = c.get(f"/api/v1/firms/{FIRM}")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 1000
        assert "with API key" in refused.json()["detail"]  # the client's key is its bucket


def _bearer(key_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer rg_{key_id}_{'s' * 43}"}  # the form of riskgraph.auth.keys; never checked here


def test_a_key_is_one_bucket_from_any_address_and_two_keys_from_one_address_are_two(loaded: Settings) -> None:
    """Buckets of 2 refilled once in 1,000 s, counted by key id when the request carries a key, else by address.

    The page is public: these keys are never checked, so what answers 429 is the rate limit alone.
    """
    key_a, key_b = "0123456789abcdef", "fedcba9876543210"
    app = create_app(loaded.model_copy(update={"api_rate_burst": 2, "api_rate_per_s": 0.001}))
    with TestClient(app, client=("10.0.0.1", 40000)) as first:
        second = TestClient(app, client=("10.0.0.2", 40000))  # another address, the same app (and buckets)
        assert [first.get("/", headers=_bearer(key_a)).status_code for _ in range(2)] == [200, 200]
        refused = first.get("/", headers=_bearer(key_a))
        assert refused.status_code == 429 and f"with API key {key_a}" in refused.json()["detail"]
        # the same key from another address: the same bucket, empty
        assert second.get("/", headers=_bearer(key_a)).status_code == 429
        # another key from the first address: a bucket of its own
        assert [first.get("/", headers=_bearer(key_b)).status_code for _ in range(3)] == [200, 200, 429]
        # without a key each address has its own bucket, apart from the keys used from it
        assert [first.get("/").status_code for _ in range(3)] == [200, 200, 429]
        # a header not of the key's form (upper-case hex) counts against the address
        malformed = {"Authorization": f"Bearer rg_{key_a.upper()}_{'s' * 43}"}
        assert [second.get("/", headers=malformed).status_code, second.get("/").status_code] == [200, 200]
        refused = second.get("/", headers=malformed)
        assert refused.status_code == 429 and "from this client" in refused.json()["detail"]


# --- 503 ----------------------------------------------------------------------------------

def _hold(c: TestClient, gate: AdmissionGate) -> None:
    assert c.portal is not None
    assert c.portal.call(gate.enter)  # the test takes the place, in the app's own event loop


def _release(c: TestClient, gate: AdmissionGate) -> None:
    assert c.portal is not None
    c.portal.call(gate.leave)


def test_past_capacity_the_answer_is_503_at_once(loaded: Settings) -> None:
    with client_with(loaded, api_max_in_flight=1, api_queue=0, api_retry_after_s=3, **UNLIMITED) as c:
        gate: AdmissionGate = c.app.state.admission  # type: ignore[attr-defined]
        _hold(c, gate)
        try:
            refused = c.get(f"/api/v1/firms/{FIRM}")
        finally:
            _release(c, gate)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "3"
        assert "serving 1 requests with 0 waiting" in refused.json()["detail"]
        assert c.get(f"/api/v1/firms/{FIRM}").status_code == 200  # the place is free again


def test_a_request_waits_in_the_queue_and_the_next_is_refused(loaded: Settings) -> None:
    with client_with(loaded, api_max_in_flight=1, api_queue=1, **UNLIMITED) as c:
        gate: AdmissionGate = c.app.state.admission  # type: ignore[attr-defined]
        assert c.portal is not None
        _hold(c, gate)
        answers: list[int] = []
        waiting = threading.Thread(target=lambda: answers.append(c.get(f"/api/v1/firms/{FIRM}").status_code))
        waiting.start()
        try:
            while c.portal.call(lambda: gate.inside) < 2:  # until the request sits in the queue (no sleep)
                assert waiting.is_alive()
            assert c.get(f"/api/v1/firms/{FIRM}").status_code == 503  # place and queue taken
        finally:
            _release(c, gate)
            waiting.join(30)
        assert answers == [200]  # the queued request was served once the place was free


# --- 504 ----------------------------------------------------------------------------------

def test_a_read_past_its_time_limit_is_stopped_by_the_server_and_said_plainly(driver: Driver,
                                                                              loaded: Settings) -> None:
    """A read that cannot finish within the limit (a billion rows) is ended by the server: QueryTimeout."""
    from riskgraph.errors import QueryTimeout
    from riskgraph.graph import db

    def endless(tx: Any) -> int:
        return int(tx.run("UNWIND range(1, 1000000000) AS x RETURN count(x) AS n").single(strict=True)["n"])

    with db.session(driver, loaded) as sess, db.query_time_limit(0.05), pytest.raises(QueryTimeout) as err:
        db.execute_read(sess, endless, query_name="probe/endless")
    assert "probe/endless ran past its time limit of 0.05 s" in str(err.value)
    with db.session(driver, loaded) as sess, db.query_time_limit(10.0):  # an ordinary read is untouched
        assert db.execute_read(sess, lambda tx: tx.run("RETURN 1 AS n").single()["n"]) == 1


def test_a_query_timeout_is_answered_504_and_declared(loaded: Settings, openapi: dict[str, Any]) -> None:
    from riskgraph.errors import QueryTimeout

    app = create_app(loaded)

    @app.get("/probe")
    def probe() -> None:
        raise QueryTimeout("the query read/search_firms ran past its time limit of 0.001 s")

    with TestClient(app) as c:
        answer = c.get("/probe")
        assert answer.status_code == 504 and "ran past its time limit" in answer.json()["detail"]
        assert c.get("/health").json()["neo4j"] == "up"  # the service itself is fine
    assert "504" in openapi["paths"]["/api/v1/search"]["get"]["responses"]


# --- security headers ---------------------------------------------------------------------

def test_every_answer_carries_the_security_headers(loaded: Settings) -> None:
    with client_with(loaded, api_rate_burst=6, api_rate_per_s=0.001) as c:
        answers = [c.get("/"), c.get("/web/app.js"), c.get(f"/api/v1/firms/{FIRM}"),
                   c.get(f"/api/v1/firms/{UNKNOWN_FIRM}"), c.get("/api/v1/firms/nonsense"),
                   c.post("/api/v1/ratings", content=b"x" * 2_000_000),
                   c.get("/health")]
        assert [a.status_code for a in answers] == [200, 200, 200, 404, 422, 413, 429]
        for a in answers:
            assert a.headers["X-Frame-Options"] == "DENY"
            assert a.headers["X-Content-Type-Options"] == "nosniff"
            assert a.headers["Referrer-Policy"] == "no-referrer"
            policy = a.headers["Content-Security-Policy"]
            assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy.split("style-src-attr")[0]  # no inline script or <style>


def test_the_page_needs_nothing_the_policy_refuses(client: TestClient) -> None:
    """index.html: no inline script, event handler or style; everything it loads comes from the service."""
    page = client.get("/").text
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert re.search(r"\son[a-z]+\s*=", page) is None and "<style" not in page and "style=" not in page
    # what the browser fetches to show the page (scripts, style sheets, images), not the links a reader may follow
    loaded = re.findall(r'<(?!a\s)[a-z]+\s[^>]*\b(?:src|href)="([^"]+)"', page)
    assert loaded and all(url.startswith("/web/") for url in loaded), loaded


# --- one written form for codes and months ------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/firms/{}", "/api/v1/firms/{}/events", "/api/v1/firms/{}/rating",
                                  "/api/v1/firms/{}/ratings", "/api/v1/network/{}"])
def test_a_lower_case_code_is_refused_naming_the_written_form(client: TestClient, path: str) -> None:
    answer = client.get(path.format(FIRM.lower()))
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"][0] == "path" and f"write the code as {FIRM}" in problem["msg"]


def test_a_lower_case_code_in_a_batch_is_refused(client: TestClient) -> None:
    answer = client.post("/api/v1/ratings", json={"fids": [FIRM, FIRM.lower()]})
    assert answer.status_code == 422
    assert [(p["loc"], p["input"]) for p in answer.json()["detail"]] == [(["body", "fids", 1], FIRM.lower())]


@pytest.mark.parametrize(("method", "path", "params", "body", "loc"), [
    ("get", f"/api/v1/firms/{FIRM}/rating", {"month": "2026-06\n"}, None, ["query", "month"]),
    ("get", "/api/v1/months/2026-06%0A/classes", {}, None, ["path", "month"]),
    ("get", "/api/v1/months/2026-07/changes", {"from": "2026-06\n"}, None, ["query", "from"]),
    ("post", "/api/v1/ratings", {}, {"fids": [FIRM], "month": "2026-06\n"}, ["body", "month"]),
])
def test_a_month_with_a_trailing_newline_is_refused(client: TestClient, method: str, path: str,
                                                    params: dict[str, str], body: Any, loc: list[str]) -> None:
    answer = client.request(method, path, params=params, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == loc


def test_search_is_free_text_and_finds_a_code_in_any_case(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": FIRM.lower()}).json()[0]["fid"] == FIRM


# --- unknown firm -------------------------------------------------------------------------

def test_an_unknown_firm_has_no_history_404_a_known_unrated_one_an_empty_one(client: TestClient) -> None:
    unknown = client.get(f"/api/v1/firms/{UNKNOWN_FIRM}/ratings")
    assert unknown.status_code == 404 and unknown.json() == {"detail": f"no firm with code {UNKNOWN_FIRM}"}
    known = client.get(f"/api/v1/firms/{FIRM}/ratings")  # the minimal set is loaded, never scored
    assert known.status_code == 200 and known.json() == []
    assert client.get(f"/api/v1/firms/{UNKNOWN_FIRM}/rating").status_code == 404  # as on /rating


# --- the OpenAPI declaration --------------------------------------------------------------

def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_route_declares_the_refusals_it_can_get(openapi: dict[str, Any]) -> None:
    for path, method, op in _operations(openapi):
        where = f"{method.upper()} {path}"
        for status in ("429", "503"):
            assert status in op["responses"], where
            assert "Retry-After" in op["responses"][status]["headers"], where
        assert ("504" in op["responses"]) == path.startswith("/api/v1/"), where
        assert ("413" in op["responses"]) == ("requestBody" in op), where


def test_codes_and_months_declare_their_formats(openapi: dict[str, Any]) -> None:
    seen = set()
    for path, method, op in _operations(openapi):
        for param in op.get("parameters", []):
            if param["name"] in ("fid", "month", "from"):
                schema = param["schema"]
                pattern = schema.get("pattern") or next(s["pattern"] for s in schema["anyOf"] if "pattern" in s)
                seen.add((param["name"], pattern))
                assert pattern.startswith("^") and pattern.endswith("$"), f"{method.upper()} {path} {param['name']}"
    patterns = dict(seen)
    assert set(patterns) == {"fid", "month", "from"}
    assert patterns["month"] == patterns["from"] == MONTH.pattern
    assert "[0-9]{8}" in patterns["fid"]


def test_the_declared_refusal_bodies_are_what_is_sent(loaded: Settings, openapi: dict[str, Any]) -> None:
    declared = openapi["paths"]["/api/v1/ratings"]["post"]["responses"]["413"]["content"]["application/json"]
    assert declared["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    with client_with(loaded, api_max_body_bytes=10, **UNLIMITED) as c:
        body = c.post("/api/v1/ratings", content=json.dumps({"fids": [FIRM]})).json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str)
