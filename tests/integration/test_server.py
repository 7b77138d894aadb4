"""The self-managed Neo4j server: start, refuse a second start, answer Bolt with auth on."""

from __future__ import annotations

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from riskgraph.graph.server import Neo4jServer
from riskgraph.settings import Settings


def test_running_server_answers_with_auth_and_refuses_a_second_start(neo4j_server: Neo4jServer,
                                                                      neo4j_settings: Settings) -> None:
    status = neo4j_server.status()
    assert status.running and status.port == neo4j_settings.neo4j_bolt_port
    assert neo4j_server.start() is False  # already running: says so, does nothing
    assert neo4j_server.status().pid == status.pid
    with pytest.raises(AuthError), GraphDatabase.driver(neo4j_settings.neo4j_uri,
                                                        auth=("neo4j", "wrong-password")) as drv:
        drv.verify_connectivity()
