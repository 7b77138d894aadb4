"""How well scores rank firms that later violate: AUC and precision at the top, overall and per structure type.

``auc`` is the Mann–Whitney probability that a random future violator scores above a
random non-violator (ties count half): 0.5 is chance. ``precision_at(q)`` is the share of
violators among the ``q`` highest-scored firms (ties at the cut broken by firm order,
which is fixed). ``lift`` divides it by the base rate.

:func:`structure_table` answers "does propagation help on the planted structures, and by
how much": per structure type, how many of its violators each scoring puts in the
population's top 5 %, how many of its members it flags there at all (for risk-neutral hubs
that is the cost), and the AUC among the members.

A *violation* is what an inspection plan exists to catch: an administrative penalty, a
listing (abnormal operation, serious dishonesty) or a failed inspection. Neutral records
(passed inspections, filings, commitments, delistings, registration changes) are not.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    reference: bool = False  # a yardstick (the truth's latent risk), not a scoring

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ranking_quality(variant: str, score: F64, positive: np.ndarray, reference: bool = False) -> RankingQuality:
    base = float(np.mean(positive))
    p1, p5 = precision_at(score, positive, 0.01), precision_at(score, positive, 0.05)
    return RankingQuality(variant, auc(score, positive), p1, p5, p1 / base if base else 0.0,
                          p5 / base if base else 0.0, base, reference)


def top_mask(score: F64, share: float) -> np.ndarray:
    """The ``share`` highest-scored firms (ties broken by firm order, as in :func:`precision_at`)."""
    k = max(1, round(len(score) * share))
    top = np.zeros(len(score), dtype=bool)
    top[np.argsort(-score, kind="stable")[:k]] = True
    return top


def _auc_or_none(score: F64, positive: np.ndarray) -> float | None:
    if positive.all() or not positive.any():
        return None
    return round(auc(score, positive), 4)


def structure_table(groups: Mapping[str, tuple[np.ndarray, bool]], positive: np.ndarray,
                    scores: Mapping[str, F64], share: float = 0.05) -> list[dict[str, Any]]:
    """Per group of firms (a structure type): members, violators, and per scoring how it treats them.

    ``groups``: name → (member mask, whether the structure is meant to be risky), all arrays over
    the evaluated population. ``scores``: scoring name → score. Per scoring: ``caught`` (member
    violators in the population's top ``share``), ``flagged`` (members there at all) and
    ``auc_within`` (member violators against member non-violators; None when one side is empty).
    """
    tops = {name: top_mask(score, share) for name, score in scores.items()}
    rows = []
    for name, (members, risky) in groups.items():
        pos = positive & members
        row: dict[str, Any] = {"structure_type": name, "risky": risky, "firms": int(members.sum()),
                               "violators": int(pos.sum())}
        for variant, score in scores.items():
            row[variant] = {"caught_top5": int((tops[variant] & pos).sum()),
                            "flagged_top5": int((tops[variant] & members).sum()),
                            "auc_within": _auc_or_none(score[members], positive[members]) if members.any() else None}
        rows.append(row)
    return rows
