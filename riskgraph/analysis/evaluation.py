"""How well hotspots and risk groups recover what the generator planted: pure figures.

Hotspots are judged at the level the truth is planted at, county × industry division:

* ``recall``: planted cells that are hotspots; ``not_planted``: the share of hotspot cells
  that were not planted. A cell can be raised without being planted — a prefecture's or a
  county's own latent effect, a shell ring's trade — so ``not_planted_truly_raised`` counts
  those of them whose firms' mean *latent* risk (from the truth) is at least ``raised`` times
  what their strata's latent risk expects: real excess, not false alarms;
* the **baseline** in the same run is the naive ranking the old page used: county × division
  cells by C/D share, the same number of top cells as there are hotspots;
* at every level: the share of hotspot cells that contain no planted cell at all.

Groups: a planted structure is *recovered* when at least ``share`` (80 %) of its members in
the month fall into one group; its *purity* is the share of that group's members that belong
to the structure (a ring found inside a group of hundreds is recovered but not isolated).

Pure: tables and arrays in, dicts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

CELL_LEVEL = ("county", "division")
RAISED = 1.25  # latent ratio from which a cell that was not planted counts as truly raised
RECOVERED_SHARE = 0.8


def latent_ratio(standardised: pd.DataFrame, latent: np.ndarray) -> pd.DataFrame:
    """Per county × division cell: mean latent risk of its firms over what their strata's latent risk expects.

    ``standardised`` is :func:`riskgraph.analysis.hotspots.standardise`'s table and ``latent`` the
    truth's latent risk aligned with it. The standard is the same as for C/D firms (province ×
    division × kind), so a ratio of 1 is "as risky as its mix".
    """
    f = standardised.assign(latent=np.asarray(latent, dtype=np.float64))
    f = f[(f["county"] != "") & (f["division"] != "")]
    f = f.assign(latent_expected=f.groupby(["province", "division", "kind"])["latent"].transform("mean"))
    g = f.groupby(["county", "division"]).agg(latent=("latent", "sum"), latent_expected=("latent_expected", "sum"))
    g["latent_ratio"] = g["latent"] / g["latent_expected"]
    return g.reset_index().rename(columns={"county": "region", "division": "industry"})


def _contains(cells: pd.DataFrame, planted: pd.DataFrame) -> np.ndarray:
    """Whether each cell (any level) contains at least one planted county × division cell."""
    out = np.zeros(len(cells), dtype=bool)
    region_of = {"province": lambda c: c[:2] + "0000", "prefecture": lambda c: c[:4] + "00", "county": lambda c: c}
    industry_of = {"section": lambda d: d[:1], "division": lambda d: d, "all": lambda d: ""}
    keys = {(rl, region_of[rl](str(c)), il, industry_of[il](str(d)))
            for c, d in zip(planted["county"], planted["division"], strict=True)
            for rl in region_of for il in industry_of}
    for i, key in enumerate(zip(cells["region_level"], cells["region"], cells["industry_level"], cells["industry"],
                                strict=True)):
        out[i] = key in keys
    return out


def hotspot_recovery(cells: pd.DataFrame, planted: pd.DataFrame, latent: pd.DataFrame | None = None,
                     raised: float = RAISED) -> dict[str, Any]:
    """Recall and the share not planted, for the hotspots and for the naive C/D-share ranking.

    ``cells``: :attr:`HotspotResult.cells`; ``planted``: ``county, division`` (``truth/hotspots.csv``);
    ``latent``: :func:`latent_ratio` (optional).
    """
    level = cells[(cells["region_level"] == CELL_LEVEL[0]) & (cells["industry_level"] == CELL_LEVEL[1])]
    planted_keys = {(str(c), str(d)) for c, d in zip(planted["county"], planted["division"], strict=True)}
    flagged = level[level["hotspot"]]
    flagged_keys = list(zip(flagged["region"], flagged["industry"], strict=True))
    k = len(flagged_keys)
    naive = level.assign(share=level["observed"] / level["n"]).sort_values(
        ["share", "n", "region", "industry"], ascending=[False, False, True, True], kind="stable")
    naive_keys = list(zip(naive["region"], naive["industry"], strict=True))

    def figures(keys: Sequence[tuple[str, str]]) -> dict[str, Any]:
        found = sum(key in planted_keys for key in keys)
        return {"cells": len(keys), "planted_found": found,
                "recall": found / len(planted_keys) if planted_keys else None,
                "not_planted": (len(keys) - found) / len(keys) if keys else None}

    out: dict[str, Any] = {
        "planted": len(planted_keys),
        "tested_cells": int(cells["tested"].sum()),
        "hotspots_all_levels": int(cells["hotspot"].sum()),
        "county_x_division": {
            "hotspots": figures(flagged_keys),
            "baseline_same_number": figures(naive_keys[:k]),
            "baseline_as_many_as_planted": figures(naive_keys[:len(planted_keys)]),
        },
        "planted_cells": [],
    }
    all_flagged = cells[cells["hotspot"]]
    out["all_levels_without_planted_cell"] = (float((~_contains(all_flagged, planted)).mean())
                                              if len(all_flagged) else None)
    if latent is not None:
        ratio = {(r, i): v for r, i, v in zip(latent["region"], latent["industry"], latent["latent_ratio"],
                                              strict=True)}
        wrong = [key for key in flagged_keys if key not in planted_keys]
        truly = sum(ratio.get(key, 0.0) >= raised for key in wrong)
        out["county_x_division"]["hotspots"]["not_planted_truly_raised"] = truly
        out["county_x_division"]["hotspots"]["false_alarm_share"] = (len(wrong) - truly) / k if k else None
        out["raised_threshold"] = raised
    rows: dict[tuple[str, str], Mapping[Any, Any]] = {
        (str(r["region"]), str(r["industry"])): r for r in level.to_dict("records")}
    naive_rank = {key: i + 1 for i, key in enumerate(naive_keys)}
    for c, d in sorted(planted_keys):
        row = rows.get((c, d))
        q = None if row is None or pd.isna(row["q"]) else float(f"{row['q']:.3g}")
        out["planted_cells"].append({
            "county": c, "division": d, "firms": int(row["n"]) if row else 0,
            "observed": int(row["observed"]) if row else 0,
            "expected": round(float(row["expected"]), 2) if row else 0.0, "q": q,
            "smoothed": round(float(row["smoothed"]), 3) if row else None,
            "hotspot": bool(row["hotspot"]) if row else False, "naive_rank": naive_rank.get((c, d)),
        })
    return out


def group_recovery(group_of: np.ndarray, structures: Mapping[str, Sequence[Sequence[int]]],
                   share: float = RECOVERED_SHARE) -> dict[str, Any]:
    """Per structure type: how many were recovered (≥ ``share`` of members in one group) and how pure.

    ``group_of``: each firm's group (-1 none); ``structures``: type → each structure's member
    positions (firms present in the month).
    """
    group_of = np.asarray(group_of, dtype=np.int64)
    sizes = np.bincount(group_of[group_of >= 0]) if (group_of >= 0).any() else np.zeros(0, dtype=np.int64)
    out: dict[str, Any] = {}
    every_recovered, every = 0, 0
    for kind, members_list in structures.items():
        recovered, purity, group_sizes = 0, [], []
        counted = 0
        for members in members_list:
            idx = np.asarray(members, dtype=np.int64)
            if len(idx) == 0:
                continue
            counted += 1
            g = group_of[idx]
            g = g[g >= 0]
            if len(g) == 0:
                continue
            values, counts = np.unique(g, return_counts=True)
            best = int(values[np.argmax(counts)])
            if counts.max() >= share * len(idx):
                recovered += 1
                purity.append(float(counts.max() / sizes[best]))
                group_sizes.append(int(sizes[best]))
        out[kind] = {"planted": counted, "recovered": recovered,
                     "recovery": recovered / counted if counted else None,
                     "purity_mean": round(float(np.mean(purity)), 4) if purity else None,
                     "purity_median": round(float(np.median(purity)), 4) if purity else None,
                     "group_size_median": float(np.median(group_sizes)) if group_sizes else None}
        every_recovered += recovered
        every += counted
    out["all"] = {"planted": every, "recovered": every_recovered,
                  "recovery": every_recovered / every if every else None}
    return out
