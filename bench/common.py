"""Shared pieces of the benchmarks: a throw-away Neo4j instance, generated data, result files."""

from __future__ import annotations

import csv
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
def bench_neo4j(name: str, heap: str = "4g", pagecache: str = "4g", keep: bool = False) -> Iterator[Settings]:
    """A Neo4j instance under var/bench for one benchmark.

    By default it starts empty and is removed afterwards. With ``keep`` the instance and its
    database stay between runs — for loads that are long (a million firms): load with
    ``load_directory(..., skip_if_loaded=True)`` and measure as often as needed.
    """
    instance = WORK / f"neo4j-{name}"
    if not keep:
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
        if not keep:
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


def split_into_parts(directory: Path, rows_per_part: int) -> list[Path]:
    """The interchange files of ``directory`` cut into folders of at most ``rows_per_part`` rows each.

    Made once beside the data set (``<dir>-parts/NNN/``) and reused. Parts follow the load order
    of ``INTERCHANGE_FILES`` (firms and persons before what refers to them), so each part
    validates against the graph loaded so far.
    """
    from riskgraph.ingest.read import find_files

    root = directory.parent / f"{directory.name}-parts-{rows_per_part}"
    done = root / "complete"
    if not done.is_file():
        shutil.rmtree(root, ignore_errors=True)
        count = 0
        for _spec, path in find_files(directory):
            with path.open(encoding="utf-8", newline="") as src:
                reader = csv.reader(src)  # quoted fields may hold line breaks: split records, not lines
                header = next(reader)
                records = list(reader)
            for start in range(0, len(records), rows_per_part):
                part = root / f"{count:03d}"
                part.mkdir(parents=True)
                with (part / path.name).open("w", encoding="utf-8", newline="") as out:
                    writer = csv.writer(out)
                    writer.writerow(header)
                    writer.writerows(records[start:start + rows_per_part])
                count += 1
        done.write_text(f"{count}\n")
    return sorted(p for p in root.iterdir() if p.is_dir())


def load_in_parts(directory: Path, driver: Any, settings: Settings, rows_per_part: int = 500_000) -> dict[str, Any]:
    """Load a large data set with the project's ingest (``load_directory``), one part at a time.

    ``load_directory`` validates a whole directory in memory before writing (about 1.3 GB per
    million rows); a million-firm registry holds some twelve million rows, so it goes in parts.
    A part loaded completely before is skipped (``skip_if_loaded``).
    """
    from riskgraph.ingest.load import load_directory

    rows: dict[str, int] = {}
    seconds = 0.0
    skipped = 0
    for part in split_into_parts(directory, rows_per_part):
        summary = load_directory(part, driver, settings, skip_if_loaded=True)
        skipped += int(summary.skipped)
        seconds += summary.elapsed_s
        for kind, n in summary.rows.items():
            rows[kind] = rows.get(kind, 0) + n
        print(f"   loaded {part.name}: {', '.join(f'{k} {n:,}' for k, n in summary.rows.items()) or 'skipped'}")
    return {"rows": rows, "seconds": round(seconds, 1), "parts_skipped": skipped}


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
