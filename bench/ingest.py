"""Ingest throughput through the Bolt driver on a generated registry (default 100,000 firms).

Loads the data set into an empty Neo4j, then measures: rows per second per kind, total time,
relationship rows per second (target ≥ 20,000/s on 2 cores), a second load of the same files
(idempotent: must change nothing), and — as the baseline in the same run — the plain
``MERGE`` way of writing the person→firm role relationships, on the same rows.

Run: .venv/bin/python bench/ingest.py [--firms 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_neo4j, generated, peak_rss_mb, save
from riskgraph.graph import db
from riskgraph.graph.loader import GraphLoader
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.ingest.prepare import RowPreparer
from riskgraph.ingest.read import find_files, read_file
from riskgraph.ingest.validate import validate_files

RELATIONSHIP_KINDS = ("registrations", "shareholdings", "legal_reps", "officers", "branches")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = generated(args.firms, args.seed)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with bench_neo4j("ingest") as settings, db.connect(settings) as driver:
        apply_schema(driver, settings)
        first = load_directory(data, driver, settings, show_progress=True)
        counts_after_first = GraphLoader(driver, settings).counts()
        second = load_directory(data, driver, settings, show_progress=True)
        counts_after_second = GraphLoader(driver, settings).counts()
        baseline = _plain_merge_baseline(data, driver, settings)

    rel_rows = sum(first.rows.get(k, 0) for k in RELATIONSHIP_KINDS)
    rel_seconds = sum(first.seconds.get(k, 0.0) for k in RELATIONSHIP_KINDS)
    ours_roles = sum(first.rows[k] for k in ("legal_reps", "officers")) / sum(
        first.seconds[k] for k in ("legal_reps", "officers"))
    figures = {
        "firms": args.firms,
        "ingest_writers": settings.ingest_writers,
        "batch_size": settings.ingest_batch_size,
        "load_average_at_start": load_at_start,
        "first_load": {
            "total_s": round(first.elapsed_s, 1),
            "per_kind": {k: {"rows": n, "rows_per_s": round(first.rows_per_second(k))} for k, n in first.rows.items()},
            "relationship_rows": rel_rows,
            "relationship_rows_per_s": round(rel_rows / rel_seconds),
        },
        "reload_same_files": {"total_s": round(second.elapsed_s, 1),
                              "graph_unchanged": counts_after_first == counts_after_second},
        "person_roles_rows_per_s": {"riskgraph (rid lookup + CREATE)": round(ours_roles),
                                    "baseline (plain MERGE)": round(baseline)},
        "graph": counts_after_first,
        "client_peak_rss_mb": round(peak_rss_mb()),
        "command": f".venv/bin/python bench/ingest.py --firms {args.firms} --seed {args.seed}",
    }
    print("\n".join(first.lines()))
    print(f"relationship rows/s (first load): {figures['first_load']['relationship_rows_per_s']:,}  "
          f"(target ≥ 20,000)")
    print(f"person→firm roles rows/s: riskgraph {ours_roles:,.0f} vs plain MERGE {baseline:,.0f}")
    print(f"re-load of the same files: {second.elapsed_s:.1f} s, graph unchanged: "
          f"{figures['reload_same_files']['graph_unchanged']}")
    print(f"saved to {save('ingest', figures)}")


def _plain_merge_baseline(data: Path, driver, settings) -> float:  # type: ignore[no-untyped-def]
    """Rows/s of plain MERGE for legal representatives and officers, after deleting them."""
    preparer = RowPreparer(settings.person_salt.get_secret_value())
    role_files = [read_file(spec, path) for spec, path in find_files(data) if spec.kind in ("legal_reps", "officers")]
    result = validate_files(role_files, known_ids=lambda kind, ids: ids)  # their persons and firms are loaded
    batches = [b for vf in result.files for b in preparer.prepare(vf.spec, vf.rows)]
    with db.session(driver, settings) as sess:
        sess.run(db.cypher("bench/delete_person_roles")).consume()
        rows = 0
        start = time.perf_counter()
        for batch in batches:
            db.write_batches(sess, f"bench/merge_{batch.kind}", batch.rows, settings.ingest_batch_size)
            rows += len(batch.rows)
        return rows / (time.perf_counter() - start)


if __name__ == "__main__":
    main()
