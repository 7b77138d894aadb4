"""The demo as a sequence of the ordinary verbs: start Neo4j, generate, load, score."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.server import Neo4jServer
from riskgraph.ingest.load import load_directory
from riskgraph.ingest.read import delta_directories
from riskgraph.settings import get_settings


def _riskgraph(*args: str) -> None:
    """Run another verb in a child process, exactly as a user would type it."""
    cmd = [sys.executable, "-m", "riskgraph", *args]
    typer.echo("$ riskgraph " + " ".join(args))
    subprocess.run(cmd, check=True)


def run(data: Path, firms: int, months: int, seed: int) -> list[str]:
    """Bring the demo up to date; returns the months scored."""
    settings = get_settings()
    server = Neo4jServer(settings)
    typer.echo("Neo4j: " + ("started" if server.start() else "already running") + f" — {server.status()}")
    if not (data / "firms.csv").is_file():
        _riskgraph("generate", "--firms", str(firms), "--seed", str(seed), "--months", str(months),
                   "--out", str(data))
    with db.connect(settings) as driver:
        apply_schema(driver, settings)
        for directory in [data, *delta_directories(data)]:
            summary = load_directory(directory, driver, settings, show_progress=True, skip_if_loaded=True)
            typer.echo("\n".join(summary.lines()))
    scored = demo_months(data)
    hubs = data / "exempt_hubs.yaml"
    for month in scored:
        _riskgraph("score", "--month", month, *(["--hubs", str(hubs)] if hubs.is_file() else []))
    return scored


def demo_months(data: Path) -> list[str]:
    """The base month (from the newest date in the base events) and each delta month."""
    months = [p.name for p in delta_directories(data)]
    base = _base_month(data)
    return ([base] if base else []) + months


def _base_month(data: Path) -> str | None:
    import csv

    newest = ""
    events = data / "events.csv"
    if events.is_file():
        with open(events, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                newest = max(newest, row["date"])
    return newest[:7] or None
