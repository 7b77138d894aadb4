"""Two write lanes against the real server: a deadlock is retried, then the rest goes one lane."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import pytest
from neo4j import Driver, ManagedTransaction

from riskgraph.graph import db
from riskgraph.settings import Settings


def test_a_deadlock_is_retried_quietly_and_every_batch_lands(clean_db: Driver, neo4j_settings: Settings,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    with db.session(clean_db, neo4j_settings) as sess:
        sess.run("UNWIND ['a', 'b'] AS k CREATE (:Counter {k: k, n: 0})").consume()

    def work(tx: ManagedTransaction, batch: Sequence[Any]) -> None:
        first, second = batch[0]  # the two lanes take the same two locks in opposite orders
        tx.run("MATCH (c:Counter {k: $k}) SET c.n = c.n + 1", k=first).consume()
        time.sleep(0.5)
        tx.run("MATCH (c:Counter {k: $k}) SET c.n = c.n + 1", k=second).consume()

    rows = [("a", "b"), ("b", "a"), ("a", "b"), ("b", "a")]
    with caplog.at_level(logging.WARNING, logger="neo4j"):
        deadlocks = db.write_concurrently(clean_db, neo4j_settings, work, rows, batch_size=1, writers=2)
    with db.session(clean_db, neo4j_settings) as sess:
        counts = {r["k"]: r["n"] for r in sess.run("MATCH (c:Counter) RETURN c.k AS k, c.n AS n")}
    assert deadlocks >= 1
    assert counts == {"a": 4, "b": 4}  # each batch exactly once: the loser was rolled back, then retried
    assert not [r for r in caplog.records if "DeadlockDetected" in r.getMessage()]
