"""``riskgraph neo4j install|start|stop|status``: the self-managed server."""

from __future__ import annotations

import typer

from riskgraph.errors import Neo4jServerError
from riskgraph.graph.server import Neo4jServer
from riskgraph.settings import get_settings

app = typer.Typer(help="Install, start, stop and inspect the local Neo4j Community server.", no_args_is_help=True)


def _server() -> Neo4jServer:
    return Neo4jServer(get_settings())


@app.command()
def install() -> None:
    """Resolve Neo4j 5.26 from Maven Central into var/neo4j/runtime (once).

    Example: riskgraph neo4j install
    """
    _server().install()
    typer.echo("Neo4j jars installed")


@app.command()
def start() -> None:
    """Start Neo4j on 127.0.0.1 and wait until Bolt answers.

    Example: RISKGRAPH_NEO4J_BOLT_PORT=7688 riskgraph neo4j start
    """
    server = _server()
    try:
        started = server.start()
    except Neo4jServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(str(server.status()) if started else f"already running: {server.status()}")


@app.command()
def stop() -> None:
    """Stop Neo4j cleanly (SIGTERM, then wait).

    Example: riskgraph neo4j stop
    """
    try:
        stopped = _server().stop()
    except Neo4jServerError as exc:  # it did not go away in time
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("stopped" if stopped else "not running")


@app.command()
def status() -> None:
    """Say whether Neo4j runs, with pid, port and instance directory; exit 1 when it does not.

    Example: riskgraph neo4j status
    """
    st = _server().status()
    typer.echo(str(st))
    if not st.running:
        raise typer.Exit(1)
