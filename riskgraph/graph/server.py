"""A self-managed Neo4j Community server: installed from Maven Central, run on loopback.

The jars (``runtime``) are shared; each instance (the demo's, a test session's) has
its own directory with ``conf/``, ``data/``, ``logs/`` and a pid file, so several can
run side by side on different ports.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from riskgraph.errors import Neo4jServerError
from riskgraph.settings import PROJECT_ROOT, Settings

POM = Path(__file__).resolve().parent / "runtime" / "pom.xml"
MIN_JARS = 150  # the neo4j artifact resolves to about 213 jars; fewer means a broken copy
EXIT_TIMEOUT_S = 60.0  # how long a stopped or killed JVM may take to be gone, port and all, on a busy machine
PF_EXITING = 0x4  # the kernel's "getting shut down" flag in /proc/PID/stat


@dataclass
class ServerStatus:
    running: bool
    pid: int | None
    port: int
    instance_dir: Path

    def __str__(self) -> str:
        if self.running:
            return f"Neo4j running (pid {self.pid}) on bolt://127.0.0.1:{self.port}, instance {self.instance_dir}"
        return f"Neo4j not running (instance {self.instance_dir})"


class Neo4jServer:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.runtime = settings.neo4j_runtime_dir
        self.instance = settings.neo4j_instance_dir
        self.port = settings.neo4j_bolt_port

    # -- paths -----------------------------------------------------------------------------
    @property
    def lib(self) -> Path:
        return self.runtime / "lib"

    @property
    def pid_file(self) -> Path:
        return self.instance / "run" / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.instance / "logs" / "console.log"

    def _java(self) -> str:
        java = self.settings.java_home / "bin" / "java"
        if not java.is_file():
            raise Neo4jServerError(
                f"no Java at {java}; Neo4j 5.26 needs Java 17 or 21 (set RISKGRAPH_JAVA_HOME)"
            )
        return str(java)

    # -- install -----------------------------------------------------------------------------
    def is_installed(self) -> bool:
        return self.lib.is_dir() and len(list(self.lib.glob("*.jar"))) >= MIN_JARS

    def install(self) -> None:
        """Resolve the Neo4j jars from Maven Central into ``runtime/lib`` (about a minute, once)."""
        if self.is_installed():
            return
        self.lib.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "JAVA_HOME": str(self.settings.java_home)}
        cmd = ["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
               f"-DoutputDirectory={self.lib}", "-DincludeScope=runtime"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not self.is_installed():
            raise Neo4jServerError(f"Maven could not resolve Neo4j ({' '.join(cmd)}):\n{done.stdout}{done.stderr}")

    # -- configuration -------------------------------------------------------------------------
    def _write_conf(self) -> None:
        s = self.settings
        conf_dir = self.instance / "conf"
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.instance / sub).mkdir(parents=True, exist_ok=True)
        conf = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            "server.bolt.enabled": "true",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "db.tx_log.preallocate": "false",
            "db.tx_log.rotation.retention_policy": "2 files",
            "server.memory.pagecache.size": s.neo4j_pagecache,
            "server.directories.data": str(self.instance / "data"),
            "server.directories.logs": str(self.instance / "logs"),
            "server.directories.plugins": str(self.instance / "plugins"),
            "server.directories.import": str(self.instance / "import"),
            "server.directories.run": str(self.instance / "run"),
            "db.transaction.timeout": "0",
        }
        (conf_dir / "neo4j.conf").write_text("".join(f"{k}={v}\n" for k, v in conf.items()), encoding="utf-8")

    def _set_initial_password(self) -> None:
        if (self.instance / "data" / "databases" / "system").exists():
            return
        env = {**os.environ, "NEO4J_HOME": str(self.instance), "NEO4J_CONF": str(self.instance / "conf"),
               "JAVA_HOME": str(self.settings.java_home)}
        cmd = [self._java(), "-cp", f"{self.lib}/*", "org.neo4j.cli.AdminTool", "dbms", "set-initial-password",
               "--", self.settings.neo4j_password.get_secret_value()]  # "--": a password may begin with "-"
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Neo4jServerError(f"could not set the initial password:\n{done.stdout}{done.stderr}")

    # -- lifecycle -------------------------------------------------------------------------------
    def _recorded_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _pid(self) -> int | None:
        """The pid of this instance's running server; None when none runs (or it is exiting)."""
        pid = self._recorded_pid()
        if pid is None:
            return None
        proc = _proc(pid)
        if proc is None or proc.exiting:
            return None
        cmdline = Path(f"/proc/{pid}/cmdline")
        try:
            if b"CommunityEntryPoint" not in cmdline.read_bytes():
                return None  # a recycled pid
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            return None
        return pid

    def _wait_gone(self, pid: int, timeout_s: float, what: str) -> None:
        """Wait until ``pid`` has exited completely (every thread) and the Bolt port is free.

        A JVM killed with SIGKILL first turns into a zombie leader while its other threads are
        still exiting with the port and the store locks held; only after that is it gone.
        """
        if not _poll(lambda: _gone(pid), timeout_s):
            proc = _proc(pid)
            raise Neo4jServerError(
                f"Neo4j (pid {pid}, instance {self.instance}) {what} but had not exited after {timeout_s:.0f} s"
                f" (state {proc.state if proc else '?'}, {proc.threads if proc else '?'} threads)"
            )
        if not _poll(lambda: _port_free(self.port), timeout_s):
            raise Neo4jServerError(
                f"Neo4j (pid {pid}) exited, but port {self.port} was still taken after {timeout_s:.0f} s: "
                "another process holds it"
            )

    def _wait_previous_gone(self, timeout_s: float) -> None:
        """If this instance's last server is still exiting (killed, crashed), wait until it is gone."""
        pid = self._recorded_pid()
        if pid is not None and pid != os.getpid():
            proc = _proc(pid)
            if proc is not None and proc.exiting and not _gone(pid):
                self._wait_gone(pid, timeout_s, "is exiting")

    def status(self) -> ServerStatus:
        pid = self._pid()
        return ServerStatus(pid is not None, pid, self.port, self.instance)

    def start(self) -> bool:
        """Start and wait until Bolt answers; False (and nothing done) when already running."""
        if self._pid() is not None:
            return False
        self._wait_previous_gone(EXIT_TIMEOUT_S)
        if not _port_free(self.port):
            raise Neo4jServerError(f"port {self.port} is taken by another process (not this instance's Neo4j, "
                                   f"{self.instance}); stop it or set RISKGRAPH_NEO4J_BOLT_PORT")
        self.install()
        self._write_conf()
        self._set_initial_password()
        heap = self.settings.neo4j_heap
        cmd = [self._java(), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8",
               "-cp", f"{self.lib}/*", "org.neo4j.server.CommunityEntryPoint",
               f"--home-dir={self.instance}", f"--config-dir={self.instance / 'conf'}"]
        env = {**os.environ, "JAVA_HOME": str(self.settings.java_home)}
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True, cwd=self.instance)
        self.pid_file.write_text(str(proc.pid))
        self._wait_ready(proc)
        return True

    def _wait_ready(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.settings.neo4j_start_timeout_s
        uri = f"bolt://127.0.0.1:{self.port}"
        auth = (self.settings.neo4j_user, self.settings.neo4j_password.get_secret_value())
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise Neo4jServerError(f"Neo4j exited with code {proc.returncode}; last log lines:\n{self._log_tail()}")
            if _port_open(self.port):
                try:
                    with GraphDatabase.driver(uri, auth=auth) as driver:
                        driver.verify_connectivity()
                    return
                except AuthError as exc:
                    raise Neo4jServerError(
                        f"Neo4j is up but refused the configured password ({exc.message}); the instance at "
                        f"{self.instance} was created with another one"
                    ) from exc
                except ServiceUnavailable:
                    pass
            time.sleep(0.5)
        raise Neo4jServerError(f"Bolt did not answer within {self.settings.neo4j_start_timeout_s:.0f} s:\n"
                               f"{self._log_tail()}")

    def stop(self, timeout_s: float = 60.0) -> bool:
        """SIGTERM and wait for a clean shutdown (SIGKILL after ``timeout_s``); False when it was not running.

        Returns only once the process has exited completely and the Bolt port is free, so a
        start may follow at once; raises :class:`Neo4jServerError` when that does not happen.
        """
        pid = self._pid()
        if pid is None:
            self._wait_previous_gone(EXIT_TIMEOUT_S)
            self.pid_file.unlink(missing_ok=True)
            return False
        _signal(pid, signal.SIGTERM)
        if not _poll(lambda: _gone(pid), timeout_s):
            _signal(pid, signal.SIGKILL)
        self._wait_gone(pid, EXIT_TIMEOUT_S, "was stopped")
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self, timeout_s: float = EXIT_TIMEOUT_S) -> None:
        """Hard kill (SIGKILL), as a crash would; used to test recovery of interrupted loads.

        Like a crash, it leaves the pid file. Returns once the process has exited completely and
        the Bolt port is free; raises :class:`Neo4jServerError` when that takes over ``timeout_s``.
        """
        pid = self._pid()
        if pid is None:
            self._wait_previous_gone(timeout_s)
            return
        _signal(pid, signal.SIGKILL)
        self._wait_gone(pid, timeout_s, "was killed")

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


@dataclass(frozen=True)
class _Proc:
    state: str  # R, S, D, Z, X, …
    exiting: bool  # dying: SIGKILLed, crashed, or a zombie not reaped yet
    threads: int


def _proc(pid: int) -> _Proc | None:
    """What /proc says about ``pid``; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    state, flags, threads = fields[0], int(fields[6]), int(fields[17])
    return _Proc(state, state in ("Z", "X") or bool(flags & PF_EXITING), threads)


def _gone(pid: int) -> bool:
    """True once no thread of ``pid`` runs any more (a zombie left to reap counts as gone)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaps it when it is our child and all its threads have ended
    proc = _proc(pid)
    return proc is None or (proc.state in ("Z", "X") and proc.threads <= 1)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _poll(condition: Callable[[], bool], timeout_s: float, interval_s: float = 0.05) -> bool:
    """Check ``condition`` until it holds (True) or ``timeout_s`` has passed (False)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def _port_free(port: int) -> bool:
    """Whether Neo4j could bind ``port`` on loopback now (as it does, with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


__all__ = ["PROJECT_ROOT", "Neo4jServer", "ServerStatus"]
