"""``riskgraph generate``: a synthetic provincial registry (owned by the generator work)."""

from __future__ import annotations

import typer


def generate() -> None:
    """Not yet available."""
    typer.echo("generate: not implemented yet", err=True)
    raise typer.Exit(2)
