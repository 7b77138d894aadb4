"""The analysis parameters: ``analysis.yaml`` read and validated by pydantic, versioned.

Every threshold of the hotspot test and every setting of the community detection lives in
the file; the code holds none. The version recorded with a result is the file's ``version``
plus the first eight hex digits of the SHA-256 of its bytes, so an edited threshold never
hides behind an unchanged version string (as for the scoring model).

This module only says what the settings are; it computes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riskgraph.model_files import read_model_file, validate_model_file, version_label

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
    continuity: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5

    @field_validator("iterations")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("iterations must be -1 (until stable) or at least 1")
        return value


class DriverSettings(_Strict):
    """How much of a cell's drivers is kept with it (see ``hotspots.drivers_by_cell``)."""

    top: Annotated[int, Field(ge=1)] = 5


class AnalysisConfig(_Strict):
    version: str
    hotspots: HotspotSettings
    groups: GroupSettings
    drivers: DriverSettings = DriverSettings()
    content_hash: str = ""

    @property
    def analysis_version(self) -> str:
        """What results record: the file's version and its content hash."""
        return version_label(self.version, self.content_hash)


def parse_analysis_config(data: object, source: str, content_hash: str = "") -> AnalysisConfig:
    return validate_model_file(AnalysisConfig, data, source, "analysis settings", content_hash)


def load_analysis_config(path: Path | None = None) -> AnalysisConfig:
    """Read and validate an analysis file (the packaged ``analysis.yaml`` by default)."""
    p = path or DEFAULT_ANALYSIS_PATH
    data, content_hash = read_model_file(p, "analysis settings")
    return parse_analysis_config(data, str(p), content_hash)
