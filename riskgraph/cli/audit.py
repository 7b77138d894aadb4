"""``riskgraph audit verify|show``: check the audit trail, and read its latest entries."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from riskgraph.jobs import audit
from riskgraph.settings import get_settings

app = typer.Typer(help="The audit trail: who read and wrote what, hash-chained.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Check every entry's hash, the chain and the signed head; exit 1 naming each problem.

    Detects an altered, deleted, inserted or reordered entry and a truncated tail.

    Example: riskgraph audit verify
    """
    settings = get_settings()
    entries, problems = audit.verify(settings)
    if problems:
        for p in problems:
            typer.echo(f"{settings.audit_path} {p}", err=True)
        typer.echo(f"audit trail NOT intact: {len(problems)} problem(s) in {entries:,} entries", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {entries:,} entries ({settings.audit_path})")


@app.command()
def show(last: Annotated[int, typer.Option(min=1, help="how many of the latest entries")] = 20) -> None:
    """Print the latest entries as JSON lines (run verify to know whether to believe them).

    Example: riskgraph audit show --last 50
    """
    entries = list(audit.trail(get_settings()).entries())
    for entry in entries[-last:]:
        typer.echo(json.dumps(entry, ensure_ascii=False))
