"""What a double-random inspection task is (一单) and who may inspect (一库 of inspectors): typed and validated.

A task names its scope (regions, industries, key area), its base ratio, its date and the inspector
pool it draws from. A pool lists units — each the registration authority of a region code — and
inspectors with their unit, qualifications, declared relations and an optional workload cap. Both
arrive as YAML (the CLI) or JSON (the API) and are validated here; nothing is read from a database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from riskgraph.errors import ConfigError
from riskgraph.inspection.config import CLASSES
from riskgraph.model import KeyArea

TASK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
REGION_PREFIX = r"^([0-9]{2}|[0-9]{4}|[0-9]{6})$"  # GB/T 2260: province, prefecture or county
INDUSTRY_PREFIX = r"^[A-T]([0-9]{2}([0-9]{1,2})?)?$"  # GB/T 4754-2017: section, division, group or class
AUTHORITY = r"^[0-9]{6}$"  # the region code of a registration authority (characters 3–8 of a USCC)
GENERAL = "general"  # the qualification every general (non key-area) inspection needs
QUALIFICATIONS = (GENERAL, *(str(k) for k in KeyArea))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Task(_Strict):
    """One inspection task: which firms are in scope, how many of each class to draw, from which pool."""

    task_id: str = Field(pattern=TASK_ID.pattern, description="unique id of the task; the plan's id")
    name: str = Field(min_length=1, max_length=200, description="what the task inspects")
    regions: tuple[str, ...] = Field(default=(), description="GB/T 2260 prefixes (2, 4 or 6 digits); none: all")
    industries: tuple[str, ...] = Field(default=(), description="GB/T 4754-2017 prefixes (section letter, then "
                                                                "2–4 digits); none: all")
    key_area: KeyArea | None = Field(default=None, description="only firms of this key area, inspected by "
                                                               "inspectors qualified for it")
    base_ratio: float | None = Field(default=None, gt=0, le=1, description="share of class B firms to inspect; "
                                                                           "the configuration's when empty")
    ratios: dict[str, float] | None = Field(default=None, description="a class's own ratio, within its "
                                                                      "configured range")
    date: dt.date = Field(description="when the inspections are to take place")
    pool: str = Field(min_length=1, max_length=300, description="the inspector pool: a file (CLI) or a stored "
                                                                "pool's name (API)")

    @model_validator(mode="after")
    def _prefixes(self) -> Task:
        for value in self.regions:
            if not re.fullmatch(REGION_PREFIX, value):
                raise ValueError(f"region {value!r}: expected a GB/T 2260 code of 2, 4 or 6 digits")
        for value in self.industries:
            if not re.fullmatch(INDUSTRY_PREFIX, value):
                raise ValueError(f"industry {value!r}: expected a GB/T 4754 section letter and 0, 2, 3 or 4 digits")
        for cls in self.ratios or {}:
            if cls not in CLASSES:
                raise ValueError(f"ratios: unknown class {cls!r} (classes: {', '.join(CLASSES)})")
        return self

    @property
    def qualification(self) -> str:
        """The qualification every inspector of this task needs."""
        return str(self.key_area) if self.key_area else GENERAL

    def canonical(self) -> dict[str, Any]:
        """The task as it is recorded in the plan (JSON-ready, stable key order)."""
        return self.model_dump(mode="json")


class Unit(_Strict):
    id: str = Field(min_length=1, max_length=100)
    name: str = Field(default="", max_length=200)
    authority: str = Field(pattern=AUTHORITY, description="region code of the registration authority it is")


class Inspector(_Strict):
    id: str = Field(min_length=1, max_length=100, description="staff number; shown instead of the name")
    name: str = Field(min_length=1, max_length=100, description="personal data of staff")
    unit: str
    qualifications: tuple[str, ...] = (GENERAL,)
    relations: tuple[str, ...] = Field(default=(), description="firm codes the inspector declared an interest in")
    cap: int | None = Field(default=None, ge=0, description="firms this inspector may take in one task")

    @model_validator(mode="after")
    def _known_qualifications(self) -> Inspector:
        unknown = [q for q in self.qualifications if q not in QUALIFICATIONS]
        if unknown:
            raise ValueError(f"inspector {self.id}: unknown qualification(s) {unknown} (known: {list(QUALIFICATIONS)})")
        return self


class Pool(_Strict):
    """An inspector pool (执法检查人员名录库)."""

    name: str = Field(default="", max_length=200)
    recuse_same_unit: bool = Field(default=True, description="an inspector never inspects a firm registered by "
                                                             "the authority that is their own unit")
    workload_cap: int | None = Field(default=None, ge=1, description="firms per inspector per task; the "
                                                                     "configuration's when empty")
    units: tuple[Unit, ...] = ()
    inspectors: tuple[Inspector, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Pool:
        for what, ids in (("unit", [u.id for u in self.units]), ("inspector", [i.id for i in self.inspectors])):
            seen: set[str] = set()
            twice = sorted({x for x in ids if x in seen or seen.add(x)})  # type: ignore[func-returns-value]
            if twice:
                raise ValueError(f"{what} id(s) listed twice: {', '.join(twice)}")
        units = {u.id for u in self.units}
        orphans = sorted({i.unit for i in self.inspectors if i.unit not in units})
        if orphans:
            raise ValueError(f"inspectors name units the pool does not list: {', '.join(orphans)}")
        return self

    def authority_of(self, unit: str) -> str:
        return next(u.authority for u in self.units if u.id == unit)


def _format(exc: ValidationError) -> str:
    return "\n".join(f"  {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors())


def _yaml(raw: bytes, source: str) -> Any:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def parse_task(raw: bytes, source: str) -> Task:
    """A task from its YAML (or JSON) text; the message names the file and every field to fix."""
    try:
        return Task.model_validate(_yaml(raw, source))
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid inspection task; fix these fields:\n{_format(exc)}") from exc


def parse_pool(raw: bytes, source: str) -> Pool:
    """A pool from its YAML (or JSON) text."""
    try:
        return Pool.model_validate(_yaml(raw, source))
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid inspector pool; fix these fields:\n{_format(exc)}") from exc


def digest(raw: bytes) -> str:
    """SHA-256 of an input file as read (recorded with the plan)."""
    return hashlib.sha256(raw).hexdigest()
