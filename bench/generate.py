"""Time and peak memory of ``riskgraph generate`` for 100,000 and 1,000,000 firms (three delta months).

Each size runs the real command in its own subprocess under ``/usr/bin/time`` (wall time
and that process's peak resident memory); without ``/usr/bin/time`` the peak comes from
``getrusage(RUSAGE_CHILDREN)``, the largest child so far, which is still right because the
sizes run in increasing order. The data sets are written under var/bench/ and removed
afterwards.

Baseline in the same run: the straightforward way, Faker's zh_CN provider called per row
for what one firm needs at the least (company name, address, legal representative's name and
resident ID number), on a sample, as firms per second — before any relationship, history or
record is drawn. On a shared machine run it under the heavy-job lock:

Run: flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/generate.py [--firms 100000 1000000] [--months 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORK, save

TIME = Path("/usr/bin/time")


def run_generate(firms: int, seed: int, months: int) -> dict[str, Any]:
    """One ``riskgraph generate`` in a subprocess: wall seconds, peak RSS, rows and bytes written."""
    out = WORK / f"generate-{firms}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "riskgraph", "generate", "--firms", str(firms), "--seed", str(seed),
           "--months", str(months), "--out", str(out)]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        wrapped = [str(TIME), "-f", "%M", "-o", report.name, *cmd] if TIME.is_file() else cmd
        start = time.perf_counter()
        subprocess.run(wrapped, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        if TIME.is_file():
            peak_kb = int(report.read().split()[-1])
        else:
            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    generation = json.loads((out / "truth" / "generation.json").read_text(encoding="utf-8"))
    rows = generation["rows"]
    base = rows["base"]
    written = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    shutil.rmtree(out, ignore_errors=True)
    return {
        "firms": firms,
        "months": months,
        "wall_s": round(seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "firms_per_s": round(firms / seconds),
        "base_rows": base,
        "delta_rows": sum(n for label, files in rows.items() if label not in ("base", "future")
                          for n in files.values()),
        "future_events": rows["future"]["events"],
        "structures": generation["structures"],
        "written_mb": round(written / 2**20),
    }


def faker_per_row_baseline(sample: int, seed: int) -> dict[str, Any]:
    """Firms per second when each firm's strings come from Faker calls (a lower bound on that approach)."""
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    start = time.perf_counter()
    for _ in range(sample):
        fake.company()
        fake.address()
        fake.name()
        fake.ssn()
    seconds = time.perf_counter() - start
    return {"sample_firms": sample, "seconds": round(seconds, 2), "firms_per_s": round(sample / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-sample", type=int, default=20_000, help="firms for the Faker-per-row baseline")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    runs = []
    print(f"{'firms':>10} {'wall s':>8} {'peak MB':>8} {'firms/s':>9} {'base rows':>11} {'written MB':>10}")
    for firms in sorted(args.firms):
        r = run_generate(firms, args.seed, args.months)
        runs.append(r)
        print(f"{firms:>10,} {r['wall_s']:>8.1f} {r['peak_rss_mb']:>8,} {r['firms_per_s']:>9,} "
              f"{sum(r['base_rows'].values()):>11,} {r['written_mb']:>10,}", flush=True)
    baseline = faker_per_row_baseline(args.baseline_sample, args.seed)
    print(f"baseline, Faker per row (names, address, ID number only): {baseline['firms_per_s']:,} firms/s")
    for r in runs:
        r["vs_faker_per_row"] = round(r["firms_per_s"] / baseline["firms_per_s"], 1)
        print(f"   {r['firms']:>10,} firms: {r['vs_faker_per_row']}x the baseline's rate, everything else drawn too")
    sizes = " ".join(str(f) for f in sorted(args.firms))
    figures = {
        "runs": runs,
        "baseline_faker_per_row": baseline,
        "peak_measured_with": "/usr/bin/time %M" if TIME.is_file() else "getrusage(RUSAGE_CHILDREN).ru_maxrss",
        "command": f"flock /tmp/riskgraph-heavy.lock .venv/bin/python bench/generate.py --firms {sizes} "
                   f"--months {args.months} --seed {args.seed}",
    }
    print(f"saved to {save('generate', figures)}")


if __name__ == "__main__":
    main()
