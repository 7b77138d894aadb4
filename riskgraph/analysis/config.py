"""The analysis parameters: ``analysis.yaml`` read and validated by pydantic, versioned.

Every threshold of the hotspot test and every setting of the community detection lives in
the file; the code holds none. The version recorded with a result is the file's ``version``
plus the first eight hex digits of the SHA-256 of its bytes, so an edited threshold never
hides behind an unchanged version string (as for the scoring model).

This module only says what the settings are; it computes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from riskgraph.errors import ConfigError

DEFAULT_ANALYSIS_PATH = Path(__file__).resolve().parent / "analysis.yaml"
CLASSES = ("A", "B", "C", "D")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HotspotSettings(_Strict):
    """When a region × industry cell is a hotspot (see ``hotspots.py``)."""

    high_classes: tuple[str, ...] = ("C", "D")
    fdr: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.05
    min_observed: Annotated[int, Field(ge=1)] = 5
    min_firms: Annotated[int, Field(ge=1)] = 30
    prior_fit: Literal["marginal_likelihood", "moments"] = "marginal_likelihood"

    @field_validator("high_classes")
    @classmethod
    def _known_classes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CLASSES))
        if unknown or not value:
            raise ValueError(f"high_classes must be a non-empty list of {', '.join(CLASSES)}; unknown: {unknown}")
        return value


class GroupSettings(_Strict):
    """Leiden communities on the firm–firm association graph (see ``groups.py``)."""

    resolution: Annotated[float, Field(gt=0.0)] = 1.0
    seed: Annotated[int, Field(ge=0)] = 15
    iterations: Annotated[int, Field(ge=-1)] = -1
    min_size: Annotated[int, Field(ge=2)] = 3
    top_regions: Annotated[int, Field(ge=1)] = 3
    top_binders: Annotated[int, Field(ge=1)] = 5

    @field_validator("iterations")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("iterations must be -1 (until stable) or at least 1")
        return value


class AnalysisConfig(_Strict):
    version: str
    hotspots: HotspotSettings
    groups: GroupSettings
    content_hash: str = ""

    @property
    def analysis_version(self) -> str:
        """What results record: the file's version and its content hash."""
        return f"{self.version}+{self.content_hash[:8]}" if self.content_hash else self.version


def parse_analysis_config(data: object, source: str, content_hash: str = "") -> AnalysisConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return AnalysisConfig.model_validate({**data, "content_hash": content_hash})
    except ValidationError as exc:
        problems = "\n".join(f"  {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
                             for e in exc.errors())
        raise ConfigError(f"{source}: invalid analysis settings; fix these fields:\n{problems}") from exc


def load_analysis_config(path: Path | None = None) -> AnalysisConfig:
    """Read and validate an analysis file (the packaged ``analysis.yaml`` by default)."""
    p = path or DEFAULT_ANALYSIS_PATH
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read analysis settings {p}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: not valid YAML: {exc}") from exc
    return parse_analysis_config(data, str(p), hashlib.sha256(raw).hexdigest())
