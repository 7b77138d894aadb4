"""Writing a plan's inspection results into the graph: events of kind ``inspection`` carrying ``plan_id``.

They are the same ``(:Firm)-[:HAS_EVENT]->(:Event)`` records the scorer reads (kind, date,
result), so the next month's classes count them; ``plan_id`` (indexed) ties each to its plan
for ``riskgraph plan evaluate``. Rows are prepared and checked by ``riskgraph.jobs.plans``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.settings import Settings

BATCH = 5_000


def write_results(driver: Driver, settings: Settings, rows: Sequence[dict[str, Any]]) -> None:
    """``rows``: ``{eid, fid, props}``; idempotent (MERGE on the event id). The index on ``plan_id`` is the
    model's (riskgraph.model.EVENT), made by the schema like every other."""
    with db.session(driver, settings) as sess:
        db.write_batches(sess, "write/plan_results", list(rows), BATCH)
