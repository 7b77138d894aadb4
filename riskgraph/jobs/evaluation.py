"""Evaluation on generated data with ground truth: how well a model's classes predict future violations.

``riskgraph evaluate DIR`` scores a generated registry straight from its files (no database)
in several variants — own attributes only, with propagation, without the exempt-hub list,
without any hub handling — and ranks the truth's latent risk as a yardstick. The figures
are computed by the pure ``scoring.evaluation``; this job reads the files and the truth.

It also runs the analysts' views on the model's classes — hotspots and risk groups
(``riskgraph.analysis``) — and judges them against the planted hotspots and structures
(``analysis.evaluation``): hotspot recall against the naive C/D-share ranking, group recovery
and purity.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskgraph.analysis.config import AnalysisConfig, load_analysis_config
from riskgraph.analysis.evaluation import group_recovery, hotspot_recovery, latent_ratio
from riskgraph.analysis.groups import association_graph, leiden_groups
from riskgraph.analysis.hotspots import hotspot_cells, standardise
from riskgraph.errors import ConfigError
from riskgraph.ingest.month_tables import read_month_tables
from riskgraph.jobs.alerts import evaluate_alerts
from riskgraph.jobs.scoring import OPERATING
from riskgraph.months import Month
from riskgraph.scoring.build import build_projection
from riskgraph.scoring.classify import class_mix
from riskgraph.scoring.config import CLASS_ORDER, ExemptHubs, ModelConfig, load_exempt_hubs
from riskgraph.scoring.engine import ScoringResult, score_projection
from riskgraph.scoring.evaluation import RankingQuality, is_violation, ranking_quality, structure_table
from riskgraph.scoring.projection import ENTITY_KINDS, FIRM_STATUSES, Projection, mark_exempt

Say = Callable[[str], None]


def _quiet(_msg: str) -> None:
    return None


RISKY_ROW = "any risky structure"
PLAIN_ROW = "no planted structure"


@dataclass
class Evaluation:
    directory: str
    month: str
    model_version: str
    firms: int  # scored
    evaluated: int  # in operation at the month end: the population the figures are about
    violators: int
    horizon_months: int
    variants: list[RankingQuality]
    by_structure_type: list[dict[str, Any]]
    class_mix: dict[str, float]  # of the evaluated firms, with propagation (the model)
    exempt: dict[str, int]
    seconds: float
    hotspots: dict[str, Any] | None = None  # analysis.evaluation.hotspot_recovery, when truth/hotspots.csv exists
    groups: dict[str, Any] | None = None  # analysis.evaluation.group_recovery, when truth/structures.json exists
    analysis_version: str = ""
    alerts: dict[str, Any] | None = None  # jobs.alerts.evaluate_alerts, when truth/alerts.csv exists

    def variant(self, name: str) -> RankingQuality:
        return next(v for v in self.variants if v.variant == name)

    def as_dict(self) -> dict[str, Any]:
        return {"directory": self.directory, "month": self.month, "model_version": self.model_version,
                "firms": self.firms, "evaluated": self.evaluated, "violators": self.violators,
                "horizon_months": self.horizon_months, "variants": [v.as_dict() for v in self.variants],
                "by_structure_type": self.by_structure_type, "class_mix": self.class_mix, "exempt": self.exempt,
                "seconds": round(self.seconds, 2), "analysis_version": self.analysis_version,
                "hotspots": self.hotspots, "groups": self.groups, "alerts": self.alerts}


OWN_ONLY = "own attributes only"
NO_HUB_HANDLING = "propagation, no hub handling"
NO_EXEMPT_LIST = "propagation, no exempt list"
MODEL = "propagation (model)"
ORACLE = "oracle: truth latent risk"
# short keys of the by-structure-type figures
VARIANT_KEYS = {OWN_ONLY: "own", NO_HUB_HANDLING: "no_hub_handling", NO_EXEMPT_LIST: "no_exempt_list",
                MODEL: "model", ORACLE: "oracle"}


def projection_from_files(directory: Path, month: Month | str, salt: str) -> Projection:
    """The projection of ``month`` from an interchange directory (its base files and deltas up to ``month``)."""
    month = Month.of(month)
    return build_projection(read_month_tables(directory, month, salt), month)


def default_evaluation_month(directory: Path) -> str:
    """The month before the first future event in ``truth/future_events.csv``."""
    future = pd.read_csv(directory / "truth" / "future_events.csv", dtype=str, keep_default_na=False)
    if future.empty:
        raise ConfigError(f"{directory}/truth/future_events.csv has no rows; nothing to evaluate against")
    first = dt.date.fromisoformat(min(future["date"]))
    prev = first.replace(day=1) - dt.timedelta(days=1)
    return f"{prev:%Y-%m}"


def evaluate_directory(directory: Path, config: ModelConfig, salt: str, month: str | None = None,
                       hubs_path: Path | None = None, horizon_months: int = 12, say: Say = _quiet,
                       analysis: AnalysisConfig | None = None) -> Evaluation:
    """Own-attributes-only vs with propagation (hubs exempt, without the exempt list, without any hub handling).

    Scores the data set (base files and deltas up to ``month``) as of ``month``; a firm is a
    positive when it has a violation (:func:`~riskgraph.scoring.evaluation.is_violation`)
    in the ``horizon_months`` after. Figures are over the firms in operation at the month
    end. The truth's latent risk is ranked the same way as a yardstick (``oracle``).
    """
    t0 = time.perf_counter()
    truth_dir = directory / "truth"
    if not (truth_dir / "future_events.csv").is_file():
        raise ConfigError(f"{directory} has no truth/future_events.csv; evaluate needs generated data with "
                          "ground truth (riskgraph generate … --out DIR)")
    checked = Month.of(month or default_evaluation_month(directory))
    month, end = checked.text, checked.end
    horizon_end = end + dt.timedelta(days=round(horizon_months * 30.4375))
    say(f"reading {directory} as of {month}")
    p = projection_from_files(directory, checked, salt)
    hubs_file = hubs_path or (directory / "exempt_hubs.yaml")
    hubs = load_exempt_hubs(hubs_file if hubs_file.is_file() else None)

    future = pd.read_csv(truth_dir / "future_events.csv", dtype=str, keep_default_na=False)
    dates = pd.to_datetime(future["date"], format="%Y-%m-%d", errors="coerce")
    in_window = (dates > pd.Timestamp(end)) & (dates <= pd.Timestamp(horizon_end)) & is_violation(
        future["kind"], future["result"])
    positive = np.isin(p.firm_key, future.loc[in_window, "firm_id"].unique())
    population = p.status == FIRM_STATUSES.index(OPERATING)
    if not population.any():
        raise ConfigError(f"{directory}: no firm is in operation (status {OPERATING}) at the end of {month}")

    def run(model: ModelConfig, exempt: ExemptHubs) -> ScoringResult:
        mark_exempt(p, exempt, salt)
        return score_projection(p, model, with_reasons=False)

    say("scoring: own attributes only")
    own = run(config.without_association(), hubs)
    say("scoring: with propagation, no exempt-hub list")
    no_list = run(config, ExemptHubs())
    say("scoring: propagation without any hub handling")
    naive_cfg = config.propagation.model_copy(update={"degree_exponent": 0.0, "inbound_cap": 1e9,
                                                      "pair_limit": 10**9})
    naive = run(config.model_copy(update={"propagation": naive_cfg}), ExemptHubs())
    say("scoring: with propagation, hubs exempt")
    full = run(config, hubs)
    exempt = {"firms": int(p.firm_exempt.sum()), "connectors": int(p.conn_exempt.sum())}
    truth = _truth_firms(truth_dir, p)
    scores = {OWN_ONLY: own.score, NO_HUB_HANDLING: naive.score, NO_EXEMPT_LIST: no_list.score, MODEL: full.score}
    if truth is not None:
        scores[ORACLE] = truth["latent_risk"]
    pos = positive[population]
    variants = [ranking_quality(name, score[population], pos, reference=name == ORACLE)
                for name, score in scores.items()]
    groups = _structure_groups(truth_dir, truth, population) if truth is not None else {}
    by_type = structure_table(groups, pos, {VARIANT_KEYS[k]: v[population] for k, v in scores.items()})
    analysis = analysis or load_analysis_config()
    say("hotspots and risk groups")
    hot, grp = _analysis_figures(truth_dir, p, full, truth, config, analysis)
    return Evaluation(str(directory), month, config.model_version, p.n_firms, int(population.sum()), int(pos.sum()),
                      horizon_months, variants, by_type, class_mix(full.cls[population]), exempt,
                      time.perf_counter() - t0, hot, grp, analysis.analysis_version,
                      evaluate_alerts(directory, salt, month, hubs) or None)


ANALYSED_TYPES = ("shell_ring", "nominee_front", "cross_holding_loop")  # structures a group should hold


def firm_table(p: Projection, cls: np.ndarray) -> pd.DataFrame:
    """The hotspot firm table of a scored projection: fid, region, industry division, kind, class."""
    region = np.array([f"{r:06d}" if r >= 0 else "" for r in p.region.tolist()], dtype=object)
    industry = np.array([f"{chr(ord('A') + g // 100)}{g % 100:02d}" if g >= 0 else "" for g in p.industry.tolist()],
                        dtype=object)
    return pd.DataFrame({"fid": p.firm_key, "region": region, "industry": industry,
                         "kind": np.asarray(ENTITY_KINDS, dtype=object)[p.kind],
                         "cls": np.asarray([c.value for c in CLASS_ORDER], dtype=object)[cls]})


def _analysis_figures(truth_dir: Path, p: Projection, full: ScoringResult, truth: dict[str, np.ndarray] | None,
                      config: ModelConfig, analysis: AnalysisConfig) -> tuple[dict[str, Any] | None,
                                                                               dict[str, Any] | None]:
    """Hotspots over the firms not cancelled (revoked firms still exist and are rated) and groups over all."""
    firms = firm_table(p, full.cls)
    live = p.status != FIRM_STATUSES.index("cancelled")
    hot: dict[str, Any] | None = None
    planted_path = truth_dir / "hotspots.csv"
    if planted_path.is_file():
        t = time.perf_counter()
        result = hotspot_cells(firms[live].reset_index(drop=True), analysis.hotspots)
        planted = pd.read_csv(planted_path, dtype=str, keep_default_na=False)
        latent = None
        if truth is not None:
            latent = latent_ratio(standardise(firms[live].reset_index(drop=True), analysis.hotspots),
                                  truth["latent_risk"][live])
        hot = hotspot_recovery(result.cells, planted, latent)
        hot["seconds"] = round(time.perf_counter() - t, 2)
        hot["firms"] = result.firms
    grp: dict[str, Any] | None = None
    structures_path = truth_dir / "structures.json"
    if structures_path.is_file():
        t = time.perf_counter()
        group_of = leiden_groups(association_graph(p, config.propagation), analysis.groups)
        position = {str(k): i for i, k in enumerate(p.firm_key)}
        members: dict[str, list[list[int]]] = {kind: [] for kind in ANALYSED_TYPES}
        for record in json.loads(structures_path.read_text(encoding="utf-8")):
            if record["type"] in members:
                members[record["type"]].append([position[f] for f in record["firms"] if f in position])
        grp = group_recovery(group_of, members)
        grp["groups"] = int(group_of.max()) + 1 if len(group_of) else 0
        grp["firms_in_groups"] = int((group_of >= 0).sum())
        grp["seconds"] = round(time.perf_counter() - t, 2)
    return hot, grp


def _truth_firms(truth_dir: Path, p: Projection) -> dict[str, np.ndarray] | None:
    """``truth/firms.csv`` aligned with the projection: latent risk and structure ids per firm."""
    path = truth_dir / "firms.csv"
    if not path.is_file():
        return None
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"firm_id", "latent_risk", "structures"} <= set(truth.columns):
        raise ConfigError(f"{path} needs the columns firm_id, latent_risk, structures")
    aligned = truth.set_index("firm_id").reindex(p.firm_key)
    risk = pd.to_numeric(aligned["latent_risk"], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)
    return {"latent_risk": risk, "structures": aligned["structures"].fillna("").to_numpy(dtype=object)}


def _structure_groups(truth_dir: Path, truth: dict[str, np.ndarray],
                      population: np.ndarray) -> dict[str, tuple[np.ndarray, bool]]:
    """Evaluated firms per planted structure type (risky types first), plus two summary groups.

    Types whose structures are partly on the exempt-hub list (professional nominees) are split
    into the listed and the unlisted ones: hub handling treats them differently.
    """
    path = truth_dir / "structures.json"
    if not path.is_file():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    exempt_mix: dict[str, set[bool]] = {}
    for r in records:
        exempt_mix.setdefault(r["type"], set()).add(bool(r.get("exempt")))
    label: dict[str, tuple[str, bool]] = {}
    for r in records:
        name = r["type"]
        if len(exempt_mix[name]) > 1:
            name += " (exempt list)" if r.get("exempt") else " (not on the list)"
        label[r["id"]] = (name, bool(r.get("risky")))
    ids = truth["structures"][population]
    n = len(ids)
    masks: dict[str, np.ndarray] = {}
    risky_of: dict[str, bool] = {}
    any_structure = np.zeros(n, dtype=bool)
    any_risky = np.zeros(n, dtype=bool)
    for i, cell in enumerate(ids):
        for sid in filter(None, str(cell).split(";")):
            if sid not in label:
                continue
            name, risky = label[sid]
            masks.setdefault(name, np.zeros(n, dtype=bool))[i] = True
            risky_of[name] = risky
            any_structure[i] = True
            any_risky[i] |= risky
    order = sorted(masks, key=lambda k: (not risky_of[k], k))
    groups = {k: (masks[k], risky_of[k]) for k in order}
    groups[RISKY_ROW] = (any_risky, True)
    groups[PLAIN_ROW] = (~any_structure, False)
    return groups
