"""Full scoring (read the projection from Neo4j, compute, write back) at 100,000 and 1,000,000 firms.

For each size a registry is generated (``riskgraph generate``, seed 1, kept under var/bench) and
loaded with the project's ingest (``load_directory``, in parts of 500,000 rows so that validation
fits in memory) into a fresh Neo4j instance (``--keep`` keeps the instance and its database
between runs, so a later run skips the load). Then
``score_month`` runs end to end twice — the second run replaces the month atomically —
timing every stage, with the peak memory of this process (VmHWM, reset before scoring) and
of the Neo4j server.

Baselines in the same run, on the same projection and the same operator (after the server
is stopped, so that nothing else competes for the two cores):

* a plain scipy.sparse power iteration ``x ← A(e + x)`` with the same number of hops: the
  sparse matrix–vector bound the propagation is held to (target: within 3×);
* networkx running the same non-backtracking propagation (a DiGraph, Python loops);
* the propagation without the locality renumbering.

Target: 1,000,000 firms end to end in under 2 minutes on this machine (2 cores).

Run (others share the machine: take the heavy-job lock):
  flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/score.py [--sizes 100000 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_neo4j, generated, load_in_parts, save
from riskgraph.graph import db, results
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.server import Neo4jServer
from riskgraph.jobs import scoring as service
from riskgraph.jobs.scoring import read_projection
from riskgraph.scoring.config import ModelConfig, load_exempt_hubs
from riskgraph.scoring.engine import emission_of, score_projection
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.projection import Projection
from riskgraph.scoring.propagation import Operator, build_operator, non_backtracking, plain_power_iteration

SEED = 1
MONTH = "2026-06"  # the generator's default as-of month (no deltas)
TARGET_S = 120
HEAP, PAGECACHE = "4g", "4g"


def _status_kb(pid: int | str, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM of this process (Linux)


def peak_mb(pid: int | str = "self") -> float:
    return _status_kb(pid, "VmHWM") / 1024


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


def _best_of(fn: Any, repeat: int = 3) -> tuple[float, Any]:
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
    build_s, o = _best_of(lambda: build_operator(p, cfg, reorder=True), repeat=1)
    build_plain_s, o_plain = _best_of(lambda: build_operator(p, cfg, reorder=False), repeat=1)
    hops = cfg.hops
    nb_s, (received, _iters, _) = _best_of(lambda: non_backtracking(o, emission, hops, 0.0))
    nb_plain_s, _ = _best_of(lambda: non_backtracking(o_plain, emission, hops, 0.0))
    power_s, _ = _best_of(lambda: plain_power_iteration(o, emission, hops))
    figures: dict[str, Any] = {
        "pair_entries": int(o.pairs.nnz), "aggregate_memberships": o.aggregate_memberships,
        "emitting_firms": int((emission > 0).sum()), "hops": hops,
        "operator_build_s": round(build_s, 3), "operator_build_without_reordering_s": round(build_plain_s, 3),
        "propagation_s": round(nb_s, 4), "propagation_without_reordering_s": round(nb_plain_s, 4),
        "scipy_power_iteration_s": round(power_s, 4),
        "propagation_vs_power_iteration": round(nb_s / power_s, 2) if power_s > 0 else None,
        "within_3x_of_power_iteration": bool(power_s > 0 and nb_s / power_s <= 3.0),
    }
    if p.n_firms <= networkx_max:
        nx_s, nx_received = _best_of(lambda: networkx_propagation(o, emission, hops), repeat=1)
        figures["networkx_same_propagation_s"] = round(nx_s, 2)
        figures["networkx_vs_ours"] = round(nx_s / nb_s, 1) if nb_s > 0 else None
        figures["networkx_max_abs_difference"] = float(np.max(np.abs(nx_received - received))) if len(received) else 0.0
    else:
        figures["networkx_same_propagation_s"] = f"skipped above {networkx_max:,} firms"
    return figures


def bench_size(firms: int, networkx_max: int, keep: bool) -> dict[str, Any]:
    t = time.perf_counter()
    data = generated(firms, seed=SEED)
    generate_s = time.perf_counter() - t
    config = load_model_config()
    hubs = load_exempt_hubs(data / "exempt_hubs.yaml")
    with bench_neo4j(f"score-{firms}", HEAP, PAGECACHE, keep) as settings, db.connect(settings) as driver:
        apply_schema(driver, settings)
        t = time.perf_counter()
        load = load_in_parts(data, driver, settings)
        load_s = time.perf_counter() - t
        server_pid = Neo4jServer(settings).status().pid
        if results.withdraw_month(driver, settings, MONTH):  # a kept instance scored it before: start clean
            print(f"   withdrew the {MONTH} results of an earlier run")
        reset_peak()
        first = service.score_month(driver, settings, MONTH, config, hubs, say=lambda m: print("  ", m))
        first_peak = peak_mb()
        second = service.score_month(driver, settings, MONTH, config, hubs)
        projection = read_projection(driver, settings, MONTH, hubs, event_kinds=config.event_kinds())
        server_peak = peak_mb(server_pid) if server_pid else float("nan")
    stages = {k: round(v, 2) for k, v in first.timings.items()}
    return {
        "firms": firms, "data": f"riskgraph generate --firms {firms} --seed {SEED}", "data_dir": str(data),
        "generate_s": round(generate_s, 1), "load_s": round(load_s, 1), "load": load,
        "first_run": stages, "rerun_same_month": {k: round(v, 2) for k, v in second.timings.items()},
        "rerun_replaced_previous": second.replaced_run == first.run_id,
        "end_to_end_s": stages["total_s"], "target_s": TARGET_S, "meets_target": stages["total_s"] < TARGET_S,
        "analysis": analysis_stages(stages),
        "class_mix_all_firms": {k: round(v, 4) for k, v in first.class_mix.items()},
        "peak_rss_scoring_process_mb": round(first_peak, 0), "peak_rss_neo4j_server_mb": round(server_peak, 0),
        "firms_in_projection": projection.n_firms,
        "relationships_in_projection": int(len(projection.mem_conn) + len(projection.link_src)),
        "events_in_projection": len(projection.ev_firm),
        "propagation": propagation_figures(projection, config, networkx_max),
    }


ANALYSIS_TARGET_S = 60  # hotspots and Leiden together at 1,000,000 firms (issue 15)


def analysis_stages(stages: dict[str, float]) -> dict[str, Any]:
    """The stages of ``score_month``'s analysis (jobs.analysis): hotspots and Leiden, against their target."""
    hotspots, leiden = stages.get("analysis.hotspots_s", 0.0), stages.get("analysis.leiden_s", 0.0)
    return {"hotspots_s": hotspots, "leiden_s": leiden, "hotspots_and_leiden_s": round(hotspots + leiden, 2),
            "target_s": ANALYSIS_TARGET_S, "meets_target": hotspots + leiden < ANALYSIS_TARGET_S,
            "groups_s": stages.get("analysis.groups_s"), "drivers_s": stages.get("analysis.drivers_s"),
            "write_s": stages.get("analysis.write_s"), "analysis_total_s": stages.get("analysis.total_s"),
            "scoring_and_analysis_s": stages.get("total_with_analysis_s")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--keep", action="store_true",
                        help="keep each size's Neo4j instance under var/bench (a later run skips the load)")
    parser.add_argument("--networkx-max", type=int, default=1_000_000,
                        help="skip the networkx baseline above this many firms")
    args = parser.parse_args()
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    results = []
    for firms in args.sizes:
        print(f"== {firms:,} firms")
        fig = bench_size(firms, args.networkx_max, args.keep)
        results.append(fig)
        print(f"   end to end {fig['end_to_end_s']} s: {fig['first_run']}")
        print(f"   propagation: {fig['propagation']}")
        print(f"   hotspots and risk groups: {fig['analysis']}")
    path = save("score", {"cores": cpu, "month": MONTH, "model_version": load_model_config().model_version,
                          "sizes": results})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
