"""The HTTP API under load: the service in processes of its own, driven from this one, with auth on.

A registry of ``--firms`` firms (generated with seed 1, kept under var/bench) is loaded into a
Neo4j instance of the benchmark's own (``bench_neo4j``, kept between runs: a later run skips the
load) and scored for one month with the benchmark's own secrets (scored again when the stored
ratings do not pass their HMAC under the code and key of this run). Then, for each server
configuration in turn (``--configs``), the service starts on a free port of 127.0.0.1 and this
process sends it requests — to 127.0.0.1 only, a bounded number per phase, every one with
``Authorization: Bearer <key>``:

1. rating lookup (``GET /api/v1/firms/{fid}/rating``, random firms) at a fixed rate of 50, 100
   and 200 requests/s (open loop: each request leaves at its scheduled time whether or not the
   ones before it have been answered; latency counts from that scheduled time);
2. a batch of 1,000 firms (``POST /api/v1/ratings``), one after the other;
3. a network of depth 2 (``GET /api/v1/network/{fid}?depth=2``), then a firm's owners (equity
   penetration, ``GET /api/v1/firms/{fid}/owners``), each one after the other;
4. the sustainable lookup rate (closed loop with as many requests in flight as the service admits
   at once: workers × ``api_max_in_flight``), then twice that rate open loop: the share answered
   200, 503 and 429, the p99 of the accepted requests and the p99 of the refused ones (a refusal
   must come at once).

Configurations: ``baseline`` is the service as it was served before issue 14's load work — one
process, uvicorn's pure-Python h11 parser and the asyncio loop (``python -m uvicorn … --http h11
--loop asyncio``); ``one`` is one process with httptools and uvloop; ``serve`` is ``riskgraph
serve`` as shipped (``api_workers`` processes, httptools, uvloop, a listening socket each). All
run the same code of this working tree, so the differences are the server's alone.

The key: ``--api-key`` (or RISKGRAPH_BENCH_API_KEY), made with ``riskgraph users add NAME --role
investigator`` in the users file the service reads (RISKGRAPH_USERS_PATH, default var/auth);
without one the benchmark makes its own user in var/bench/api-users.json with that same command.
The service runs with its default bounds except the rate limit, which is off: every request here
comes with one key standing for many clients. Its audit trail goes to var/bench/api-audit/.

The client is a small HTTP/1.1 client on raw asyncio streams (keep-alive, one request per
connection at a time, on uvloop): the machine has 2 cores, and what the client spends is taken
from the service; its CPU per request is reported with the service's and Neo4j's.

Figures are printed and saved to bench/results/api.json. Targets (issue 14): lookup p99 < 50 ms
at 200 requests/s; at twice the sustainable rate, accepted p99 < 200 ms and the rest 503/429 at once.

Run (others share the machine: take the heavy-job lock):
  flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/api.py [--firms 100000] [--seconds 10]
      [--api-key rg_…] [--configs baseline,one,serve]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import csv
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORK, bench_neo4j, free_port, generated, load_in_parts, save
from riskgraph.graph import db
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.schema import apply_schema
from riskgraph.jobs import scoring as service
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings, env_name

SEED = 1
MONTH = "2026-06"  # the generator's default as-of month (no deltas)
HOST = "127.0.0.1"
RATES = (50, 100, 200)
BATCH = 1_000
TIMEOUT_S = 60.0
IDLE_S = 4.0  # a keep-alive connection idle longer is dropped: uvicorn closes them after 5 s (timeout_keep_alive)
# The benchmark's own secrets (the service refuses the public defaults), put in this process's environment
# before any settings are read: the same for its Neo4j instance (made with that password), the load, the
# scoring and the service, so that the ratings pass their HMAC.
SECRETS = {"neo4j_password": "bench-api-neo4j-password", "person_salt": "bench-api-person-salt",
           "rating_key": "bench-api-rating-key", "audit_key": "bench-api-audit-key"}
USERS = WORK / "api-users.json"
AUDIT = WORK / "api-audit" / "audit.jsonl"


# --- the data ---------------------------------------------------------------------------------

@contextmanager
def loaded_neo4j(firms: int) -> Iterator[tuple[Settings, list[str], int]]:
    """Settings of the benchmark's Neo4j with the data set loaded and scored, its firm codes and the server's pid."""
    data = generated(firms, SEED)
    with (data / "firms.csv").open(encoding="utf-8", newline="") as f:
        fids = [row["firm_id"] for row in csv.DictReader(f)]
    with bench_neo4j(f"api-auth-{firms}", heap="2g", pagecache="2g", keep=True) as settings:
        driver = db.connect(settings)
        try:
            apply_schema(driver, settings)
            print(f"-- loading {firms:,} firms (parts already loaded are skipped)")
            load_in_parts(data, driver, settings)
            scored = any(m["month"] == MONTH for m in service.scored_months(driver, settings))
            sample = RatingReader(driver, settings).ratings(fids[:50], MONTH) if scored else {}
            if not sample or not all(r["intact"] for r in sample.values()):
                print(f"-- scoring {MONTH}" + (" again: the stored ratings fail their HMAC here" if scored else ""))
                hubs = data / "exempt_hubs.yaml"
                service.score_month(driver, settings, MONTH, load_model_config(),
                                    load_exempt_hubs(hubs if hubs.is_file() else None))
        finally:
            driver.close()
        pid = int((settings.neo4j_instance_dir / "run" / "neo4j.pid").read_text().split()[0])
        yield settings, fids, pid


def bench_key() -> str:
    """A fresh investigator key in the benchmark's own users file, made as a user would: ``riskgraph users add``."""
    USERS.unlink(missing_ok=True)
    env = {**os.environ, "RISKGRAPH_USERS_PATH": str(USERS), "RISKGRAPH_AUDIT_PATH": str(AUDIT)}
    made = subprocess.run([sys.executable, "-m", "riskgraph", "users", "add", "bench-api", "--role", "investigator",
                           "--days", "1"], env=env, capture_output=True, text=True)
    found = re.search(r"\brg_[0-9a-f]{16}_[A-Za-z0-9_-]+", made.stdout)
    if made.returncode != 0 or found is None:
        raise SystemExit(f"could not make an API key with riskgraph users add: {made.stderr.strip() or made.stdout}")
    return found.group(0)


# --- the service ----------------------------------------------------------------------------

CONFIGS: dict[str, tuple[str, list[str]]] = {
    "baseline": ("one process, h11, asyncio (as before)",
                 ["-m", "uvicorn", "riskgraph.api.app:create_app", "--factory", "--http", "h11", "--loop", "asyncio",
                  "--workers", "1"]),
    "one": ("one process, httptools, uvloop",
            ["-m", "uvicorn", "riskgraph.api.app:create_app", "--factory", "--http", "httptools", "--loop", "uvloop",
             "--workers", "1"]),
    "serve": ("riskgraph serve as shipped", ["-m", "riskgraph", "serve"]),
}


@contextmanager
def served(settings: Settings, config: str, key: str, own_users: bool) -> Iterator[tuple[str, int, list[int]]]:
    """The service in ``config`` on a free port: its base URL, its number of worker processes and their pids."""
    port = free_port()
    env = {**os.environ, "RISKGRAPH_NEO4J_URI": settings.neo4j_uri, "RISKGRAPH_API_RATE_PER_S": "0",
           "RISKGRAPH_AUDIT_PATH": str(AUDIT),
           **({"RISKGRAPH_USERS_PATH": str(USERS)} if own_users else {})}
    workers = Settings().api_workers if config == "serve" else 1  # this process reads the same environment
    proc = subprocess.Popen([sys.executable, *CONFIGS[config][1], "--host", HOST, "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, body = asyncio.run(_get_once(port, "/health"))
                if status == 200 and json.loads(body)["neo4j"] == "up":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the service ({config}) did not come up")
            time.sleep(0.2)
        yield base, workers, process_tree(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)


async def _get_once(port: int, path: str) -> tuple[int, bytes]:
    client = HttpClient(HOST, port, {}, max_connections=1)
    try:
        return await client.request("GET", path)
    finally:
        client.close()


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers, started after the parent: looked for until they are there)."""
    def children(p: int) -> list[int]:
        try:
            return [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            return []

    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children(p)
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes so far (those that have exited count nothing)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


# --- the client -----------------------------------------------------------------------------

# what can go wrong with one exchange: a refused or reset connection, a cut answer, a time-out, a malformed head
FAILURES = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError)


class HttpClient:
    """HTTP/1.1 over keep-alive connections, at most ``max_connections``, each carrying one request at a time.

    Idle connections are reused in turn (first in, first out), so requests spread over all the
    connections open — and so over the service's worker processes. One idle for longer than
    ``IDLE_S`` is dropped before the service closes it; a reused one that fails before an answer
    (closed by the service meanwhile) is replaced and the request sent again once; any other
    failure counts the request with status 0.
    """

    def __init__(self, host: str, port: int, headers: dict[str, str], max_connections: int):
        self.host, self.port = host, port
        self._head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}", **headers}.items())
        self._idle: collections.deque[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = collections.deque()
        self._slots = asyncio.Semaphore(max_connections)
        self.opened = 0
        self.errors: Counter[str] = Counter()  # requests that failed (status 0), by exception
        self.stale = 0  # reused connections found closed by the service, the request sent again

    async def request(self, method: str, path: str, body: bytes = b"",
                      content_type: str = "application/json") -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\n{self._head}"
        if body:
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        message = f"{head}\r\n".encode() + body
        async with self._slots:
            reused = self._reuse()
            if reused is None:
                reader, writer = await asyncio.open_connection(self.host, self.port)
                self.opened += 1
            else:
                reader, writer = reused
            try:
                return await self._exchange(reader, writer, message)
            except FAILURES as exc:
                writer.close()
                if reused is not None and isinstance(exc, ConnectionError | asyncio.IncompleteReadError):
                    self.stale += 1
                    return await self._again(message)
                self.errors[type(exc).__name__] += 1
                return 0, b""

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        message: bytes) -> tuple[int, bytes]:
        """Send ``message`` and read the answer; the connection is kept for reuse when the service keeps it."""
        writer.write(message)
        async with asyncio.timeout(TIMEOUT_S):
            status, payload, keep = await _response(reader)
        if keep:
            self._idle.append((reader, writer, time.monotonic()))
        else:
            writer.close()
        return status, payload

    def _reuse(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        while self._idle:
            reader, writer, since = self._idle.popleft()
            if time.monotonic() - since < IDLE_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return None

    async def _again(self, message: bytes) -> tuple[int, bytes]:
        """``message`` once more, on a new connection (the slot is still held by the caller)."""
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self.opened += 1
            return await self._exchange(reader, writer, message)
        except FAILURES as exc:
            self.errors[type(exc).__name__] += 1
            return 0, b""

    def close(self) -> None:
        while self._idle:
            self._idle.popleft()[1].close()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection stays open (Content-Length or chunked bodies)."""
    head = (await reader.readuntil(b"\r\n\r\n")).lower()
    status = int(head[9:12])
    length = re.search(rb"\r\ncontent-length: *(\d+)", head)
    if length is not None:
        body = await reader.readexactly(int(length.group(1)))
    elif b"\r\ntransfer-encoding: chunked" in head:
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(parts)
    else:
        body = b""
    return status, body, b"\r\nconnection: close" not in head


Call = Callable[[HttpClient], Awaitable[tuple[int, bytes]]]


def percentiles(latencies_s: list[float]) -> dict[str, float | None]:
    if not latencies_s:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies_s)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(1000 * ordered[-1], 1)}


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine have used so far (/proc/stat), in core-seconds."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Phase:
    """CPU seconds of the service, Neo4j and this process over one phase, per request; and what else ran.

    ``others_cores`` is the CPU the rest of the machine used meanwhile (other people's jobs), in
    cores: a figure measured while it is well above 0 was disturbed and should be measured again.
    """

    def __init__(self, service_pids: list[int], neo4j_pid: int):
        self.service_pids, self.neo4j_pid = service_pids, neo4j_pid

    def __enter__(self) -> Phase:
        self._service, self._neo4j = cpu_seconds(self.service_pids), cpu_seconds([self.neo4j_pid])
        self._client = time.process_time()
        self._machine, self._wall = machine_busy_seconds(), time.monotonic()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.service = cpu_seconds(self.service_pids) - self._service
        self.neo4j = cpu_seconds([self.neo4j_pid]) - self._neo4j
        self.client = time.process_time() - self._client
        wall = max(1e-9, time.monotonic() - self._wall)
        self.others_cores = max(0.0, machine_busy_seconds() - self._machine - self.service - self.neo4j
                                - self.client) / wall

    def per_request(self, requests: int) -> dict[str, float]:
        n = max(1, requests)
        return {"service": round(1000 * self.service / n, 2), "neo4j": round(1000 * self.neo4j / n, 2),
                "client": round(1000 * self.client / n, 2)}


async def open_loop(client: HttpClient, call: Call, rate: float, seconds: float) -> tuple[list[tuple[int, float]],
                                                                                          float, list[float]]:
    """``rate × seconds`` requests, each sent at its scheduled time; latency from that time."""
    total = int(rate * seconds)
    results: list[tuple[int, float]] = []
    lags: list[float] = []  # how late this process sent each request: if large, the figures measure the client
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.1

    async def one(due: float) -> None:
        lags.append(time.perf_counter() - due)
        status, _ = await call(client)
        results.append((status, time.perf_counter() - due))

    for i in range(total):
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one(due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    return results, time.perf_counter() - start, lags


async def closed_loop(client: HttpClient, call: Call, in_flight: int, seconds: float) -> tuple[list[tuple[int, float]],
                                                                                               float]:
    """``in_flight`` requests at once for ``seconds``: each sent as soon as the one before it is answered."""
    results: list[tuple[int, float]] = []
    start = time.perf_counter()
    stop = start + seconds

    async def worker() -> None:
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            status, _ = await call(client)
            results.append((status, time.perf_counter() - sent))

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return results, time.perf_counter() - start


def summary(results: list[tuple[int, float]], elapsed_s: float, phase: Phase, offered: float | None = None,
            lags: list[float] | None = None) -> dict[str, Any]:
    statuses = Counter(status for status, _ in results)
    ok = [t for status, t in results if status == 200]
    refused = [t for status, t in results if status in (429, 503)]
    out: dict[str, Any] = {"requests": len(results), "seconds": round(elapsed_s, 2),
                           "throughput_per_s": round(len(ok) / elapsed_s, 1),
                           "statuses": {str(k): v for k, v in sorted(statuses.items())},
                           **percentiles(ok), "cpu_ms_per_request": phase.per_request(len(results)),
                           "others_cores": round(phase.others_cores, 2)}
    if offered is not None:
        out["offered_per_s"] = round(offered, 1)
    if lags is not None:
        out["client_send_lag_p99_ms"] = percentiles(lags)["p99_ms"]
    if refused:
        out["refused_share"] = round(len(refused) / len(results), 3)
        out["share_503"] = round(statuses[503] / len(results), 3)
        out["share_429"] = round(statuses[429] / len(results), 3)
        out["refused"] = percentiles(refused)
    return out


def show(name: str, figures: dict[str, Any]) -> None:
    keys = ("offered_per_s", "throughput_per_s", "p50_ms", "p95_ms", "p99_ms", "statuses", "client_send_lag_p99_ms",
            "cpu_ms_per_request", "others_cores")
    print(f"   {name:<30} " + "  ".join(f"{k}={figures[k]}" for k in keys if k in figures), flush=True)


async def run(base: str, key: str, fids: list[str], seconds: float, in_flight: int, service_pids: list[int],
              neo4j_pid: int, warm_s: float) -> dict[str, Any]:
    rng = random.Random(SEED)
    host, port = base.removeprefix("http://").split(":")
    client = HttpClient(host, int(port), {"Authorization": f"Bearer {key}"}, max_connections=1000)

    async def lookup(c: HttpClient) -> tuple[int, bytes]:
        return await c.request("GET", f"/api/v1/firms/{rng.choice(fids)}/rating")

    async def batch(c: HttpClient) -> tuple[int, bytes]:
        body = json.dumps({"fids": rng.sample(fids, BATCH), "month": MONTH}).encode()
        return await c.request("POST", "/api/v1/ratings", body)

    async def network(c: HttpClient) -> tuple[int, bytes]:
        return await c.request("GET", f"/api/v1/network/{rng.choice(fids)}?depth=2")

    async def owners(c: HttpClient) -> tuple[int, bytes]:
        return await c.request("GET", f"/api/v1/firms/{rng.choice(fids)}/owners")

    def phase() -> Phase:
        return Phase(service_pids, neo4j_pid)

    status, body = await lookup(client)
    if status != 200:
        raise SystemExit(f"a lookup with the key was answered {status}: {body[:300]!r}")
    # warm every worker (argon2 once per process and key, the driver's pool) and Neo4j's JIT
    await closed_loop(client, lookup, in_flight, warm_s)
    figures: dict[str, Any] = {"lookup": {}}
    print("-- rating lookup, open loop")
    for rate in RATES:
        with phase() as p:
            results, elapsed, lags = await open_loop(client, lookup, rate, seconds)
        figures["lookup"][str(rate)] = found = summary(results, elapsed, p, rate, lags)
        show(f"lookup at {rate}/s", found)
    print("-- one after the other")
    with phase() as p:
        results, elapsed = await closed_loop(client, batch, 1, seconds)
    figures["batch_1000"] = found = summary(results, elapsed, p)
    show(f"batch of {BATCH:,}", found)
    with phase() as p:
        results, elapsed = await closed_loop(client, network, 1, seconds)
    figures["network_depth_2"] = found = summary(results, elapsed, p)
    show("network depth 2", found)
    with phase() as p:
        results, elapsed = await closed_loop(client, owners, 1, seconds)
    figures["owners"] = found = summary(results, elapsed, p)
    show("owners (equity penetration)", found)
    print("-- overload")
    with phase() as p:
        results, elapsed = await closed_loop(client, lookup, in_flight, seconds)
    figures["sustainable"] = found = {**summary(results, elapsed, p), "in_flight": in_flight}
    show(f"lookup, {in_flight} in flight", found)
    twice = 2 * found["throughput_per_s"]
    with phase() as p:
        results, elapsed, lags = await open_loop(client, lookup, twice, seconds)
    figures["twice_sustainable"] = found = summary(results, elapsed, p, twice, lags)
    show(f"lookup at {twice:.0f}/s (2x)", found)
    print(f"   refused {found.get('refused_share', 0):.1%} (503 {found.get('share_503', 0):.1%}, "
          f"429 {found.get('share_429', 0):.1%}); accepted p99 {found['p99_ms']} ms, "
          f"refused p99 {found.get('refused', {}).get('p99_ms')} ms; {client.opened} connections opened", flush=True)
    if client.errors:
        print(f"   requests that failed (status 0), by error: {dict(client.errors)}")
    figures["client"] = {"connections_opened": client.opened, "stale_connections_replaced": client.stale,
                         "failed_by_error": dict(client.errors)}
    client.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--warm-seconds", type=float, default=10.0, help="closed-loop lookups before the phases")
    parser.add_argument("--configs", default="baseline,one,serve",
                        help=f"server configurations in the order run, of: {', '.join(CONFIGS)}")
    parser.add_argument("--api-key", default=os.environ.get("RISKGRAPH_BENCH_API_KEY"),
                        help="an investigator's key (riskgraph users add NAME --role investigator) in the users file "
                             "the service reads; default RISKGRAPH_BENCH_API_KEY, else a key of the benchmark's own")
    args = parser.parse_args()
    os.environ.update({env_name(name): value for name, value in SECRETS.items()})
    os.environ["RISKGRAPH_AUDIT_PATH"] = str(AUDIT)  # its scoring run is recorded in its own trail, not the checkout's
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if unknown := [c for c in configs if c not in CONFIGS]:
        parser.error(f"unknown configuration(s) {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")
    defaults = Settings()
    key = args.api_key or bench_key()
    AUDIT.parent.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    async_run = _event_loop_runner()
    with loaded_neo4j(args.firms) as (settings, fids, neo4j_pid):
        for config in configs:
            with served(settings, config, key, own_users=not args.api_key) as (base, workers, pids):
                print(f"== {config}: {CONFIGS[config][0]}, {workers} worker process(es)", flush=True)
                in_flight = workers * defaults.api_max_in_flight
                figures = async_run(run(base, key, fids, args.seconds, in_flight, pids, neo4j_pid,
                                        args.warm_seconds))
            out[config] = {"server": CONFIGS[config][0], "workers": workers, **figures}
    figures = {"firms": args.firms, "month": MONTH, "phase_seconds": args.seconds,
               "auth": "on: every request with an investigator's API key"
                       + (" (--api-key)" if args.api_key else " (made by the benchmark with riskgraph users add)"),
               "service_bounds": {"max_in_flight_per_worker": defaults.api_max_in_flight,
                                  "queue_per_worker": defaults.api_queue,
                                  "rate_limit": "off (one key standing for many clients)"},
               "targets": {"lookup_p99_ms_at_200": 50, "accepted_p99_ms_at_twice_sustainable": 200},
               "configs": out}
    print(f"saved {save('api', figures)}")


def _event_loop_runner() -> Callable[[Any], Any]:
    """uvloop's runner when it is installed (it comes with uvicorn[standard]): a cheaper client loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run  # type: ignore[no-any-return]


if __name__ == "__main__":
    main()
