"""``riskgraph serve`` in its own process against a test Neo4j, for tests that speak real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from riskgraph.settings import Settings

STARTUP_S = 120  # generous: a busy machine starts a Python process slowly; a healthy one takes 2-3 s


@contextmanager
def running_service(settings: Settings) -> Iterator[str]:
    """Start the service on a free port, wait until it reports Neo4j up, yield its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "RISKGRAPH_NEO4J_URI": settings.neo4j_uri,
           "RISKGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
           "RISKGRAPH_PERSON_SALT": settings.person_salt.get_secret_value(),
           "RISKGRAPH_RATING_KEY": settings.rating_key.get_secret_value(),
           "RISKGRAPH_USERS_PATH": str(settings.users_path), "RISKGRAPH_AUDIT_PATH": str(settings.audit_path),
           "RISKGRAPH_AUDIT_KEY": settings.audit_key.get_secret_value()}
    # the service's own account, shown when it does not come up
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "riskgraph", "serve", "--port", str(port), "--workers", "1"],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_S
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=2).json()["neo4j"] == "up":
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, f"the service exited:\n{_tail(log)}"
                assert time.monotonic() < deadline, f"the service did not come up in {STARTUP_S} s:\n{_tail(log)}"
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            proc.wait(10)


def _tail(log: IO[bytes], size: int = 4000) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-size:]
