"""``riskgraph serve`` in its own process against a test Neo4j, for tests that speak real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from riskgraph.settings import Settings


@contextmanager
def running_service(settings: Settings) -> Iterator[str]:
    """Start the service on a free port, wait until it reports Neo4j up, yield its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "RISKGRAPH_NEO4J_URI": settings.neo4j_uri,
           "RISKGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
           "RISKGRAPH_PERSON_SALT": settings.person_salt.get_secret_value()}
    proc = subprocess.Popen([sys.executable, "-m", "riskgraph", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).json()["neo4j"] == "up":
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "the service exited"
            assert time.monotonic() < deadline, "the service did not come up"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
