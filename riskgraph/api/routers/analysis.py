"""Hotspots and risk groups of a scored month: the grid, a cell's firms, trend and drivers, the groups, one group.

The work is ``riskgraph.jobs.analysis``'s; every route checks the month it reads (its ratings' HMACs
and seal, and the stored analysis's own seal and digests) and answers 409 when either fails.
Analysts get aggregates only (grid, trend, drivers, the group list); a cell's firms and a group's
members (persons by opaque key and masked name) are for investigators (``auth/access.yaml``).
Reads of firms are recorded in the audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from riskgraph.api.analysis_schemas import (
    INDUSTRY_OR_ALL,
    REGION_CODE,
    SECTION_CODE,
    CellDrivers,
    CellFirms,
    CellTrend,
    GroupList,
    HotspotGrid,
    IndustryLevel,
    RegionLevel,
    RiskGroup,
)
from riskgraph.api.deps import AuditRead, FirmId, Lang, Language, Model, Month, Neo4j, ServiceSettings
from riskgraph.api.http_errors import error_responses
from riskgraph.errors import Conflict, InvalidInput, NotFound
from riskgraph.jobs import analysis as jobs
from riskgraph.scoring.config import ModelConfig

router = APIRouter(prefix="/api/v1", tags=["hotspots and risk groups"])

RegionCode = Annotated[str, Query(description="GB/T 2260 code of a province, prefecture or county",
                                  pattern=REGION_CODE)]
IndustryCode = Annotated[str, Query(description="GB/T 4754 section letter or division (C13); '' or absent for all "
                                                "industries", pattern=INDUSTRY_OR_ALL)]
REFUSALS = error_responses(NotFound, Conflict, InvalidInput)
FAMILY = {"base": ("基础属性", "base attributes"), "dynamic": ("动态信息", "dynamic information"),
          "regulatory": ("监管信息", "regulatory records"), "association": ("关联关系", "association relationships"),
          "social": ("社会评价", "social evaluation"), "unknown": ("其他", "other")}


def _named(region: str, industry: str, lang: Lang) -> dict[str, str]:
    return {"region": region, "region_name": jobs.region_name(region), "industry": industry,
            "industry_name": jobs.industry_name(industry, lang)}


def _cell(c: dict[str, Any], lang: Lang) -> dict[str, Any]:
    return {**{k: c[k] for k in ("n", "observed", "expected", "ratio", "p", "q", "smoothed", "tested", "hotspot")},
            **_named(c["region"], c["industry"], lang)}


@router.get("/months/{month}/hotspots", response_model=HotspotGrid, responses=REFUSALS)
def hotspot_grid(month: Month, driver: Neo4j, settings: ServiceSettings, lang: Language,
                 region: Annotated[RegionLevel, Query(description="region level of the rows")] = "prefecture",
                 industry: Annotated[IndustryLevel, Query(description="industry level of the columns")] = "section",
                 parent: Annotated[str | None, Query(description="only regions under this GB/T 2260 code",
                                                     pattern=REGION_CODE)] = None,
                 section: Annotated[str | None, Query(description="only divisions of this GB/T 4754 section",
                                                      pattern=SECTION_CODE)] = None) -> dict[str, Any]:
    """A month's region × industry cells at one level, with expected C/D firms by indirect standardisation, the
    exact Poisson test, Benjamini–Hochberg q and the smoothed ratio; 409 when the month fails its check."""
    run, cells = jobs.hotspot_grid(driver, settings, month, region, industry, parent or "", section or "")
    s = run.summary
    return {"month": month, "analysis_version": run.analysis_version, "score_run": run.score_run,
            "region_level": region, "industry_level": industry, "parent": parent,
            "parent_name": jobs.region_name(parent) if parent else None, "section": section, "fdr": s["fdr"],
            "min_observed": s["min_observed"], "min_firms": s["min_firms"],
            "cells": [_cell(c, lang) for c in sorted(cells, key=lambda c: (c["region"], c["industry"]))]}


@router.get("/months/{month}/hotspots/firms", response_model=CellFirms, response_model_by_alias=True,
            responses=REFUSALS)
def cell_firms(month: Month, region: RegionCode, driver: Neo4j, settings: ServiceSettings, lang: Language,
               log: AuditRead, industry: IndustryCode = "", offset: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """The rated firms of one cell (not cancelled), highest class and score first; 409 when the month fails its
    check."""
    total, firms = jobs.cell_firms(driver, settings, month, region, industry, offset, limit)
    log([f["fid"] for f in firms], len(firms), month=month, region=region, industry=industry)
    return {**_named(region, industry, lang), "month": month, "total": total, "offset": offset,
            "firms": [{**f, "region_name": jobs.region_name(f["region"] or ""),
                       "industry_name": jobs.industry_name((f["industry"] or "")[:3], lang)} for f in firms]}


@router.get("/months/{month}/hotspots/trend", response_model=CellTrend, responses=REFUSALS)
def cell_trend(month: Month, region: RegionCode, driver: Neo4j, settings: ServiceSettings, lang: Language,
               industry: IndustryCode = "") -> dict[str, Any]:
    """One cell's smoothed ratio month by month up to ``month`` and whether it was a hotspot (new, persisting,
    resolved); 409 when any of those months fails its check."""
    points = jobs.cell_trend(driver, settings, month, region, industry)
    return {**_named(region, industry, lang), "month": month, "points": points}


def _drivers(rows: list[dict[str, Any]], model: ModelConfig, lang: Lang, family_level: bool) -> list[dict[str, Any]]:
    names = {i.id: (i.zh, i.en) for i in model.indicators}
    out = []
    for d in rows:
        pair = FAMILY.get(d["id"], (d["id"], d["id"])) if family_level else names.get(d["id"], (d["id"], d["id"]))
        out.append({**d, "label": pair[0] if lang == "zh" else pair[1]})
    return out


@router.get("/months/{month}/hotspots/drivers", response_model=CellDrivers, responses=REFUSALS)
def cell_drivers(month: Month, region: RegionCode, driver: Neo4j, settings: ServiceSettings, lang: Language,
                 model: Model, industry: IndustryCode = "") -> dict[str, Any]:
    """Which indicator families, indicators and risk groups account for most of a tested cell's excess, from the
    stored reasons; 409 when the month fails its check."""
    cell = jobs.cell(driver, settings, month, region, industry)
    found = cell["drivers"] or {"families": [], "indicators": [], "groups": []}
    return {**_named(region, industry, lang), "month": month, "cell": _cell(cell, lang),
            "computed": cell["drivers"] is not None or bool(cell["tested"]),
            "families": _drivers(found["families"], model, lang, True),
            "indicators": _drivers(found["indicators"], model, lang, False), "groups": found["groups"]}


def _places(pairs: list[list[Any]], lang: Lang, industries: bool) -> list[dict[str, Any]]:
    return [{"code": str(code), "firms": int(n),
             "name": jobs.industry_name(str(code), lang) if industries else jobs.region_name(str(code))}
            for code, n in pairs]


def _summary(g: dict[str, Any], lang: Lang) -> dict[str, Any]:
    return {**{k: g[k] for k in ("anchor", "size", "observed", "expected", "ratio", "p", "q", "first_month",
                                 "continues", "internal_links")},
            "regions": _places(g["regions"], lang, False), "industries": _places(g["industries"], lang, True),
            "person_count": len(g["persons"]), "address_count": len(g["addresses"])}


@router.get("/months/{month}/groups", response_model=GroupList, responses=REFUSALS)
def group_list(month: Month, driver: Neo4j, settings: ServiceSettings, lang: Language, log: AuditRead,
               min_size: Annotated[int, Query(ge=0, le=1_000_000)] = 0, offset: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """The month's risk groups (Leiden communities of related firms), most significant first, as aggregates:
    size, C/D against expected with q, dominant counties and industries, the month each first appeared; 409 when
    the month fails its check."""
    run, total, groups = jobs.risk_groups(driver, settings, month, min_size, offset, limit)
    log([g["anchor"] for g in groups], len(groups), month=month)
    return {"month": month, "analysis_version": run.analysis_version, "total": total, "offset": offset,
            "groups": [_summary(g, lang) for g in groups]}


@router.get("/months/{month}/groups/{fid}", response_model=RiskGroup, response_model_by_alias=True,
            responses=REFUSALS)
def group(month: Month, fid: FirmId, driver: Neo4j, settings: ServiceSettings, lang: Language,
          log: AuditRead) -> dict[str, Any]:
    """The risk group firm ``fid`` belongs to, with its members (name, class), the persons binding it (opaque key,
    masked name) and the addresses; 404 when the firm is in no group; 409 when the month fails its check."""
    g, members = jobs.risk_group(driver, settings, month, fid)
    log([m["fid"] for m in members], len(members), month=month, group=g["anchor"])
    return {**_summary(g, lang), "month": month,
            "members": [{**m, "region_name": jobs.region_name(m["region"] or ""),
                         "industry_name": jobs.industry_name((m["industry"] or "")[:3], lang)} for m in members],
            "persons": [{"ref": ref, "name": name} for ref, name in g["persons"]],
            "addresses": [text for _, text in g["addresses"]]}
