"""Ingest against the real Neo4j: counts, idempotent re-load, monthly delta, validation, recovery."""

from __future__ import annotations

import csv
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from neo4j.exceptions import DatabaseUnavailable, ServiceUnavailable, SessionExpired
from stdnum.cn import ric, uscc

from riskgraph.errors import ValidationFailed
from riskgraph.graph import db
from riskgraph.graph.loader import GraphLoader
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.server import Neo4jServer, _port_free
from riskgraph.ingest.load import load_directory
from riskgraph.settings import Settings
from tests.conftest import FIXTURES

MINIMAL = FIXTURES / "minimal"
DELTA = FIXTURES / "minimal_delta"
WAIT_S = 120.0  # bound of every wait in the kill test; none is expected to come near it


def counts(driver: Driver, settings: Settings) -> dict[str, int]:
    return GraphLoader(driver, settings).counts()


def csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


@pytest.fixture()
def graph(clean_db: Driver, neo4j_settings: Settings) -> Driver:
    apply_schema(clean_db, neo4j_settings)
    return clean_db


def snapshot(driver: Driver, settings: Settings) -> list[tuple]:
    """Every node and relationship with its properties, for comparing two states of the graph."""
    with db.session(driver, settings) as sess:
        nodes = sess.run("MATCH (n) WHERE NOT n:IngestRun RETURN labels(n) AS l, properties(n) AS p").data()
        rels = sess.run("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p").data()
    return sorted(repr(sorted(x.items())) for x in nodes + rels)  # type: ignore[return-value]


def test_minimal_set_loads_every_kind(graph: Driver, neo4j_settings: Settings) -> None:
    summary = load_directory(MINIMAL, graph, neo4j_settings)
    c = counts(graph, neo4j_settings)
    assert c["firms"] == csv_rows(MINIMAL / "firms.csv") == 4
    assert c["persons"] == csv_rows(MINIMAL / "persons.csv")
    assert c["shareholdings"] == csv_rows(MINIMAL / "shareholdings.csv")
    assert c["legal_reps"] == csv_rows(MINIMAL / "legal_reps.csv")
    assert c["officers"] == csv_rows(MINIMAL / "officers.csv")
    assert c["branches"] == csv_rows(MINIMAL / "branches.csv")
    assert c["registrations"] == csv_rows(MINIMAL / "registrations.csv")
    assert c["events"] == c["event_links"] == csv_rows(MINIMAL / "events.csv")
    # 科技园路１号 三楼 (full width, with province) and 科技园路1号3F are one place.
    assert c["addresses"] == 3
    assert summary.rows["firms"] == 4
    with db.session(graph, neo4j_settings) as sess:
        shared = sess.run("MATCH (a:Address)<-[:REGISTERED_AT]-(f) WITH a, count(f) AS n WHERE n = 2 "
                          "RETURN a.text AS text, a.region AS region").single()
        assert shared and shared["text"] == "科技园路1号3楼" and shared["region"] == "440305"
        # Region derived from the USCC where the file left it empty.
        assert sess.run("MATCH (f:Firm {fid: '91440305MA5DABCD2Y'}) RETURN f.region AS r").single()["r"] == "440305"
        # The resident ID number is stored nowhere; only its hash (key) and a masked form.
        props = sess.run("MATCH (p:Person) RETURN properties(p) AS p").value()
        raw_ids = {"440305199201010012", "440305198505050027", "110105197003030032"}
        assert all(not (set(map(str, p.values())) & raw_ids) for p in props)
        assert {p["id_masked"] for p in props} == {"440*************12", "440*************27", "110*************32"}


def test_loading_twice_changes_nothing(graph: Driver, neo4j_settings: Settings) -> None:
    load_directory(MINIMAL, graph, neo4j_settings)
    first = snapshot(graph, neo4j_settings)
    load_directory(MINIMAL, graph, neo4j_settings)
    assert snapshot(graph, neo4j_settings) == first


def test_delta_closes_adds_and_updates_without_losing_history(graph: Driver, neo4j_settings: Settings) -> None:
    load_directory(MINIMAL, graph, neo4j_settings)
    before = counts(graph, neo4j_settings)
    load_directory(DELTA, graph, neo4j_settings)
    after = counts(graph, neo4j_settings)
    assert after["firms"] == before["firms"] + 1
    assert after["legal_reps"] == before["legal_reps"] + 2  # one closed in place, two new
    assert after["events"] == before["events"] + 2
    assert after["addresses"] == before["addresses"]  # 科技园路1号三层 is the known 3楼 address
    with db.session(graph, neo4j_settings) as sess:
        reps = sess.run("MATCH (p:Person)-[r:LEGAL_REP_OF]->(:Firm {fid: '91440305MA5DABCD2Y'}) "
                        "RETURN p.id_masked AS who, toString(r.since) AS since, toString(r.until) AS until "
                        "ORDER BY since").data()
        assert reps == [
            {"who": "440*************12", "since": "2021-06-01", "until": "2024-06-01"},
            {"who": "110*************32", "since": "2024-06-01", "until": None},
        ]
        firm = sess.run("MATCH (f:Firm {fid: '91440305MA5DABCD2Y'}) RETURN f.status AS s, f.industry AS i").single()
        assert firm["s"] == "revoked" and firm["i"] == "F5191"
        at_place = sess.run("MATCH (a:Address {text: '科技园路1号3楼'})<-[:REGISTERED_AT]-(f) "
                            "RETURN count(f) AS n").single()["n"]
        assert at_place == 3


def _copy_minimal(tmp_path: Path) -> Path:
    target = tmp_path / "set"
    shutil.copytree(MINIMAL, target)
    return target


def _append(path: Path, line: str) -> int:
    """Append a CSV line; returns its line number."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return sum(1 for _ in open(path, encoding="utf-8"))


def test_invalid_rows_are_reported_and_nothing_is_written(graph: Driver, neo4j_settings: Settings,
                                                          tmp_path: Path) -> None:
    d = _copy_minimal(tmp_path)
    bad_check = _append(d / "firms.csv", "91440305MA5DABCD5X,坏校验位公司,enterprise,active,1,2020-01-01,,,,,")
    bad_region = _append(d / "firms.csv", "91440305MA5DABCD6P,未知区划公司,enterprise,active,1,2020-01-01,999999,,,,")
    future = _append(d / "events.csv", "E-9001,91440305MA5DABCD1U,penalty,2999-01-01,1,,,,,")
    dangling = _append(d / "legal_reps.csv", "440305198505050027,91440305MA5DABCD7E,2020-01-01,")
    conflict = _append(d / "persons.csv", "440305198505050027,李四,fixture")
    with pytest.raises(ValidationFailed) as info:
        load_directory(d, graph, neo4j_settings)
    found = {(p.file, p.line, p.column): p.reason for p in info.value.problems}
    assert "check character wrong" in found[("firms.csv", bad_check, "firm_id")]
    assert "unknown GB/T 2260 region code" in found[("firms.csv", bad_region, "region")]
    assert "future" in found[("events.csv", future, "date")]
    assert "references an unknown firm" in found[("legal_reps.csv", dangling, "firm_id")]
    assert "duplicate key person_id with conflicting values" in found[("persons.csv", conflict, "name")]
    assert "firms.csv line" in str(info.value)
    assert counts(graph, neo4j_settings)["firms"] == 0


def test_skip_invalid_loads_the_rest_and_writes_rejects(graph: Driver, neo4j_settings: Settings,
                                                        tmp_path: Path) -> None:
    d = _copy_minimal(tmp_path)
    bad = _append(d / "firms.csv", "91440305MA5DABCD5X,坏校验位公司,enterprise,active,1,2020-01-01,,,,,")
    orphan = _append(d / "legal_reps.csv", "440305198505050027,91440305MA5DABCD5X,2020-01-01,")
    rejects = tmp_path / "rejects.csv"
    summary = load_directory(d, graph, neo4j_settings, skip_invalid=True, rejects_path=rejects)
    assert summary.rejected == 2
    assert counts(graph, neo4j_settings)["firms"] == 4
    with open(rejects, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["file"], int(r["line"])) for r in rows} == {("firms.csv", bad), ("legal_reps.csv", orphan)}
    assert all(r["reason"] for r in rows)


def _synthetic_set(directory: Path, n: int) -> None:
    """n valid firms, each with its own legal representative — enough rows to interrupt a load."""
    directory.mkdir()
    with open(directory / "firms.csv", "w", encoding="utf-8") as f, \
            open(directory / "persons.csv", "w", encoding="utf-8") as p, \
            open(directory / "legal_reps.csv", "w", encoding="utf-8") as lr:
        f.write("firm_id,name,kind,status,established\n")
        p.write("person_id,name\n")
        lr.write("person_id,firm_id,since\n")
        for i in range(n):
            base = f"91440300{i:09d}"
            fid = base + uscc.calc_check_digit(base)
            birth = f"4403051995{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
            pid = birth + ric.calc_check_digit(birth + "0")
            f.write(f"{fid},公司{i},enterprise,active,2020-01-01\n")
            p.write(f"{pid},人{i}\n")
            lr.write(f"{pid},{fid},2020-01-01\n")


def test_load_killed_midway_completes_when_rerun(private_neo4j: tuple[Neo4jServer, Settings], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Neo4j dies during the relationships of a load; the load says so and a re-run completes it.

    On a server of its own (the session's shared one keeps running). A hook makes the kill
    happen midway whatever the machine's speed: once the third batch of relationships has
    been written, the load waits until the server has been killed, then goes on writing.
    """
    server, base = private_neo4j
    n, batch_size = 1000, 50  # 20 batches of legal representatives; the kill comes after the third
    data = tmp_path / "big"
    _synthetic_set(data, n)
    settings = base.model_copy(update={"ingest_batch_size": batch_size})
    with db.connect(settings) as drv:
        apply_schema(drv, settings)

    midway, killed = threading.Event(), threading.Event()
    armed = [True]
    real_write = db.write_concurrently

    def write_then_wait_for_the_kill(driver: Driver, s: Settings, work: Any, rows: Any, size: int, writers: int,
                                     on_batch: Any = None, **kwargs: Any) -> int:
        relationships = bool(rows) and "rid" in rows[0]
        written = [0]

        def after_batch(k: int) -> None:
            if on_batch:
                on_batch(k)
            written[0] += 1
            if relationships and armed[0] and written[0] == 3:
                armed[0] = False
                midway.set()
                killed.wait(WAIT_S)

        return real_write(driver, s, work, rows, size, writers, after_batch, **kwargs)

    monkeypatch.setattr(db, "write_concurrently", write_then_wait_for_the_kill)
    failure: list[BaseException] = []

    def run() -> None:
        try:  # a short retry time: the driver gives up on the dead server within seconds, not 30 s
            with db.connect(settings, max_transaction_retry_time=2.0) as drv:
                load_directory(data, drv, settings)
        except BaseException as exc:  # the crash we cause
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert midway.wait(WAIT_S), f"the load did not reach its relationships: {failure}"
        server.kill()
        assert not server.status().running
        assert _port_free(settings.neo4j_bolt_port), "kill() returned before the port was free"
    finally:
        killed.set()
        worker.join(WAIT_S)
    assert not worker.is_alive(), "the load did not notice that Neo4j died"
    assert failure and isinstance(failure[0], (ServiceUnavailable, SessionExpired, DatabaseUnavailable, OSError))

    assert server.start() is True
    with db.connect(settings) as drv:
        partial = counts(drv, settings)
        assert (partial["firms"], partial["persons"]) == (n, n)
        assert 3 * batch_size <= partial["legal_reps"] < n
        summary = load_directory(data, drv, settings)
        c = counts(drv, settings)
    assert summary.resumed
    assert (c["firms"], c["persons"], c["legal_reps"]) == (n, n, n)
    assert server.stop() is True
    assert _port_free(settings.neo4j_bolt_port), "stop() returned before the port was free"
