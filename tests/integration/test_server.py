"""The self-managed Neo4j server: start, refuse a second start, answer Bolt with auth on; ports."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError
from pydantic import SecretStr

from riskgraph.errors import Neo4jServerError
from riskgraph.graph import server as server_module
from riskgraph.graph.server import MIN_JARS, Neo4jServer, _gone, _port_free, _proc
from riskgraph.settings import Settings
from tests.conftest import _free_port, _instance_settings

WAIT_S = 60.0


def test_running_server_answers_with_auth_and_refuses_a_second_start(neo4j_server: Neo4jServer,
                                                                      neo4j_settings: Settings) -> None:
    status = neo4j_server.status()
    assert status.running and status.port == neo4j_settings.neo4j_bolt_port
    assert neo4j_server.start() is False  # already running: says so, does nothing
    assert neo4j_server.status().pid == status.pid
    with pytest.raises(AuthError), GraphDatabase.driver(neo4j_settings.neo4j_uri,
                                                        auth=("neo4j", "wrong-password")) as drv:
        drv.verify_connectivity()


def test_a_password_beginning_with_a_dash_is_set_and_opens_the_server(tmp_path: Path) -> None:
    """Generated secrets (token_urlsafe) may begin with "-", which the admin tool would read as an option."""
    port = _free_port()
    settings = _instance_settings(tmp_path / "instance", port).model_copy(
        update={"neo4j_password": SecretStr("-dash-first-password")})
    server = Neo4jServer(settings)
    try:
        server.start()
        with GraphDatabase.driver(settings.neo4j_uri, auth=("neo4j", "-dash-first-password")) as drv:
            drv.verify_connectivity()
    finally:
        server.stop()


def _no_java_server(tmp_path: Path, port: int) -> Neo4jServer:
    """A server whose start gets past the port checks and then stops at once: no Java, no Neo4j start."""
    runtime = tmp_path / "runtime"
    (runtime / "lib").mkdir(parents=True)
    for i in range(MIN_JARS):  # looks installed, so nothing is fetched
        (runtime / "lib" / f"stub{i}.jar").touch()
    settings = _instance_settings(tmp_path / "instance", port).model_copy(
        update={"neo4j_runtime_dir": runtime, "java_home": tmp_path / "no-java"})
    return Neo4jServer(settings)


def test_a_port_held_by_a_foreign_process_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as foreign:
        foreign.bind(("127.0.0.1", 0))
        foreign.listen()
        server = _no_java_server(tmp_path, foreign.getsockname()[1])
        server.pid_file.parent.mkdir(parents=True)
        server.pid_file.write_text(str(os.getpid()))  # a stale pid file naming a live process that is no Neo4j
        with pytest.raises(Neo4jServerError, match=r"port \d+ is taken by another process"):
            server.start()
        assert not server.status().running


# A process that binds the port and then ends its main thread only, so that it lingers as a
# zombie leader with the port still held, like a JVM just killed, until its stdin is closed.
_DYING = """
import ctypes, socket, sys, threading
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", int(sys.argv[1])))
sock.listen()
threading.Thread(target=sys.stdin.read).start()
print("listening", flush=True)
ctypes.CDLL(None).syscall(int(sys.argv[2]), 0)  # exit(2) of the main thread alone
"""
_SYS_EXIT = {"x86_64": 60, "aarch64": 93}


@pytest.fixture()
def dying_holder() -> Iterator[tuple[subprocess.Popen[str], int]]:
    if platform.machine() not in _SYS_EXIT or not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux on x86_64 or aarch64")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", _DYING, str(port), str(_SYS_EXIT[platform.machine()])],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
        assert server_module._poll(lambda: (p := _proc(proc.pid)) is not None and p.exiting, WAIT_S)
        yield proc, port
    finally:
        if proc.stdin and not proc.stdin.closed:
            proc.stdin.close()
        proc.kill()
        proc.wait(WAIT_S)


def test_start_waits_for_its_own_dying_server_to_release_the_port(
        tmp_path: Path, dying_holder: tuple[subprocess.Popen[str], int], monkeypatch: pytest.MonkeyPatch) -> None:
    holder, port = dying_holder
    assert not _port_free(port)
    server = _no_java_server(tmp_path, port)
    server.pid_file.parent.mkdir(parents=True)
    server.pid_file.write_text(str(holder.pid))  # the instance's last server, killed and not gone yet
    assert not server.status().running  # a dying server does not count as running

    calls = [0]

    def gone_released_on_second_look(pid: int) -> bool:
        calls[0] += 1
        if pid == holder.pid and calls[0] == 2 and holder.stdin:  # start() is waiting now: let the holder go
            holder.stdin.close()
        return _gone(pid)

    monkeypatch.setattr(server_module, "_gone", gone_released_on_second_look)
    with pytest.raises(Neo4jServerError, match="no Java at"):  # got past the port: waited, then went on
        server.start()
    assert calls[0] >= 2
    assert _gone(holder.pid) and _port_free(port)


def test_kill_and_stop_of_nothing_running_return_at_once(tmp_path: Path) -> None:
    server = _no_java_server(tmp_path, _free_port())
    server.kill()
    assert server.stop() is False
