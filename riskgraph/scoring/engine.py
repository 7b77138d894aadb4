"""One month's scoring, pure: projection + model → scores, classes, reasons.

Order of work: own indicators → own score → emission → propagation → the association
indicator → final score → classes and hard rules → reasons. Nothing here reads or
writes storage; :mod:`riskgraph.jobs.scoring` does that around it.

Score, 0–100, higher is riskier: ``100 · Σ_k w_sk · r_ik / Σ_k w_sk`` where ``r_ik`` is firm
``i``'s risk on indicator ``k`` and ``w_s`` the weights of the firm's indicator set (general or
its key-area set). Each term is the indicator's *points*, which reasons quote.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from riskgraph.bulk import paused_gc
from riskgraph.scoring.classify import Classification, class_counts, classify
from riskgraph.scoring.config import CLASS_ORDER, ModelConfig
from riskgraph.scoring.indicators import (
    Extras,
    indicator_set_of,
    list_state,
    raw_values,
    risk_matrix,
    to_risk,
    weight_matrix,
)
from riskgraph.scoring.projection import F64, Projection
from riskgraph.scoring.propagation import PropagationResult, propagate_risk
from riskgraph.scoring.reasons import Reason, build_reasons, decode_reasons


@dataclass
class ScoringResult:
    month: str
    model_version: str
    score: F64  # 0–100
    own_score: F64  # 0–100 without the propagated indicator (renormalised)
    received: F64  # risk received from related parties
    classification: Classification
    indicator_set: np.ndarray
    raw: F64  # firms × indicators
    points: F64  # firms × indicators
    reasons_json: list[str]  # one JSON list per firm (empty when scored without reasons)
    propagation: PropagationResult | None
    timings: dict[str, float] = field(default_factory=dict)

    @cached_property
    def reasons(self) -> list[list[Reason]]:
        """The reasons as dicts (decoded on first use; the service stores the JSON as it is)."""
        return decode_reasons(self.reasons_json)

    @property
    def cls(self) -> np.ndarray:
        return self.classification.cls

    def class_counts(self) -> dict[str, int]:
        return class_counts(self.cls)


def emission_of(own_score: F64, own_class: Classification, config: ModelConfig) -> F64:
    """Own risk a firm passes on, in [0, 1]: 0 up to ``floor``, 1 from ``full``, raised by hard rules."""
    em = config.propagation.emission
    e = np.clip((own_score - em.floor) / (em.full - em.floor), 0.0, 1.0)
    for r, rule in enumerate(config.hard_rules):
        level = em.by_rule.get(rule.min_class)
        if level is not None:
            hit = own_class.cls >= CLASS_ORDER.index(rule.min_class)
            hit &= own_class.rules_fired[:, r] | (own_class.by_score >= CLASS_ORDER.index(rule.min_class))
            e = np.where(hit, np.maximum(e, level), e)
    return e


def score_projection(p: Projection, config: ModelConfig, with_reasons: bool = True,
                     reorder: bool = True) -> ScoringResult:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    inds = config.indicators
    prop_cols = [k for k, ind in enumerate(inds) if ind.compute.fn == "propagated"]
    raw = raw_values(p, inds, Extras())
    risk = risk_matrix(inds, raw)
    sets = indicator_set_of(p, config)
    weights = weight_matrix(config)
    w_firm = weights[sets]
    own_w = weights.copy()
    own_w[:, prop_cols] = 0.0
    own_total = own_w.sum(axis=1)
    own_score = 100.0 * (risk * own_w[sets]).sum(axis=1) / np.maximum(own_total[sets], 1e-12)

    rule_cols = [next(k for k, ind in enumerate(inds) if ind.id == r.indicator) for r in config.hard_rules]
    rule_hits = raw[:, rule_cols] > 0 if rule_cols else np.zeros((p.n_firms, 0), dtype=bool)
    own_class = classify(own_score, sets, rule_hits, config)
    timings["indicators_s"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    prop: PropagationResult | None = None
    received = np.zeros(p.n_firms)
    if prop_cols and float(weights[:, prop_cols].sum()) > 0:
        emission = emission_of(own_score, own_class, config)
        prop = propagate_risk(p, emission, config.propagation, reorder=reorder)
        received = prop.received
        for k in prop_cols:
            raw[:, k] = received
            risk[:, k] = to_risk(inds[k], received)
    timings["propagation_s"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    points = 100.0 * risk * w_firm / weights.sum(axis=1)[sets][:, None]
    score = points.sum(axis=1)
    classification = classify(score, sets, rule_hits, config)
    timings["classify_s"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    reasons: list[str] = []
    if with_reasons:
        abnormal = list_state(p, "abnormal_list_in", "abnormal_list_out")[0]
        dishonest = list_state(p, "dishonest_list_in", "dishonest_list_out")[0]
        rel_points = points[:, prop_cols].sum(axis=1) if prop_cols else np.zeros(p.n_firms)
        with paused_gc():
            reasons = build_reasons(p, config, raw, points, classification, rule_hits, prop, rel_points, score,
                                    abnormal, dishonest)
    timings["reasons_s"] = time.perf_counter() - t3
    return ScoringResult(p.month, config.model_version, score, own_score, received, classification, sets, raw,
                         points, reasons, prop, timings)
