"""Hotspots: region × industry cells of one scored month with more C/D firms than their mix explains.

For one month's firm table (fid, region, industry, kind, class) every cell of a region level
(province, prefecture, county) × an industry level (section, division, or all industries —
the region margin) gets:

* ``n`` firms and ``observed`` C/D firms (the configured ``high_classes``);
* ``expected`` C/D firms by **indirect standardisation**: each firm carries the province-wide
  C/D rate of its stratum (industry division × entity kind, from the same month), and a
  cell expects the sum over its own firms. A county full of restaurants is measured against
  restaurants, not against the province's average firm;
* an exact one-sided Poisson p-value ``P(X ≥ observed | expected)``, and a Benjamini–Hochberg
  ``q`` over every cell tested that month, all levels together;
* ``smoothed``: the empirical-Bayes Poisson–Gamma ratio ``(observed + α) / (expected + β)`` with
  the Gamma(α, β) prior fitted over the cells of the same level, so a 3-firm county with 2 D
  firms shrinks toward 1 instead of topping the list.

A cell is a **hotspot** when it was tested (at least ``min_firms`` firms, below province level),
``q < fdr`` and ``observed ≥ min_observed``. Province-level cells — the industry margin
included, which is the province × industry row — *are* the standard (their expected equals
their observed by construction), so they are shown but never tested.

Also here: :func:`hotspot_trend` (new / persisting / resolved over months) and
:func:`cell_drivers` (which indicator families and indicators give a cell's firms more points
than the province's firms, from stored reasons).

Pure: tables in, tables out. No storage, no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests

from riskgraph.analysis.config import CLASSES, HotspotSettings
from riskgraph.reference.industries import sections

REGION_LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
INDUSTRY_LEVELS: tuple[str, ...] = ("section", "division", "all")  # "all": the region margin
FIRM_COLUMNS: tuple[str, ...] = ("fid", "region", "industry", "kind", "cls")
CELL_KEY: list[str] = ["region_level", "region", "industry_level", "industry"]


def division_code(industry: str) -> str:
    """A GB/T 4754 code's division as the section letter and two digits (``C1311`` → ``C13``, ``13`` → ``C13``).

    A code without its letter gets the section whose division range holds it; anything else is ``""``.
    """
    code = str(industry or "").strip().upper()
    if len(code) >= 3 and code[0].isalpha() and code[1:3].isdigit():
        return code[:3]
    if len(code) >= 2 and code[:2].isdigit():
        number = int(code[:2])
        letter = next((s.letter for s in sections().values() if s.first_division <= number <= s.last_division), "")
        return f"{letter}{code[:2]}" if letter else ""
    return ""


def _mapped(values: pd.Series, fn: Any) -> np.ndarray:
    """Apply ``fn`` to each distinct value only (a million firms hold a few hundred codes)."""
    codes, uniques = pd.factorize(values.fillna("").astype(str), use_na_sentinel=False)
    table = np.array([fn(u) for u in uniques], dtype=object)
    return table[codes] if len(table) else np.zeros(0, dtype=object)


def _region(code: str) -> str:
    return code if len(code) == 6 and code.isdigit() and code != "000000" else ""


def _class_letters(cls: pd.Series) -> pd.Series:
    """Classes as letters; codes 0–3 (the scorer's arrays) are read as A–D."""
    if pd.api.types.is_integer_dtype(cls):
        return cls.map(dict(enumerate(CLASSES)))
    return cls.astype(str)


def standardise(firms: pd.DataFrame, settings: HotspotSettings) -> pd.DataFrame:
    """The firm table, row for row, with its region and industry levels, ``high`` (C/D) and ``expected``.

    ``expected`` is the province-wide C/D rate of the firm's stratum (province × industry
    division × entity kind) in this table. Firms without a usable region code get ``""`` levels
    (their own stratum; cells leave them out); firms without an industry code form their own
    stratum and count in the region margin only.
    """
    missing = [c for c in FIRM_COLUMNS if c not in firms.columns]
    if missing:
        raise ValueError(f"firm table for hotspots lacks column(s) {', '.join(missing)}; "
                         f"needs {', '.join(FIRM_COLUMNS)}")
    county = _mapped(firms["region"], _region)
    division = _mapped(firms["industry"], division_code)
    out = pd.DataFrame({
        "fid": firms["fid"].to_numpy(dtype=object),
        "province": np.array([c[:2] + "0000" if c else "" for c in county], dtype=object),
        "prefecture": np.array([c[:4] + "00" if c else "" for c in county], dtype=object),
        "county": county,
        "section": np.array([d[:1] for d in division], dtype=object),
        "division": division,
        "kind": firms["kind"].fillna("").astype(str).to_numpy(dtype=object),
        "high": _class_letters(firms["cls"]).isin(settings.high_classes).to_numpy(),
    })
    stratum = out.groupby(["province", "division", "kind"], sort=False)["high"]
    out["expected"] = stratum.transform("mean").astype(np.float64)
    return out


@dataclass
class HotspotResult:
    """One month's cells (a row per cell, every level) and the fitted priors per level."""

    cells: pd.DataFrame
    priors: dict[str, tuple[float, float]]  # "county×division" → (α, β)
    firms: int  # firms in the cells
    unplaced: int  # firms left out for want of a region code
    settings: HotspotSettings = field(default_factory=HotspotSettings)

    @property
    def hotspots(self) -> pd.DataFrame:
        return self.cells[self.cells["hotspot"]]


def _level_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _cell_sums(f: pd.DataFrame, region_level: str, industry_level: str) -> pd.DataFrame:
    rc, ru = _level_codes(f[region_level].to_numpy())
    if industry_level == "all":
        ic, iu = np.zeros(len(f), dtype=np.int64), np.array([""], dtype=object)
    else:
        ic, iu = _level_codes(f[industry_level].to_numpy())
    keep = ic >= 0
    if industry_level != "all":
        keep &= f[industry_level].to_numpy() != ""
    key = rc[keep] * len(iu) + ic[keep]
    size = len(ru) * len(iu)
    n = np.bincount(key, minlength=size)
    obs = np.bincount(key, weights=f["high"].to_numpy()[keep].astype(np.float64), minlength=size)
    exp = np.bincount(key, weights=f["expected"].to_numpy()[keep], minlength=size)
    cells = np.flatnonzero(n)
    return pd.DataFrame({
        "region_level": region_level, "region": ru[cells // len(iu)],
        "industry_level": industry_level, "industry": iu[cells % len(iu)],
        "n": n[cells].astype(np.int64), "observed": np.rint(obs[cells]).astype(np.int64), "expected": exp[cells],
    })


def poisson_excess_p(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Exact one-sided p-value ``P(X ≥ observed)`` for ``X ~ Poisson(expected)``; 1 where nothing is expected."""
    obs = np.asarray(observed, dtype=np.float64)
    exp = np.asarray(expected, dtype=np.float64)
    p = np.ones(len(obs))
    live = exp > 0
    p[live] = stats.poisson.sf(obs[live] - 1, exp[live])
    return np.clip(p, 0.0, 1.0)


def bh_q(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (statsmodels' ``fdr_bh``) of the p-values given, in their order."""
    p = np.asarray(p, dtype=np.float64)
    if len(p) == 0:
        return p.copy()
    return np.asarray(multipletests(p, method="fdr_bh")[1], dtype=np.float64)


MIN_LOG, MAX_LOG = -12.0, 16.0  # bounds of log α and log β in the marginal-likelihood fit


def fit_gamma_prior(observed: np.ndarray, expected: np.ndarray, method: str = "marginal_likelihood") -> tuple[
        float, float]:
    """Gamma(α, β) prior of cell ratios θ with ``observed ~ Poisson(θ · expected)``; returns (α, β).

    ``moments``: Marshall's (1991) global estimator — mean ratio ``m = ΣO / ΣE`` and between-cell
    variance ``s² − m / Ē`` (the Poisson part taken out). ``marginal_likelihood`` maximises the
    negative-binomial likelihood of the observed counts, started from the moments. No spread
    beyond chance gives a very tight prior, and every cell is shrunk to ``m``.
    """
    obs = np.asarray(observed, dtype=np.float64)
    exp = np.asarray(expected, dtype=np.float64)
    live = exp > 0
    obs, exp = obs[live], exp[live]
    if len(obs) == 0 or obs.sum() == 0:
        return float(np.exp(MAX_LOG)), float(np.exp(MAX_LOG))
    m = obs.sum() / exp.sum()
    s2 = float(np.sum(exp * (obs / exp - m) ** 2) / exp.sum())
    var = s2 - m / exp.mean()
    var = max(var, m * m * np.exp(-MAX_LOG + 1))
    a0, b0 = m * m / var, m / var
    if method == "moments" or len(obs) < 3:
        return float(a0), float(b0)

    def nll(theta: np.ndarray) -> float:  # theta = (log α, log prior mean α/β)
        a = np.exp(theta[0])
        b = a / np.exp(theta[1])
        ll = (special.gammaln(obs + a) - special.gammaln(a) + a * np.log(b / (b + exp))
              + obs * np.log(exp / (b + exp)))
        return -float(ll.sum())

    # the likelihood is flat for large α, so start from the best of a few shapes, not only the moments
    starts = [np.array([np.log(a0), np.log(m)])] + [np.array([s, np.log(m)]) for s in np.log([1.0, 10.0, 100.0])]
    start = min((np.clip(x, MIN_LOG, MAX_LOG) for x in starts), key=nll)
    fit = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(MIN_LOG, MAX_LOG), (-5.0, 5.0)])
    theta = fit.x if nll(fit.x) <= nll(start) else start
    a = float(np.exp(theta[0]))
    b = a / float(np.exp(theta[1]))
    return float(a), float(b)


def _smooth_level(region_level: str, industry_level: str, rows: np.ndarray, obs: np.ndarray, exp: np.ndarray,
                  smoothed: np.ndarray, priors: dict[str, tuple[float, float]], settings: HotspotSettings) -> None:
    """Fill ``smoothed`` for the cells of one level (in place) and record its prior."""
    if region_level == "province":  # the standard itself: observed = expected
        smoothed[rows] = np.where(exp[rows] > 0, obs[rows] / np.maximum(exp[rows], 1e-300), 1.0)
        return
    a, b = fit_gamma_prior(obs[rows], exp[rows], settings.prior_fit)
    priors[f"{region_level}×{industry_level}"] = (a, b)
    smoothed[rows] = (obs[rows] + a) / (exp[rows] + b)


def hotspot_cells(firms: pd.DataFrame, settings: HotspotSettings) -> HotspotResult:
    """Every cell of the month with its test, q and smoothed ratio; see the module docstring.

    ``firms``: one row per rated firm with ``fid``, ``region`` (GB/T 2260 county code), ``industry``
    (GB/T 4754 code; its division is used), ``kind`` (entity kind) and ``cls`` (A–D).
    """
    everyone = standardise(firms, settings)
    f = everyone[everyone["county"] != ""].reset_index(drop=True)
    parts = [_cell_sums(f, rl, il) for rl in REGION_LEVELS for il in INDUSTRY_LEVELS]
    cells = pd.concat(parts, ignore_index=True)
    obs = cells["observed"].to_numpy(dtype=np.float64)
    exp = cells["expected"].to_numpy()
    cells["ratio"] = np.divide(obs, exp, out=np.full(len(cells), np.nan), where=exp > 0)
    tested = ((cells["region_level"] != "province") & (cells["n"] >= settings.min_firms) & (exp > 0)).to_numpy()
    p = np.full(len(cells), np.nan)
    p[tested] = poisson_excess_p(obs[tested], exp[tested])
    q = np.full(len(cells), np.nan)
    q[tested] = bh_q(p[tested])
    smoothed = np.ones(len(cells))
    priors: dict[str, tuple[float, float]] = {}
    levels = cells["region_level"].to_numpy()
    industry_levels = cells["industry_level"].to_numpy()
    for rl in REGION_LEVELS:
        for il in INDUSTRY_LEVELS:
            rows = np.flatnonzero((levels == rl) & (industry_levels == il))
            if len(rows):
                _smooth_level(rl, il, rows, obs, exp, smoothed, priors, settings)
    cells["p"], cells["q"], cells["smoothed"], cells["tested"] = p, q, smoothed, tested
    cells["hotspot"] = tested & (np.nan_to_num(q, nan=1.0) < settings.fdr) & (obs >= settings.min_observed)
    level_order = {name: i for i, name in enumerate(REGION_LEVELS)}
    industry_order = {name: i for i, name in enumerate(INDUSTRY_LEVELS)}
    cells = cells.assign(_r=cells["region_level"].map(level_order), _i=cells["industry_level"].map(industry_order))
    cells = cells.sort_values(["_r", "_i", "smoothed", "region", "industry"], ascending=[True, True, False, True, True],
                              kind="stable").drop(columns=["_r", "_i"]).reset_index(drop=True)
    return HotspotResult(cells, priors, len(f), len(firms) - len(f), settings)


def cell_members(standardised: pd.DataFrame, region_level: str, region: str, industry_level: str,
                 industry: str) -> np.ndarray:
    """Which rows of a :func:`standardise` table fall in the cell (a boolean mask)."""
    if region_level not in REGION_LEVELS or industry_level not in INDUSTRY_LEVELS:
        raise ValueError(f"unknown cell level {region_level}×{industry_level}; region levels "
                         f"{', '.join(REGION_LEVELS)}, industry levels {', '.join(INDUSTRY_LEVELS)}")
    mask = standardised[region_level].to_numpy() == region
    if industry_level != "all":
        mask &= standardised[industry_level].to_numpy() == industry
    return np.asarray(mask, dtype=bool)


# ---------------------------------------------------------------------------------------
# Trend

NEW, PERSISTING, RESOLVED = "new", "persisting", "resolved"


def hotspot_trend(cells_by_month: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each cell's smoothed ratio month by month, and what happened to it as a hotspot.

    ``cells_by_month``: month (``YYYY-MM``) → that month's cells (:attr:`HotspotResult.cells`).
    Returns one row per cell and month (months in order) with ``smoothed``, ``hotspot`` and
    ``status``: ``new`` (a hotspot now, not the month before — or in the first month),
    ``persisting`` (a hotspot both months), ``resolved`` (a hotspot the month before, not now)
    or ``""``. A cell absent in a month (no firms) is not a hotspot then.
    """
    months = sorted(cells_by_month)
    if not months:
        return pd.DataFrame(columns=[*CELL_KEY, "month", "smoothed", "hotspot", "status"])
    frames = [cells_by_month[m][[*CELL_KEY, "smoothed", "hotspot"]].assign(month=m) for m in months]
    long = pd.concat(frames, ignore_index=True)
    keys = long[CELL_KEY].drop_duplicates()
    grid = keys.merge(pd.DataFrame({"month": months}), how="cross")
    full = grid.merge(long, on=[*CELL_KEY, "month"], how="left")
    full["hotspot"] = full["hotspot"].astype("boolean").fillna(False).astype(bool)
    full = full.sort_values([*CELL_KEY, "month"], kind="stable").reset_index(drop=True)
    before = full.groupby(CELL_KEY, sort=False)["hotspot"].shift(1, fill_value=False).astype(bool)
    now = full["hotspot"].to_numpy()
    prev = before.to_numpy()
    full["status"] = np.select([now & prev, now & ~prev, ~now & prev], [PERSISTING, NEW, RESOLVED], default="")
    return full[[*CELL_KEY, "month", "smoothed", "hotspot", "status"]]


# ---------------------------------------------------------------------------------------
# Drivers

RELATIONAL_INDICATOR = "rel.propagated"  # connector and link reasons quote this indicator's points


def reason_points(reasons: Sequence[Sequence[Mapping[str, Any]]],
                  relational_indicator: str = RELATIONAL_INDICATOR) -> pd.DataFrame:
    """Points per firm (row position) and indicator from stored reasons: ``row, indicator, points``.

    ``indicator`` reasons quote their own id; ``connector`` and ``link`` reasons are the
    related-party points of ``relational_indicator``. Rules and ``clean`` carry no points. Stored
    reasons name only what sets a firm apart (a few indicators each), so these are the firm's
    notable points, not its whole score.
    """
    rows: list[int] = []
    ids: list[str] = []
    pts: list[float] = []
    for i, firm_reasons in enumerate(reasons):
        for r in firm_reasons:
            kind = r.get("type")
            if kind == "indicator":
                ident = str(r["id"])
            elif kind in ("connector", "link"):
                ident = relational_indicator
            else:
                continue
            rows.append(i)
            ids.append(ident)
            pts.append(float(r.get("points") or 0.0))
    return pd.DataFrame({"row": np.array(rows, dtype=np.int64), "indicator": np.array(ids, dtype=object),
                         "points": np.array(pts, dtype=np.float64)})


def cell_drivers(points: pd.DataFrame, in_cell: np.ndarray, family_of: Mapping[str, str]) -> pd.DataFrame:
    """Which indicator families and indicators account for the cell's excess points over the province.

    ``points``: :func:`reason_points` of every firm of the province (rows are positions in the
    province's firm list); ``in_cell``: mask over those firms; ``family_of``: indicator id →
    family. For each indicator and each family: mean points per cell firm, mean per province
    firm, ``excess`` = (cell mean − province mean) × cell firms, and ``share`` of the cell's
    total positive excess. Rows with ``level`` ``family`` then ``indicator``, largest excess first.
    """
    in_cell = np.asarray(in_cell, dtype=bool)
    n_all, n_cell = len(in_cell), int(in_cell.sum())
    columns = ["level", "id", "family", "cell_mean", "province_mean", "excess", "share"]
    if n_all == 0 or n_cell == 0 or points.empty:
        return pd.DataFrame(columns=columns)
    pts = points.assign(family=points["indicator"].map(lambda k: family_of.get(str(k), "unknown")),
                        cell=in_cell[points["row"].to_numpy()])
    out = []
    for level, key in (("family", "family"), ("indicator", "indicator")):
        total = pts.groupby(key)["points"].sum()
        cell = pts[pts["cell"]].groupby(key)["points"].sum().reindex(total.index, fill_value=0.0)
        frame = pd.DataFrame({"level": level, "id": total.index.astype(str),
                              "cell_mean": (cell / n_cell).to_numpy(), "province_mean": (total / n_all).to_numpy()})
        frame["family"] = frame["id"] if level == "family" else frame["id"].map(
            lambda k: family_of.get(k, "unknown"))
        frame["excess"] = (frame["cell_mean"] - frame["province_mean"]) * n_cell
        positive = float(frame["excess"].clip(lower=0).sum())
        frame["share"] = frame["excess"].clip(lower=0) / positive if positive > 0 else 0.0
        out.append(frame.sort_values("excess", ascending=False, kind="stable"))
    return pd.concat(out, ignore_index=True)[columns]


def group_drivers(standardised: pd.DataFrame, in_cell: np.ndarray, group_of: np.ndarray) -> pd.DataFrame:
    """Which risk groups hold the cell's excess C/D firms: per group, its cell members, C/D and expected.

    ``group_of``: each firm's group number (-1 for none) aligned with ``standardised``. Largest
    excess (observed − expected within the cell) first; firms outside any group are left out.
    """
    in_cell = np.asarray(in_cell, dtype=bool) & (np.asarray(group_of) >= 0)
    sub = pd.DataFrame({"group": np.asarray(group_of)[in_cell], "high": standardised["high"].to_numpy()[in_cell],
                        "expected": standardised["expected"].to_numpy()[in_cell]})
    g = sub.groupby("group").agg(members=("high", "size"), observed=("high", "sum"), expected=("expected", "sum"))
    g["excess"] = g["observed"] - g["expected"]
    return g.sort_values("excess", ascending=False, kind="stable").reset_index()


def drivers_by_cell(standardised: pd.DataFrame, points: pd.DataFrame, cells: pd.DataFrame,
                    family_of: Mapping[str, str], group_of: np.ndarray | None = None,
                    top: int = 5) -> dict[tuple[str, str, str, str], dict[str, list[dict[str, Any]]]]:
    """:func:`cell_drivers` and :func:`group_drivers` for many cells at once, their largest positive excess only.

    ``standardised``: :func:`standardise`'s table of every firm of the province; ``points``:
    :func:`reason_points` with rows in that table; ``cells``: the cells wanted (``CELL_KEY`` and
    ``n``); ``group_of``: each firm's risk group (-1 none), aligned with ``standardised``. Per cell
    key ``(region_level, region, industry_level, industry)``: ``families`` and ``indicators``
    (``id``, ``family``, ``cell_mean``, ``province_mean``, ``excess``, ``share`` — the numbers
    :func:`cell_drivers` gives, computed by one group-by per cell level instead of one pass over
    the province per cell) and ``groups`` (``group``, ``members``, ``observed``, ``expected``,
    ``excess``), each the ``top`` rows of largest positive excess.
    """
    out: dict[tuple[str, str, str, str], dict[str, list[dict[str, Any]]]] = {}
    n_all = len(standardised)
    if n_all == 0 or cells.empty:
        return out
    rows = points["row"].to_numpy(dtype=np.int64)
    pts = pd.DataFrame({"indicator": points["indicator"].astype(str).to_numpy(dtype=object),
                        "family": points["indicator"].map(lambda k: family_of.get(str(k), "unknown")).to_numpy(
                            dtype=object),
                        "points": points["points"].to_numpy(dtype=np.float64)})
    province_mean = {"indicator": pts.groupby("indicator")["points"].sum() / n_all,
                     "family": pts.groupby("family")["points"].sum() / n_all}
    placed = standardised["county"].to_numpy() != ""
    for rl in REGION_LEVELS:
        for il in INDUSTRY_LEVELS:
            wanted = cells[(cells["region_level"] == rl) & (cells["industry_level"] == il)]
            if wanted.empty:
                continue
            n_of = {(r, i): int(n) for r, i, n in zip(wanted["region"], wanted["industry"], wanted["n"], strict=True)}
            region = standardised[rl].to_numpy()
            industry = (np.full(n_all, "", dtype=object) if il == "all" else standardised[il].to_numpy())
            ok = placed & ((industry != "") if il != "all" else True)
            keep = ok[rows]
            frame = pts[keep].assign(region=region[rows[keep]], industry=industry[rows[keep]])
            for level in ("family", "indicator"):
                sums = frame.groupby(["region", "industry", level], sort=False)["points"].sum().reset_index()
                sums = sums[[(r, i) in n_of for r, i in zip(sums["region"], sums["industry"], strict=True)]]
                n = np.array([n_of[(r, i)] for r, i in zip(sums["region"], sums["industry"], strict=True)],
                             dtype=np.float64)
                prov = sums[level].map(province_mean[level]).to_numpy(dtype=np.float64)
                sums = sums.assign(cell_mean=sums["points"].to_numpy() / np.maximum(n, 1), province_mean=prov)
                sums["excess"] = (sums["cell_mean"] - sums["province_mean"]) * n
                sums = sums[sums["excess"] > 0]
                total = sums.groupby(["region", "industry"])["excess"].transform("sum")
                sums = sums.assign(share=sums["excess"] / total)
                sums = sums.sort_values(["region", "industry", "excess"], ascending=[True, True, False],
                                        kind="stable").groupby(["region", "industry"], sort=False).head(top)
                for (r, i), part in sums.groupby(["region", "industry"], sort=False):
                    entry = out.setdefault((rl, str(r), il, str(i)), {"families": [], "indicators": [], "groups": []})
                    entry["families" if level == "family" else "indicators"] = [
                        {"id": str(k), "family": str(k) if level == "family" else family_of.get(str(k), "unknown"),
                         "cell_mean": float(cm), "province_mean": float(pm), "excess": float(e), "share": float(s)}
                        for k, cm, pm, e, s in zip(part[level], part["cell_mean"], part["province_mean"],
                                                   part["excess"], part["share"], strict=True)]
            if group_of is None:
                continue
            grouped = ok & (np.asarray(group_of) >= 0)
            g = pd.DataFrame({"region": region[grouped], "industry": industry[grouped],
                              "group": np.asarray(group_of)[grouped],
                              "high": standardised["high"].to_numpy()[grouped].astype(np.int64),
                              "expected": standardised["expected"].to_numpy()[grouped]})
            g = g.groupby(["region", "industry", "group"], sort=False).agg(
                members=("high", "size"), observed=("high", "sum"), expected=("expected", "sum")).reset_index()
            g = g[[(r, i) in n_of for r, i in zip(g["region"], g["industry"], strict=True)]]
            g = g.assign(excess=g["observed"] - g["expected"])
            g = g[g["excess"] > 0].sort_values(["region", "industry", "excess"], ascending=[True, True, False],
                                               kind="stable").groupby(["region", "industry"], sort=False).head(top)
            for (r, i), part in g.groupby(["region", "industry"], sort=False):
                entry = out.setdefault((rl, str(r), il, str(i)), {"families": [], "indicators": [], "groups": []})
                entry["groups"] = [{"group": int(k), "members": int(m), "observed": int(o), "expected": float(e),
                                    "excess": float(x)}
                                   for k, m, o, e, x in zip(part["group"], part["members"], part["observed"],
                                                            part["expected"], part["excess"], strict=True)]
    return out
