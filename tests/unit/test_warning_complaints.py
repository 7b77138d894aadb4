"""Complaint surges: a firm's month far above its own model is alerted, a steady series is not, and a
sustained smaller rise of a county is caught by the CUSUM."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskgraph.warning.complaints import complaint_alerts, cusum, fit_series
from riskgraph.warning.config import load_alert_config

END = dt.date(2026, 6, 30)


def _month_day(months_back: int, day: int = 10) -> dt.date:
    m = END.year * 12 + END.month - 1 - months_back
    return dt.date(m // 12, m % 12 + 1, day)


def _base(n_firms: int = 400, seed: int = 3) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    rng = np.random.default_rng(seed)
    firms = pd.DataFrame({"fid": [f"F{i}" for i in range(n_firms)],
                          "industry": rng.choice(["F5211", "H6110"], n_firms),
                          "established": dt.date(2015, 1, 1),
                          "region": rng.choice(["440305", "440304", "440303"], n_firms)})
    rows: list[dict[str, object]] = []
    for back in range(48):
        counts = rng.poisson(0.1, n_firms)
        for i in np.flatnonzero(counts):
            rows += [{"fid": f"F{i}", "kind": "complaint", "date": _month_day(back)}] * int(counts[i])
    return firms, rows


def test_a_firm_surge_in_the_latest_month_is_alerted_and_nothing_else() -> None:
    firms, rows = _base()
    rows += [{"fid": "F5", "kind": "complaint", "date": _month_day(0, d)} for d in range(1, 9)]
    alerts = complaint_alerts(firms, pd.DataFrame(rows), END, "2026-06", load_alert_config())
    firm_alerts = [a for a in alerts if a.subject_type == "firm"]
    assert [a.subject for a in firm_alerts] == ["F5"]
    a = firm_alerts[0]
    assert a.evidence["method"] == "bound" and a.observed >= 8 and a.observed > a.evidence["bound"]
    assert a.evidence["months"][-1] == "2026-06"


def test_a_sustained_rise_of_a_county_is_caught_by_the_cusum() -> None:
    firms, rows = _base()
    county = firms.loc[firms["region"] == "440303", "fid"].tolist()
    rng = np.random.default_rng(9)
    for back in range(3):  # the county's firms complain 40 % more over the last three months
        for fid in rng.choice(county, size=int(0.4 * 0.1 * len(county)) + 2, replace=False):
            rows.append({"fid": fid, "kind": "complaint", "date": _month_day(back)})
    alerts = complaint_alerts(firms, pd.DataFrame(rows), END, "2026-06", load_alert_config())
    county_alerts = [a for a in alerts if a.subject_type == "county"]
    assert [a.subject for a in county_alerts] == ["440303"]
    assert county_alerts[0].evidence["cusum"][-1] > 6.0


def test_the_model_follows_trend_and_season() -> None:
    cfg = load_alert_config().complaints
    months = np.arange(36)
    first = 2023 * 12  # January 2023
    mean = 20 * np.exp(0.02 * months + 0.3 * np.sin(2 * np.pi * ((first + months) % 12) / 12))
    history = np.random.default_rng(4).poisson(mean).astype(float)
    f = fit_series(history, first, 3, cfg, peer_rate=1.0)
    assert f.model == "glm(level, trend, season)"
    truth = 20 * np.exp(0.02 * np.arange(36, 39) + 0.3 * np.sin(2 * np.pi * ((first + np.arange(36, 39)) % 12) / 12))
    assert np.allclose(f.mean, truth, rtol=0.2)


def test_cusum_accumulates_a_sustained_rise_and_forgets_a_quiet_month() -> None:
    path = cusum(np.array([15.0, 15.0, 15.0]), np.array([10.0, 10.0, 10.0]), 1.0, 1.5)
    assert path[0] < path[1] < path[2]
    assert cusum(np.array([10.0, 10.0, 10.0]), np.array([10.0, 10.0, 10.0]), 1.0, 1.5)[-1] == 0.0
