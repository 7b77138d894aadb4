"""``riskgraph hotspots`` and ``riskgraph groups``: a scored month's hotspot cells and risk groups, as a table or CSV.

Both read what scoring stored (``riskgraph.jobs.analysis``); a month whose ratings or stored analysis fail
their integrity check is refused. Regions and industries are shown by name, in Chinese or English.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from riskgraph.errors import RiskgraphError
from riskgraph.graph import db
from riskgraph.settings import get_settings, require_secrets

console = Console()
REGION_LEVELS = ("province", "prefecture", "county")
INDUSTRY_LEVELS = ("section", "division", "all")


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


def _levels(by: str) -> tuple[str, str]:
    parts = [p.strip() for p in by.split(",")]
    if len(parts) != 2 or parts[0] not in REGION_LEVELS or parts[1] not in INDUSTRY_LEVELS:
        raise typer.BadParameter(f"expected REGION,INDUSTRY with REGION one of {', '.join(REGION_LEVELS)} and "
                                 f"INDUSTRY one of {', '.join(INDUSTRY_LEVELS)}, e.g. county,division",
                                 param_hint="--by")
    return parts[0], parts[1]


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # with a BOM: spreadsheet software reads it as UTF-8
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["month"])
        writer.writeheader()
        writer.writerows(rows)


def _fmt(x: Any, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}g}" if isinstance(x, float) and abs(x) < 0.01 else (
        f"{x:.{digits}f}" if isinstance(x, float) else str(x))


def hotspots(
    month: Annotated[str, typer.Option(help="a scored month, YYYY-MM")],
    by: Annotated[str, typer.Option(help="region level,industry level: province|prefecture|county , "
                                         "section|division|all")] = "county,division",
    parent: Annotated[str, typer.Option(help="only regions under this GB/T 2260 code (e.g. 440300)")] = "",
    section: Annotated[str, typer.Option(help="only industries of this GB/T 4754 section letter (e.g. C)")] = "",
    only_hotspots: Annotated[bool, typer.Option("--hotspots-only", help="list hotspot cells only")] = False,
    limit: Annotated[int, typer.Option(help="rows shown in the table (the CSV has all)")] = 30,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="write every cell of the level to this CSV")] = None,
    lang: Annotated[str, typer.Option(help="names in zh or en")] = "zh",
    compute: Annotated[bool, typer.Option(help="compute and store the month's hotspots and risk groups again from "
                                               "its stored ratings first (scoring a month does this itself)")] = False,
    hubs: Annotated[Path | None, typer.Option(help="with --compute: the exempt-hub list the month was scored "
                                                   "with")] = None,
) -> None:
    """Region × industry cells of a scored month, highest smoothed ratio first: firms, C/D observed against
    expected (indirect standardisation), q and whether the cell is a hotspot.

    Examples:
      riskgraph hotspots --month 2026-07
      riskgraph hotspots --month 2026-07 --by prefecture,section --lang en --csv hotspots.csv
      riskgraph hotspots --month 2026-07 --compute --hubs data/demo/exempt_hubs.yaml
    """
    from riskgraph.jobs import analysis as jobs
    from riskgraph.scoring.config import load_exempt_hubs
    from riskgraph.scoring.model_file import load_model_config

    region_level, industry_level = _levels(by)
    settings = get_settings()
    try:
        require_secrets(settings)
        with db.connect(settings) as driver:
            if compute:
                done = jobs.analyse_month(driver, settings, month, load_model_config(), load_exempt_hubs(hubs),
                                          say=lambda m: console.print(f"  {m}"))
                console.print(f"{done.month}: {done.cells:,} cells ({done.tested:,} tested, {done.hotspots:,} "
                              f"hotspots), {done.groups:,} risk groups; analysis {done.analysis_version}")
            run, cells = jobs.hotspot_grid(driver, settings, month, region_level, industry_level, parent, section)
    except RiskgraphError as exc:
        raise _fail(exc) from exc
    cells.sort(key=lambda c: (not c["hotspot"], -(c["smoothed"] or 0.0), c["region"], c["industry"]))
    shown = [c for c in cells if c["hotspot"] or not only_hotspots]
    rows = [{"month": month, "region": c["region"], "region_name": jobs.region_name(c["region"]),
             "industry": c["industry"], "industry_name": jobs.industry_name(c["industry"], lang), "firms": c["n"],
             "observed": c["observed"], "expected": c["expected"], "ratio": c["ratio"], "smoothed": c["smoothed"],
             "p": c["p"], "q": c["q"], "tested": c["tested"], "hotspot": c["hotspot"]} for c in shown]
    if csv_path:
        _write_csv(csv_path, rows)
        console.print(f"{len(rows):,} cells written to {csv_path}")
    en = lang == "en"
    table = Table(title=f"{month} · {region_level} × {industry_level} · {run.analysis_version} · "
                        f"FDR {run.summary['fdr']}, ≥ {run.summary['min_observed']} C/D, cells of ≥ "
                        f"{run.summary['min_firms']} firms tested")
    for head in (("region" if en else "地区"), ("industry" if en else "行业"), ("firms" if en else "主体"),
                 "C+D", ("expected" if en else "期望"), ("smoothed" if en else "平滑比"), "q",
                 ("hotspot" if en else "热点")):
        table.add_column(head)
    for r in rows[:limit]:
        table.add_row(r["region_name"], r["industry_name"], str(r["firms"]), str(r["observed"]), _fmt(r["expected"]),
                      _fmt(r["smoothed"]), _fmt(r["q"], 3), "★" if r["hotspot"] else "")
    console.print(table)
    hot = sum(1 for c in cells if c["hotspot"])
    console.print(f"{len(cells):,} cells, {hot:,} hotspots" + (f"; {len(rows) - limit:,} more rows in the CSV"
                                                                if len(rows) > limit and csv_path else ""))


def groups(
    month: Annotated[str, typer.Option(help="a scored month, YYYY-MM")],
    firm: Annotated[str | None, typer.Option(help="show the group this firm (USCC) belongs to, with its "
                                                  "members")] = None,
    min_size: Annotated[int, typer.Option(help="groups of at least this many firms")] = 0,
    limit: Annotated[int, typer.Option(help="groups shown in the table (the CSV has all)")] = 30,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="write the groups (or members) to this CSV")] = None,
    lang: Annotated[str, typer.Option(help="names in zh or en")] = "zh",
) -> None:
    """Risk groups (Leiden communities of related firms) of a scored month, most significant first: size, C/D
    observed against expected, q, dominant counties and industries, the month each first appeared.

    Examples:
      riskgraph groups --month 2026-07
      riskgraph groups --month 2026-07 --firm 91445222MALRH9AD73
      riskgraph groups --month 2026-07 --csv groups.csv --lang en
    """
    from riskgraph.jobs import analysis as jobs

    settings = get_settings()
    try:
        require_secrets(settings)
        with db.connect(settings) as driver:
            if firm:
                group, members = jobs.risk_group(driver, settings, month, firm)
            else:
                _, matching, found = jobs.risk_groups(driver, settings, month, min_size, 0, 10**9)
    except RiskgraphError as exc:
        raise _fail(exc) from exc
    if firm:
        persons = "、".join(f"{name} ({ref})" for ref, name in group["persons"])
        console.print(f"{month}: group {group['anchor']} · {group['size']} firms · C/D {group['observed']} against "
                      f"{group['expected']:.1f} expected (q {_fmt(group['q'], 3)}) · first seen {group['first_month']}"
                      + (f" · persons: {persons}" if persons else ""))
        rows = [{"fid": m["fid"], "name": m["name"], "class": m["class"], "score": m["score"],
                 "region_name": jobs.region_name(m["region"] or ""),
                 "industry_name": jobs.industry_name((m["industry"] or "")[:3], lang)} for m in members]
        table = Table()
        for head in ("fid", "name", "class", "score", "region", "industry"):
            table.add_column(head)
        for r in rows[:limit]:
            table.add_row(r["fid"], r["name"] or "", r["class"] or "", _fmt(r["score"], 1), r["region_name"],
                          r["industry_name"])
    else:
        rows = [{"month": month, "anchor": g["anchor"], "size": g["size"], "observed": g["observed"],
                 "expected": g["expected"], "ratio": g["ratio"], "q": g["q"], "first_month": g["first_month"],
                 "regions": "; ".join(f"{jobs.region_name(c)} {n}" for c, n in g["regions"]),
                 "industries": "; ".join(f"{jobs.industry_name(c, lang)} {n}" for c, n in g["industries"]),
                 "persons": len(g["persons"]), "addresses": len(g["addresses"]),
                 "internal_links": g["internal_links"]} for g in found]
        table = Table(title=f"{month} · {matching:,} risk groups")
        for head in ("anchor", "size", "C+D", "expected", "q", "first seen", "regions", "industries"):
            table.add_column(head)
        for r in rows[:limit]:
            table.add_row(r["anchor"], str(r["size"]), str(r["observed"]), _fmt(r["expected"]), _fmt(r["q"], 3),
                          r["first_month"], r["regions"], r["industries"])
    if csv_path:
        _write_csv(csv_path, rows)
        console.print(f"{len(rows):,} rows written to {csv_path}")
    console.print(table)
