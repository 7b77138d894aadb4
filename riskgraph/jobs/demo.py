"""The demo as one job: start Neo4j, generate (or reuse) a data set, load it, score every month."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.server import Neo4jServer
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs.loading import load_recorded
from riskgraph.jobs.scoring import MonthRun, score_month
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings
from riskgraph.synth.generator import generate_dataset

Say = Callable[[str], None]


def run_demo(settings: Settings, data: Path, firms: int, months: int, seed: int, say: Say) -> list[MonthRun]:
    """Bring the demo up to date; returns the months scored.

    Re-running is cheap: a data set already in ``data`` is reused, files loaded before are
    skipped, and each month's scoring replaces that month's previous run.
    """
    server = Neo4jServer(settings)
    say("Neo4j: " + ("started" if server.start() else "already running") + f" — {server.status()}")
    if not (data / "firms.csv").is_file():
        say(f"generating {firms:,} firms (seed {seed}, {months} monthly deltas) into {data}")
        generate_dataset(firms, seed, data, months=months)
    model = load_model_config()
    hubs_file = data / "exempt_hubs.yaml"
    hubs = load_exempt_hubs(hubs_file if hubs_file.is_file() else None)
    runs: list[MonthRun] = []
    with db.connect(settings) as driver:
        apply_schema(driver, settings)
        for directory in [data, *delta_directories(data)]:
            summary = load_recorded(directory, driver, settings, show_progress=True, skip_if_loaded=True)
            say("\n".join(summary.lines()))
        for month in demo_months(data):
            say(f"scoring {month}")
            runs.append(score_month(driver, settings, month, model, hubs))
    return runs


def demo_months(data: Path) -> list[str]:
    """The base month (from the newest date in the base events) and each delta month."""
    months = [p.name for p in delta_directories(data)]
    base = _base_month(data)
    return ([base] if base else []) + months


def _base_month(data: Path) -> str | None:
    newest = ""
    events = data / "events.csv"
    if events.is_file():
        with open(events, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                newest = max(newest, row["date"])
    return newest[:7] or None
