"""The hand-built scoring case ``tests/fixtures/scoring/related_risk``: its firms by name, loaded and scored.

Its README lists each firm and the outcome expected by reasoning.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.jobs import scoring as service
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings

CASE = Path(__file__).resolve().parent / "fixtures" / "scoring" / "related_risk"


@cache
def _firm_names() -> tuple[tuple[str, str], ...]:
    with open(CASE / "firms.csv", encoding="utf-8") as fh:
        return tuple((r["firm_id"], r["name"]) for r in csv.DictReader(fh))


def fid(name_part: str) -> str:
    """The code of the case's firm whose name contains ``name_part``."""
    return next(f for f, name in _firm_names() if name_part in name)


def load_and_score(driver: Driver, settings: Settings, months: tuple[str, ...] = ("2026-06", "2026-07")) -> None:
    """Empty the database, load the case and score ``months`` with its exempt-hub list."""
    with db.session(driver, settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, settings)
    load_directory(CASE, driver, settings)
    hubs = load_exempt_hubs(CASE / "exempt_hubs.yaml")
    for month in months:
        service.score_month(driver, settings, month, load_model_config(), hubs)
