"""Planted hotspots: a few county × industry-division cells whose firms carry a raised latent risk.

A hotspot is what an analyst looking for high-risk areas and trades should find: a place
where one trade is worse than the same trade elsewhere in the province, beyond what the
mix of entity kinds explains. The generator picks ``hotspots.cells`` cells among those with
``min_firms``–``max_firms`` base firms (at most one per county and one per division when
``distinct``, so that the planted cells are not all in the commonest trade)
and adds one log-odds ``lift``, drawn uniformly in ``hotspots.lift``, to the latent risk of
every firm in the cell, base or delta-born. The cells go to ``truth/hotspots.csv``.

Draws only from the stream it is handed; no file access.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from riskgraph.synth.geography import Geography
from riskgraph.synth.population import FirmFrame
from riskgraph.synth.profile import Profile


@dataclass(frozen=True)
class PlantedHotspot:
    county: int  # index into Geography.codes
    division: str  # section letter and two digits, e.g. "F51"
    lift: float  # log-odds added to each member's latent risk
    base_firms: int  # base firms in the cell when it was chosen


@dataclass
class HotspotPlan:
    cells: list[PlantedHotspot]
    effect: np.ndarray  # per firm: log-odds added (0 outside the planted cells)


def plant_hotspots(frame: FirmFrame, geo: Geography, profile: Profile, rng: np.random.Generator) -> HotspotPlan:
    """Choose the planted cells and the log-odds each firm gets from them."""
    spec = profile.hotspots
    division = frame.division()
    effect = np.zeros(frame.size)
    if spec.cells == 0 or frame.size == 0:
        return HotspotPlan([], effect)
    divisions, div_index = np.unique(division, return_inverse=True)
    cell = frame.county.astype(np.int64) * len(divisions) + div_index
    base = frame.is_base
    counts = np.bincount(cell[base], minlength=geo.size * len(divisions))
    eligible = np.flatnonzero((counts >= spec.min_firms) & (counts <= spec.max_firms))
    order = eligible[rng.permutation(len(eligible))]
    chosen: list[int] = []
    used_counties: set[int] = set()
    used_divisions: set[int] = set()
    for c in order.tolist():
        county, div = divmod(c, len(divisions))
        if spec.distinct and (county in used_counties or div in used_divisions):
            continue
        chosen.append(c)
        used_counties.add(county)
        used_divisions.add(div)
        if len(chosen) == spec.cells:
            break
    chosen.sort()
    lifts = rng.uniform(spec.lift[0], spec.lift[1], len(chosen))
    cells = []
    for c, lift in zip(chosen, lifts.tolist(), strict=True):
        effect[cell == c] += lift
        cells.append(PlantedHotspot(c // len(divisions), str(divisions[c % len(divisions)]), float(lift),
                                    int(counts[c])))
    return HotspotPlan(cells, effect)


def hotspot_table(plan: HotspotPlan, geo: Geography, frame: FirmFrame, present: np.ndarray) -> pa.Table:
    """``truth/hotspots.csv``: county code and name, division, lift (log-odds) and firms in the data set."""
    division = frame.division()
    rows = [int((present & (frame.county == h.county) & (division == h.division)).sum()) for h in plan.cells]
    return pa.table({
        "county": pa.array([str(geo.codes[h.county]) for h in plan.cells], pa.string()),
        "county_name": pa.array([geo.regions[h.county].name for h in plan.cells], pa.string()),
        "division": pa.array([h.division for h in plan.cells], pa.string()),
        "lift": pa.array([round(h.lift, 4) for h in plan.cells], pa.float64()),
        "firms": pa.array(rows, pa.int64()),
    })
