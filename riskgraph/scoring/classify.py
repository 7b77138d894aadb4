"""Scores to classes A/B/C/D: configured thresholds, then the documented hard rules.

A hard rule only ever raises a class (``min_class``); it never lowers one. The rules
that fired are returned per firm so that reasons can name them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskgraph.scoring.config import CLASS_ORDER, ModelConfig, RiskClass
from riskgraph.scoring.projection import F64


@dataclass
class Classification:
    cls: np.ndarray  # int8 per firm: 0 A, 1 B, 2 C, 3 D
    by_score: np.ndarray  # int8 per firm: the class the score alone gives
    rules_fired: np.ndarray  # bool, firms × hard rules (the rule raised or confirmed the class)


def thresholds_per_set(config: ModelConfig) -> F64:
    """Thresholds (B, C, D) per indicator set, general first."""
    general = config.classes.thresholds
    rows = [[general[RiskClass.B], general[RiskClass.C], general[RiskClass.D]]]
    for s in config.key_area_sets:
        t = s.thresholds or general
        rows.append([t[RiskClass.B], t[RiskClass.C], t[RiskClass.D]])
    return np.array(rows, dtype=np.float64)


def classify(score: F64, indicator_set: np.ndarray, rule_hits: np.ndarray, config: ModelConfig) -> Classification:
    """``score`` 0–100; ``rule_hits`` firms × hard rules, true where the rule's indicator is present."""
    t = thresholds_per_set(config)[indicator_set.astype(np.int64)]
    by_score = (score[:, None] >= t).sum(axis=1).astype(np.int8)
    cls = by_score.copy()
    fired = np.zeros_like(rule_hits, dtype=bool)
    for r, rule in enumerate(config.hard_rules):
        floor = np.int8(CLASS_ORDER.index(rule.min_class))
        hit = rule_hits[:, r]
        fired[:, r] = hit & (by_score < floor)
        cls = np.where(hit, np.maximum(cls, floor), cls).astype(np.int8)
    return Classification(cls, by_score, fired)


def class_mix(cls: np.ndarray) -> dict[str, float]:
    """Share of firms per class, in [0, 1]."""
    counts = np.bincount(cls.astype(np.int64), minlength=4)
    total = max(int(counts.sum()), 1)
    return {c.value: counts[i] / total for i, c in enumerate(CLASS_ORDER)}


def class_counts(cls: np.ndarray) -> dict[str, int]:
    counts = np.bincount(cls.astype(np.int64), minlength=4)
    return {c.value: int(counts[i]) for i, c in enumerate(CLASS_ORDER)}
