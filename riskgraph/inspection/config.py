"""The sampling configuration of double-random inspections: per-class ratios, inspectors per firm, workload.

``plan.yaml`` beside this module is the packaged default; a deployment may give another file
(``riskgraph plan draw --config``). Both are validated here, and the file's version and SHA-256
go into every plan drawn with it. Only shapes and the ratio rule live here: no database, no graph.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskgraph.model import InspectionResult
from riskgraph.model_files import read_model_file, validate_model_file

DEFAULT_PLAN_CONFIG = Path(__file__).with_name("plan.yaml")
CLASSES = ("A", "B", "C", "D")  # 信用风险分类, low to high; the scorer's letters


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClassRatio(_Strict):
    """How much of one class a task samples: ``clamp(base × multiplier, min, max)``; ``max`` None: no upper limit."""

    multiplier: float = Field(gt=0)
    min: float = Field(ge=0, le=1)
    max: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _range(self) -> ClassRatio:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max {self.max} is below min {self.min}")
        return self

    def ratio(self, base: float) -> float:
        """The share of the class's firms to sample for a task of ``base`` ratio, in [min, max or 1]."""
        return min(max(base * self.multiplier, self.min), 1.0 if self.max is None else self.max)


class EvaluationConfig(_Strict):
    hit_results: tuple[InspectionResult, ...] = (InspectionResult.FAIL, InspectionResult.NOT_FOUND)


class PlanConfig(_Strict):
    """``plan.yaml``: a versioned sampling rule book (一细则)."""

    version: str = Field(min_length=1)
    base_ratio: float = Field(gt=0, le=1)
    classes: dict[str, ClassRatio]
    inspectors_per_firm: int = Field(default=2, ge=1, le=10)
    workload_cap: int = Field(default=40, ge=1)
    evaluation: EvaluationConfig = EvaluationConfig()
    content_hash: str = ""  # SHA-256 of the file as read; set by the loader

    @model_validator(mode="after")
    def _every_class_rising(self) -> PlanConfig:
        if sorted(self.classes) != list(CLASSES):
            raise ValueError(f"classes must be exactly {', '.join(CLASSES)} (got {', '.join(sorted(self.classes))})")
        ladder = [self.classes[c] for c in CLASSES]
        for low, high, a, b in zip(ladder, ladder[1:], CLASSES, CLASSES[1:], strict=False):
            if high.multiplier < low.multiplier or high.min < low.min:
                raise ValueError(f"class {b} must sample at least as much as class {a} (multiplier and min)")
        return self

    def ratios(self, base: float | None = None) -> dict[str, float]:
        """The share of each class to sample for a task of ``base`` ratio (the file's ``base_ratio`` when None)."""
        b = self.base_ratio if base is None else base
        return {c: self.classes[c].ratio(b) for c in CLASSES}

    def check_override(self, cls: str, ratio: float) -> str | None:
        """Why a task's own ratio for ``cls`` falls outside the configured range, or None."""
        spec = self.classes[cls]
        top = 1.0 if spec.max is None else spec.max
        if not spec.min <= ratio <= top:
            return f"class {cls}: ratio {ratio} outside the configured range {spec.min}–{top} ({self.version})"
        return None


def sample_size(ratio: float, population: int) -> int:
    """Firms to draw from a stratum of ``population`` at ``ratio``: rounded up, so a minimum ratio is kept."""
    if population <= 0 or ratio <= 0:
        return 0
    return min(population, math.ceil(ratio * population - 1e-9))



def parse_plan_config(data: Any, source: str, content_hash: str = "") -> PlanConfig:
    return validate_model_file(PlanConfig, data, source, "inspection plan configuration", content_hash)


def load_plan_config(path: Path | None = None) -> PlanConfig:
    """Read and validate a plan configuration (the packaged ``plan.yaml`` by default)."""
    p = path or DEFAULT_PLAN_CONFIG
    data, content_hash = read_model_file(p, "the plan configuration")
    return parse_plan_config(data, str(p), content_hash)
