"""Hotspots and risk groups of a scored month: compute them with the analysis core and store them per month.

Two ways in, one implementation:

* :func:`analyse_scored` — called by ``jobs.scoring.score_month`` right after the ratings are
  written, on the projection and the scoring result it already holds (nothing read twice);
* :func:`analyse_month` — for a month scored earlier (``riskgraph hotspots --compute``): the month's
  ratings are checked first (their HMACs and seal: a tampered month is refused with
  :class:`~riskgraph.errors.Conflict`), then read with ``graph.results.read_month`` and the
  projection with ``jobs.scoring.read_projection`` (the scorer's own reader and builder).

Both hand the core (``riskgraph.analysis``) the firm table (hotspot cells over the firms not
cancelled; groups over the whole association graph, as ``riskgraph evaluate`` does), the stored
reasons (drivers of every tested cell) and the association graph (Leiden groups); each group is
matched with the previous analysed month's groups (largest member overlap, ``continuity`` in
``analysis.yaml``) to carry "the month it first appeared". The rows go to ``graph.analysis_store``
with the analysis version and the score run they came from.

Readers (the CLI, the API) go through :func:`checked_run`: the month's ratings must pass their
integrity check and the stored analysis its own (seal, digests, counts) — refused otherwise.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from neo4j import Driver

from riskgraph.analysis.config import AnalysisConfig, load_analysis_config
from riskgraph.analysis.groups import association_graph, describe_groups, leiden_groups, match_groups
from riskgraph.analysis.hotspots import (
    CELL_KEY,
    REGION_LEVELS,
    drivers_by_cell,
    hotspot_cells,
    hotspot_trend,
    reason_points,
    standardise,
)
from riskgraph.errors import Conflict, NotFound
from riskgraph.graph import analysis_store, results
from riskgraph.graph.analysis_store import AnalysisReader, AnalysisRunInfo, AnalysisRunRows
from riskgraph.jobs import audit
from riskgraph.jobs.evaluation import firm_table
from riskgraph.jobs.scoring import read_projection, require_verified
from riskgraph.months import Month
from riskgraph.reference.industries import sections
from riskgraph.reference.regions import region as region_entry
from riskgraph.scoring.config import CLASS_ORDER, ExemptHubs, ModelConfig
from riskgraph.scoring.projection import FIRM_STATUSES, Projection
from riskgraph.settings import Settings, require_secrets

Say = Callable[[str], None]
REGION_DIGITS = {"province": 2, "prefecture": 4, "county": 6}
CANCELLED = "cancelled"  # firms gone from the register: rated, but not counted in hotspot cells


def _quiet(_msg: str) -> None:
    return None


@dataclass
class AnalysisOutcome:
    """What one computation stored."""

    month: str
    run_id: str
    score_run: str
    analysis_version: str
    cells: int
    tested: int
    hotspots: int
    groups: int
    firms_in_groups: int
    replaced_run: str | None
    continued_from: str | None  # the month whose groups this month's were matched with
    timings: dict[str, float] = field(default_factory=dict)


def _number(value: Any, digits: int | None = None) -> float | None:
    """A float as stored: NaN and infinities become None (absent), optionally rounded."""
    x = float(value)
    if not math.isfinite(x):
        return None
    return round(x, digits) if digits is not None else x


def _cell_rows(cells: pd.DataFrame, drivers: Mapping[tuple[str, str, str, str], Any]) -> list[dict[str, Any]]:
    out = []
    for row in cells.to_dict("records"):
        key = (str(row["region_level"]), str(row["region"]), str(row["industry_level"]), str(row["industry"]))
        found = drivers.get(key)
        out.append({"region_level": key[0], "region": key[1], "industry_level": key[2], "industry": key[3],
                    "n": int(row["n"]), "observed": int(row["observed"]), "expected": _number(row["expected"], 4),
                    "ratio": _number(row["ratio"], 4), "p": _number(row["p"]), "q": _number(row["q"]),
                    "smoothed": _number(row["smoothed"], 4), "tested": bool(row["tested"]),
                    "hotspot": bool(row["hotspot"]),
                    "drivers": json.dumps(found, ensure_ascii=False, separators=(",", ":")) if found else None})
    return out


def _rounded_drivers(drivers: dict[tuple[str, str, str, str], dict[str, list[dict[str, Any]]]],
                     anchors: Sequence[str]) -> dict[tuple[str, str, str, str], dict[str, list[dict[str, Any]]]]:
    """Drivers as stored: numbers rounded, risk groups named by their anchor (group numbers are per month)."""
    for entry in drivers.values():
        for part in ("families", "indicators"):
            for d in entry[part]:
                for k in ("cell_mean", "province_mean", "excess", "share"):
                    d[k] = round(d[k], 4)
        for g in entry["groups"]:
            g["anchor"] = anchors[g.pop("group")]
            g["expected"], g["excess"] = round(g["expected"], 3), round(g["excess"], 3)
    return drivers


def _group_rows(table: pd.DataFrame, p: Projection, month: str, previous: Sequence[dict[str, Any]],
                continuity: float) -> list[dict[str, Any]]:
    """Groups as stored: binders with their safe labels (masked names, address texts), first month carried on."""
    label = {}
    wanted = {str(k) for keys in (*table["persons"], *table["addresses"]) for k in keys}
    if wanted:
        keys = np.asarray(p.conn_key, dtype=object)
        sel = np.flatnonzero(pd.Series(keys).isin(wanted).to_numpy())  # hashed: np.isin compares objects pairwise
        label = {str(keys[i]): str(p.conn_label[i]) for i in sel}
    before = match_groups(table["members"].tolist(), [g["members"] for g in previous], continuity)
    out = []
    for row, b in zip(table.to_dict("records"), before.tolist(), strict=True):
        earlier = previous[b] if b >= 0 else None
        out.append({
            "number": int(row["group"]), "anchor": str(row["anchor"]), "size": int(row["size"]),
            "members": [str(f) for f in row["members"]], "observed": int(row["observed"]),
            "expected": _number(row["expected"], 4), "ratio": _number(row["ratio"], 4), "p": _number(row["p"]),
            "q": _number(row["q"]),
            "regions": json.dumps(row["regions"], ensure_ascii=False),
            "industries": json.dumps(row["industries"], ensure_ascii=False),
            "persons": json.dumps([[k, label.get(k, "")] for k in row["persons"]], ensure_ascii=False),
            "addresses": json.dumps([[k, label.get(k, "")] for k in row["addresses"]], ensure_ascii=False),
            "internal_links": int(row["internal_links"]),
            "first_month": str(earlier["first_month"]) if earlier else month,
            "continues": str(earlier["anchor"]) if earlier else None,
        })
    return out


def _previous_groups(reader: AnalysisReader, month: str) -> tuple[str | None, list[dict[str, Any]], str | None]:
    """The latest analysed month before ``month``, its groups, and why none could be used (if so)."""
    earlier = [m["month"] for m in reader.months() if m["month"] < month]
    if not earlier:
        return None, [], None
    try:
        run = reader.run(earlier[-1])
        return earlier[-1], reader.all_groups(run), None
    except (Conflict, NotFound) as exc:  # another month's problem must not stop this month; it is recorded
        return None, [], str(exc)


def analyse_scored(driver: Driver, settings: Settings, p: Projection, cls: np.ndarray,
                   reasons: Sequence[Sequence[Mapping[str, Any]]], score_run: str, model: ModelConfig,
                   analysis: AnalysisConfig | None = None, say: Say = _quiet,
                   actor: str | None = None) -> AnalysisOutcome:
    """Hotspots and risk groups of a scored projection (``cls``: class codes per firm position; ``reasons`` per
    firm as stored), stored as the analysis of ``p.month`` computed from ratings run ``score_run``."""
    analysis = analysis or load_analysis_config()
    month = p.month
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("hotspots")
    firms = firm_table(p, np.asarray(cls))
    live = np.asarray(p.status) != FIRM_STATUSES.index(CANCELLED)
    live_firms = firms[live].reset_index(drop=True)
    hot = hotspot_cells(live_firms, analysis.hotspots)
    timings["hotspots_s"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    say("risk groups (Leiden)")
    graph = association_graph(p, model.propagation)
    group_of = leiden_groups(graph, analysis.groups)
    timings["leiden_s"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    every = standardise(firms, analysis.hotspots)
    table = describe_groups(group_of, graph, np.asarray(p.firm_key, dtype=object), every["county"].to_numpy(),
                            every["division"].to_numpy(), every["high"].to_numpy(), every["expected"].to_numpy(),
                            analysis.groups)
    reader = AnalysisReader(driver, settings)
    continued_from, previous, problem = _previous_groups(reader, month)
    groups = _group_rows(table, p, month, previous, analysis.groups.continuity)
    timings["groups_s"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    say("drivers of the tested cells")
    live_idx = np.flatnonzero(live)
    points = reason_points([reasons[i] for i in live_idx.tolist()])
    family_of = {i.id: str(i.family) for i in model.indicators}
    tested = hot.cells[hot.cells["tested"]]
    drivers = drivers_by_cell(standardise(live_firms, analysis.hotspots), points, tested, family_of,
                              group_of[live_idx], analysis.drivers.top)
    drivers = _rounded_drivers(drivers, table["anchor"].tolist())
    timings["drivers_s"] = time.perf_counter() - t3

    t4 = time.perf_counter()
    say("writing hotspots and risk groups")
    run_id = f"{score_run}-analysis-{uuid.uuid4().hex[:8]}"  # one per computation: computing again replaces it
    summary = {"fdr": analysis.hotspots.fdr, "min_observed": analysis.hotspots.min_observed,
               "min_firms": analysis.hotspots.min_firms, "high_classes": list(analysis.hotspots.high_classes),
               "resolution": analysis.groups.resolution, "min_group_size": analysis.groups.min_size,
               "priors": {k: [round(a, 6), round(b, 6)] for k, (a, b) in hot.priors.items()},
               "continued_from": continued_from, "continuity_problem": problem}
    rows = AnalysisRunRows(month, run_id, score_run, analysis.analysis_version, hot.firms, hot.unplaced, summary,
                           _cell_rows(hot.cells, drivers), groups)
    replaced = analysis_store.write_analysis(driver, settings, rows)
    audit.record(settings, "analyse", actor, month=month, run_id=run_id, score_run=score_run,
                 analysis_version=analysis.analysis_version, cells=len(rows.cells), groups=len(groups),
                 hotspots=int(hot.cells["hotspot"].sum()), replaced_run=replaced)
    timings["write_s"] = time.perf_counter() - t4
    timings["total_s"] = time.perf_counter() - t0
    return AnalysisOutcome(month, run_id, score_run, analysis.analysis_version, len(rows.cells),
                           int(hot.cells["tested"].sum()), int(hot.cells["hotspot"].sum()), len(groups),
                           int(sum(g["size"] for g in groups)), replaced, continued_from, timings)


def analyse_month(driver: Driver, settings: Settings, month: Month | str, model: ModelConfig,
                  hubs: ExemptHubs | None = None, analysis: AnalysisConfig | None = None, say: Say = _quiet,
                  actor: str | None = None) -> AnalysisOutcome:
    """Compute and store the hotspots and risk groups of a month scored earlier, from its stored ratings.

    Refuses a month not scored (NotFound), one whose ratings fail their check (Conflict), and one
    whose graph no longer matches its ratings (firms added since it was scored: score it again).
    ``hubs`` should be the exempt-hub list the month was scored with (it shapes the association graph).
    """
    require_secrets(settings)
    month = Month.of(month)
    check = results.read_run_seal(driver, settings, month.text)
    if check.run_id is None:
        raise NotFound(f"month {month.text} has not been scored; score it first (riskgraph score --month "
                       f"{month.text}), which computes its hotspots and risk groups too")
    require_verified(driver, settings, month)
    say("reading the month's ratings")
    ratings = results.read_month(driver, settings, month.text)
    if ratings.run_id != check.run_id:
        raise Conflict(f"{month.text} was scored again while it was being read; try again")
    say("reading the projection")
    p = read_projection(driver, settings, month, hubs, model.event_kinds(), progress=say)
    position = {str(f): i for i, f in enumerate(ratings.fid)}
    where = np.array([position.get(str(f), -1) for f in p.firm_key], dtype=np.int64)
    if (where < 0).any():
        raise Conflict(f"{int((where < 0).sum()):,} firm(s) of the graph have no rating in {month.text} (loaded after "
                       f"it was scored); score the month again (riskgraph score --month {month.text})")
    code = {c.value: i for i, c in enumerate(CLASS_ORDER)}
    cls = np.array([code[ratings.cls[i]] for i in where.tolist()], dtype=np.int64)
    reasons = [json.loads(ratings.reasons[i]) for i in where.tolist()]
    return analyse_scored(driver, settings, p, cls, reasons, str(ratings.run_id), model, analysis, say, actor)


# ---------------------------------------------------------------------------------------
# Reading what is stored: every read checks the month's ratings and the stored analysis


def checked_run(driver: Driver, settings: Settings, month: Month | str) -> tuple[AnalysisReader, AnalysisRunInfo]:
    """The month's stored analysis, once its ratings pass their check and the analysis its own.

    NotFound: the month is not scored or has no analysis; Conflict (409): the ratings or the
    analysis fail their integrity check, or the analysis is of ratings since replaced.
    """
    month = Month.of(month).text
    if results.read_run_seal(driver, settings, month).run_id is None:
        raise NotFound(f"month {month} has not been scored")
    require_verified(driver, settings, month)
    reader = AnalysisReader(driver, settings)
    return reader, reader.run(month)


def region_level_of(code: str) -> str:
    """The level of a GB/T 2260 code: ``province`` (``440000``), ``prefecture`` (``440300``) or ``county``."""
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def industry_level_of(code: str) -> str:
    """``all`` for ``""``, ``section`` for a letter, ``division`` for a letter and two digits."""
    return "all" if not code else "section" if len(code) == 1 else "division"


def region_prefix(code: str) -> str:
    return code[:REGION_DIGITS[region_level_of(code)]]


def hotspot_grid(driver: Driver, settings: Settings, month: str, region_level: str, industry_level: str,
                 parent: str = "", section: str = "") -> tuple[AnalysisRunInfo, list[dict[str, Any]]]:
    """A month's cells at one level (regions under ``parent``, divisions under ``section``), checked."""
    if region_level not in REGION_LEVELS:
        raise NotFound(f"unknown region level {region_level}")
    reader, run = checked_run(driver, settings, month)
    prefix = region_prefix(parent) if parent else ""
    return run, reader.cells(run, region_level, industry_level, prefix, section)


def cell_trend(driver: Driver, settings: Settings, month: str, region: str,
               industry: str) -> list[dict[str, Any]]:
    """One cell's smoothed ratio and hotspot status over the analysed months up to ``month``, each month checked.

    ``status`` is the core's (``hotspot_trend``): new, persisting, resolved or ``""``. NotFound when the
    cell has no firms in any of those months.
    """
    _, run = checked_run(driver, settings, month)
    reader = AnalysisReader(driver, settings)
    runs = [run]
    for m in reader.months():
        if m["month"] < month:
            _, earlier = checked_run(driver, settings, m["month"])
            runs.append(earlier)
    rl, il = region_level_of(region), industry_level_of(industry)
    found = reader.cell_in_runs(runs, rl, region, il, industry)
    if not found:
        raise NotFound(f"no cell {region} × {industry or 'all industries'} in the analysed months up to {month}")
    months = sorted(r.month for r in runs)
    frames = {m: pd.DataFrame([found[m]]) if m in found else pd.DataFrame(columns=[*CELL_KEY, "smoothed", "hotspot"])
              for m in months}
    trend = hotspot_trend(frames)
    out = []
    for row in trend.to_dict("records"):
        cell = found.get(row["month"])
        out.append({"month": row["month"], "present": cell is not None, "status": row["status"],
                    "hotspot": bool(row["hotspot"]), "smoothed": cell["smoothed"] if cell else None,
                    "n": cell["n"] if cell else 0, "observed": cell["observed"] if cell else 0,
                    "expected": cell["expected"] if cell else 0.0, "q": cell["q"] if cell else None})
    return out


def cell(driver: Driver, settings: Settings, month: str, region: str, industry: str) -> dict[str, Any]:
    """One stored cell of the month (with its drivers), checked; NotFound when the cell has no firms."""
    reader, run = checked_run(driver, settings, month)
    found = reader.cell_in_runs([run], region_level_of(region), region, industry_level_of(industry), industry)
    if month not in found:
        raise NotFound(f"no cell {region} × {industry or 'all industries'} in {month} (no firms there)")
    row = found[month]
    row["drivers"] = json.loads(row["drivers"]) if row["drivers"] else None
    return row


def cell_firms(driver: Driver, settings: Settings, month: str, region: str, industry: str, offset: int,
               limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The rated firms of one cell in ``month`` (not cancelled), highest class and score first."""
    checked_run(driver, settings, month)
    return AnalysisReader(driver, settings).cell_firms(month, region_prefix(region), industry, offset, limit)


def _group_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "regions": json.loads(row["regions"]), "industries": json.loads(row["industries"]),
            "persons": json.loads(row["persons"]), "addresses": json.loads(row["addresses"])}


def risk_groups(driver: Driver, settings: Settings, month: str, min_size: int = 0, offset: int = 0,
                limit: int = 100) -> tuple[AnalysisRunInfo, int, list[dict[str, Any]]]:
    """A page of the month's risk groups, most significant first: (run, how many match, groups)."""
    reader, run = checked_run(driver, settings, month)
    matching, rows = reader.groups(run, min_size, offset, limit)
    return run, matching, [_group_view(r) for r in rows]


def risk_group(driver: Driver, settings: Settings, month: str, fid: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The month's risk group firm ``fid`` belongs to, and its members with their names and classes."""
    reader, run = checked_run(driver, settings, month)
    found = reader.group_of(run, fid)
    if found is None:
        raise NotFound(f"firm {fid} is in no risk group of {month}")
    members = {m["fid"]: m for m in reader.firms(found["members"], run.score_run)}
    return _group_view(found), [members.get(f, {"fid": f, "name": None, "class": None, "score": None,
                                                "region": None, "industry": None}) for f in found["members"]]



# ---------------------------------------------------------------------------------------
# Names, never bare codes: GB/T 2260 regions, GB/T 4754 sections (divisions by their section's name)


def region_name(code: str) -> str:
    """A region's current name (``广东省深圳市南山区``); the code itself only when the table lacks it."""
    found = region_entry(code)
    return found.name if found and found.name else code


def industry_name(code: str, lang: str = "zh") -> str:
    """An industry section's name in ``lang``; a division as its section's name and number (``制造业 13``).

    The reference tables name GB/T 4754's 20 sections, not its 97 divisions. ``""`` is every industry.
    """
    if not code:
        return "全部行业" if lang == "zh" else "all industries"
    section = sections().get(code[:1])
    if section is None:
        return code
    name = section.zh if lang == "zh" else section.en
    return name if len(code) == 1 else f"{name} {code[1:]}" + ("大类" if lang == "zh" else "")
