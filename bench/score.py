"""Full scoring (read projection, compute, write back) at 100,000 and 1,000,000 firms.

For each size: a data set with planted structures (``riskgraph generate`` when installed,
else ``riskgraph.scoring.planted``) is loaded once into its own Neo4j instance under
var/bench (kept, so later runs skip the load), then ``score_month`` runs end to end and
again (the re-run replaces the month atomically), timing every stage, with the peak
memory of this process (VmHWM, reset before scoring) and of the Neo4j server.

Baselines in the same run, on the same projection and operator:
* a plain scipy.sparse power iteration ``x ← A(e + x)`` with the same number of hops —
  the sparse matrix–vector bound the propagation is held to (target: within 3×);
* networkx running the same non-backtracking propagation (dict-of-dicts, Python loops);
* the propagation without the locality renumbering.

Target: 1,000,000 firms end to end in under 2 minutes on this machine.

Run: .venv/bin/python bench/score.py [--sizes 100000 1000000] [--networkx-max 1000000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORK, free_port, save
from riskgraph.graph import db
from riskgraph.graph.projection import read_projection
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.server import Neo4jServer
from riskgraph.ingest.load import load_directory
from riskgraph.scoring import service
from riskgraph.scoring.config import ModelConfig, load_exempt_hubs, load_model_config
from riskgraph.scoring.engine import emission_of, score_projection
from riskgraph.scoring.planted import write_planted
from riskgraph.scoring.projection import Projection
from riskgraph.scoring.propagation import Operator, build_operator, non_backtracking, plain_power_iteration
from riskgraph.settings import Settings

MONTH = "2026-06"


def _status_kb(pid: int | str, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM of this process (Linux)


def peak_mb(pid: int | str = "self") -> float:
    return _status_kb(pid, "VmHWM") / 1024


def dataset(firms: int, source: str = "auto") -> tuple[Path, str]:
    """Generated data, made once: ``riskgraph generate`` when it works (``auto``/``generate``), else planted."""
    if source in ("auto", "generate"):
        from bench.common import generated

        try:
            return generated(firms, seed=1), "riskgraph generate"
        except (subprocess.CalledProcessError, OSError) as exc:
            if source == "generate":
                raise
            print(f"   riskgraph generate unavailable ({exc}); using planted structures")
    out = WORK / f"planted-{firms}"
    if not (out / "truth" / "firms.csv").is_file():
        shutil.rmtree(out, ignore_errors=True)
        write_planted(out, firms, seed=1, month=MONTH)
    return out, "riskgraph.scoring.planted"


@contextmanager
def kept_neo4j(name: str, heap: str = "4g", pagecache: str = "6g") -> Iterator[tuple[Settings, Neo4jServer]]:
    """A Neo4j instance whose database is kept between runs (loaded once)."""
    instance = WORK / f"neo4j-{name}"
    port = free_port()
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{port}", neo4j_bolt_port=port, neo4j_instance_dir=instance,
                        neo4j_heap=heap, neo4j_pagecache=pagecache, neo4j_password="bench-password-1",  # type: ignore[arg-type]
                        person_salt="bench-salt")  # type: ignore[arg-type]
    server = Neo4jServer(settings)
    server.start()
    try:
        yield settings, server
    finally:
        server.stop()


def networkx_propagation(o: Operator, emission: np.ndarray, hops: int) -> np.ndarray:
    """The same non-backtracking propagation, written the networkx way (reference timing)."""
    g = nx.DiGraph()
    coo = o.pairs.tocoo()
    g.add_weighted_edges_from(zip(coo.col.tolist(), coo.row.tolist(), coo.data.tolist(), strict=True))  # src → recv
    agg_in = o.agg_in.tocoo()
    agg_out = o.agg_out.tocoo()
    members_in: dict[int, list[tuple[int, float]]] = {}
    for f, c, w in zip(agg_in.row.tolist(), agg_in.col.tolist(), agg_in.data.tolist(), strict=True):
        members_in.setdefault(c, []).append((f, w))
    members_out: dict[int, list[tuple[int, float]]] = {}
    for c, f, w in zip(agg_out.row.tolist(), agg_out.col.tolist(), agg_out.data.tolist(), strict=True):
        members_out.setdefault(c, []).append((f, w))
    e = emission[o.perm].tolist()
    n = len(e)
    received = [0.0] * n
    msg: dict[tuple[int, int], float] = {}
    agg_self = o.agg_self.tolist()
    for _ in range(hops):
        out = [e[i] + received[i] for i in range(n)]
        new_msg: dict[tuple[int, int], float] = {}
        new_received = [0.0] * n
        for j, i, w in g.edges(data="weight"):
            m = w * (out[j] - msg.get((i, j), 0.0))
            new_msg[(j, i)] = m
            new_received[i] += m
        for c, ins in members_in.items():
            total = sum(w * out[f] for f, w in members_out.get(c, ()))
            for f, w in ins:
                new_received[f] += w * total
        for i in range(n):
            new_received[i] -= agg_self[i] * out[i]
        received, msg = new_received, new_msg
    return np.asarray(received)[o.inv]


def _time(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return best, value


def propagation_figures(p: Projection, config: ModelConfig, networkx_max: int) -> dict[str, Any]:
    cfg = config.propagation
    base = score_projection(p, config.without_association(), with_reasons=False)
    emission = emission_of(base.own_score, base.classification, config)
    build_s, o = _time(lambda: build_operator(p, cfg, reorder=True), repeat=1)
    build_plain_s, o_plain = _time(lambda: build_operator(p, cfg, reorder=False), repeat=1)
    hops = cfg.hops
    nb_s, (received, _iters, _) = _time(lambda: non_backtracking(o, emission, hops, 0.0))
    nb_plain_s, _ = _time(lambda: non_backtracking(o_plain, emission, hops, 0.0))
    power_s, _ = _time(lambda: plain_power_iteration(o, emission, hops))
    figures: dict[str, Any] = {
        "pair_entries": int(o.pairs.nnz), "aggregate_memberships": o.aggregate_memberships,
        "emitting_firms": int((emission > 0).sum()), "hops": hops,
        "operator_build_s": round(build_s, 3), "operator_build_without_reordering_s": round(build_plain_s, 3),
        "propagation_s": round(nb_s, 4), "propagation_without_reordering_s": round(nb_plain_s, 4),
        "scipy_power_iteration_s": round(power_s, 4),
        "propagation_vs_power_iteration": round(nb_s / power_s, 2) if power_s > 0 else None,
    }
    if p.n_firms <= networkx_max:
        nx_s, nx_received = _time(lambda: networkx_propagation(o, emission, hops), repeat=1)
        figures["networkx_same_propagation_s"] = round(nx_s, 2)
        figures["networkx_vs_ours"] = round(nx_s / nb_s, 1) if nb_s > 0 else None
        figures["networkx_max_abs_difference"] = float(np.max(np.abs(nx_received - received))) if len(received) else 0.0
    else:
        figures["networkx_same_propagation_s"] = f"skipped above {networkx_max:,} firms"
    return figures


def bench_size(firms: int, networkx_max: int, source: str) -> dict[str, Any]:
    data, source = dataset(firms, source)
    config = load_model_config()
    hubs = load_exempt_hubs(data / "exempt_hubs.yaml")
    with kept_neo4j(f"score-{firms}") as (settings, server), db.connect(settings) as driver:
        apply_schema(driver, settings)
        t = time.perf_counter()
        summary = load_directory(data, driver, settings, skip_if_loaded=True, show_progress=True)
        load_s = time.perf_counter() - t
        server_pid = server.status().pid
        reset_peak()
        first = service.score_month(driver, settings, MONTH, config, hubs, say=lambda m: print("  ", m))
        first_peak = peak_mb()
        second = service.score_month(driver, settings, MONTH, config, hubs)
        projection = read_projection(driver, settings, MONTH, hubs)
        server_peak = peak_mb(server_pid) if server_pid else float("nan")
    stages = {k: round(v, 2) for k, v in first.timings.items()}
    return {
        "firms": firms, "data": source, "data_dir": str(data),
        "load_s": round(load_s, 1) if not summary.skipped else "already loaded",
        "first_run": stages, "rerun_same_month": {k: round(v, 2) for k, v in second.timings.items()},
        "rerun_replaced_previous": second.replaced_run == first.run_id,
        "end_to_end_s": stages["total_s"], "target_s": 120, "meets_target": stages["total_s"] < 120,
        "class_mix": {k: round(v, 4) for k, v in first.class_mix.items()},
        "peak_rss_scoring_process_mb": round(first_peak, 0), "peak_rss_neo4j_server_mb": round(server_peak, 0),
        "relationships_in_projection": int(len(projection.mem_conn) + len(projection.link_src)),
        "events_in_projection": len(projection.ev_firm),
        "propagation": propagation_figures(projection, config, networkx_max),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--data", choices=("auto", "generate", "planted"), default="auto",
                        help="data set: riskgraph generate, planted structures, or the first that works")
    parser.add_argument("--networkx-max", type=int, default=1_000_000,
                        help="skip the networkx baseline above this many firms")
    args = parser.parse_args()
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    results = []
    for firms in args.sizes:
        print(f"== {firms:,} firms")
        fig = bench_size(firms, args.networkx_max, args.data)
        results.append(fig)
        print(f"   end to end {fig['end_to_end_s']} s: {fig['first_run']}")
        print(f"   propagation: {fig['propagation']}")
    path = save("score", {"cores": cpu, "month": MONTH, "sizes": results})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
