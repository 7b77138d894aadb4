"""``riskgraph generate`` as a user runs it: a data set written, and clear refusals of bad arguments.

Runs the real command in a subprocess; no Neo4j is involved (generating is pure).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AS_OF = "2025-12-31"


def _generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "riskgraph", "generate", *args], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "COLUMNS": "200"})


def test_generate_writes_a_data_set_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    first = _generate("--firms", "500", "--seed", "3", "--months", "1", "--as-of", AS_OF, "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout and "500 firms" in first.stdout and "planted:" in first.stdout
    assert (out / "firms.csv").is_file() and (out / "deltas" / "2026-01" / "events.csv").is_file()
    generation = json.loads((out / "truth" / "generation.json").read_text(encoding="utf-8"))
    assert (generation["firms"], generation["seed"], generation["months"]) == (500, 3, 1)
    before = (out / "firms.csv").read_bytes()

    again = _generate("--firms", "500", "--seed", "4", "--as-of", AS_OF, "--out", str(out))
    assert again.returncode != 0
    assert "is not empty" in again.stderr and "--force" in again.stderr
    assert (out / "firms.csv").read_bytes() == before  # nothing touched

    forced = _generate("--firms", "500", "--seed", "4", "--as-of", AS_OF, "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / "firms.csv").read_bytes() != before
    assert not (out / "deltas").exists()


def test_generate_refuses_bad_dates_with_a_hint(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    not_a_date = _generate("--firms", "500", "--seed", "1", "--as-of", "2025-13-01", "--out", str(out))
    assert not_a_date.returncode != 0
    assert "--as-of '2025-13-01' is not a date in the form YYYY-MM-DD" in not_a_date.stderr
    mid_month = _generate("--firms", "500", "--seed", "1", "--as-of", "2025-11-15", "--out", str(out))
    assert mid_month.returncode != 0
    assert "is not a month end; use 2025-11-30" in mid_month.stderr
    future = _generate("--firms", "500", "--seed", "1", "--as-of", "2099-12-31", "--out", str(out))
    assert future.returncode != 0 and "after today" in future.stderr
    assert not out.exists()  # refused before anything was written


def test_generate_refuses_too_few_firms(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    few = _generate("--firms", "50", "--seed", "1", "--as-of", AS_OF, "--out", str(out))
    assert few.returncode != 0
    assert "--firms" in few.stderr and "100" in few.stderr  # the option and its minimum
    assert not out.exists()


def test_generate_help_shows_an_example() -> None:
    shown = _generate("--help")
    assert shown.returncode == 0
    assert "Example" in shown.stdout and "riskgraph generate --firms" in shown.stdout
