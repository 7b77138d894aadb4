"""What an inspection plan reads from Neo4j: the firms' attributes, one run's classes, a plan's results.

Columns come back as plain lists (``collect()`` in one record, NEO4J.md); the jobs layer joins
them in the pure core (``riskgraph.inspection``). Whether a month's ratings may be counted on is
checked before :func:`run_classes` is called (``riskgraph.jobs.scoring.require_verified``), as
for every other aggregate of a month; this module only reads.
"""

from __future__ import annotations

from typing import Any

from neo4j import Driver, ManagedTransaction

from riskgraph.graph import db
from riskgraph.settings import Settings


def _columns(driver: Driver, settings: Settings, name: str, **params: Any) -> dict[str, list[Any]]:
    text = db.cypher(name)

    def work(tx: ManagedTransaction) -> dict[str, list[Any]]:
        return dict(tx.run(text, params).single(strict=True))  # dict(record): the lists as they come

    with db.session(driver, settings) as sess:
        return db.execute_read(sess, work, query_name=name)


def firm_columns(driver: Driver, settings: Settings) -> dict[str, list[Any]]:
    """fid, name, status, region, industry, key_area of every firm (blank text where unknown)."""
    return _columns(driver, settings, "read/plan_firms")


def run_classes(driver: Driver, settings: Settings, run_id: str) -> dict[str, list[Any]]:
    """fid and class of every rating of scoring run ``run_id``."""
    return _columns(driver, settings, "read/plan_run_classes", run_id=run_id)


def plan_results(driver: Driver, settings: Settings, plan_id: str) -> list[dict[str, Any]]:
    """The inspection events filed against ``plan_id``, oldest first: fid, result, date, eid."""
    with db.session(driver, settings) as sess:
        return db.read_all(sess, "read/plan_results", plan_id=plan_id)

