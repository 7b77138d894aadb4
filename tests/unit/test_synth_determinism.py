"""The same seed gives the same bytes in every file; another seed gives another registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from riskgraph.synth.generator import generate_dataset

FIRMS = 2000
MONTHS = 2
AS_OF = dt.date(2026, 3, 31)
TODAY = dt.date(2026, 5, 31)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _generate(out: Path, seed: int) -> dict[str, bytes]:
    generate_dataset(FIRMS, seed, out, months=MONTHS, as_of=AS_OF, today=TODAY)
    return _files(out)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", 5)
    again = _generate(tmp_path / "b", 5)
    other = _generate(tmp_path / "c", 6)
    expected = {"exempt_hubs.yaml", "firms.csv", "deltas/2026-04/firms.csv", "deltas/2026-05/events.csv",
                "truth/firms.csv", "truth/future_events.csv", "truth/structures.json", "truth/generation.json",
                "truth/hotspots.csv", "truth/alerts.csv"}
    assert expected <= set(first)
    assert len(first) == 1 + 8 * (1 + MONTHS) + 6  # hubs, eight files per slice, six truth files
    assert set(again) == set(first)
    changed = [name for name in first if first[name] != again[name]]
    assert changed == [], f"same seed, different bytes in {changed}"
    assert set(other) == set(first)
    differ = [name for name in first if first[name] != other[name]]
    # every data file differs; an empty branches file of a quiet delta month may be header-only in both
    assert set(differ) >= set(first) - {n for n in first if first[n].count(b"\n") <= 1}


def test_regenerating_with_force_replaces_the_previous_data_set(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    generate_dataset(FIRMS, 7, out, months=MONTHS, as_of=AS_OF, today=TODAY)
    (out / "notes.txt").write_text("kept", encoding="utf-8")
    generate_dataset(FIRMS, 8, out, months=0, as_of=AS_OF, today=TODAY, force=True)
    assert not (out / "deltas").exists()  # the old delta months are gone with the old data set
    assert (out / "notes.txt").read_text(encoding="utf-8") == "kept"  # files it did not write are left alone
    assert _files(out)["truth/generation.json"].count(b'"seed": 8') == 1
