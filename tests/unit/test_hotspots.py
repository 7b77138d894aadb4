"""Hotspots: indirect standardisation, the Poisson test, BH q, empirical-Bayes smoothing, trend, drivers.

The firm tables are built so the right answer is known by reasoning: a province of identical
counties, one of them with a raised trade, one tiny county with 2 D firms out of 3.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskgraph.analysis.config import HotspotSettings, load_analysis_config
from riskgraph.analysis.evaluation import hotspot_recovery
from riskgraph.analysis.hotspots import (
    bh_q,
    cell_drivers,
    division_code,
    fit_gamma_prior,
    hotspot_cells,
    hotspot_trend,
    poisson_excess_p,
    reason_points,
    standardise,
)
from riskgraph.errors import ConfigError

SETTINGS = HotspotSettings(high_classes=("C", "D"), fdr=0.05, min_observed=5, min_firms=10)


def _firms(county: str, industry: str, kind: str, n: int, high: int, start: int = 0) -> pd.DataFrame:
    cls = ["D"] * high + ["A"] * (n - high)
    return pd.DataFrame({"fid": [f"{county}-{industry}-{kind}-{start + i}" for i in range(n)], "region": county,
                         "industry": industry, "kind": kind, "cls": cls})


def _province(raised: int = 30, tiny: bool = True) -> pd.DataFrame:
    """20 counties of prefecture 4401 with 100 retailers (10 % C/D) and 50 restaurants (30 % C/D) each.

    County 440120's retailers have ``raised`` C/D firms instead of 10; county 440199 (a
    prefecture of its own, 4402xx) has 3 firms, 2 of them D.
    """
    parts = []
    for i in range(1, 21):
        county = f"4401{i:02d}"
        parts.append(_firms(county, "F5211", "enterprise", 100, raised if i == 20 else 10))
        parts.append(_firms(county, "H6210", "individual", 50, 15))
    if tiny:
        parts.append(_firms("440299", "F5211", "enterprise", 3, 2))
    return pd.concat(parts, ignore_index=True)


def _cell(cells: pd.DataFrame, region_level: str, region: str, industry_level: str, industry: str) -> pd.Series:
    row = cells[(cells["region_level"] == region_level) & (cells["region"] == region)
                & (cells["industry_level"] == industry_level) & (cells["industry"] == industry)]
    assert len(row) == 1, (region_level, region, industry_level, industry)
    return row.iloc[0]


def test_division_code_with_or_without_the_section_letter() -> None:
    assert division_code("C1311") == "C13"
    assert division_code("13") == "C13"
    assert division_code("5211") == "F52"
    assert division_code("") == ""
    assert division_code("ZZ") == ""


def test_expected_follows_the_cells_own_mix_not_the_province_average() -> None:
    # restaurants are riskier everywhere: a county of restaurants only expects their rate, not the average
    firms = pd.concat([_province(raised=10, tiny=False), _firms("440121", "H6210", "individual", 60, 18)])
    cells = hotspot_cells(firms, SETTINGS).cells
    county = _cell(cells, "county", "440121", "all", "")
    assert county["expected"] == pytest.approx(60 * 0.30, rel=1e-9)
    assert county["observed"] == 18
    assert not county["hotspot"]
    province = _cell(cells, "province", "440000", "division", "F52")
    assert province["observed"] == pytest.approx(province["expected"])
    assert not province["tested"]


def test_a_planted_high_cell_is_a_hotspot_and_the_tiny_county_is_not() -> None:
    result = hotspot_cells(_province(raised=30), SETTINGS)
    cells = result.cells
    hot = _cell(cells, "county", "440120", "division", "F52")
    assert hot["hotspot"] and hot["q"] < 0.05 and hot["observed"] == 30
    tiny = _cell(cells, "county", "440299", "division", "F52")
    assert tiny["ratio"] > 3  # 2 of 3 against about 11 %: the highest raw ratio in the grid …
    assert not tiny["tested"] and not tiny["hotspot"]  # … but 3 firms are no evidence
    assert tiny["smoothed"] < hot["smoothed"]
    flagged = set(zip(result.hotspots["region_level"], result.hotspots["region"], result.hotspots["industry"],
                      strict=True))
    assert ("county", "440299", "F52") not in flagged
    # no ordinary county is flagged
    assert {r for lvl, r, _ in flagged if lvl == "county"} == {"440120"}


def test_the_tiny_county_is_not_a_hotspot_even_when_tested() -> None:
    # with min_firms 1 the tiny cell is tested, and still fails the minimum count (2 < 5)
    cells = hotspot_cells(_province(), SETTINGS.model_copy(update={"min_firms": 1})).cells
    tiny = _cell(cells, "county", "440299", "division", "F52")
    assert tiny["tested"] and not tiny["hotspot"]


def test_poisson_p_is_exact_and_one_sided() -> None:
    p = poisson_excess_p(np.array([0, 1, 10]), np.array([2.0, 0.0, 2.0]))
    assert p[0] == 1.0 and p[1] == 1.0  # nothing observed, or nothing expected
    from scipy.stats import poisson
    assert p[2] == pytest.approx(1 - poisson.cdf(9, 2.0))


def test_bh_q_is_monotone_in_p_and_never_below_p() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, 200) ** 3
    q = bh_q(p)
    order = np.argsort(p)
    assert (np.diff(q[order]) >= -1e-12).all()
    assert (q >= p - 1e-12).all() and (q <= 1).all()


def test_smoothing_shrinks_small_cells_more_than_large_ones() -> None:
    # heterogeneous cells: a true ratio of 1 in most, 2 in a tenth; one small and one large cell at ratio 3
    rng = np.random.default_rng(7)
    exp = rng.uniform(2, 40, 400)
    theta = np.where(rng.random(400) < 0.1, 2.0, 1.0)
    obs = rng.poisson(theta * exp).astype(float)
    obs = np.concatenate([obs, [6.0, 150.0]])
    exp = np.concatenate([exp, [2.0, 50.0]])
    a, b = fit_gamma_prior(obs, exp)
    assert 0.8 < a / b < 1.3  # the prior mean sits near the typical ratio
    smoothed = (obs + a) / (exp + b)
    small, large = smoothed[-2], smoothed[-1]
    assert 1 < small < 3 and 1 < large < 3
    assert (3 - small) > (3 - large) * 2  # the 2-expected cell is pulled much further toward 1
    a_m, b_m = fit_gamma_prior(obs, exp, "moments")
    assert 0.8 < a_m / b_m < 1.3


def test_no_spread_beyond_chance_shrinks_everything_to_the_mean() -> None:
    exp = np.full(300, 10.0)
    obs = np.random.default_rng(3).poisson(exp).astype(float)
    a, b = fit_gamma_prior(obs, exp)
    smoothed = (obs + a) / (exp + b)
    assert smoothed.max() - smoothed.min() < 0.35 * (obs.max() - obs.min()) / 10


def test_firms_without_a_region_are_left_out_and_counted() -> None:
    firms = pd.concat([_province(tiny=False), _firms("", "F5211", "enterprise", 5, 5)])
    result = hotspot_cells(firms, SETTINGS)
    assert result.unplaced == 5 and result.firms == len(firms) - 5


def test_firm_table_needs_its_columns() -> None:
    with pytest.raises(ValueError, match="lacks column"):
        standardise(pd.DataFrame({"fid": ["x"]}), SETTINGS)


def test_class_codes_are_read_as_letters() -> None:
    firms = _province()
    codes = firms.assign(cls=firms["cls"].map({"A": 0, "B": 1, "C": 2, "D": 3}).astype(np.int64))
    pd.testing.assert_frame_equal(hotspot_cells(firms, SETTINGS).cells, hotspot_cells(codes, SETTINGS).cells)


def test_trend_labels_new_persisting_resolved() -> None:
    def month(hot: bool) -> pd.DataFrame:
        return pd.DataFrame({"region_level": ["county"], "region": ["440120"], "industry_level": ["division"],
                             "industry": ["F52"], "smoothed": [2.0 if hot else 1.0], "hotspot": [hot]})

    trend = hotspot_trend({"2026-09": month(True), "2026-07": month(False), "2026-08": month(True),
                           "2026-10": month(False)})
    assert trend["month"].tolist() == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert trend["status"].tolist() == ["", "new", "persisting", "resolved"]


def test_drivers_name_the_indicators_the_cell_has_more_of() -> None:
    reasons = [[{"type": "indicator", "id": "reg.penalty_count_60m", "value": 2, "points": 6.0}],
               [{"type": "indicator", "id": "reg.penalty_count_60m", "value": 1, "points": 4.0},
                {"type": "connector", "via": "person", "points": 2.0}],
               [{"type": "indicator", "id": "base.age", "value": 1.0, "points": 1.0}],
               [{"type": "clean"}], [{"type": "rule", "id": "abnormal_list", "min_class": "C"}]]
    points = reason_points(reasons)
    assert set(points["indicator"]) == {"reg.penalty_count_60m", "rel.propagated", "base.age"}
    in_cell = np.array([True, True, False, False, False])
    families = {"reg.penalty_count_60m": "regulatory", "rel.propagated": "association", "base.age": "base"}
    drivers = cell_drivers(points, in_cell, families)
    top_family = drivers[drivers["level"] == "family"].iloc[0]
    assert top_family["id"] == "regulatory"
    assert top_family["excess"] == pytest.approx((10 / 2 - 10 / 5) * 2)
    top_indicator = drivers[drivers["level"] == "indicator"].iloc[0]
    assert top_indicator["id"] == "reg.penalty_count_60m" and top_indicator["family"] == "regulatory"
    base = drivers[(drivers["level"] == "indicator") & (drivers["id"] == "base.age")].iloc[0]
    assert base["excess"] < 0 and base["share"] == 0


def test_recovery_against_the_naive_share_ranking() -> None:
    cells = hotspot_cells(_province(raised=30), SETTINGS).cells
    planted = pd.DataFrame({"county": ["440120"], "division": ["F52"]})
    r = hotspot_recovery(cells, planted)
    assert r["county_x_division"]["hotspots"]["recall"] == 1.0
    assert r["county_x_division"]["hotspots"]["not_planted"] == 0.0
    # the naive ranking puts the 3-firm county (67 %) first and misses the planted cell
    assert r["county_x_division"]["baseline_same_number"]["recall"] == 0.0
    assert r["planted_cells"][0]["naive_rank"] == 2


def test_the_packaged_settings_load_with_their_version(tmp_path: Path) -> None:
    config = load_analysis_config()
    assert config.analysis_version.startswith(config.version + "+")
    bad = tmp_path / "analysis.yaml"
    bad.write_text("version: x\nhotspots: {fdr: 2}\ngroups: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hotspots\.fdr"):
        load_analysis_config(bad)
