"""The scoring model's configuration: typed, validated, versioned.

``indicators.yaml`` beside this module is the default model, read by ``model_file.py``.
Any file with the same shape can be given instead (``riskgraph score --config FILE``). A
file that does not validate is refused with :class:`~riskgraph.errors.ConfigError` naming
the file and the field. The version recorded with every result is the file's ``version`` plus the first
eight hex digits of the SHA-256 of its bytes, so an edited weight never hides behind an
unchanged version string.

This module must not compute anything: it only says what the model is.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from riskgraph.errors import ConfigError
from riskgraph.model import EntityKind, EventKind, FirmStatus, InspectionResult, KeyArea
from riskgraph.model_files import format_validation, version_label

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "indicators.yaml"


class RiskClass(StrEnum):
    """信用风险分类: A low, B normal, C elevated, D high."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


CLASS_ORDER: tuple[RiskClass, ...] = (RiskClass.A, RiskClass.B, RiskClass.C, RiskClass.D)


class Family(StrEnum):
    BASE = "base"
    DYNAMIC = "dynamic"
    REGULATORY = "regulatory"
    ASSOCIATION = "association"
    SOCIAL = "social"


class Direction(StrEnum):
    HIGHER_IS_RISKIER = "higher_is_riskier"
    LOWER_IS_RISKIER = "lower_is_riskier"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    zh: str
    en: str


class Scale(_Strict):
    """How a raw value becomes a risk in [0, 1] before ``direction`` is applied.

    ``linear``: 0 at ``lo``, 1 at ``hi``, clipped. ``log``: the same on log10 of the value.
    ``binary``: 1 when the value is positive. ``categorical``: ``map`` from label to [0, 1].
    ``missing`` is the risk given when the raw value is unknown (after direction).
    """

    kind: Literal["linear", "log", "binary", "categorical"]
    lo: float | None = None
    hi: float | None = None
    map: dict[str, float] | None = None
    missing: float = Field(0.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _bounds(self) -> Scale:
        if self.kind in ("linear", "log"):
            if self.lo is None or self.hi is None or not self.hi > self.lo:
                raise ValueError(f"scale {self.kind!r} needs lo < hi (got lo={self.lo}, hi={self.hi})")
            if self.kind == "log" and self.lo <= 0:
                raise ValueError("scale 'log' needs lo > 0")
        if self.kind == "categorical":
            if not self.map:
                raise ValueError("scale 'categorical' needs a non-empty map")
            bad = {k: v for k, v in self.map.items() if not 0.0 <= v <= 1.0}
            if bad:
                raise ValueError(f"categorical risks must be in [0, 1]: {bad}")
        return self


class Compute(_Strict):
    """A named computation over the projection and its parameters (see ``indicators.COMPUTE``).

    ``results`` narrows inspection events only (other kinds have no result). ``group`` and
    ``prior`` are for ``peer_rate``: the peer group (county or industry division) and how many
    firms' worth of the provincial rate a group's own rate is shrunk towards.
    """

    fn: str
    kinds: tuple[EventKind, ...] = ()
    results: tuple[InspectionResult, ...] = ()
    statuses: tuple[FirmStatus, ...] = ()
    months: int | None = Field(None, ge=1, le=240)
    severity_min: int | None = Field(None, ge=1, le=3)
    min_recent: int | None = Field(None, ge=1)
    list_in: EventKind | None = None
    list_out: EventKind | None = None
    group: Literal["region", "industry"] | None = None
    prior: float = Field(50.0, gt=0)

    @model_validator(mode="after")
    def _peer_group(self) -> Compute:
        if self.fn == "peer_rate" and (self.group is None or not self.kinds or self.months is None):
            raise ValueError("peer_rate needs group (region or industry), kinds and months")
        return self


class Indicator(_Strict):
    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    family: Family
    zh: str
    en: str
    compute: Compute
    scale: Scale
    direction: Direction
    weight: float = Field(ge=0.0)
    reason: Bilingual


class KeyAreaSet(_Strict):
    """A specialised indicator set for key-area firms, beside the general one."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str
    en: str
    areas: tuple[KeyArea, ...] = Field(min_length=1)
    weights: dict[str, float]
    thresholds: dict[RiskClass, float] | None = None

    @field_validator("weights")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        bad = {k: w for k, w in v.items() if w < 0}
        if bad:
            raise ValueError(f"weights must be ≥ 0: {bad}")
        return v


def _check_thresholds(t: dict[RiskClass, float]) -> dict[RiskClass, float]:
    missing = [c for c in ("B", "C", "D") if c not in t]
    if missing or RiskClass.A in t:
        raise ValueError(f"thresholds need exactly B, C and D (missing {missing}; A starts at 0)")
    if not 0 < t[RiskClass.B] < t[RiskClass.C] < t[RiskClass.D] <= 100:
        raise ValueError(f"thresholds must rise strictly within (0, 100]: B={t[RiskClass.B]}, "
                         f"C={t[RiskClass.C]}, D={t[RiskClass.D]}")
    return t


class Classes(_Strict):
    thresholds: dict[RiskClass, float]

    @field_validator("thresholds")
    @classmethod
    def _rising(cls, t: dict[RiskClass, float]) -> dict[RiskClass, float]:
        return _check_thresholds(t)


class HardRule(_Strict):
    id: str
    indicator: str
    min_class: RiskClass
    zh: str
    en: str


class Emission(_Strict):
    floor: float = Field(ge=0, le=100)
    full: float = Field(ge=0, le=100)
    by_rule: dict[RiskClass, float] = {}

    @model_validator(mode="after")
    def _order(self) -> Emission:
        if not self.full > self.floor:
            raise ValueError(f"emission.full ({self.full}) must exceed emission.floor ({self.floor})")
        return self


class Roles(_Strict):
    legal_rep: float = Field(ge=0, le=1)
    officer: float = Field(ge=0, le=1)
    shareholder: float = Field(ge=0, le=1)
    address: float = Field(ge=0, le=1)


class Links(_Strict):
    parent_to_subsidiary: float = Field(ge=0, le=1)
    subsidiary_to_parent: float = Field(ge=0, le=1)
    head_to_branch: float = Field(ge=0, le=1)
    branch_to_head: float = Field(ge=0, le=1)


class Propagation(_Strict):
    hops: int = Field(ge=1, le=20)
    decay_per_hop: float = Field(gt=0, lt=1)
    tolerance: float = Field(gt=0)
    emission: Emission
    roles: Roles
    control_ratio: float = Field(gt=0, le=1)
    missing_ratio: float = Field(ge=0, le=1)
    links: Links
    degree_exponent: float = Field(ge=0, le=2)
    pair_limit: int = Field(ge=2)
    inbound_cap: float = Field(gt=0)
    reason_min_points: float = Field(ge=0)


class ModelConfig(_Strict):
    version: str = Field(min_length=1)
    name: Bilingual
    families: dict[Family, Bilingual]
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    key_area_sets: tuple[KeyAreaSet, ...] = ()
    classes: Classes
    hard_rules: tuple[HardRule, ...] = ()
    propagation: Propagation
    content_hash: str = ""  # filled by load_model_config

    @model_validator(mode="after")
    def _references(self) -> ModelConfig:
        ids = [i.id for i in self.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"indicator ids must be unique; repeated: {dupes}")
        for ind in self.indicators:
            if ind.compute.fn == "entity_kind" and ind.scale.map:
                unknown = set(ind.scale.map) - {k.value for k in EntityKind}
                if unknown:
                    raise ValueError(f"indicator {ind.id}: map has unknown entity kinds {sorted(unknown)}")
        missing_fam = {f for f in Family} - set(self.families)
        if missing_fam:
            raise ValueError(f"families must name all five families; missing {sorted(missing_fam)}")
        known = set(ids)
        for rule in self.hard_rules:
            if rule.indicator not in known:
                raise ValueError(f"hard rule {rule.id}: unknown indicator {rule.indicator!r}")
        seen_areas: dict[str, str] = {}
        for s in self.key_area_sets:
            unknown = set(s.weights) - known
            if unknown:
                raise ValueError(f"key-area set {s.name}: unknown indicators {sorted(unknown)}")
            if s.thresholds is not None:
                _check_thresholds(s.thresholds)
            for a in s.areas:
                if a in seen_areas:
                    raise ValueError(f"key area {a!r} is in two sets: {seen_areas[a]} and {s.name}")
                seen_areas[a] = s.name
        if sum(i.weight for i in self.indicators) <= 0:
            raise ValueError("the general set has no indicator with a positive weight")
        return self

    @property
    def model_version(self) -> str:
        return version_label(self.version, self.content_hash)

    def event_kinds(self) -> tuple[EventKind, ...]:
        """Event kinds some indicator reads (a projection may leave the others out), plus the list kinds
        that reasons always read."""
        kinds: set[EventKind] = {EventKind.ABNORMAL_LIST_IN, EventKind.ABNORMAL_LIST_OUT,
                                 EventKind.DISHONEST_LIST_IN, EventKind.DISHONEST_LIST_OUT}
        for ind in self.indicators:
            kinds.update(ind.compute.kinds)
            kinds.update(k for k in (ind.compute.list_in, ind.compute.list_out) if k is not None)
        return tuple(k for k in EventKind if k in kinds)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def weight_table(self) -> dict[str, dict[str, float]]:
        """Weights per indicator set: ``general`` and each key-area set (0 = not in the set)."""
        general = {i.id: i.weight for i in self.indicators}
        table = {"general": general}
        for s in self.key_area_sets:
            table[s.name] = {**general, **s.weights}
        return table

    def without_association(self) -> ModelConfig:
        """The same model with the association family weighted 0 (own attributes only)."""
        zeroed = tuple(i.model_copy(update={"weight": 0.0}) if i.family == Family.ASSOCIATION else i
                       for i in self.indicators)
        sets = tuple(s.model_copy(update={"weights": {k: (0.0 if self.indicator(k).family == Family.ASSOCIATION
                                                            else w) for k, w in s.weights.items()}})
                     for s in self.key_area_sets)
        return self.model_copy(update={"indicators": zeroed, "key_area_sets": sets,
                                       "version": self.version + "-own", "content_hash": self.content_hash})


class ExemptHubs(_Strict):
    """Hubs that must not pass risk: state holders, registered-agent addresses, nominees.

    Raw identifiers as a regulator would list them: firm ids, resident ID numbers (hashed
    with the deployment salt before use) and address texts (normalised before use).
    """

    firms: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


def load_exempt_hubs(path: Path | None) -> ExemptHubs:
    if path is None:
        return ExemptHubs()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read exempt-hub list {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return ExemptHubs.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid exempt-hub list (keys: firms, persons, addresses):\n"
                          f"{format_validation(exc)}") from exc
