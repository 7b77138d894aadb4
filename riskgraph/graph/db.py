"""Driver, named Cypher queries and batched writes: the only door to Neo4j.

Queries are loaded from ``riskgraph/cypher/<name>.cypher`` by name; values always travel
as parameters, never spliced into the text.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import TransientError

from riskgraph.settings import Settings, get_settings

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"


@cache
def cypher(name: str) -> str:
    """Text of ``cypher/<name>.cypher`` (e.g. ``ingest/merge_firms``)."""
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.is_file():
        raise FileNotFoundError(f"no Cypher query named {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def cypher_statements(name: str) -> list[str]:
    """The ``;``-separated statements of a multi-statement file, comments dropped."""
    lines = [ln for ln in cypher(name).splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def connect(settings: Settings | None = None) -> Driver:
    s = settings or get_settings()
    return GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value()))


@contextmanager
def session(driver: Driver, settings: Settings | None = None, **kwargs: Any) -> Iterator[Session]:
    s = settings or get_settings()
    with driver.session(database=s.neo4j_database, **kwargs) as sess:
        yield sess


def chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class _ExpectedDeadlocks(logging.Filter):
    """Drops the driver's retry warning for deadlocks that :func:`write_concurrently` expects and handles."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "DeadlockDetected" not in record.getMessage()


@contextmanager
def _expected_deadlocks_unlogged() -> Iterator[None]:
    retry_log = logging.getLogger("neo4j.session")
    quiet = _ExpectedDeadlocks()
    retry_log.addFilter(quiet)
    try:
        yield
    finally:
        retry_log.removeFilter(quiet)


def write_concurrently(
    driver: Driver,
    settings: Settings,
    work: Callable[[ManagedTransaction, Sequence[Any]], None],
    rows: Sequence[Any],
    batch_size: int,
    writers: int,
    on_batch: Callable[[int], None] | None = None,
    **session_kwargs: Any,
) -> int:
    """Run ``work`` over ``rows`` in batches, one write transaction each, ``writers`` at once.

    The server, not the client, bounds a load; a second transaction in flight keeps its
    other core busy. Batches must not depend on each other (distinct keys). When two of
    them deadlock (both lock nodes the other needs: hubs, dense nodes) the driver retries
    the loser, and the rest of the rows go one batch at a time, because on such data the
    retries cost more than the second lane gains. Returns the deadlocks seen.
    """
    batches = list(chunks(rows, batch_size))
    deadlocks = threading.Event()
    seen = [0]

    def guarded(tx: ManagedTransaction, batch: Sequence[Any]) -> None:
        try:
            work(tx, batch)
        except TransientError as exc:
            if exc.code and exc.code.endswith("DeadlockDetected"):
                seen[0] += 1
                deadlocks.set()
            raise

    def done(n: int) -> None:
        if on_batch:
            on_batch(n)

    pending = iter(batches)
    with _expected_deadlocks_unlogged():
        if writers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="neo4j-writer") as pool:
                local = threading.local()
                opened: list[Session] = []

                def run(batch: Sequence[Any]) -> int:
                    if not hasattr(local, "session"):
                        local.session = driver.session(database=settings.neo4j_database, **session_kwargs)
                        opened.append(local.session)
                    local.session.execute_write(guarded, batch)
                    return len(batch)

                try:
                    in_flight = {pool.submit(run, b) for b in islice(pending, writers)}
                    while in_flight:
                        finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                        for future in finished:
                            done(future.result())
                            if not deadlocks.is_set():
                                in_flight |= {pool.submit(run, b) for b in islice(pending, 1)}
                finally:
                    for sess in opened:
                        sess.close()
        with session(driver, settings, **session_kwargs) as sess:
            for batch in pending:
                sess.execute_write(guarded, batch)
                done(len(batch))
    return seen[0]


def write_batches(
    sess: Session,
    query_name: str,
    rows: Sequence[dict[str, Any]],
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
    **params: Any,
) -> None:
    """Run a named ``UNWIND $rows …`` query over ``rows`` in batches, one transaction each.

    Each batch is idempotent by construction of the queries (MERGE on keys), so a
    load that dies midway is completed by running it again.
    """
    text = cypher(query_name)

    def work(tx: ManagedTransaction, batch: Sequence[dict[str, Any]]) -> None:
        tx.run(text, {**params, "rows": list(batch)}).consume()

    for batch in chunks(rows, batch_size):
        sess.execute_write(work, batch)
        if on_batch:
            on_batch(len(batch))


def read_all(sess: Session, query_name: str, **params: Any) -> list[dict[str, Any]]:
    return sess.execute_read(lambda tx: [r.data() for r in tx.run(cypher(query_name), params)])


def read_single(sess: Session, query_name: str, **params: Any) -> dict[str, Any] | None:
    def work(tx: ManagedTransaction) -> dict[str, Any] | None:
        rec = tx.run(cypher(query_name), params).single()
        return rec.data() if rec else None

    return sess.execute_read(work)


def iter_values(records: Iterable[Any], key: str) -> list[Any]:
    return [r[key] for r in records]
