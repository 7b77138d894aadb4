"""Server notifications against the real Neo4j: noise never reaches the console, a real warning does, once."""

from __future__ import annotations

import logging

import pytest
from neo4j import Driver, GraphDatabase

from riskgraph.graph import db
from riskgraph.settings import Settings

UNKNOWN_KEY = "MATCH (n) WHERE n.riskgraph_no_such_key = 1 RETURN count(n) AS n"  # 01N52, UNRECOGNIZED
NEVER_MATCHES = "MATCH (a)-[r]->(b)-[r]->(c) RETURN count(a) AS n"  # 01N63, GENERIC: a bug in the query


def _statuses(driver: Driver, settings: Settings, query: str) -> list[str]:
    with db.session(driver, settings) as sess:
        summary = sess.run(query).consume()
    return [s.gql_status for s in summary.gql_status_objects if s.is_notification]


def test_the_query_does_raise_the_notification_on_a_plain_driver(neo4j_settings: Settings) -> None:
    """Without connect()'s configuration the server sends "property key does not exist"."""
    s = neo4j_settings
    with GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value())) as plain:
        assert "01N52" in _statuses(plain, s, UNKNOWN_KEY)


def test_unknown_property_key_prints_and_logs_nothing(driver: Driver, neo4j_settings: Settings,
                                                      caplog: pytest.LogCaptureFixture,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j.notifications")
    caplog.set_level(logging.DEBUG, logger=db.NOTIFICATION_LOGGER)
    for _ in range(3):  # as every batch of a load on a fresh database would
        assert _statuses(driver, neo4j_settings, UNKNOWN_KEY) == []  # the server was told not to send it
    out, err = capfd.readouterr()
    assert "notification" not in (out + err).lower() and "riskgraph_no_such_key" not in out + err
    assert [r for r in caplog.records if r.name == "neo4j.notifications"] == []
    assert [r for r in caplog.records if r.name == db.NOTIFICATION_LOGGER and r.levelno >= logging.INFO] == []


def test_a_real_warning_reaches_the_user_as_one_line_once(driver: Driver, neo4j_settings: Settings,
                                                          caplog: pytest.LogCaptureFixture,
                                                          capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j.notifications")
    for _ in range(3):
        assert _statuses(driver, neo4j_settings, NEVER_MATCHES) == ["01N63"]
    warned = [r for r in caplog.records if r.name == db.NOTIFICATION_LOGGER and r.levelno == logging.WARNING]
    assert len(warned) == 1
    line = warned[0].getMessage()
    assert "\n" not in line and "01N63" in line and "repeated" in line and "(a)-[r]->(b)-[r]->(c)" in line
    assert "GqlStatusObject" not in line and "diagnostic_record" not in line
    assert [r for r in caplog.records if r.name == "neo4j.notifications"] == []  # the raw record is gone
    out, err = capfd.readouterr()
    assert "Received notification" not in out + err
