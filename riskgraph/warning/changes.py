"""Abnormal changes (异常变更): frequent changes of legal representative, shareholders or address.

Each firm's changes of the configured kinds in the ``window_days`` to the month end are compared with
its peers — firms of the same industry section and age band (age at the month end). The peers' rate
is changes per firm-year of exposure (a firm founded inside the window is exposed for part of it);
their dispersion is the Pearson statistic of the peer group (each firm's squared residual capped at
``residual_cap``), so a group in which many firms change often anyway asks for more, while a few
extreme changers do not mask each other. A firm is left out of its own peers' rate and dispersion;
a section × band group smaller than ``min_peers`` is replaced by the age band province-wide.
The upper tail (quasi-Poisson: negative binomial of the same mean and variance) gets a
Benjamini–Hochberg q across every firm tested.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskgraph.warning.alert import FREQUENT_CHANGES, Alert, bh_q, iso, severity_of, upper_tail
from riskgraph.warning.config import AlertConfig

FIRM_COLUMNS = ("fid", "industry", "established", "region")
EVENT_COLUMNS = ("fid", "kind", "date")


def _window_counts(firms: pd.DataFrame, events: pd.DataFrame, end: dt.date, window_days: int,
                   kinds: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray, np.datetime64]:
    """Firms founded by ``end`` with their change count in the window, their founding days and the window start."""
    last = np.datetime64(end, "D")
    start = last - np.timedelta64(window_days - 1, "D")
    est = pd.to_datetime(firms["established"], errors="coerce").to_numpy(dtype="datetime64[D]")
    alive = ~np.isnat(est) & (est <= last)
    f = firms[alive].reset_index(drop=True)
    est = est[alive]
    dates = pd.to_datetime(events["date"]).to_numpy(dtype="datetime64[D]")
    ev = events[(dates >= start) & (dates <= last) & events["kind"].isin(kinds).to_numpy()]
    index = pd.Series(np.arange(len(f)), index=f["fid"].to_numpy())
    pos = index.reindex(ev["fid"].to_numpy()).to_numpy()
    ok = ~np.isnan(pos)
    counts = np.bincount(pos[ok].astype(np.int64), minlength=len(f))
    return f.assign(changes=counts), est, start


def change_alerts(firms: pd.DataFrame, events: pd.DataFrame, end: dt.date, month: str,
                  config: AlertConfig) -> list[Alert]:
    """Firms with more changes in the window than firms of their section and age band make."""
    spec = config.changes
    f, est, start = _window_counts(firms, events, end, spec.window_days, spec.kinds)
    if len(f) == 0:
        return []
    last = np.datetime64(end, "D")
    age_years = (last - est).astype(np.int64) / 365.25
    band = np.searchsorted(np.asarray(spec.age_bands_years, dtype=float), age_years, side="right")
    exposure = np.clip(((last - np.maximum(est, start)).astype(np.int64) + 1) / spec.window_days,
                       1.0 / spec.window_days, 1.0)
    section = f["industry"].astype(str).str[:1].replace("", "?").to_numpy()
    group = pd.Series(section).str.cat(band.astype(str), sep=":").to_numpy()
    small = pd.Series(group).value_counts().reindex(group).to_numpy() < spec.min_peers
    group = np.where(small, np.char.add("*:", band.astype(str)), group)  # too few peers: the age band province-wide
    y = f["changes"].to_numpy().astype(float)
    rate, phi, sizes = _peer_rates(group, y, exposure, spec.residual_cap)
    expected = exposure * rate
    hit = np.flatnonzero(y >= spec.min_changes)
    if len(hit) == 0:
        return []
    p = upper_tail(y[hit], expected[hit], phi[hit])
    q = bh_q(p, len(f))
    dates = pd.to_datetime(events["date"]).to_numpy(dtype="datetime64[D]")
    window_events = events[(dates >= start) & (dates <= last) & events["kind"].isin(spec.kinds).to_numpy()]
    out = []
    for i, pi, qi in zip(hit.tolist(), p.tolist(), q.tolist(), strict=True):
        if qi > spec.fdr:
            continue
        fid = str(f["fid"].iat[i])
        mine = window_events[window_events["fid"] == fid].sort_values("date")
        evidence = {
            "window_start": iso(start), "window_end": iso(last), "observed": int(y[i]), "expected": float(expected[i]),
            "p": pi, "q": qi, "dispersion": float(phi[i]),
            "peers": {"section": "*" if small[i] else section[i],
                      "age_band": _band_label(int(band[i]), spec.age_bands_years),
                      "firms": int(sizes[i]) - 1, "rate_per_year": float(rate[i])},
            "changes": [{"kind": str(k), "date": iso(d)} for k, d in zip(mine["kind"], mine["date"], strict=True)],
        }
        out.append(Alert(FREQUENT_CHANGES, "firm", fid, month, severity_of(qi, y[i], expected[i], config.severity),
                         int(y[i]), float(expected[i]), pi, qi, evidence))
    return out


def _peer_rates(group: np.ndarray, y: np.ndarray, exposure: np.ndarray,
                residual_cap: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per firm, its peers' rate per firm-year, dispersion and group size — the firm itself left out, so a
    firm that changes very often raises neither the bar it is measured by nor its group's spread.

    Squared Pearson residuals are capped at ``residual_cap`` before they are averaged (a Huber-like
    dispersion): a handful of other extreme changers in the group would otherwise set its spread, and
    hide each other."""
    frame = pd.DataFrame({"g": group, "y": y, "e": exposure})
    total = frame.groupby("g")[["y", "e"]].transform("sum")
    n = frame.groupby("g")["y"].transform("size").to_numpy()
    rate = np.where(n > 1, (total["y"].to_numpy() - y) / np.maximum(total["e"].to_numpy() - exposure, 1e-9), 0.0)
    mu = rate * exposure
    resid = np.minimum((y - mu) ** 2 / np.maximum(mu, 1e-12), residual_cap)
    resid_total = pd.Series(resid).groupby(group).transform("sum").to_numpy()
    # the firm's own residual is left out; its peers' residuals against the all-in rate are close enough
    phi = np.clip((resid_total - resid) / np.maximum(n - 2, 1), 1.0, None)
    return rate, phi, n


def _band_label(band: int, edges: tuple[float, ...]) -> str:
    lo = 0.0 if band == 0 else edges[band - 1]
    return f"{lo:g}+ years" if band == len(edges) else f"{lo:g}–{edges[band]:g} years"


def naive_change_alerts(firms: pd.DataFrame, events: pd.DataFrame, end: dt.date, month: str,
                        config: AlertConfig) -> list[Alert]:
    """The baseline: every firm with at least ``naive.changes_12m`` changes in the window, peers ignored."""
    f, _, _ = _window_counts(firms, events, end, config.changes.window_days, config.changes.kinds)
    many = f[f["changes"] >= config.naive.changes_12m]
    return [Alert(FREQUENT_CHANGES, "firm", str(fid), month, "low", int(n), float("nan"), float("nan"),
                  float("nan")) for fid, n in zip(many["fid"], many["changes"], strict=True)]
