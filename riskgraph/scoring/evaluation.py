"""How well scores rank firms that later violate: AUC and precision at the top.

``auc`` is the Mann–Whitney probability that a random future violator scores above a
random non-violator (ties count half): 0.5 is chance. ``precision_at(q)`` is the share of
violators among the ``q`` highest-scored firms (ties at the cut broken by firm order,
which is fixed). ``lift`` divides it by the base rate.

A *violation* is what an inspection plan exists to catch: an administrative penalty, a
listing (abnormal operation, serious dishonesty) or a failed inspection. Neutral records
(passed inspections, filings, commitments, delistings, registration changes) are not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from riskgraph.scoring.projection import F64

VIOLATION_KINDS = frozenset({"penalty", "abnormal_list_in", "dishonest_list_in"})
FAILED_INSPECTION = frozenset({"fail", "not_found"})


def is_violation(kind: pd.Series, result: pd.Series) -> pd.Series:
    """Which event rows are violations (see the module docstring)."""
    return kind.isin(VIOLATION_KINDS) | ((kind == "inspection") & result.isin(FAILED_INSPECTION))


def auc(score: F64, positive: np.ndarray) -> float:
    pos = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both violators and non-violators")
    ranks = rankdata(score)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_at(score: F64, positive: np.ndarray, share: float) -> float:
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    k = max(1, round(len(score) * share))
    top = np.argsort(-score, kind="stable")[:k]
    return float(np.asarray(positive, dtype=bool)[top].mean())


@dataclass
class RankingQuality:
    variant: str
    auc: float
    precision_top1: float
    precision_top5: float
    lift_top1: float
    lift_top5: float
    base_rate: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ranking_quality(variant: str, score: F64, positive: np.ndarray) -> RankingQuality:
    base = float(np.mean(positive))
    p1, p5 = precision_at(score, positive, 0.01), precision_at(score, positive, 0.05)
    return RankingQuality(variant, auc(score, positive), p1, p5, p1 / base if base else 0.0,
                          p5 / base if base else 0.0, base)
