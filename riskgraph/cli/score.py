"""``riskgraph score`` and ``riskgraph evaluate`` (owned by the scoring work)."""

from __future__ import annotations

import typer


def score() -> None:
    """Not yet available."""
    typer.echo("score: not implemented yet", err=True)
    raise typer.Exit(2)


def evaluate() -> None:
    """Not yet available."""
    typer.echo("evaluate: not implemented yet", err=True)
    raise typer.Exit(2)
