"""Constraints and indexes, created by one idempotent command (``riskgraph schema``).

What they are derives from the declarations in riskgraph/model.py (graph/statements.py).
"""

from __future__ import annotations

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.graph.statements import schema_statements
from riskgraph.settings import Settings


def apply_schema(driver: Driver, settings: Settings) -> list[str]:
    """Create every constraint and index that does not exist yet; wait until all are online.

    Returns the names of constraints and indexes present afterwards.
    """
    with db.session(driver, settings) as sess:
        for statement in schema_statements():
            sess.run(statement).consume()
        sess.run(db.cypher("schema/await_indexes")).consume()
        return sorted(r["name"] for r in sess.run(db.cypher("schema/list")))
