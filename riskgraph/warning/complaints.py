"""Complaint surges (投诉举报异常增长) per firm, industry section and county.

Each series is monthly complaint counts. Its own history — the ``history_months`` before the
``recent_months`` that end with the month tested — fits a Poisson GLM (statsmodels) with a linear
trend once the history is ``trend_min_months`` long and a yearly harmonic (sin, cos of the calendar
month) once it is ``season_min_months`` long; the Pearson statistic gives the quasi-Poisson
dispersion φ ≥ 1. The fit predicts the recent months; the latest month is tested by

* the **prediction bound**: P(Y ≥ observed) under the negative binomial of the predicted mean and
  variance φ·mean, with Benjamini–Hochberg q across the series of the level;
* a **CUSUM** over the recent months for sustained smaller rises: the Poisson log-likelihood ratio
  of a rise to ``cusum_shift`` × the prediction, ``S_t = max(0, S_{t−1} + (y_t ln δ − μ_t (δ − 1)) / φ)``,
  alarming when ``S`` passes ``cusum_threshold`` in the latest month.

A series with fewer than ``min_history_events`` complaints in its history cannot carry a GLM; it is
predicted from its peers (the level's mean per series and month; for firms, their industry section's
per firm) shrunk towards its own mean with ``prior_months`` of weight (a Gamma prior).
Only series that could alert are fitted (at least ``min_observed`` in the latest month, or enough in
the recent months for the CUSUM to pass), so a province of a million firms fits a handful.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from riskgraph.warning.alert import COMPLAINT_SURGE, Alert, bh_q, severity_of, upper_tail
from riskgraph.warning.config import AlertConfig, ComplaintSettings, Level


@dataclass(frozen=True)
class Forecast:
    mean: np.ndarray  # predicted counts of the recent months
    dispersion: float  # quasi-Poisson φ ≥ 1
    model: str  # "glm(trend, season)" … or "peers"


def month_numbers(dates: pd.Series) -> np.ndarray:
    """Months since year 0 (year × 12 + month − 1) of each date."""
    d = pd.to_datetime(dates)
    return (d.dt.year * 12 + d.dt.month - 1).to_numpy(dtype=np.int64)


def fit_series(history: np.ndarray, first_month: int, recent: int, spec: ComplaintSettings,
               peer_rate: float) -> Forecast:
    """The predicted counts of the ``recent`` months after ``history`` (monthly counts from ``first_month``)."""
    h = len(history)
    if h == 0 or history.sum() < spec.min_history_events:
        mean = (history.sum() + spec.prior_months * peer_rate) / (h + spec.prior_months)
        return Forecast(np.full(recent, max(mean, 1e-6)), 1.0, "peers")
    t = np.arange(h + recent, dtype=float)
    calendar = (first_month + np.arange(h + recent)) % 12
    columns = [np.ones(h + recent)]
    parts = []
    if h >= spec.trend_min_months:
        columns.append((t - t[:h].mean()) / 12.0)
        parts.append("trend")
    if h >= spec.season_min_months:
        columns += [np.sin(2 * np.pi * calendar / 12), np.cos(2 * np.pi * calendar / 12)]
        parts.append("season")
    x = np.column_stack(columns)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(history, x[:h], family=sm.families.Poisson()).fit(scale="X2")
        mean = np.asarray(res.predict(x[h:]))
        phi = float(res.scale)
        if not np.all(np.isfinite(mean)) or not math.isfinite(phi):
            raise ValueError("no finite fit")
    except (ValueError, np.linalg.LinAlgError):
        mean = np.full(recent, history.mean())
        return Forecast(np.maximum(mean, 1e-6), max(1.0, float(history.var() / max(history.mean(), 1e-9))),
                        "mean")
    return Forecast(np.maximum(mean, 1e-6), max(1.0, phi), f"glm({', '.join(['level', *parts])})")


def cusum(observed: np.ndarray, mean: np.ndarray, dispersion: float, shift: float) -> np.ndarray:
    """The Poisson CUSUM path of ``observed`` against ``mean`` for a rise to ``shift`` × mean (scaled by 1/φ)."""
    s, path = 0.0, []
    for y, mu in zip(observed.tolist(), mean.tolist(), strict=True):
        s = max(0.0, s + (y * math.log(shift) - mu * (shift - 1.0)) / dispersion)
        path.append(s)
    return np.asarray(path)


def _series(complaints: pd.DataFrame, firms: pd.DataFrame, level: Level) -> pd.Series:
    """The subject of each complaint at ``level``."""
    if level == "firm":
        return complaints["fid"].astype(str)
    attr = firms.set_index("fid")["industry" if level == "industry" else "region"].astype(str)
    values = attr.reindex(complaints["fid"].to_numpy()).fillna("").to_numpy()
    if level == "industry":
        values = np.array([v[:1] for v in values], dtype=object)
    return pd.Series(values, index=complaints.index)


def complaint_alerts(firms: pd.DataFrame, complaints: pd.DataFrame, end: dt.date, month: str,
                     config: AlertConfig) -> list[Alert]:
    """Series whose latest month is above the bound of their own model, or whose CUSUM passed its threshold."""
    spec = config.complaints
    latest = end.year * 12 + end.month - 1
    span_start = latest - spec.recent_months - spec.history_months + 1
    recent_start = latest - spec.recent_months + 1
    m = month_numbers(complaints["date"])
    c = complaints[(m >= span_start) & (m <= latest)].copy()
    c["m"] = m[(m >= span_start) & (m <= latest)] - span_start
    width = spec.history_months + spec.recent_months
    need_cusum = math.ceil(spec.cusum_threshold / math.log(spec.cusum_shift))
    fids = firms["fid"].astype(str).to_numpy()
    section_of = pd.Series(firms["industry"].astype(str).str[:1].replace("", "?").to_numpy(), index=fids)
    born = pd.to_datetime(firms["established"], errors="coerce")
    born_month = pd.Series((born.dt.year * 12 + born.dt.month - 1).fillna(span_start).to_numpy(dtype=np.int64),
                           index=fids)
    firms_per_section = section_of.value_counts()
    out: list[Alert] = []
    for level in spec.levels:
        c["s"] = _series(c, firms, level).to_numpy()
        c_ok = c[c["s"] != ""]
        keys = np.array(sorted(c_ok["s"].unique()), dtype=object)
        if len(keys) == 0:
            continue
        index = pd.Series(np.arange(len(keys)), index=keys)
        table = np.zeros((len(keys), width))
        np.add.at(table, (index[c_ok["s"]].to_numpy(), c_ok["m"].to_numpy()), 1)
        hist, recent = table[:, : spec.history_months], table[:, spec.history_months:]
        floor = spec.min_observed[level]
        candidates = np.flatnonzero((recent[:, -1] >= floor) | (recent.sum(axis=1) >= max(need_cusum, floor)))
        if len(candidates) == 0:
            continue
        if level == "firm":
            hist_by_section = pd.Series(hist.sum(axis=1)).groupby(
                section_of.reindex(keys).fillna("?").to_numpy()).sum()
        rows = []
        for k in candidates.tolist():
            first = 0
            if level == "firm":
                section = str(section_of.get(keys[k], "?"))
                first = max(0, int(born_month.get(keys[k], span_start)) - span_start)
                peer = float(hist_by_section.get(section, 0.0)) / (
                    max(int(firms_per_section.get(section, 1)), 1) * spec.history_months)
            else:
                peer = float(hist.sum()) / (len(keys) * spec.history_months)
            h = hist[k, min(first, spec.history_months):]
            f = fit_series(h, span_start + min(first, spec.history_months), spec.recent_months, spec, peer)
            y = recent[k]
            path = cusum(y, f.mean, f.dispersion, spec.cusum_shift)
            rows.append((k, f, y, path))
        p_bound = upper_tail(np.array([r[2][-1] for r in rows]), np.array([r[1].mean[-1] for r in rows]),
                             np.array([r[1].dispersion for r in rows]))
        p_total = upper_tail(np.array([r[2].sum() for r in rows]), np.array([r[1].mean.sum() for r in rows]),
                             np.array([r[1].dispersion for r in rows]))
        q_bound, q_total = bh_q(p_bound, len(keys)), bh_q(p_total, len(keys))
        for (k, f, y, path), pb, qb, pt, qt in zip(rows, p_bound, q_bound, p_total, q_total, strict=True):
            by_bound = y[-1] >= floor and qb <= spec.fdr
            by_cusum = path[-1] > spec.cusum_threshold and y.sum() >= floor and qt <= spec.fdr
            if not (by_bound or by_cusum):
                continue
            mu, phi = float(f.mean[-1]), f.dispersion
            size = mu / (phi - 1.0) if phi > 1.0 + 1e-9 else None
            bound = float(stats.nbinom.ppf(1 - spec.fdr, size, size / (size + mu)) if size is not None
                          else stats.poisson.ppf(1 - spec.fdr, mu))
            observed, expected, p, q = (int(y[-1]), mu, float(pb), float(qb)) if by_bound else \
                (int(y.sum()), float(f.mean.sum()), float(pt), float(qt))
            months = [_month_text(recent_start + i) for i in range(spec.recent_months)]
            evidence = {
                "method": "bound" if by_bound else "cusum", "level": level, "model": f.model,
                "dispersion": phi, "months": months, "observed_by_month": [int(v) for v in y],
                "expected_by_month": [float(v) for v in f.mean], "bound": bound, "cusum": [float(v) for v in path],
                "history_months": len(hist[k]), "history_complaints": int(hist[k].sum()),
                "observed": observed, "expected": expected, "p": p, "q": q,
            }
            out.append(Alert(COMPLAINT_SURGE, level, str(keys[k]), month,
                             severity_of(q, observed, expected, config.severity), observed, expected, p, q, evidence))
    return out


def _month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def naive_complaint_alerts(firms: pd.DataFrame, complaints: pd.DataFrame, end: dt.date, month: str,
                           config: AlertConfig) -> list[Alert]:
    """The baseline: every firm with at least ``naive.complaints_month`` complaints in the latest month."""
    latest = end.year * 12 + end.month - 1
    counts = complaints[month_numbers(complaints["date"]) == latest].groupby("fid").size()
    return [Alert(COMPLAINT_SURGE, "firm", str(fid), month, "low", int(n), float("nan"), float("nan"), float("nan"))
            for fid, n in counts.items() if n >= config.naive.complaints_month]
