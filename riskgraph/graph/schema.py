"""Constraints and indexes, created by one idempotent command (``riskgraph schema``).

What they are derives from the declarations in riskgraph/model.py (graph/statements.py).
"""

from __future__ import annotations

from neo4j import Driver, Session

from riskgraph.graph import db
from riskgraph.graph.statements import schema_statements
from riskgraph.reference.identifiers import person_ref
from riskgraph.settings import Settings

REF_BATCH = 10_000


def apply_schema(driver: Driver, settings: Settings) -> list[str]:
    """Create every constraint and index that does not exist yet; wait until all are online.

    Returns the names of constraints and indexes present afterwards.
    """
    with db.session(driver, settings) as sess:
        for statement in schema_statements():
            sess.run(statement).consume()
        sess.run(db.cypher("schema/await_indexes")).consume()
        backfill_person_refs(sess, settings.person_salt.get_secret_value())
        return sorted(r["name"] for r in sess.run(db.cypher("schema/list")))


def backfill_person_refs(sess: Session, salt: str) -> int:
    """Give persons stored before they had one the key they are shown by (``ref``); how many got one.

    Ingest sets ``ref`` on every person it writes; this brings a database loaded by an earlier
    version up to date, in batches, and costs one query when there is nothing to do.
    """
    done = 0
    while pids := (db.read_single(sess, "read/persons_without_ref", limit=REF_BATCH) or {}).get("pids"):
        db.write_batches(sess, "write/set_person_refs", [{"pid": p, "ref": person_ref(p, salt)} for p in pids],
                         REF_BATCH)
        done += len(pids)
    return done
