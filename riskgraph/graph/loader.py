"""Writing prepared ingest rows to Neo4j in batches, and the bookkeeping of ingest runs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.settings import Settings


class GraphLoader:
    def __init__(self, driver: Driver, settings: Settings):
        self.driver = driver
        self.settings = settings

    def write(self, query_name: str, rows: Sequence[dict[str, Any]],
              on_batch: Callable[[int], None] | None = None) -> None:
        if not rows:
            return
        with db.session(self.driver, self.settings) as sess:
            db.write_batches(sess, query_name, rows, self.settings.ingest_batch_size, on_batch)

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

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        with db.session(self.driver, self.settings) as sess:
            sess.execute_write(lambda tx: tx.run(db.cypher("ingest/finish_run"), run_id=run_id, finished=_now(),
                                                 counts=json.dumps(counts)).consume())

    def counts(self) -> dict[str, int]:
        with db.session(self.driver, self.settings) as sess:
            return db.read_single(sess, "read/counts") or {}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
