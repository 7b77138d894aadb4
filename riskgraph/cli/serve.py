"""``riskgraph serve`` and ``riskgraph demo``: the HTTP service, and the one-command demo."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from riskgraph.errors import ConfigError
from riskgraph.settings import PROJECT_ROOT, Settings, get_settings, require_secrets

APP = "riskgraph.api.app:create_app"


def serve(
    host: Annotated[str | None, typer.Option(help="bind address (default RISKGRAPH_API_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default RISKGRAPH_API_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="worker processes (default RISKGRAPH_API_WORKERS)")] = None,
) -> None:
    """Run the HTTP API (and the web page) with uvicorn: httptools and uvloop, one process per worker.

    Each worker is a process of its own (routes are CPU-bound Python: one interpreter lock per
    process) with its own Neo4j driver, admission gate and rate buckets (see the api_* settings).

    Example: riskgraph serve --port 8000 --workers 2
    """
    import uvicorn

    settings = get_settings()
    try:
        require_secrets(settings)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    config = uvicorn.Config(APP, factory=True, host=host or settings.api_host, port=port or settings.api_port,
                            workers=workers or settings.api_workers, **uvicorn_options(settings))
    if config.workers == 1:
        server = uvicorn.Server(config)
        server.run()
        if not server.started:
            raise typer.Exit(3)  # uvicorn's STARTUP_FAILURE: the app, or binding the address, failed
        return
    sockets = listening_sockets(config.host, config.port, config.workers)
    logging.getLogger("uvicorn.error").info("serving on http://%s:%d with %d worker processes",
                                            config.host, sockets[0].getsockname()[1], config.workers)
    _workers_on_own_sockets(config, sockets).run()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves: the C HTTP parser and event loop (uvicorn[standard]); the pure-Python h11 parser
    and asyncio loop cost the loop so much per request that requests queue unread before the admission gate."""
    return {"http": "httptools", "loop": "uvloop"}


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` sockets bound to ``host:port`` with SO_REUSEPORT (port 0: the first one's free port for all).

    With one socket shared by the workers (uvicorn's own ``--workers``) the worker that wakes first
    accepts a whole burst of connections, and a client's keep-alive connections then all load that
    one process while the others idle (bench/api.py saw it); with a socket each, the kernel spreads
    new connections evenly over the workers.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.bind((host, sockets[0].getsockname()[1] if sockets else port))
        except OSError as exc:
            sock.close()
            for s in sockets:
                s.close()
            typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror} (choose another --port)", err=True)
            raise typer.Exit(3) from exc
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


def _workers_on_own_sockets(config: Any, sockets: list[socket.socket]) -> Any:
    """uvicorn's supervisor (signals, health checks, a dead or hung worker replaced), worker ``i`` on ``sockets[i]``."""
    from uvicorn.supervisors.multiprocess import Multiprocess, Process

    log = logging.getLogger("uvicorn.error")

    class WorkersOnOwnSockets(Multiprocess):
        def _start(self, i: int) -> Process:
            process = Process(self.config, [self.sockets[i]])
            process.start()
            return process

        def init_processes(self) -> None:
            self.processes = [self._start(i) for i in range(len(self.sockets))]

        def keep_subprocess_alive(self) -> None:
            for i, process in enumerate(self.processes):
                if self.should_exit.is_set():
                    return
                if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                    continue
                process.kill()
                process.join()
                if process.exitcode == 3:  # STARTUP_FAILURE: every restart would fail the same way
                    log.error("Child process [%s] failed to start, stopping the parent process.", process.pid)
                    self.should_exit.set()
                    return
                log.info("Child process [%s] died", process.pid)
                self.processes[i] = self._start(i)

        def restart_all(self) -> None:
            for i, old in enumerate(self.processes):
                if self.should_exit.is_set():
                    return
                new = self._start(i)
                if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                    new.kill()
                    new.join()
                    return
                old.terminate()
                old.join()
                self.processes[i] = new

        def handle_ttin(self) -> None:
            log.warning("SIGTTIN ignored: the number of workers is fixed (riskgraph serve --workers)")

        def handle_ttou(self) -> None:
            log.warning("SIGTTOU ignored: the number of workers is fixed (riskgraph serve --workers)")

    return WorkersOnOwnSockets(config, sockets)


def demo(
    data: Annotated[Path, typer.Option(help="data set directory; generated there when it has no firms.csv")] = (
        PROJECT_ROOT / "var" / "demo"),
    firms: Annotated[int, typer.Option(help="firms to generate when generating")] = 20_000,
    months: Annotated[int, typer.Option(help="monthly deltas to generate")] = 3,
    seed: Annotated[int, typer.Option(help="generator seed")] = 7,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="start the API at the end")] = True,
) -> None:
    """Start Neo4j, generate (or reuse) a data set, load it, score it, and serve the API.

    Random secrets are generated on the first run into var/secrets.env (mode 0600) and reused;
    every riskgraph command of this checkout reads them.

    Example: riskgraph demo --firms 20000
    """
    from riskgraph.cli.score import print_month_run
    from riskgraph.errors import RiskgraphError
    from riskgraph.jobs.demo import DEMO_KEYS_FILE, demo_logins, demo_settings, run_demo

    try:
        settings = demo_settings(say=typer.echo)
        runs = run_demo(settings, data, firms, months, seed, say=typer.echo)
        logins = demo_logins(settings)
    except (RiskgraphError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for run in runs:
        print_month_run(run)
    typer.echo(f"\nthe demo's users, one per role (keys in {DEMO_KEYS_FILE}, mode 0600); open the page signed in as:")
    for role, link in logins.items():
        typer.echo(f"  {role:<13} {link}")
    if serve_api:
        typer.echo(f"serving on http://{settings.api_host}:{settings.api_port}/  (Ctrl-C to stop)")
        serve(None, None, None)
