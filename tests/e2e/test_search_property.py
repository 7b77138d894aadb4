"""Search answers any text: operator words, unbalanced quotes, wildcards, backslashes — never a 5xx.

Hypothesis sends arbitrary text (and text built from Lucene's operator vocabulary) to the real
app over the real Neo4j's full-text index; every answer is 200, or 422 exactly where the route
declares the text invalid (empty, or longer than 100 characters).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from neo4j import Driver

from riskgraph.api.app import create_app
from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.settings import Settings
from tests.conftest import FIXTURES
from tests.keys import client_as

FOOD_FIRM = "91440305MA5DABCD32"  # 深圳市…食品… in tests/fixtures/minimal
MAX_QUERY = 100  # the route's declared max_length of q

# Lucene classic query syntax, piece by piece, mixed with CJK words and separators.
SYNTAX = ["AND", "OR", "NOT", "&&", "||", "&", "|", "!", "+", "-", "(", ")", "{", "}", "[", "]", "^", '"', "~",
          "*", "?", ":", "\\", "/", " ", "\t", "\n", "\u3000", "TO", "食品", "公司", "a", "1", "~2", "^3", "*:*"]
SEARCH_TEXT = st.one_of(st.text(max_size=MAX_QUERY + 20), st.lists(st.sampled_from(SYNTAX), max_size=40).map("".join))


@pytest.fixture(scope="module")
def client(driver: Driver, neo4j_settings: Settings) -> Iterator[TestClient]:
    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, neo4j_settings)
    load_directory(FIXTURES / "minimal", driver, neo4j_settings)
    with client_as(create_app(neo4j_settings), neo4j_settings) as c:
        yield c


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=SEARCH_TEXT)
@example(q="AND")
@example(q="OR")
@example(q="NOT")
@example(q="公司 AND")
@example(q='"食品')
@example(q="食品*")
@example(q="\\")
@example(q="-")
@example(q="*")
@example(q="x" * (MAX_QUERY + 1))
def test_search_answers_any_text_without_a_server_error(client: TestClient, q: str) -> None:
    answer = client.get("/api/v1/search", params={"q": q})
    expected = 200 if 1 <= len(q) <= MAX_QUERY else 422
    assert answer.status_code == expected, (q, answer.status_code, answer.text)
    if expected == 200:
        assert isinstance(answer.json(), list)


@pytest.mark.parametrize("q", ["食品 AND", "AND 食品", "食品 OR", "NOT 食品", '"食品', "食品)", "食品\\", "食品 -"])
def test_operator_words_and_characters_are_plain_text(client: TestClient, q: str) -> None:
    """The name words still find the firm; the operator around them is neither an error nor an operator."""
    hits = client.get("/api/v1/search", params={"q": q})
    assert hits.status_code == 200
    assert [h["fid"] for h in hits.json()] == [FOOD_FIRM]


def test_a_code_is_found_in_either_case(client: TestClient) -> None:
    for q in (FOOD_FIRM, FOOD_FIRM.lower(), f" {FOOD_FIRM} "):
        hits = client.get("/api/v1/search", params={"q": q}).json()
        assert hits and hits[0]["fid"] == FOOD_FIRM, q
