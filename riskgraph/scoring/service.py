"""Scoring jobs: read a projection → score it → write the month; evaluate; list class changes.

Thin by design: the work is in the pure modules beside this one, storage is behind
``riskgraph.graph.projection`` and ``riskgraph.graph.results``. This module never runs
Cypher itself.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from neo4j import Driver

from riskgraph.errors import ConfigError
from riskgraph.graph import projection as graph_projection
from riskgraph.graph import results
from riskgraph.scoring.classify import class_mix
from riskgraph.scoring.config import CLASS_ORDER, ExemptHubs, ModelConfig, load_exempt_hubs
from riskgraph.scoring.engine import ScoringResult, score_projection
from riskgraph.scoring.evaluation import RankingQuality, is_violation, ranking_quality
from riskgraph.scoring.interchange import projection_from_interchange
from riskgraph.scoring.projection import Projection, mark_exempt, month_end
from riskgraph.settings import Settings

Say = Callable[[str], None]


def _quiet(_msg: str) -> None:
    return None


@dataclass
class MonthRun:
    month: str
    run_id: str
    model_version: str
    firms: int
    class_counts: dict[str, int]
    class_mix: dict[str, float]
    replaced_run: str | None
    timings: dict[str, float] = field(default_factory=dict)
    exempt: dict[str, int] = field(default_factory=dict)
    iterations: int = 0


def score_month(driver: Driver, settings: Settings, month: str, config: ModelConfig, hubs: ExemptHubs | None = None,
                say: Say = _quiet, on_write: Callable[[int], None] | None = None,
                before_write: Callable[[int], None] | None = None) -> MonthRun:
    """Score ``month`` from the graph and store the results (replacing that month atomically)."""
    month_end(month)  # refuse a malformed month before touching anything
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("reading the projection")
    p = graph_projection.read_projection(driver, settings, month, hubs, progress=say)
    timings["read_s"] = time.perf_counter() - t0
    exempt = {"firms": int(p.firm_exempt.sum()), "connectors": int(p.conn_exempt.sum())}

    t1 = time.perf_counter()
    say(f"scoring {p.n_firms:,} firms")
    result = score_projection(p, config)
    texts = result.reasons_json
    timings["compute_s"] = time.perf_counter() - t1
    timings.update({f"compute.{k}": v for k, v in result.timings.items()})

    t2 = time.perf_counter()
    run_id = f"{month}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    counts = result.class_counts()
    if before_write:
        before_write(p.n_firms)
    say("writing results")
    replaced = results.write_month(
        driver, settings, month=month, run_id=run_id, model_version=config.model_version, node=p.firm_node,
        fid=p.firm_key, score=result.score, own=result.own_score, received=result.received,
        cls=[CLASS_ORDER[c].value for c in result.cls], indicator_set=_set_names(config, result.indicator_set),
        reasons=texts, class_counts=counts, on_batch=on_write)
    timings["write_s"] = time.perf_counter() - t2
    timings["total_s"] = time.perf_counter() - t0
    return MonthRun(month, run_id, config.model_version, p.n_firms, counts, class_mix(result.cls), replaced,
                    timings, exempt, result.propagation.iterations if result.propagation else 0)


def _set_names(config: ModelConfig, sets: np.ndarray) -> list[str]:
    names = np.array(["general", *(s.name for s in config.key_area_sets)], dtype=object)
    return [str(x) for x in names[sets.astype(np.int64)]]


# ---------------------------------------------------------------------------------------
# Up- and downgrades between two months


@dataclass
class ClassChange:
    fid: str
    before: str
    after: str
    score_before: float
    score_after: float

    @property
    def direction(self) -> str:
        return "down" if self.after > self.before else "up"  # "D" > "A": a higher letter is a downgrade


def class_changes(driver: Driver, settings: Settings, before: str, after: str) -> list[ClassChange]:
    """Firms whose class differs between two scored months, worst downgrades first."""
    a = results.read_month(driver, settings, before)
    b = results.read_month(driver, settings, after)
    for m in (a, b):
        if m.run_id is None:
            raise ConfigError(f"month {m.month} has not been scored; run: riskgraph score --month {m.month}")
    old = a.by_fid()
    changes = [ClassChange(f, old[f][0], c, old[f][1], s) for f, (c, s) in b.by_fid().items()
               if f in old and old[f][0] != c]
    changes.sort(key=lambda ch: (-(ord(ch.after) - ord(ch.before)), -ch.score_after))
    return changes


# ---------------------------------------------------------------------------------------
# Evaluation on generated data with ground truth


@dataclass
class Evaluation:
    directory: str
    month: str
    model_version: str
    firms: int
    violators: int
    variants: list[RankingQuality]
    by_structure: list[dict[str, Any]]
    class_mix: dict[str, float]
    exempt: dict[str, int]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"directory": self.directory, "month": self.month, "model_version": self.model_version,
                "firms": self.firms, "violators": self.violators,
                "variants": [v.as_dict() for v in self.variants], "by_structure": self.by_structure,
                "class_mix": self.class_mix, "exempt": self.exempt, "seconds": round(self.seconds, 2)}


def default_evaluation_month(directory: Path) -> str:
    """The month before the first future event in ``truth/future_events.csv``."""
    future = pd.read_csv(directory / "truth" / "future_events.csv", dtype=str, keep_default_na=False)
    if future.empty:
        raise ConfigError(f"{directory}/truth/future_events.csv has no rows; nothing to evaluate against")
    first = dt.date.fromisoformat(min(future["date"]))
    prev = first.replace(day=1) - dt.timedelta(days=1)
    return f"{prev:%Y-%m}"


def evaluate_directory(directory: Path, config: ModelConfig, salt: str, month: str | None = None,
                       hubs_path: Path | None = None, horizon_months: int = 12, say: Say = _quiet) -> Evaluation:
    """Own-attributes-only vs with propagation (hubs exempt, and without the exempt list)."""
    t0 = time.perf_counter()
    truth_dir = directory / "truth"
    if not (truth_dir / "future_events.csv").is_file():
        raise ConfigError(f"{directory} has no truth/future_events.csv; evaluate needs generated data with "
                          "ground truth (riskgraph generate … --out DIR)")
    month = month or default_evaluation_month(directory)
    end = month_end(month)
    horizon_end = end + dt.timedelta(days=round(horizon_months * 30.4375))
    say(f"reading {directory} as of {month}")
    p = projection_from_interchange(directory, month, salt)
    hubs_file = hubs_path or (directory / "exempt_hubs.yaml")
    hubs = load_exempt_hubs(hubs_file if hubs_file.is_file() else None)

    future = pd.read_csv(truth_dir / "future_events.csv", dtype=str, keep_default_na=False)
    dates = pd.to_datetime(future["date"], format="%Y-%m-%d", errors="coerce")
    in_window = (dates > pd.Timestamp(end)) & (dates <= pd.Timestamp(horizon_end)) & is_violation(
        future["kind"], future["result"])
    positive = np.isin(p.firm_key, future.loc[in_window, "firm_id"].unique())

    def run(model: ModelConfig, exempt: ExemptHubs) -> tuple[ScoringResult, Projection]:
        mark_exempt(p, exempt, salt)
        return score_projection(p, model, with_reasons=False), p

    say("scoring: own attributes only")
    own, _ = run(config.without_association(), hubs)
    say("scoring: with propagation, no exempt-hub list")
    no_hubs, _ = run(config, ExemptHubs())
    say("scoring: propagation without any hub handling")
    naive_cfg = config.propagation.model_copy(update={"degree_exponent": 0.0, "inbound_cap": 1e9,
                                                      "pair_limit": 10**9})
    naive, _ = run(config.model_copy(update={"propagation": naive_cfg}), ExemptHubs())
    say("scoring: with propagation, hubs exempt")
    full, _ = run(config, hubs)
    exempt = {"firms": int(p.firm_exempt.sum()), "connectors": int(p.conn_exempt.sum())}
    variants = [ranking_quality("own attributes only", own.score, positive),
                ranking_quality("propagation, no hub handling", naive.score, positive),
                ranking_quality("propagation, no exempt list", no_hubs.score, positive),
                ranking_quality("propagation (model)", full.score, positive)]
    by_structure = _by_structure(truth_dir, p, positive, own, full)
    return Evaluation(str(directory), month, config.model_version, p.n_firms, int(positive.sum()), variants,
                      by_structure, class_mix(full.cls), exempt, time.perf_counter() - t0)


def _by_structure(truth_dir: Path, p: Projection, positive: np.ndarray, own: ScoringResult,
                  full: ScoringResult) -> list[dict[str, Any]]:
    path = truth_dir / "firms.csv"
    if not path.is_file():
        return []
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "structures" not in truth or "firm_id" not in truth:
        return []
    label = pd.Series(truth["structures"].to_numpy(), index=truth["firm_id"].to_numpy())
    labels = label.reindex(p.firm_key).fillna("").to_numpy(dtype=object)
    k = max(1, round(p.n_firms * 0.05))
    top_own = np.zeros(p.n_firms, dtype=bool)
    top_own[np.argsort(-own.score, kind="stable")[:k]] = True
    top_full = np.zeros(p.n_firms, dtype=bool)
    top_full[np.argsort(-full.score, kind="stable")[:k]] = True
    rows = []
    tags = sorted({t for v in labels for t in str(v).split(";") if t})
    for tag in tags:
        m = np.array([tag in str(v).split(";") for v in labels])
        rows.append({"structure": tag, "firms": int(m.sum()), "violators": int((m & positive).sum()),
                     "mean_score_own": round(float(own.score[m].mean()), 2),
                     "mean_score_with_propagation": round(float(full.score[m].mean()), 2),
                     "violators_in_top5_own": int((m & positive & top_own).sum()),
                     "violators_in_top5_with_propagation": int((m & positive & top_full).sum())})
    return rows
