"""Benchmark: hotspots and Leiden risk groups of one scored month, at 100,000 and 1,000,000 firms.

Generates the registry (once, under var/bench), reads it from the files, scores it without
reasons (timed, but not part of the analysis), then times the analysis stages that a month's
job would run after scoring: the hotspot grid (standardisation, every cell's test, BH q, the
empirical-Bayes fit), the association graph taken from the scorer, Leiden, and the group
table. Target (issue 15): hotspots and Leiden together under 60 s at a million firms.

    flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/analysis.py --firms 100000 1000000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORK, generated, peak_rss_mb, save
from riskgraph.analysis.config import load_analysis_config
from riskgraph.analysis.groups import association_graph, describe_groups, leiden_groups
from riskgraph.analysis.hotspots import hotspot_cells, standardise
from riskgraph.jobs.evaluation import firm_table, projection_from_files
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.engine import score_projection
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.projection import mark_exempt

SALT = "bench-salt"
MONTH = "2026-06"


def run(firms: int, seed: int) -> dict[str, Any]:
    directory = generated(firms, seed)
    model = load_model_config()
    analysis = load_analysis_config()
    t0 = time.perf_counter()
    p = projection_from_files(directory, MONTH, SALT)
    mark_exempt(p, load_exempt_hubs(directory / "exempt_hubs.yaml"), SALT)
    t1 = time.perf_counter()
    scored = score_projection(p, model, with_reasons=False)
    t2 = time.perf_counter()
    table = firm_table(p, scored.cls)
    result = hotspot_cells(table, analysis.hotspots)
    t3 = time.perf_counter()
    graph = association_graph(p, model.propagation)
    t4 = time.perf_counter()
    group_of = leiden_groups(graph, analysis.groups)
    t5 = time.perf_counter()
    st = standardise(table, analysis.hotspots)
    groups = describe_groups(group_of, graph, st["fid"].to_numpy(), st["county"].to_numpy(),
                             st["division"].to_numpy(), st["high"].to_numpy(), st["expected"].to_numpy(),
                             analysis.groups)
    t6 = time.perf_counter()
    stages = {"read_projection_s": t1 - t0, "score_s": t2 - t1, "hotspots_s": t3 - t2, "association_graph_s": t4 - t3,
              "leiden_s": t5 - t4, "group_table_s": t6 - t5}
    return {
        "firms": p.n_firms, "cells": len(result.cells), "tested_cells": int(result.cells["tested"].sum()),
        "hotspots": int(result.cells["hotspot"].sum()), "edges": len(graph.src), "groups": len(groups),
        "firms_in_groups": int((group_of >= 0).sum()),
        "stages": {k: round(v, 2) for k, v in stages.items()},
        "hotspots_and_leiden_s": round(t6 - t2, 2),  # everything after scoring
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    runs = []
    for firms in sorted(args.firms):
        r = run(firms, args.seed)
        runs.append(r)
        s = r["stages"]
        print(f"{firms:>10,} firms: hotspots {s['hotspots_s']:.1f} s ({r['tested_cells']:,} cells tested, "
              f"{r['hotspots']} hotspots); graph {s['association_graph_s']:.1f} s ({r['edges']:,} edges); "
              f"Leiden {s['leiden_s']:.1f} s; group table {s['group_table_s']:.1f} s ({r['groups']:,} groups) — "
              f"{r['hotspots_and_leiden_s']:.1f} s after scoring ({s['score_s']:.1f} s); peak {r['peak_rss_mb']:,} MB",
              flush=True)
    sizes = " ".join(str(f) for f in sorted(args.firms))
    figures = {"runs": runs, "target": "hotspots and Leiden together under 60 s at 1,000,000 firms",
               "command": f"flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/analysis.py --firms {sizes} "
                          f"--seed {args.seed}"}
    print(f"saved to {save('analysis', figures)}")


if __name__ == "__main__":
    main()
