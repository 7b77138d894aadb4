"""A whole inspection plan from its inputs: scope → stratified draw → inspectors → one JSON-ready document.

:func:`build_plan` is the one implementation; the jobs layer feeds it the month's classes and the
firms' attributes read from the graph, the pool and the configuration, and stores what it
returns. Re-checking a plan (:func:`differences`) is building it again from the same inputs and
the revealed seed and comparing. Pure: no database, no files, no clock (the caller stamps times).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from riskgraph.errors import ConfigError
from riskgraph.inspection.config import CLASSES, PlanConfig
from riskgraph.inspection.draw import Draw, Scope, draw, scope
from riskgraph.inspection.inspectors import Assignment, assign_inspectors
from riskgraph.inspection.task import Pool, Task

PLAN_FORMAT = "riskgraph-inspection-plan/1"


def task_ratios(config: PlanConfig, task: Task) -> dict[str, float]:
    """Per-class ratios of a task: the configuration's rule at the task's base ratio, then the task's own."""
    ratios = config.ratios(task.base_ratio)
    for cls, value in (task.ratios or {}).items():
        problem = config.check_override(cls, value)
        if problem:
            raise ConfigError(f"task {task.task_id}: {problem}")
        ratios[cls] = value
    return ratios


@dataclass(frozen=True)
class PlanResult:
    scope: Scope
    draw: Draw
    assignments: dict[str, Assignment]
    ratios: dict[str, float]


def build_plan(population: pd.DataFrame, task: Task, pool: Pool, config: PlanConfig, seed: str, month: str,
               last_inspected: dict[str, set[str]] | None = None) -> PlanResult:
    """Draw the task's firms from ``population`` (POPULATION_COLUMNS) and two inspectors for each."""
    ratios = task_ratios(config, task)
    found = scope(population, task, month)
    drawn = draw(found.candidates, ratios, seed, task.task_id)
    selected = drawn.selected
    order = selected.sort_values("ticket", kind="stable")["fid"].astype(str).tolist()
    assignments = assign_inspectors(selected["fid"].astype(str).tolist(), order, pool, task, seed,
                                    config.inspectors_per_firm, config.workload_cap, last_inspected)
    return PlanResult(found, drawn, assignments, ratios)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def plan_document(result: PlanResult, *, task: Task, pool: Pool, config: PlanConfig, month: str,
                  inputs: dict[str, Any], seed: dict[str, Any]) -> dict[str, Any]:
    """The plan as stored, exported and audited (docs/inspection.md describes every field)."""
    firms: list[dict[str, Any]] = []
    for row in result.draw.selected.itertuples(index=False):  # rows of POPULATION_COLUMNS, ticket, rank
        a = result.assignments[str(row.fid)]
        firms.append({"fid": str(row.fid), "name": _text(row.name), "class": str(row.cls),
                      "region": _text(row.region), "industry": _text(row.industry), "key_area": _text(row.key_area),
                      "ticket": str(row.ticket), "rank": int(str(row.rank)), "inspectors": list(a.inspectors),
                      "shortfall": a.shortfall})
    used = {i for a in result.assignments.values() for i in a.inspectors}
    units = {u.id: u for u in pool.units}
    inspectors = [{"id": p.id, "name": p.name, "unit": p.unit, "unit_name": units[p.unit].name}
                  for p in pool.inspectors if p.id in used]
    exclusions = result.scope.exclusions
    counts = Counter(exclusions["reason"].tolist())
    loads = Counter(i for a in result.assignments.values() for i in a.inspectors)
    return {
        "format": PLAN_FORMAT,
        "plan_id": task.task_id,
        "task": task.canonical(),
        "month": month,
        "config": {"version": config.version, "ratios": result.ratios,
                   "inspectors_per_firm": config.inspectors_per_firm,
                   "workload_cap": pool.workload_cap or config.workload_cap,
                   "hit_results": [str(r) for r in config.evaluation.hit_results]},
        "inputs": inputs,
        "seed": seed,
        "scope": {"firms_in_scope": result.scope.in_scope, "candidates": len(result.scope.candidates),
                  "excluded": len(exclusions), "exclusion_counts": dict(sorted(counts.items()))},
        "strata": [{"class": s.cls, "population": s.population, "ratio": s.ratio, "drawn": s.drawn,
                    "cutoff": s.cutoff} for s in result.draw.strata],
        "firms": firms,
        "short_of_inspectors": [{"fid": f["fid"], "assigned": len(f["inspectors"]), "reason": f["shortfall"]}
                                for f in firms if f["shortfall"]],
        "inspectors": inspectors,
        "inspector_load": dict(sorted(loads.items())),
        "exclusions": exclusions.to_dict("records"),
    }


def canonical_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def document_digest(document: dict[str, Any]) -> str:
    """SHA-256 of the plan's canonical JSON without its own ``digest`` field."""
    return hashlib.sha256(canonical_json({k: v for k, v in document.items() if k != "digest"})).hexdigest()


def exclusions_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({"exclusions": document["exclusions"]})).hexdigest()


def differences(stored: dict[str, Any], again: dict[str, Any]) -> list[str]:
    """What differs between a stored plan and the same plan drawn again (empty: the draw is confirmed)."""
    out: list[str] = []
    for key in ("strata", "scope"):
        if stored[key] != again[key]:
            out.append(f"{key} differ: stored {stored[key]} / again {again[key]}")
    a = {f["fid"]: (f["ticket"], f["inspectors"]) for f in stored["firms"]}
    b = {f["fid"]: (f["ticket"], f["inspectors"]) for f in again["firms"]}
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    if only_a:
        out.append(f"{len(only_a)} firm(s) in the stored plan not drawn again: {', '.join(only_a[:10])}")
    if only_b:
        out.append(f"{len(only_b)} firm(s) drawn again not in the stored plan: {', '.join(only_b[:10])}")
    moved = sorted(f for f in set(a) & set(b) if a[f] != b[f])
    if moved:
        out.append(f"{len(moved)} firm(s) with other tickets or inspectors: {', '.join(moved[:10])}")
    return out


def class_counts(document: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(CLASSES, 0)
    for f in document["firms"]:
        counts[f["class"]] += 1
    return counts
