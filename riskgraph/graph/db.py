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
from contextvars import ContextVar
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from neo4j import (
    READ_ACCESS,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationClassification,
    NotificationDisabledClassification,
    NotificationMinimumSeverity,
    NotificationSeverity,
    Query,
    Session,
    unit_of_work,
)
from neo4j.exceptions import Neo4jError, TransientError

from riskgraph.errors import QueryTimeout
from riskgraph.settings import Settings, get_settings

T = TypeVar("T")

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


# Server notifications. The server attaches them to query results and the driver logs each one,
# raw and long, to "neo4j.notifications" (WARNING ones reach the console through Python's last-resort
# handler): on a fresh database every batch of a load repeats "property key does not exist", and
# every projection read repeats the deprecation of id(). Those two classifications say nothing the
# user can act on (an empty database has no keys yet; id() is used deliberately), so the server is
# asked not to send them, nor anything below WARNING. The WARNING ones left (e.g. a pattern that can
# never match, a procedure's warning) point at a real problem: each reaches the user once, as one
# line on the "riskgraph.neo4j" logger.
NOTIFICATION_LOGGER = "riskgraph.neo4j"
QUIET_CLASSIFICATIONS = (NotificationClassification.UNRECOGNIZED, NotificationClassification.DEPRECATION)
NOTIFICATION_CONFIG: dict[str, Any] = {
    "notifications_min_severity": NotificationMinimumSeverity.WARNING,
    "notifications_disabled_classifications": [NotificationDisabledClassification(c.value)
                                               for c in QUIET_CLASSIFICATIONS],
    "warn_notification_severity": NotificationMinimumSeverity.OFF,  # never as Python warnings (python -X dev)
}
_QUERY_SNIPPET = 80
_REMEMBERED = 1000  # distinct warnings reported once each; beyond that, repeats are reported again


def _one_line(text: str, limit: int | None = None) -> str:
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


class _NotificationsInOneLine(logging.Filter):
    """On "neo4j.notifications": drops the driver's raw record, says what matters on one line instead.

    Notifications of a quiet classification or below WARNING (from a driver not made by
    :func:`connect`) go to DEBUG; the others to WARNING, once per distinct warning and query.
    """

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        log = logging.getLogger(NOTIFICATION_LOGGER)
        args = record.args if isinstance(record.args, tuple) else ()
        status = getattr(args[0], "notification", None) if args else None
        if status is None:  # not the record shape this filter knows: still one line, never raw screens
            log.log(record.levelno, "Neo4j: %s", _one_line(record.getMessage(), 200))
            return False
        query = _one_line(getattr(args[0], "query", None) or "", _QUERY_SNIPPET)
        description = _one_line(status.status_description or "").removeprefix("warn: ")
        if status.classification in QUIET_CLASSIFICATIONS or status.severity != NotificationSeverity.WARNING:
            log.debug("Neo4j %s: %s (query: %s)", status.gql_status, description, query)
            return False
        key = (status.gql_status, description, query)
        with self._lock:
            if key in self._seen:
                return False
            if len(self._seen) >= _REMEMBERED:
                self._seen.clear()
            self._seen.add(key)
        log.warning("Neo4j warning %s: %s (query: %s)", status.gql_status, description, query)
        return False


_notification_filter = _NotificationsInOneLine()


def _route_notifications() -> None:
    raw = logging.getLogger("neo4j.notifications")
    if _notification_filter not in raw.filters:
        raw.addFilter(_notification_filter)


def connect(settings: Settings | None = None, **config: Any) -> Driver:
    """A driver for the configured server; ``config`` adds or overrides driver options.

    The notification filter (see :data:`NOTIFICATION_CONFIG`) applies to every session of
    the driver: sessions need no notification options of their own.
    """
    s = settings or get_settings()
    _route_notifications()
    options = {**NOTIFICATION_CONFIG, **config}
    return GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value()), **options)


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


# --- time limits ----------------------------------------------------------------------------
# The service gives every query of a request a time limit (riskgraph.api.limits sets it around the
# request; the route's thread inherits the context). Reads through the functions below run in a
# transaction with that timeout, enforced by the server; one that runs out becomes QueryTimeout.
# Outside such a block (jobs: ingest, scoring) there is no limit beyond the server's own.
_time_limit: ContextVar[float | None] = ContextVar("riskgraph_query_time_limit", default=None)
_TIMED_OUT = frozenset({"Neo.ClientError.Transaction.TransactionTimedOut",
                        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"})
_MIN_TIMEOUT_S = 0.001  # the server counts milliseconds; less would be read as "no limit"


@contextmanager
def query_time_limit(seconds: float | None) -> Iterator[None]:
    """Every read transaction begun here (and in threads started from this context) within ``seconds``."""
    token = _time_limit.set(None if seconds is None else max(seconds, _MIN_TIMEOUT_S))
    try:
        yield
    finally:
        _time_limit.reset(token)


def execute_read(sess: Session, work: Callable[..., T], *args: Any, query_name: str = "") -> T:
    """``sess.execute_read(work, *args)`` within the current time limit; running out raises QueryTimeout."""
    limit = _time_limit.get()
    if limit is not None:
        work = unit_of_work(timeout=limit)(work)  # a new function carrying the timeout; ``work`` is unchanged
    try:
        return sess.execute_read(work, *args)
    except Neo4jError as exc:
        if exc.code not in _TIMED_OUT:
            raise
        what = f"the query {query_name}" if query_name else "a query"
        raise QueryTimeout(f"{what} ran past its time limit of {limit if limit is not None else '?'} s "
                           "(RISKGRAPH_API_QUERY_TIMEOUT_S); ask for less (a smaller depth, fewer firms) "
                           "or retry later") from exc


def read_at_once(driver: Driver, settings: Settings, query_name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of one named query run as an auto-commit read, within the request's time limit.

    The rating lookup (the service's most frequent request) is a single query: outside an explicit
    transaction it costs one round trip to Neo4j (RUN and PULL) instead of two (BEGIN, RUN and PULL,
    then COMMIT), and less work on both sides — bench/api.py measured about 0.5 ms of CPU less per
    lookup in the service and as much or more in Neo4j. What it gives up is the managed transaction's
    retry of a transient error, which a single-server read does not meet in practice; a caller may
    retry a lookup. The time limit of :func:`query_time_limit` goes with the query, and running out
    is :class:`~riskgraph.errors.QueryTimeout` as for :func:`execute_read`.
    """
    limit = _time_limit.get()
    try:
        with session(driver, settings, default_access_mode=READ_ACCESS) as sess:
            result = sess.run(Query(cypher(query_name), timeout=limit), params)
            keys = result.keys()
            # plain values only (texts and numbers): zipped as they come, without Record.data()'s conversion
            # of graph types, a third of the driver's time for a batch of 1,000
            return [dict(zip(keys, record, strict=True)) for record in result]
    except Neo4jError as exc:
        if exc.code not in _TIMED_OUT:
            raise
        raise QueryTimeout(f"the query {query_name} ran past its time limit of {limit} s "
                           "(RISKGRAPH_API_QUERY_TIMEOUT_S); ask for fewer firms or retry later") from exc


def read_columns(driver: Driver, settings: Settings, query_name: str, **params: Any) -> dict[str, list[Any]]:
    """The one record of a query that returns whole columns as lists (``collect(...) AS name``), as they come."""
    text = cypher(query_name)

    def work(tx: ManagedTransaction) -> dict[str, list[Any]]:
        return dict(tx.run(text, params).single(strict=True))

    with session(driver, settings) as sess:
        return execute_read(sess, work, query_name=query_name)


def read_all(sess: Session, query_name: str, **params: Any) -> list[dict[str, Any]]:
    return execute_read(sess, lambda tx: [r.data() for r in tx.run(cypher(query_name), params)],
                        query_name=query_name)


def read_single(sess: Session, query_name: str, **params: Any) -> dict[str, Any] | None:
    def work(tx: ManagedTransaction) -> dict[str, Any] | None:
        rec = tx.run(cypher(query_name), params).single()
        return rec.data() if rec else None

    return execute_read(sess, work, query_name=query_name)


def iter_values(records: Iterable[Any], key: str) -> list[Any]:
    return [r[key] for r in records]
