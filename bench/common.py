"""Shared pieces of the benchmarks: a throw-away Neo4j instance, generated data, result files."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from riskgraph.graph.server import Neo4jServer
from riskgraph.settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "bench" / "results"
WORK = PROJECT_ROOT / "var" / "bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_neo4j(name: str, heap: str = "4g", pagecache: str = "4g") -> Iterator[Settings]:
    """A Neo4j instance with an empty database, removed afterwards."""
    instance = WORK / f"neo4j-{name}"
    shutil.rmtree(instance, ignore_errors=True)
    port = free_port()
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{port}", neo4j_bolt_port=port, neo4j_instance_dir=instance,
                        neo4j_heap=heap, neo4j_pagecache=pagecache)
    server = Neo4jServer(settings)
    server.start()
    try:
        yield settings
    finally:
        server.stop()
        shutil.rmtree(instance, ignore_errors=True)


def generated(firms: int, seed: int, months: int = 0) -> Path:
    """A generated data set (made once, then reused)."""
    out = WORK / f"data-{firms}-s{seed}-m{months}"
    if not (out / "firms.csv").is_file():
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, "-m", "riskgraph", "generate", "--firms", str(firms), "--seed", str(seed),
               "--months", str(months), "--out", str(out)]
        subprocess.run(cmd, check=True)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def save(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **figures}, indent=2, ensure_ascii=False) + "\n")
    return path
