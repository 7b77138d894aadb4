"""Shared fixtures: one real Neo4j server per test session, on its own port and directory."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from neo4j import Driver

from riskgraph.errors import Neo4jServerError
from riskgraph.graph import db
from riskgraph.graph.server import Neo4jServer
from riskgraph.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _instance_settings(instance: Path, port: int) -> Settings:
    """Settings of a test Neo4j instance in ``instance`` on ``port``."""
    return Settings(
        neo4j_uri=f"bolt://127.0.0.1:{port}",
        neo4j_bolt_port=port,
        neo4j_instance_dir=instance,
        neo4j_password="test-password-1",  # type: ignore[arg-type]
        neo4j_heap="1g",
        neo4j_pagecache="512m",
        person_salt="test-salt",  # type: ignore[arg-type]
        rating_key="test-rating-key",  # type: ignore[arg-type]
        ingest_batch_size=500,
        audit_path=instance / "audit" / "audit.jsonl",
        audit_key="test-audit-key",  # type: ignore[arg-type]
        users_path=instance / "auth" / "users.json",
    )


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Settings]:
    """Settings of a dedicated Neo4j instance, started for the session and removed afterwards."""
    instance = Path(tempfile.mkdtemp(prefix="riskgraph-neo4j-"))
    settings = _instance_settings(instance, _free_port())
    server = Neo4jServer(settings)
    server.start()
    try:
        yield settings
    finally:
        server.stop()
        shutil.rmtree(instance, ignore_errors=True)


@contextmanager
def private_neo4j_server() -> Iterator[tuple[Neo4jServer, Settings]]:
    """A Neo4j server of its own (directory, port), started here and stopped and removed afterwards.

    For tests that kill, stop or restart a server: whatever they do, the session's shared
    server is not touched. Takes a Neo4j start, about 10 s.
    """
    instance = Path(tempfile.mkdtemp(prefix="riskgraph-neo4j-private-"))
    server = Neo4jServer(_instance_settings(instance, _free_port()))
    try:
        for attempt in range(3):
            try:
                server.start()
                break
            except Neo4jServerError as exc:  # the free port was taken meanwhile: try another
                if "is taken by another process" not in str(exc) or attempt == 2:
                    raise
                server = Neo4jServer(_instance_settings(instance, _free_port()))
        yield server, server.settings
    finally:
        try:
            server.stop()  # also a server whose start failed halfway
        finally:
            shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture()
def private_neo4j() -> Iterator[tuple[Neo4jServer, Settings]]:
    """A started Neo4j server of the test's own, with its settings (see :func:`private_neo4j_server`)."""
    with private_neo4j_server() as started:
        yield started


@pytest.fixture(scope="session")
def neo4j_server(neo4j_settings: Settings) -> Neo4jServer:
    return Neo4jServer(neo4j_settings)


@pytest.fixture(scope="session")
def driver(neo4j_settings: Settings) -> Iterator[Driver]:
    drv = db.connect(neo4j_settings)
    yield drv
    drv.close()


@pytest.fixture()
def clean_db(driver: Driver, neo4j_settings: Settings) -> Driver:
    """The session's database emptied of data (constraints and indexes stay)."""
    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    return driver
