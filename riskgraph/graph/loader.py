"""Writing prepared ingest rows to Neo4j in batches, and the bookkeeping of ingest runs."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from neo4j import Driver, ManagedTransaction

from riskgraph.graph import db
from riskgraph.graph.statements import relationship_statements
from riskgraph.model import NodeLabel, RelationshipType
from riskgraph.settings import Settings

# Prepared relationship rows come ordered by their start node, so rows sharing a start node
# fall into the same batch. Batches may run side by side only when no end node is shared
# widely either: a virtual office at the end of hundreds of REGISTERED_AT rows makes
# concurrent batches deadlock on it, and the retries cost more than a second writer gains.
SIDE_BY_SIDE_MAX_SHARED = 50


class GraphLoader:
    def __init__(self, driver: Driver, settings: Settings):
        self.driver = driver
        self.settings = settings

    def write(self, query_name: str, rows: Sequence[dict[str, Any]],
              on_batch: Callable[[int], None] | None = None, **params: Any) -> None:
        """Run ``query_name`` over ``rows`` in batches; ``params`` go to every batch as they are."""
        text = db.cypher(query_name)

        def work(tx: ManagedTransaction, batch: Sequence[dict[str, Any]]) -> None:
            tx.run(text, rows=list(batch), **params).consume()

        db.write_concurrently(self.driver, self.settings, work, rows, self.settings.ingest_batch_size,
                              self.settings.ingest_writers, on_batch)

    def write_relationships(self, rel: RelationshipType, start: NodeLabel, rows: Sequence[dict[str, Any]],
                            on_batch: Callable[[int], None] | None = None) -> None:
        """Create the ``rel`` relationships whose ``rid`` is not stored yet and update the others.

        ``rows`` are ``{a: start node key, b: end node key, rid, props}``, all starting at
        ``start`` nodes. Looking ``rid`` up in its index and then using CREATE is faster than
        MERGE, which must scan the relationships between both endpoints; rows must have
        unique rids, so batches of one load can run side by side. One load at a time: two
        concurrent loads of the same rows could both create them.
        """
        statements = relationship_statements(rel, start)
        exists, update, create = statements.exists, statements.update, statements.create

        def work(tx: ManagedTransaction, batch: Sequence[dict[str, Any]]) -> None:
            found = set(tx.run(exists, rids=[r["rid"] for r in batch]).single(strict=True)["found"])
            stored = [{"rid": r["rid"], "props": r["props"]} for r in batch if r["rid"] in found]
            new = [r for r in batch if r["rid"] not in found]
            if stored:
                tx.run(update, rows=stored).consume()
            if new:
                tx.run(create, rows=new).consume()

        writers = self.settings.ingest_writers if widest_end(rows, "b") <= SIDE_BY_SIDE_MAX_SHARED else 1
        db.write_concurrently(self.driver, self.settings, work, rows, self.settings.ingest_batch_size, writers,
                              on_batch)

    def existing(self, kind: str, keys: set[str]) -> set[str]:
        """Those of ``keys`` (fid or pid) already in the database."""
        query = "ingest/existing_firms" if kind == "firm" else "ingest/existing_persons"
        found: set[str] = set()
        ordered = sorted(keys)
        with db.session(self.driver, self.settings) as sess:
            for chunk in db.chunks(ordered, 50_000):
                rec = db.read_single(sess, query, ids=list(chunk))
                found.update(rec["found"] if rec else [])
        return found

    def start_run(self, run_id: str, digest: str, source: str) -> str | None:
        """Record a run; returns the status of an earlier run of the same files, if any."""
        with db.session(self.driver, self.settings) as sess:
            rec = sess.execute_write(lambda tx: tx.run(db.cypher("ingest/start_run"), run_id=run_id, digest=digest,
                                                       source=source, started=_now()).single())
            return rec["previous"] if rec else None

    def already_loaded(self, digest: str) -> bool:
        with db.session(self.driver, self.settings) as sess:
            return db.read_single(sess, "ingest/completed_run", digest=digest) is not None

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        with db.session(self.driver, self.settings) as sess:
            sess.execute_write(lambda tx: tx.run(db.cypher("ingest/finish_run"), run_id=run_id, finished=_now(),
                                                 counts=json.dumps(counts)).consume())

    def counts(self) -> dict[str, int]:
        with db.session(self.driver, self.settings) as sess:
            return db.read_single(sess, "read/counts") or {}


def widest_end(rows: Sequence[dict[str, Any]], end: str) -> int:
    """How many rows share the most widely shared node at ``end`` (``a`` or ``b``)."""
    return max(Counter(r[end] for r in rows).values(), default=0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
