"""What an inspection plan reads from Neo4j: the firms' attributes, one run's classes, a plan's results.

Columns come back as plain lists (``collect()`` in one record, NEO4J.md); the jobs layer joins
them in the pure core (``riskgraph.inspection``). Whether a month's ratings may be counted on is
checked before :func:`run_classes` is called (``riskgraph.jobs.scoring.require_verified``), as
for every other aggregate of a month; this module only reads.
"""

from __future__ import annotations

from typing import Any

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.settings import Settings


def firm_columns(driver: Driver, settings: Settings) -> dict[str, list[Any]]:
    """fid, name, status, region, industry, key_area of every firm (blank text where unknown)."""
    return db.read_columns(driver, settings, "read/plan_firms")


def run_classes(driver: Driver, settings: Settings, run_id: str) -> dict[str, list[Any]]:
    """fid and class of every rating of scoring run ``run_id``."""
    return db.read_columns(driver, settings, "read/plan_run_classes", run_id=run_id)


def plan_results(driver: Driver, settings: Settings, plan_id: str) -> list[dict[str, Any]]:
    """The inspection events filed against ``plan_id``, oldest first: fid, result, date, eid."""
    with db.session(driver, settings) as sess:
        return db.read_all(sess, "read/plan_results", plan_id=plan_id)

