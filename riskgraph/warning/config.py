"""The early-warning parameters: ``alerts.yaml`` read and validated by pydantic, versioned.

Every window, threshold and model setting of the three tests lives in the file; the code holds
none. The version recorded with an alert is the file's ``version`` plus the first eight hex digits
of the SHA-256 of its bytes (as for the scoring and analysis files).

This module only says what the settings are; it computes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from riskgraph.model import EventKind
from riskgraph.model_files import read_model_file, validate_model_file, version_label

DEFAULT_ALERTS_PATH = Path(__file__).resolve().parent / "alerts.yaml"
Level = Literal["firm", "industry", "county"]
LEVELS: tuple[Level, ...] = ("firm", "industry", "county")
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegistrationSettings(_Strict):
    """Abnormal registration: firms newly registered at one address or by one person (``registration.py``)."""

    windows_days: tuple[Annotated[int, Field(ge=1)], ...] = (30, 90)
    baseline_days: Annotated[int, Field(ge=30)] = 730
    fdr: Probability = 0.01
    min_count: Annotated[int, Field(ge=2)] = 4
    max_firms_listed: Annotated[int, Field(ge=1)] = 50

    @field_validator("windows_days")
    @classmethod
    def _some_windows(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value:
            raise ValueError("windows_days needs at least one window")
        return tuple(sorted(set(value)))


class ChangeSettings(_Strict):
    """Abnormal changes: registration changes of a firm against its peers (``changes.py``)."""

    window_days: Annotated[int, Field(ge=30)] = 365
    kinds: tuple[str, ...] = ("change_legal_rep", "change_shareholder", "change_address")
    age_bands_years: tuple[Annotated[float, Field(gt=0.0)], ...] = (1, 3, 5, 10)
    fdr: Probability = 0.01
    min_changes: Annotated[int, Field(ge=2)] = 3
    min_peers: Annotated[int, Field(ge=2)] = 30
    residual_cap: Annotated[float, Field(gt=1.0)] = 25.0

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - {str(k) for k in EventKind})
        if unknown or not value:
            raise ValueError(f"kinds must be non-empty event kinds of riskgraph/model.py; unknown: {unknown}")
        return value

    @field_validator("age_bands_years")
    @classmethod
    def _increasing(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if list(value) != sorted(set(value)):
            raise ValueError("age_bands_years must be strictly increasing")
        return value


def _default_minimums() -> dict[Level, int]:
    return {"firm": 4, "industry": 8, "county": 8}


class ComplaintSettings(_Strict):
    """Complaint surges per firm, industry section and county (``complaints.py``)."""

    levels: tuple[Level, ...] = LEVELS
    history_months: Annotated[int, Field(ge=6)] = 36
    recent_months: Annotated[int, Field(ge=1, le=12)] = 3
    trend_min_months: Annotated[int, Field(ge=3)] = 12
    season_min_months: Annotated[int, Field(ge=12)] = 24
    min_history_events: Annotated[int, Field(ge=1)] = 8
    prior_months: Annotated[float, Field(gt=0.0)] = 12.0
    fdr: Probability = 0.01
    min_observed: dict[Level, Annotated[int, Field(ge=1)]] = Field(default_factory=_default_minimums)
    cusum_shift: Annotated[float, Field(gt=1.0)] = 1.5
    cusum_threshold: Annotated[float, Field(gt=0.0)] = 6.0

    @model_validator(mode="after")
    def _every_level_has_a_minimum(self) -> ComplaintSettings:
        missing = [lv for lv in self.levels if lv not in self.min_observed]
        if missing:
            raise ValueError(f"min_observed needs a value for every level; missing: {missing}")
        return self


class SeveritySettings(_Strict):
    high_q: Probability = 0.0001
    high_ratio: Annotated[float, Field(ge=1.0)] = 4.0
    medium_q: Probability = 0.001


class NaiveSettings(_Strict):
    """The evaluation's baseline: raw counts over fixed thresholds, no model of what is usual."""

    registrations_90d: Annotated[int, Field(ge=1)] = 4
    changes_12m: Annotated[int, Field(ge=1)] = 3
    complaints_month: Annotated[int, Field(ge=1)] = 4


class AlertConfig(_Strict):
    version: str
    registration: RegistrationSettings
    changes: ChangeSettings
    complaints: ComplaintSettings
    severity: SeveritySettings = SeveritySettings()
    naive: NaiveSettings = NaiveSettings()
    content_hash: str = ""

    @property
    def alerts_version(self) -> str:
        """What alerts record: the file's version and its content hash."""
        return version_label(self.version, self.content_hash)


def parse_alert_config(data: object, source: str, content_hash: str = "") -> AlertConfig:
    return validate_model_file(AlertConfig, data, source, "early-warning settings", content_hash)


def load_alert_config(path: Path | None = None) -> AlertConfig:
    """Read and validate an early-warning file (the packaged ``alerts.yaml`` by default)."""
    p = path or DEFAULT_ALERTS_PATH
    data, content_hash = read_model_file(p, "early-warning settings")
    return parse_alert_config(data, str(p), content_hash)
