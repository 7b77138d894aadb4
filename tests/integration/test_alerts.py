"""Early warning against the real Neo4j, on generated data: every planted pattern raises its alert, the graph
gives the same alerts as the files it was loaded from, and status changes are kept and audited."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from neo4j import Driver
from typer.testing import CliRunner

from riskgraph.errors import Conflict, NotFound
from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs import alerts, audit
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import person_key, person_ref
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.settings import Settings
from riskgraph.warning.config import load_alert_config
from riskgraph.warning.detect import detect_alerts

FIRMS = 3000
MONTH = "2026-08"  # the last of two delta months after 2026-06-30


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from riskgraph.synth.generator import generate_dataset

    out = tmp_path_factory.mktemp("alerts") / "set"
    generate_dataset(FIRMS, 23, out, months=2)
    return out


@pytest.fixture(scope="module")
def loaded(data: Path, driver: Driver, neo4j_settings: Settings) -> Settings:
    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, neo4j_settings)
    for directory in [data, *delta_directories(data)]:
        load_directory(directory, driver, neo4j_settings)
    return neo4j_settings


def _own(settings: Settings, tmp: Path) -> Settings:
    """The session's Neo4j with an audit trail, and so an alerts directory, of the test's own."""
    return settings.model_copy(update={"audit_path": tmp / "audit" / "audit.jsonl"})


def _planted_keys(data: Path, salt: str) -> set[tuple[str, str, str]]:
    truth = pd.read_csv(data / "truth" / "alerts.csv", dtype=str, keep_default_na=False)
    out = set()
    for kind, subject_type, subject in zip(truth["type"], truth["subject_type"], truth["subject"], strict=True):
        key = (normalise_address(subject).key if subject_type == "address" else
               person_ref(person_key(subject, salt), salt) if subject_type == "person" else subject)
        out.add((kind, subject_type, key))
    return out


def test_every_planted_pattern_is_alerted_from_the_graph_as_from_the_files(
        data: Path, loaded: Settings, driver: Driver, tmp_path: Path) -> None:
    settings = _own(loaded, tmp_path)
    hubs = load_exempt_hubs(data / "exempt_hubs.yaml")
    done = alerts.run_alerts(driver, settings, MONTH, hubs)
    stored = alerts.list_alerts(settings, MONTH)
    assert done["alerts"] == len(stored) > 0
    raised = {(a["type"], a["subject_type"], a["subject"]) for a in stored}
    planted = _planted_keys(data, settings.person_salt.get_secret_value())
    assert {t for t, _, _ in planted} == {"registration_burst", "frequent_changes", "complaint_surge"}
    assert planted <= raised
    # the same inputs read from the files give the same alerts (the graph adds and loses nothing)
    salt = settings.person_salt.get_secret_value()
    from_files = detect_alerts(alerts.inputs_from_files(data, MONTH, salt, load_alert_config(), hubs),
                               load_alert_config())
    assert {(a.type, a.subject_type, a.subject) for a in from_files} == raised
    # persons appear only by their opaque ref, never the stored pid
    assert all(a["subject"].startswith("p-") for a in stored if a["subject_type"] == "person")
    assert not any("p:" in str(a) for a in stored)
    entry = audit.latest(settings, 1)[0]
    assert entry["action"] == "alerts_run" and entry["month"] == MONTH


def test_a_quiet_month_raises_no_burst_and_no_surge_of_the_planted_subjects(
        data: Path, loaded: Settings, driver: Driver, tmp_path: Path) -> None:
    settings = _own(loaded, tmp_path)
    alerts.run_alerts(driver, settings, "2025-06", load_exempt_hubs(data / "exempt_hubs.yaml"))
    raised = {(a["type"], a["subject_type"], a["subject"]) for a in alerts.list_alerts(settings, "2025-06")}
    planted = _planted_keys(data, settings.person_salt.get_secret_value())
    assert not (planted & raised)  # a year before the patterns were planted, none of them shows


def test_status_moves_are_kept_across_reruns_refused_out_of_order_and_audited(
        data: Path, loaded: Settings, driver: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _own(loaded, tmp_path)
    hubs = load_exempt_hubs(data / "exempt_hubs.yaml")
    alerts.run_alerts(driver, settings, MONTH, hubs)
    first = alerts.list_alerts(settings, MONTH)[0]["alert_id"]
    moved = alerts.change_status(settings, first, "acknowledged", actor="api:inspector-li", note="assigned")
    assert moved["status"] == "acknowledged" and moved["history"][-1]["by"] == "api:inspector-li"
    alerts.run_alerts(driver, settings, MONTH, hubs)  # a re-run keeps what people did
    assert alerts.get_alert(settings, first)["status"] == "acknowledged"
    with pytest.raises(Conflict, match="acknowledged; it can move to closed"):
        alerts.change_status(settings, first, "acknowledged")
    monkeypatch.setattr("riskgraph.cli.alerts.get_settings", lambda: settings)
    from riskgraph.cli import app

    result = CliRunner().invoke(app, ["alerts", "close", first, "--note", "agent's address"])
    assert result.exit_code == 0, result.output
    closed = alerts.get_alert(settings, first)
    assert closed["status"] == "closed" and [h["status"] for h in closed["history"]] == ["open", "acknowledged",
                                                                                         "closed"]
    with pytest.raises(Conflict, match="closed"):
        alerts.change_status(settings, first, "closed")
    with pytest.raises(NotFound):
        alerts.get_alert(settings, "AL-2026-08-0000000000")
    moves = [e for e in audit.latest(settings, 10) if e["action"] == "alert_status"]
    assert [m["status"] for m in moves] == ["closed", "acknowledged"]
    assert moves[0]["note"] == "agent's address"
    assert audit.verify(settings)[1] == []
