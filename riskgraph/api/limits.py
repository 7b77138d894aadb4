"""Bounds that keep the service answering under load and bad input: pure ASGI middleware.

Each bound answers at once, before any route or query runs, with a domain error's status and
body (:mod:`riskgraph.errors`, shaped by :func:`riskgraph.api.http_errors.error_response`):

- :class:`RateLimit` — a token bucket per API key or client address; an empty bucket is 429 with Retry-After.
- :class:`BodyLimit` — a body over ``api_max_body_bytes`` is 413: a declared Content-Length is
  refused unread, a streamed (chunked) body as soon as the bytes counted pass the limit.
- :class:`BoundedConcurrency` — at most ``api_max_in_flight`` requests inside, ``api_queue`` more
  waiting for a place; beyond both, 503 with Retry-After instead of an unbounded queue.
- :class:`QueryTimeLimit` — every Neo4j query run for the request gets ``api_query_timeout_s``
  (:func:`riskgraph.graph.db.query_time_limit`); one that runs out is answered 504.

Clients are told apart by their API key (its key id, read from the Authorization header) and,
without one, by their address. Each bound is kept per process: ``riskgraph serve`` with several
workers has one gate and one set of buckets in each (see ``api_workers`` in the settings).
This module holds no settings of its own: the numbers come from :class:`riskgraph.settings.Settings`.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from riskgraph.api.http_errors import error_response
from riskgraph.errors import Overloaded, PayloadTooLarge, RiskgraphError, TooManyRequests
from riskgraph.graph import db


async def _refuse(exc: RiskgraphError, scope: Scope, receive: Receive, send: Send) -> None:
    await error_response(exc)(scope, receive, send)


# --- rate ---------------------------------------------------------------------------------

class TokenBuckets:
    """One token bucket per client: ``burst`` tokens, refilled at ``rate_per_s``; a request takes one.

    At most ``max_clients`` buckets are remembered, the least recently used forgotten first (a
    forgotten client starts again with a full bucket). Used from the event loop only, so unlocked.
    """

    def __init__(self, rate_per_s: float, burst: int, max_clients: int,
                 clock: Callable[[], float] = time.monotonic):
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, at)

    def take(self, client: str) -> float:
        """Take a token for ``client``: 0.0 when granted, else the seconds until one is there."""
        now = self._clock()
        tokens, at = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate_per_s)
        granted = tokens >= 1.0
        self._buckets[client] = (tokens - 1.0 if granted else tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return 0.0 if granted else (1.0 - tokens) / self.rate_per_s


_HEX = frozenset(b"0123456789abcdef")
_KEY_ID = slice(3, 19)  # in ``rg_<key id>_<secret>`` (riskgraph.auth.keys): 16 lowercase hex digits


def key_id_of_request(scope: Scope) -> str | None:
    """The key id of ``Authorization: Bearer rg_<key id>_<secret>``, or None: the header's form only.

    Cheap on purpose (no hashing, no lookup): it runs before every request, refused or not. The
    secret is checked later, by the routes' authentication; a key id that names no valid key gets
    a bucket all the same, and its requests are refused 401 there.
    """
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, key = value.partition(b" ")
            key = key.strip()
            if (scheme.lower() == b"bearer" and key[:3] == b"rg_" and key[19:20] == b"_" and len(key) > 20
                    and _HEX.issuperset(key[_KEY_ID])):
                return key[_KEY_ID].decode("ascii")
            return None
    return None


def client_key(scope: Scope) -> str:
    """Whom a request counts against: its API key (by key id) when it carries one, else the client's address
    (uvicorn's ``--proxy-headers`` make it the real one). A key is one bucket from any address; two keys
    from one address are two."""
    key_id = key_id_of_request(scope)
    if key_id is not None:
        return f"key {key_id}"  # a space: no address is written so
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimit:
    def __init__(self, app: ASGIApp, buckets: TokenBuckets | None):
        self.app = app
        self.buckets = buckets  # None: no rate limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.buckets is not None:
            who = client_key(scope)
            wait_s = self.buckets.take(who)
            if wait_s > 0:
                retry = max(1, math.ceil(wait_s))
                source = f"with API key {who[4:]}" if who.startswith("key ") else "from this client"
                exc = TooManyRequests(f"more than {self.buckets.burst} requests in a burst or "
                                      f"{self.buckets.rate_per_s:g} a second {source}; retry in {retry} s",
                                      retry)
                await _refuse(exc, scope, receive, send)
                return
        await self.app(scope, receive, send)


# --- body size ----------------------------------------------------------------------------

class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self, size: str) -> PayloadTooLarge:
        return PayloadTooLarge(f"request body of {size} bytes; this service accepts at most {self.max_bytes:,} "
                               "(RISKGRAPH_API_MAX_BODY_BYTES); send less, e.g. split the batch")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(self._too_large(f"{int(declared):,}"), scope, receive, send)
            return
        if declared in (None, b"0") and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body
            return
        # Read the body here, counting, so that no route parses more than the limit; then replay it.
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await _refuse(self._too_large(f"more than {self.max_bytes:,}"), scope, receive, send)
                return
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body: Message | None = {"type": "http.request", "body": b"".join(parts), "more_body": False}

        async def replay() -> Message:
            nonlocal body
            if body is not None:
                message, body = body, None
                return message
            return await receive()

        await self.app(scope, replay, send)


# --- concurrency --------------------------------------------------------------------------

class AdmissionGate:
    """At most ``capacity`` requests inside at once and ``queue`` more waiting; the rest are refused at once.

    Used from the event loop only. :meth:`enter` says whether the caller was admitted (after
    waiting its turn, if it had to); an admitted caller must :meth:`leave`.
    """

    def __init__(self, capacity: int, queue: int):
        self.capacity = capacity
        self.queue = queue
        self.inside = 0  # admitted and waiting
        self._places = asyncio.Semaphore(capacity)

    async def enter(self) -> bool:
        if self.inside >= self.capacity + self.queue:
            return False
        self.inside += 1
        try:
            await self._places.acquire()
        except BaseException:
            self.inside -= 1
            raise
        return True

    def leave(self) -> None:
        self._places.release()
        self.inside -= 1


class BoundedConcurrency:
    def __init__(self, app: ASGIApp, gate: AdmissionGate, retry_after_s: int):
        self.app = app
        self.gate = gate
        self.retry_after_s = retry_after_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not await self.gate.enter():
            exc = Overloaded(f"the service is serving {self.gate.capacity} requests with {self.gate.queue} waiting; "
                             f"retry in {self.retry_after_s} s", self.retry_after_s)
            await _refuse(exc, scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.leave()


# --- query time -----------------------------------------------------------------------------

class QueryTimeLimit:
    """Every Neo4j query run for the request gets a time limit (the routes' threads inherit the context)."""

    def __init__(self, app: ASGIApp, timeout_s: float):
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with db.query_time_limit(self.timeout_s):
            await self.app(scope, receive, send)

