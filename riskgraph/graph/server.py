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
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from riskgraph.errors import Neo4jServerError
from riskgraph.settings import PROJECT_ROOT, Settings

POM = Path(__file__).resolve().parent / "runtime" / "pom.xml"
MIN_JARS = 150  # the neo4j artifact resolves to about 213 jars; fewer means a broken copy


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
               self.settings.neo4j_password.get_secret_value()]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Neo4jServerError(f"could not set the initial password:\n{done.stdout}{done.stderr}")

    # -- lifecycle -------------------------------------------------------------------------------
    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists() and b"CommunityEntryPoint" not in cmdline.read_bytes():
            return None  # a recycled pid
        return pid

    def status(self) -> ServerStatus:
        pid = self._pid()
        return ServerStatus(pid is not None, pid, self.port, self.instance)

    def start(self) -> bool:
        """Start and wait until Bolt answers; False (and nothing done) when already running."""
        if self._pid() is not None:
            return False
        if _port_open(self.port):
            raise Neo4jServerError(f"port {self.port} is taken by another process; set RISKGRAPH_NEO4J_BOLT_PORT")
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
        """SIGTERM and wait for a clean shutdown; False when it was not running."""
        pid = self._pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """Hard kill (SIGKILL), as a crash would; used to test recovery of interrupted loads."""
        pid = self._pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except (FileNotFoundError, IndexError):
        return False
    if state == "Z":
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return False
    return True


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


__all__ = ["PROJECT_ROOT", "Neo4jServer", "ServerStatus"]
