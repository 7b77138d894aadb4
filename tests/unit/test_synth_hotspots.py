"""Planted hotspots: chosen as the profile says, written to truth/hotspots.csv, and riskier for real."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from riskgraph.synth.generator import generate_dataset
from riskgraph.synth.profile import load_profile


def test_planted_cells_are_distinct_in_range_and_raise_latent_risk(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    generate_dataset(6000, 11, out, months=1, as_of=dt.date(2026, 3, 31), today=dt.date(2026, 5, 31))
    spec = load_profile().hotspots
    planted = pd.read_csv(out / "truth" / "hotspots.csv", dtype={"county": str})
    assert 0 < len(planted) <= spec.cells
    assert planted["county"].is_unique and planted["division"].is_unique  # spec.distinct
    assert planted["lift"].between(*spec.lift).all()
    assert (planted["firms"] >= spec.min_firms).all()  # chosen by base firms; delta-born firms join
    firms = pd.read_csv(out / "firms.csv", dtype=str)
    truth = pd.read_csv(out / "truth" / "firms.csv", dtype={"firm_id": str})
    f = firms.merge(truth, on="firm_id").assign(division=lambda t: t["industry"].str[:3])
    for row in planted.itertuples():
        same_trade = f[f["division"] == row.division]
        inside = same_trade["region"] == row.county
        assert same_trade.loc[inside, "latent_risk"].median() > 1.5 * same_trade.loc[~inside, "latent_risk"].median()
