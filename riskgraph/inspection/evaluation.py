"""Was the sampling well steered? Hit rates per class against what a uniform draw of the same size would find.

A plan draws within each class uniformly at random, so each class's hit rate (share of its
inspected firms where a problem was found) estimates that class's rate in its whole population.
Weighting them by the classes' sizes estimates the rate of the whole scope — what an unstratified,
uniform draw would hit on average (the stratified estimator, with its standard error under
sampling without replacement). The plan's own hit rate divided by it is the *lift* of steering by
class: above 1, the classes send inspectors where the problems are (seed 002: evaluate sampling
effectiveness to tune the model).

On generated data the truth knows every firm's outcome, not only the inspected ones';
:func:`results_from_truth` turns it into inspection results for a plan, and :func:`evaluate` then
reports the truth's rates beside the estimates. Pure: no database, no files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from riskgraph.inspection.config import CLASSES
from riskgraph.model import EventKind, InspectionResult

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval


def wilson(hits: int, n: int) -> tuple[float | None, float | None]:
    """The 95 % Wilson score interval of a proportion ``hits / n`` (None, None when n is 0)."""
    if n <= 0:
        return None, None
    p = hits / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class ClassHits:
    cls: str
    population: int  # firms of the class in the task's scope
    drawn: int
    inspected: int  # drawn firms with a result
    hits: int
    results: dict[str, int]  # pass / fail / not_found counts
    hit_rate: float | None
    ci_low: float | None
    ci_high: float | None
    truth_rate: float | None = None  # generated data: the class's rate over its whole population


@dataclass
class Evaluation:
    """The sampling's effectiveness; ``uniform_*`` is what a uniform draw of ``inspected`` firms would find."""

    classes: list[ClassHits]
    drawn: int
    inspected: int
    pending: int  # drawn firms without a result yet
    hits: int
    hit_rate: float | None
    uniform_rate: float | None  # stratified estimate of the scope's rate (None while a class has no result)
    uniform_rate_se: float | None
    uniform_expected_hits: float | None
    lift: float | None  # hit_rate / uniform_rate
    hit_results: list[str]
    not_in_plan: int  # results filed against the plan for firms it did not draw (ignored)
    truth_rate: float | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(populations: Mapping[str, int], drawn: Mapping[str, str], results: Mapping[str, str],
             hit_results: Iterable[str], truth: pd.DataFrame | None = None) -> Evaluation:
    """Hit rates of a plan.

    ``populations``: firms per class in scope; ``drawn``: the plan's firms → their class;
    ``results``: firm → its (latest) result for this plan; ``truth`` (generated data only): the
    scope's firms with columns ``cls`` and ``problem`` (bool) — the rates a perfect census would find.
    """
    hitset = {str(h) for h in hit_results}
    per: dict[str, dict[str, int]] = {c: {str(r): 0 for r in InspectionResult} for c in CLASSES}
    drawn_per = dict.fromkeys(CLASSES, 0)
    for cls in drawn.values():
        drawn_per[cls] += 1
    outside = 0
    for fid, result in results.items():
        found = drawn.get(fid)
        if found is None:
            outside += 1
            continue
        per[found][result] = per[found].get(result, 0) + 1
    truth_rates: dict[str, float | None] = dict.fromkeys(CLASSES)
    truth_total: float | None = None
    if truth is not None and len(truth):
        by = truth.groupby("cls")["problem"].mean()
        truth_rates = {c: float(by[c]) if c in by.index else None for c in CLASSES}
        truth_total = float(truth["problem"].mean())
    rows: list[ClassHits] = []
    for c in CLASSES:
        m = sum(per[c].values())
        h = sum(v for k, v in per[c].items() if k in hitset)
        low, high = wilson(h, m)
        rows.append(ClassHits(c, int(populations.get(c, 0)), drawn_per[c], m, h, per[c], h / m if m else None,
                              low, high, truth_rates[c]))
    inspected = sum(r.inspected for r in rows)
    hits = sum(r.hits for r in rows)
    total = sum(r.population for r in rows)
    notes: list[str] = []
    uniform = se = expected = lift = None
    missing = [r.cls for r in rows if r.population > 0 and r.inspected == 0]
    if missing:
        notes.append(f"no results yet for class(es) {', '.join(missing)}: the uniform comparison needs each "
                     "class's rate")
    elif total and inspected:
        uniform = sum(r.population / total * (r.hit_rate or 0.0) for r in rows if r.population)
        var = sum((r.population / total) ** 2 * (r.hit_rate or 0.0) * (1 - (r.hit_rate or 0.0)) / r.inspected
                  * (1 - r.inspected / r.population) for r in rows if r.population and r.inspected)
        se = math.sqrt(max(var, 0.0))
        expected = uniform * inspected
        lift = (hits / inspected) / uniform if uniform > 0 else None
    return Evaluation(rows, sum(drawn_per.values()), inspected, sum(drawn_per.values()) - inspected, hits,
                      hits / inspected if inspected else None, uniform, se, expected, lift, sorted(hitset),
                      outside, truth_total, notes)


VIOLATION_KINDS = (EventKind.PENALTY, EventKind.ABNORMAL_LIST_IN, EventKind.DISHONEST_LIST_IN)


def problems_from_truth(future_events: pd.DataFrame) -> tuple[set[str], set[str]]:
    """Firms with a violation in the truth's future records, and among them those not found at their address.

    A violation is a penalty, a listing (abnormal operations, serious dishonesty) or a failed or
    not-found inspection — what an inspection of the firm would have turned up.
    """
    kind = future_events["kind"].astype(str)
    result = future_events["result"].fillna("").astype(str)
    violation = kind.isin([str(k) for k in VIOLATION_KINDS]) | ((kind == str(EventKind.INSPECTION))
                                                              & result.isin(["fail", "not_found"]))
    firms = set(future_events.loc[violation, "firm_id"].astype(str))
    gone = set(future_events.loc[(kind == str(EventKind.INSPECTION)) & (result == "not_found"), "firm_id"].astype(str))
    return firms, gone


def results_from_truth(fids: Sequence[str], problems: set[str], not_found: set[str]) -> dict[str, str]:
    """The result an inspection of each firm would have had on generated data: not_found, fail or pass."""
    return {f: "not_found" if f in not_found else "fail" if f in problems else "pass" for f in fids}
