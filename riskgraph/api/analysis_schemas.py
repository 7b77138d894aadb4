"""Response models of the analysts' views: the hotspot grid, a cell's firms, trend and drivers, risk groups.

Only shapes. Regions and industries come with their names (``region_name``, ``industry_name``) in the
caller's language; persons only as an opaque key and a masked name, and only in a group's members
(investigators).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

RegionLevel = Literal["province", "prefecture", "county"]
IndustryLevel = Literal["section", "division", "all"]
REGION_CODE = r"^[1-9][0-9]{5}$"  # GB/T 2260: six digits
INDUSTRY_CODE = r"^[A-T]([0-9]{2})?$"  # GB/T 4754: a section letter, or a letter and a two-digit division
INDUSTRY_OR_ALL = r"^([A-T]([0-9]{2})?)?$"  # the same, or '' for every industry
SECTION_CODE = r"^[A-T]$"


class Named(BaseModel):
    region: str = Field(description="GB/T 2260 code of the cell's region (province, prefecture or county)")
    region_name: str
    industry: str = Field(description="GB/T 4754 section letter or division (letter and two digits); '' for all")
    industry_name: str


class HotspotCell(Named):
    n: int = Field(description="firms in the cell (not cancelled)")
    observed: int = Field(description="of them C or D (the configured high classes)")
    expected: float | None = Field(description="C/D firms expected from the province's rate per industry division "
                                               "and entity kind applied to the cell's own firms")
    ratio: float | None = Field(description="observed / expected")
    p: float | None = Field(description="exact one-sided Poisson P(X ≥ observed | expected); null when not tested")
    q: float | None = Field(description="Benjamini–Hochberg q over every cell tested that month; null when not tested")
    smoothed: float | None = Field(description="empirical-Bayes (Poisson–Gamma) ratio, for ranking and colour")
    tested: bool = Field(description="large enough to be tested (min_firms) and below province level")
    hotspot: bool = Field(description="q below the FDR level and at least min_observed C/D firms")


class HotspotGrid(BaseModel):
    month: str
    analysis_version: str = Field(description="the analysis settings' version and hash the cells were computed with")
    score_run: str = Field(description="the ratings' run they were computed from")
    region_level: RegionLevel
    industry_level: IndustryLevel
    parent: str | None = Field(description="the region whose sub-regions are shown, if any")
    parent_name: str | None
    section: str | None = Field(description="the industry section whose divisions are shown, if any")
    fdr: float
    min_observed: int
    min_firms: int
    cells: list[HotspotCell]


class CellFirm(BaseModel):
    fid: str
    name: str | None
    class_: str = Field(alias="class", description="A low, B normal, C elevated, D high")
    score: float
    region_name: str
    industry_name: str


class CellFirms(Named):
    month: str
    total: int = Field(description="firms in the cell")
    offset: int
    firms: list[CellFirm]


class TrendPoint(BaseModel):
    month: str
    present: bool = Field(description="the cell had firms that month")
    hotspot: bool
    status: Literal["new", "persisting", "resolved", ""] = Field(
        description="new: a hotspot now, not the month before; persisting: both; resolved: the month before only")
    smoothed: float | None
    n: int
    observed: int
    expected: float | None
    q: float | None


class CellTrend(Named):
    month: str = Field(description="the last month of the trend")
    points: list[TrendPoint] = Field(description="every analysed month up to `month`, oldest first")


class Driver(BaseModel):
    id: str = Field(description="indicator id (or family name at family level)")
    label: str = Field(description="its name in the caller's language")
    family: str
    cell_mean: float = Field(description="mean points per firm of the cell, from stored reasons")
    province_mean: float = Field(description="mean points per firm of the province")
    excess: float = Field(description="(cell mean − province mean) × firms of the cell")
    share: float = Field(description="share of the cell's positive excess")


class GroupDriver(BaseModel):
    anchor: str = Field(description="the risk group (its smallest firm code)")
    members: int = Field(description="of the group's firms in the cell")
    observed: int
    expected: float
    excess: float = Field(description="observed − expected C/D firms")


class CellDrivers(Named):
    month: str
    cell: HotspotCell
    computed: bool = Field(description="false for a cell too small to be tested: no drivers are kept for it")
    families: list[Driver]
    indicators: list[Driver]
    groups: list[GroupDriver]


class Place(BaseModel):
    code: str
    name: str
    firms: int


class GroupSummary(BaseModel):
    anchor: str = Field(description="the group's smallest firm code: its name from month to month")
    size: int
    observed: int = Field(description="C/D firms among its members")
    expected: float | None = Field(description="C/D firms its members' strata expect (the hotspot standard)")
    ratio: float | None
    p: float | None
    q: float | None = Field(description="Benjamini–Hochberg q over every group of the month")
    first_month: str = Field(description="the month it first appeared (matched month to month by member overlap)")
    continues: str | None = Field(description="the anchor of the previous month's group it continues, if any")
    regions: list[Place] = Field(description="dominant counties")
    industries: list[Place] = Field(description="dominant industry divisions")
    person_count: int = Field(description="persons binding at least two of its members")
    address_count: int = Field(description="addresses binding at least two of its members")
    internal_links: int = Field(description="direct shareholdings and branches between its members")


class GroupList(BaseModel):
    month: str
    analysis_version: str
    total: int = Field(description="groups matching")
    offset: int
    groups: list[GroupSummary]


class GroupMember(BaseModel):
    fid: str
    name: str | None
    class_: str | None = Field(alias="class")
    score: float | None
    region_name: str
    industry_name: str


class GroupPerson(BaseModel):
    ref: str = Field(description="the opaque key a person is shown by (p-…)")
    name: str = Field(description="masked name")


class RiskGroup(GroupSummary):
    month: str
    members: list[GroupMember]
    persons: list[GroupPerson]
    addresses: list[str] = Field(description="registered addresses binding members")
