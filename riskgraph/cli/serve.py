"""``riskgraph serve`` and ``riskgraph demo``: the HTTP service, and the one-command demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from riskgraph.settings import PROJECT_ROOT, get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="bind address (default RISKGRAPH_API_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default RISKGRAPH_API_PORT)")] = None,
) -> None:
    """Run the HTTP API (and the web page) with uvicorn.

    Example: riskgraph serve --port 8000
    """
    import uvicorn

    settings = get_settings()
    uvicorn.run("riskgraph.api.app:create_app", factory=True, host=host or settings.api_host,
                port=port or settings.api_port)


def demo(
    data: Annotated[Path, typer.Option(help="data set directory; generated there when it has no firms.csv")] = (
        PROJECT_ROOT / "var" / "demo"),
    firms: Annotated[int, typer.Option(help="firms to generate when generating")] = 20_000,
    months: Annotated[int, typer.Option(help="monthly deltas to generate")] = 3,
    seed: Annotated[int, typer.Option(help="generator seed")] = 7,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="start the API at the end")] = True,
) -> None:
    """Start Neo4j, generate (or reuse) a data set, load it, score it, and serve the API.

    Example: riskgraph demo --firms 20000
    """
    from riskgraph.cli.score import print_month_run
    from riskgraph.errors import RiskgraphError
    from riskgraph.jobs.demo import run_demo

    settings = get_settings()
    try:
        runs = run_demo(settings, data, firms, months, seed, say=typer.echo)
    except (RiskgraphError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for run in runs:
        print_month_run(run)
    if serve_api:
        typer.echo(f"serving on http://{settings.api_host}:{settings.api_port}/  (Ctrl-C to stop)")
        serve(None, None)
