"""``riskgraph schema`` and ``riskgraph ingest``: constraints, then validated files into Neo4j."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from riskgraph.errors import ConfigError, ValidationFailed
from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs.loading import load_recorded
from riskgraph.settings import get_settings, require_secrets


def _write_problems(exc: ValidationFailed, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "line", "column", "reason", "value"])
        writer.writerows([p.file, p.line, p.column, p.reason, p.value] for p in exc.problems)
    return path


def schema() -> None:
    """Create every constraint and index (idempotent) and wait until they are online.

    Example: riskgraph schema
    """
    settings = get_settings()
    with db.connect(settings) as driver:
        names = apply_schema(driver, settings)
    typer.echo(f"{len(names)} constraints and indexes in place")


def ingest(
    path: Annotated[Path, typer.Argument(help="an interchange directory, or a source file/dir with --format")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="interchange | ftm | bods | icij")] = "interchange",
    skip_invalid: Annotated[bool, typer.Option(help="load valid rows, write rejected ones to --rejects")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="where rejected rows go (default DIR/rejected.csv; the full problem list of a refused load "
             "goes to ./validation-report.csv)")] = None,
    deltas: Annotated[bool, typer.Option(help="also load DIR/deltas/YYYY-MM/ in month order")] = False,
    as_of: Annotated[str | None, typer.Option(help="reject dates after this day (default today)")] = None,
) -> None:
    """Validate every file, then load firms, persons, addresses, relationships and events.

    Nothing is written if any row is invalid (the report names file, line, column and
    reason) unless --skip-invalid. Loading the same files twice changes nothing; a later
    month's delta directory updates, closes (until) or adds records.

    Examples:
      riskgraph ingest data/demo --deltas
      riskgraph ingest data/demo/deltas/2026-07
      riskgraph ingest --format ftm ../shared/data/ftm/entities.ftm.json
    """
    settings = get_settings()
    try:
        require_secrets(settings)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    day = dt.date.fromisoformat(as_of) if as_of else None
    with db.connect(settings) as driver, tempfile.TemporaryDirectory(prefix="riskgraph-convert-") as tmp:
        apply_schema(driver, settings)
        directories = [path]
        if fmt != "interchange":
            from riskgraph.ingest.adapters import ConversionError, convert

            try:
                conversion = convert(fmt, path, Path(tmp), today=day)
            except ConversionError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(1) from exc
            typer.echo(str(conversion))
            directories = [Path(tmp)]
        elif deltas:
            directories += delta_directories(path)
        for directory in directories:
            try:
                summary = load_recorded(directory, driver, settings, skip_invalid=skip_invalid,
                                        rejects_path=rejects, as_of=day, show_progress=True)
            except ValidationFailed as exc:
                typer.echo(f"error: {exc}", err=True)
                if len(exc.problems) > 20:
                    report = _write_problems(exc, rejects or Path("validation-report.csv"))
                    typer.echo(f"all {len(exc.problems)} problems are listed in {report}", err=True)
                raise typer.Exit(1) from exc
            typer.echo("\n".join(summary.lines()))
