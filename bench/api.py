"""The HTTP API under load: ``riskgraph serve`` (uvicorn) in its own process, driven from this one.

A registry of ``--firms`` firms (generated with seed 1, kept under var/bench) is loaded into a
Neo4j instance of the benchmark's own (``bench_neo4j``, kept between runs: a later run skips the
load and the scoring) and scored for one month; then ``riskgraph serve`` starts on a free
port of 127.0.0.1 against it and this process sends it requests — to 127.0.0.1 only, a bounded
number per phase:

1. rating lookup (``GET /api/v1/firms/{fid}/rating``, random firms) at a fixed rate of 50, 100
   and 200 requests/s (open loop: each request leaves at its scheduled time whether or not the
   ones before it have been answered; latency counts from that scheduled time);
2. a batch of 1,000 firms (``POST /api/v1/ratings``), one after the other;
3. a network of depth 2 (``GET /api/v1/network/{fid}?depth=2``), one after the other;
4. the sustainable lookup rate (closed loop, ``--workers`` requests in flight at once), then
   twice that rate open loop: the share answered 200, 503 and 429, the p99 of the accepted
   requests and the p99 of the refused ones (a refusal must come at once).

The service runs with its default bounds except the per-client rate limit, which is off: every
request here comes from one address standing for many clients. Figures are printed and saved
to bench/results/api.json. Targets (issue 14): lookup p99 < 50 ms at 200 requests/s; at twice
the sustainable rate, accepted p99 < 200 ms and the rest 503/429 at once.

Run (others share the machine: take the heavy-job lock):
  flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/api.py [--firms 100000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_neo4j, free_port, generated, load_in_parts, save
from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.jobs import scoring as service
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings

SEED = 1
MONTH = "2026-06"  # the generator's default as-of month (no deltas)
HOST = "127.0.0.1"
RATES = (50, 100, 200)
BATCH = 1_000


@contextmanager
def loaded_neo4j(firms: int) -> Iterator[tuple[Settings, list[str]]]:
    data = generated(firms, SEED)
    with (data / "firms.csv").open(encoding="utf-8", newline="") as f:
        fids = [row["firm_id"] for row in csv.DictReader(f)]
    with bench_neo4j(f"api-{firms}", heap="2g", pagecache="2g", keep=True) as settings:
        driver = db.connect(settings)
        try:
            apply_schema(driver, settings)
            print(f"-- loading {firms:,} firms (parts already loaded are skipped)")
            load_in_parts(data, driver, settings)
            if not any(m["month"] == MONTH for m in service.scored_months(driver, settings)):
                print(f"-- scoring {MONTH}")
                service.score_month(driver, settings, MONTH, load_model_config(), load_exempt_hubs())
        finally:
            driver.close()
        yield settings, fids


@contextmanager
def served(settings: Settings, bounds: dict[str, str]) -> Iterator[str]:
    """``riskgraph serve`` on a free port of 127.0.0.1 with ``bounds`` (RISKGRAPH_API_* values), no rate limit."""
    port = free_port()
    env = {**os.environ, "RISKGRAPH_NEO4J_URI": settings.neo4j_uri,
           "RISKGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
           "RISKGRAPH_PERSON_SALT": settings.person_salt.get_secret_value(), "RISKGRAPH_API_RATE_PER_S": "0",
           **{f"RISKGRAPH_API_{name.upper()}": value for name, value in bounds.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "riskgraph", "serve", "--host", HOST, "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).json()["neo4j"] == "up":
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the service did not come up")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def percentiles(latencies_s: list[float]) -> dict[str, float | None]:
    if not latencies_s:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies_s)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(1000 * ordered[-1], 1)}


Call = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def open_loop(base: str, call: Call, rate: float, seconds: float) -> dict[str, Any]:
    """``rate × seconds`` requests, each sent at its scheduled time; latency from that time."""
    total = int(rate * seconds)
    results: list[tuple[int, float]] = []
    lags: list[float] = []  # how late this process sent each request: if large, the figures measure the client
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        start = time.perf_counter() + 0.1

        async def one(i: int) -> None:
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))  # the schedule of an open loop
            lags.append(time.perf_counter() - due)
            try:
                status = (await call(client)).status_code
            except httpx.TransportError:
                status = 0
            results.append((status, time.perf_counter() - due))

        await asyncio.gather(*(one(i) for i in range(total)))
        elapsed = time.perf_counter() - start
    return {**summary(results, elapsed, offered=rate), "client_send_lag_p99_ms": percentiles(lags)["p99_ms"]}


async def closed_loop(base: str, call: Call, workers: int, seconds: float) -> dict[str, Any]:
    """``workers`` requests in flight at once for ``seconds``: the throughput the service sustains."""
    results: list[tuple[int, float]] = []
    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 limits=httpx.Limits(max_connections=workers)) as client:
        start = time.perf_counter()
        stop = start + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                sent = time.perf_counter()
                status = (await call(client)).status_code
                results.append((status, time.perf_counter() - sent))

        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - start
    return summary(results, elapsed)


def summary(results: list[tuple[int, float]], elapsed_s: float, offered: float | None = None) -> dict[str, Any]:
    statuses = Counter(status for status, _ in results)
    ok = [t for status, t in results if status == 200]
    refused = [t for status, t in results if status in (429, 503)]
    out: dict[str, Any] = {"requests": len(results), "seconds": round(elapsed_s, 2),
                           "throughput_per_s": round(len(ok) / elapsed_s, 1),
                           "statuses": {str(k): v for k, v in sorted(statuses.items())},
                           **percentiles(ok)}
    if offered is not None:
        out["offered_per_s"] = offered
    if refused:
        out["refused_share"] = round(len(refused) / len(results), 3)
        out["share_503"] = round(statuses[503] / len(results), 3)
        out["share_429"] = round(statuses[429] / len(results), 3)
        out["refused"] = percentiles(refused)
    return out


def show(name: str, figures: dict[str, Any]) -> None:
    keys = ("offered_per_s", "throughput_per_s", "p50_ms", "p95_ms", "p99_ms", "statuses", "client_send_lag_p99_ms")
    print(f"   {name:<34} " + "  ".join(f"{k}={figures[k]}" for k in keys if k in figures))


async def run(base: str, fids: list[str], seconds: float, workers: int) -> dict[str, Any]:
    rng = random.Random(SEED)

    async def lookup(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(f"/api/v1/firms/{rng.choice(fids)}/rating")

    async def batch(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/api/v1/ratings", json={"fids": rng.sample(fids, BATCH), "month": MONTH})

    async def network(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(f"/api/v1/network/{rng.choice(fids)}", params={"depth": 2})

    figures: dict[str, Any] = {}
    await closed_loop(base, lookup, 4, 2)  # warm the caches and the connection pool
    print("-- rating lookup, open loop")
    figures["lookup"] = {}
    for rate in RATES:
        figures["lookup"][str(rate)] = found = await open_loop(base, lookup, rate, seconds)
        show(f"lookup at {rate}/s", found)
    print("-- one after the other")
    figures["batch_1000"] = found = await closed_loop(base, batch, 1, seconds)
    show(f"batch of {BATCH:,}", found)
    figures["network_depth_2"] = found = await closed_loop(base, network, 1, seconds)
    show("network depth 2", found)
    print("-- overload")
    figures["sustainable"] = found = await closed_loop(base, lookup, workers, seconds)
    show(f"lookup, {workers} in flight", found)
    twice = 2 * found["throughput_per_s"]
    figures["twice_sustainable"] = found = await open_loop(base, lookup, twice, seconds)
    show(f"lookup at {twice:.0f}/s (2x)", found)
    print(f"   refused {found.get('refused_share', 0):.1%} (503 {found.get('share_503', 0):.1%}, "
          f"429 {found.get('share_429', 0):.1%}); accepted p99 {found['p99_ms']} ms, "
          f"refused p99 {found.get('refused', {}).get('p99_ms')} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--workers", type=int, default=64, help="requests in flight when finding the sustainable rate")
    defaults = Settings()
    parser.add_argument("--max-in-flight", type=int, default=defaults.api_max_in_flight)
    parser.add_argument("--queue", type=int, default=defaults.api_queue)
    args = parser.parse_args()
    bounds = {"max_in_flight": str(args.max_in_flight), "queue": str(args.queue)}
    with loaded_neo4j(args.firms) as (settings, fids), served(settings, bounds) as base:
        figures = asyncio.run(run(base, fids, args.seconds, args.workers))
    figures = {"firms": args.firms, "month": MONTH, "phase_seconds": args.seconds,
               "service_bounds": {**bounds, "rate_limit": "off (one client address)"},
               "targets": {"lookup_p99_ms_at_200": 50, "accepted_p99_ms_at_twice_sustainable": 200},
               **figures}
    print(f"saved {save('api', figures)}")


if __name__ == "__main__":
    main()
