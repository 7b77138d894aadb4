"""The command line as a user runs it, against the session's Neo4j."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from neo4j import Driver

from riskgraph.graph.loader import GraphLoader
from riskgraph.settings import Settings
from tests.conftest import FIXTURES


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RISKGRAPH_NEO4J_URI": settings.neo4j_uri,
           "RISKGRAPH_NEO4J_BOLT_PORT": str(settings.neo4j_bolt_port),
           "RISKGRAPH_NEO4J_INSTANCE_DIR": str(settings.neo4j_instance_dir),
           "RISKGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
           "RISKGRAPH_PERSON_SALT": settings.person_salt.get_secret_value(),
           "RISKGRAPH_RATING_KEY": settings.rating_key.get_secret_value(),
           "RISKGRAPH_AUDIT_KEY": settings.audit_key.get_secret_value(),
           "RISKGRAPH_AUDIT_PATH": str(settings.audit_path)}
    return subprocess.run([sys.executable, "-m", "riskgraph", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_ingest_refuses_bad_files_and_loads_good_ones(clean_db: Driver, neo4j_settings: Settings,
                                                      tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "minimal", bad)
    with open(bad / "firms.csv", "a", encoding="utf-8") as fh:
        fh.write("91440305MA5DABCD5X,坏校验位公司,enterprise,active,1,2020-01-01,,,,,\n")
    refused = _run(neo4j_settings, "ingest", str(bad))
    assert refused.returncode == 1
    assert "firms.csv line 6, column firm_id: unified social credit code check character wrong" in refused.stderr
    assert GraphLoader(clean_db, neo4j_settings).counts()["firms"] == 0

    loaded = _run(neo4j_settings, "ingest", str(FIXTURES / "minimal"))
    assert loaded.returncode == 0, loaded.stderr
    assert "firms" in loaded.stdout and "rows/s" in loaded.stdout
    assert GraphLoader(clean_db, neo4j_settings).counts()["firms"] == 4


def test_neo4j_status_and_second_start(neo4j_settings: Settings) -> None:
    status = _run(neo4j_settings, "neo4j", "status")
    assert status.returncode == 0 and "running" in status.stdout
    again = _run(neo4j_settings, "neo4j", "start")
    assert again.returncode == 0 and "already running" in again.stdout


def test_every_verb_has_help_with_an_example() -> None:
    verbs = [["neo4j", "start"], ["neo4j", "stop"], ["neo4j", "status"], ["neo4j", "install"], ["schema"],
             ["ingest"], ["generate"], ["score"], ["evaluate"], ["serve"], ["demo"]]
    for verb in verbs:
        out = subprocess.run([sys.executable, "-m", "riskgraph", *verb, "--help"], capture_output=True, text=True,
                             check=False, env={**os.environ, "COLUMNS": "200"})
        assert out.returncode == 0, verb
        assert "Example" in out.stdout, f"riskgraph {' '.join(verb)} --help has no example"
