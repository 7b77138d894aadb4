"""The generator's parameters: ``profile.yaml`` read and validated by pydantic.

Every count, rate and distribution parameter of the synthetic registry is declared here
with its type and range; the code that draws from them holds no numbers of its own.
This module must not draw random numbers or know about files other than the profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from riskgraph.errors import ConfigError
from riskgraph.model import EntityKind, KeyArea

DEFAULT_PROFILE = Path(__file__).with_name("profile.yaml")

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
KINDS = (EntityKind.ENTERPRISE.value, EntityKind.INDIVIDUAL.value, EntityKind.COOPERATIVE.value)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_range(value: Sequence[float], name: str = "range") -> None:
    if len(value) != 2 or value[0] > value[1]:
        raise ValueError(f"{name} must be [low, high] with low ≤ high")


class Calendar(_Model):
    default_as_of: dt.date
    earliest_established: dt.date
    event_history_years: Annotated[int, Field(ge=1, le=20)]
    annual_report_first_year: int
    annual_report_years_shown: Annotated[int, Field(ge=1, le=10)]
    new_firms_per_month: Share
    future_months: Annotated[int, Field(ge=1, le=36)]


class Capital(_Model):
    median: Positive
    sigma: Positive
    missing: Share


class Group(_Model):
    share_of_enterprises: Share
    size_zipf_exponent: Positive
    max_size: Annotated[int, Field(ge=2)]
    full_ownership_share: Share
    same_prefecture: Share
    effect_sd: NonNegative


class Population(_Model):
    kind_shares: dict[str, Share]
    establishment_growth_per_year: dict[str, Positive]
    prefecture_size_sigma: NonNegative
    capital_city_boost: Positive
    county_size_sigma: NonNegative
    district_boost: Positive
    capital: dict[str, Capital]
    capital_one_digit_share: Share
    large_firm_capital: Positive
    branch_share_of_enterprises: Share
    branch_same_prefecture: Share
    group: Group

    @model_validator(mode="after")
    def _kinds_complete(self) -> Population:
        for name in ("kind_shares", "establishment_growth_per_year", "capital"):
            if set(getattr(self, name)) != set(KINDS):
                raise ValueError(f"population.{name} needs exactly the kinds {', '.join(KINDS)}")
        if abs(sum(self.kind_shares.values()) - 1.0) > 1e-6:
            raise ValueError("population.kind_shares must sum to 1")
        return self


class Industries(_Model):
    section_weights: dict[str, dict[str, NonNegative]]
    division_weights: dict[str, dict[str, NonNegative]]
    key_areas: dict[str, dict[str, Share]]

    @field_validator("key_areas")
    @classmethod
    def _known_areas(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        known = {a.value for a in KeyArea}
        for division, areas in value.items():
            unknown = set(areas) - known
            if unknown:
                raise ValueError(f"industries.key_areas.{division}: unknown key area(s) {sorted(unknown)}")
            if sum(areas.values()) > 1.0 + 1e-9:
                raise ValueError(f"industries.key_areas.{division}: probabilities sum above 1")
        return value

    @model_validator(mode="after")
    def _kinds_complete(self) -> Industries:
        if set(self.section_weights) != set(KINDS):
            raise ValueError(f"industries.section_weights needs exactly the kinds {', '.join(KINDS)}")
        return self


class Risk(_Model):
    intercept: float
    firm_sd: NonNegative
    principal_sd: NonNegative
    prefecture_sd: NonNegative
    county_sd: NonNegative
    kind: dict[str, float]
    section: dict[str, float]
    young_firm: float
    young_firm_decay_years: Positive
    small_capital: float


class AgeAtFirstRole(_Model):
    minimum: Annotated[int, Field(ge=16)]
    gamma_shape: Positive
    gamma_scale: Positive
    maximum: Annotated[int, Field(le=90)]


class Persons(_Model):
    principal_one_share: Share
    principal_zipf_exponent: Positive
    principal_max_firms: Annotated[int, Field(ge=1)]
    secondary_one_share: Share
    secondary_zipf_exponent: Positive
    secondary_max_firms: Annotated[int, Field(ge=1)]
    secondary_from_principals: Share
    shareholders_per_enterprise: list[Share]
    principal_share_alpha: Positive
    cooperative_members: tuple[int, int]
    rep_roles: dict[str, Share]
    large_firm_extra_directors: tuple[int, int]
    large_firm_extra_supervisors: Annotated[int, Field(ge=0)]
    male_share_principal: Share
    male_share_secondary: Share
    born_in_home_county: Share
    born_in_province: Share
    age_at_first_role: AgeAtFirstRole
    one_char_given_name: Share

    @model_validator(mode="after")
    def _consistent(self) -> Persons:
        if abs(sum(self.shareholders_per_enterprise) - 1.0) > 1e-6:
            raise ValueError("persons.shareholders_per_enterprise must sum to 1")
        if set(self.rep_roles) != {"director_and_manager", "director", "manager"}:
            raise ValueError("persons.rep_roles needs director_and_manager, director, manager")
        if abs(sum(self.rep_roles.values()) - 1.0) > 1e-6:
            raise ValueError("persons.rep_roles must sum to 1")
        _check_range(self.cooperative_members, "persons.cooperative_members")
        _check_range(self.large_firm_extra_directors, "persons.large_firm_extra_directors")
        if self.born_in_home_county + self.born_in_province > 1.0:
            raise ValueError("persons.born_in_home_county + born_in_province must not exceed 1")
        return self


class Addresses(_Model):
    building_share: Share
    rural_share_in_counties: Share
    region_blank_share: Share
    variant_share: Share


class ChangeRate(_Model):
    base: NonNegative
    slope: float
    max_per_firm: Annotated[int, Field(ge=1)] = 1


class Changes(_Model):
    legal_rep: ChangeRate
    address: ChangeRate
    shareholder: ChangeRate
    name: ChangeRate


class AnnualReport(_Model):
    missing_base: Share
    missing_slope: NonNegative
    missing_power: Positive
    missing_cap: Share
    missing_while_listed: Share
    filing_beta: tuple[float, float]


class AbnormalList(_Model):
    delay_days: tuple[int, int]
    resolve_base: Share
    resolve_mean_days: Positive


class DishonestList(_Model):
    after_abnormal_years: Positive
    after_serious_penalty: Share
    penalty_delay_days: tuple[int, int]
    repair_share: Share
    repair_mean_days: Positive


class Revocation(_Model):
    share: Share
    after_years: tuple[float, float]


class Cancellation(_Model):
    base: NonNegative
    slope: NonNegative
    individual_multiplier: Positive


class Penalty(_Model):
    base: NonNegative
    slope: NonNegative
    power: Positive
    key_area_multiplier: Positive
    serious_base: Share
    serious_slope: NonNegative
    amount_median_cny: list[Positive]
    amount_sigma: NonNegative

    @field_validator("amount_median_cny")
    @classmethod
    def _three(cls, value: list[float]) -> list[float]:  # one median per severity
        if len(value) != 3:
            raise ValueError("events.penalty.amount_median_cny needs one median per severity 1, 2, 3")
        return value


class Inspection(_Model):
    rate: Share
    key_area_rate: dict[str, Share]
    fail_base: Share
    fail_slope: NonNegative
    not_found_base: Share
    not_found_slope: NonNegative


class Complaint(_Model):
    sections: list[str]
    base: NonNegative
    slope: NonNegative
    serious_base: Share
    serious_slope: NonNegative


class EquityPledge(_Model):
    base: NonNegative
    slope: float
    share_of_capital: tuple[float, float]


class CreditCommitment(_Model):
    base: NonNegative
    slope: float


class Events(_Model):
    annual_report: AnnualReport
    abnormal_list: AbnormalList
    dishonest_list: DishonestList
    revocation: Revocation
    cancellation: Cancellation
    penalty: Penalty
    inspection: Inspection
    complaint: Complaint
    equity_pledge: EquityPledge
    credit_commitment: CreditCommitment


class ShellRing(_Model):
    per_10k: NonNegative
    min: Annotated[int, Field(ge=0)]
    size: tuple[int, int]
    size_median: Positive
    single_rep_share: Share
    nominees: tuple[int, int]
    outside_province_share: Share
    burst_days: Annotated[int, Field(ge=1)]
    recent_years: Positive
    shared_name_share: Share
    industries: list[str]
    capital_small: tuple[float, float]
    capital_inflated: list[float]
    inflated_share: Share
    effect_mean: float
    effect_sd: NonNegative
    growth_share_of_new_firms: Share
    growth_within_days: Annotated[int, Field(ge=1)]


class AddressCluster(_Model):
    per_10k: NonNegative
    min: Annotated[int, Field(ge=0)]
    size: tuple[int, int]
    spread_days: Annotated[int, Field(ge=1)]
    effect_mean: float
    effect_sd: NonNegative


class CrossHoldingLoop(_Model):
    per_10k: NonNegative
    min: Annotated[int, Field(ge=0)]
    length: tuple[int, int]
    ratio: tuple[float, float]
    established_years_ago: tuple[float, float]
    effect_mean: float
    effect_sd: NonNegative


class NomineeFront(_Model):
    per_10k: NonNegative
    min: Annotated[int, Field(ge=0)]
    nominees: tuple[int, int]
    firms: tuple[int, int]
    controller_stake: tuple[float, float]
    recent_years: Positive
    old_firm_years_ago: tuple[float, float]
    old_firm_effect: float
    effect_mean: float
    effect_sd: NonNegative


class HubSize(_Model):
    scale: Positive
    exponent: NonNegative
    min: Annotated[int, Field(ge=1)]
    max: Annotated[int, Field(ge=1)]


class StateAssetHolder(_Model):
    per_million: NonNegative
    min: Annotated[int, Field(ge=0)]
    holdings: HubSize
    full_ownership_share: Share
    majority_share: Share
    established: dt.date


class RegisteredAgentAddress(_Model):
    per_million: NonNegative
    min: Annotated[int, Field(ge=0)]
    firms: HubSize
    opened_year: int
    variant_share: Share


class ProfessionalNominee(_Model):
    per_million: NonNegative
    min: Annotated[int, Field(ge=0)]
    firms: tuple[int, int]
    active_since_year: int
    listed_share: Share


class Structures(_Model):
    shell_ring: ShellRing
    address_cluster: AddressCluster
    cross_holding_loop: CrossHoldingLoop
    nominee_front: NomineeFront
    state_asset_holder: StateAssetHolder
    registered_agent_address: RegisteredAgentAddress
    professional_nominee: ProfessionalNominee

    @model_validator(mode="after")
    def _ranges(self) -> Structures:
        pairs: dict[str, Sequence[float]] = {
            "shell_ring.size": self.shell_ring.size, "shell_ring.nominees": self.shell_ring.nominees,
            "shell_ring.capital_small": self.shell_ring.capital_small,
            "address_cluster.size": self.address_cluster.size,
            "cross_holding_loop.length": self.cross_holding_loop.length,
            "cross_holding_loop.ratio": self.cross_holding_loop.ratio,
            "nominee_front.nominees": self.nominee_front.nominees, "nominee_front.firms": self.nominee_front.firms,
            "professional_nominee.firms": self.professional_nominee.firms,
        }
        for name, value in pairs.items():
            _check_range(value, f"structures.{name}")
        if self.cross_holding_loop.length[0] < 2:
            raise ValueError("structures.cross_holding_loop.length starts at 2 (a loop needs two firms)")
        return self


class Hotspots(_Model):
    """Planted hotspots: county × industry-division cells whose firms share a raised latent risk."""

    cells: Annotated[int, Field(ge=0)]
    min_firms: Annotated[int, Field(ge=1)]  # base firms a cell needs to be chosen (a cell must be testable)
    max_firms: Annotated[int, Field(ge=1)]  # and at most this many (whole trades of a city are not "a hotspot")
    lift: tuple[float, float]  # log-odds added to every firm of the cell, drawn uniformly in [low, high]
    distinct: bool  # at most one planted cell per county and one per division

    @model_validator(mode="after")
    def _ranges(self) -> Hotspots:
        _check_range(self.lift, "hotspots.lift")
        if self.min_firms > self.max_firms:
            raise ValueError("hotspots.min_firms must not exceed hotspots.max_firms")
        return self


class PlantedAlerts(_Model):
    """Planted early-warning patterns (``alerts.py``): bursts, frequent changes, complaint surges."""

    per_10k: Annotated[float, Field(ge=0.0)]  # of each pattern per 10,000 base firms …
    minimum: Annotated[int, Field(ge=0)]  # … and at least this many
    burst_firms: tuple[int, int]  # firms in a registration burst, drawn uniformly in [low, high]
    burst_days: Annotated[int, Field(ge=1)]  # founded within this many days before the last day
    legal_rep_changes: Annotated[int, Field(ge=1)]  # legal-rep changes of a frequent changer (plus one move)
    complaints: tuple[int, int]  # complaints added in the last month

    @model_validator(mode="after")
    def _ranges(self) -> PlantedAlerts:
        _check_range(self.burst_firms, "alerts.burst_firms")
        _check_range(self.complaints, "alerts.complaints")
        return self


class Profile(_Model):
    version: str
    province: Annotated[str, Field(pattern=r"^\d{2}$")]
    source_label: str
    calendar: Calendar
    population: Population
    industries: Industries
    risk: Risk
    persons: Persons
    addresses: Addresses
    changes: Changes
    events: Events
    structures: Structures
    hotspots: Hotspots
    alerts: PlantedAlerts


def load_profile(path: Path | None = None) -> Profile:
    """The validated profile at ``path`` (default: the packaged ``profile.yaml``)."""
    path = path or DEFAULT_PROFILE
    return _load(str(path))


@lru_cache(maxsize=8)
def _load(path: str) -> Profile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the generator profile: {exc}") from exc
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']} ({exc.error_count()} problem(s) in all)") from exc
