"""Scoring against the real Neo4j on a hand-built graph whose answers are known by reasoning,
and ``riskgraph evaluate`` on a small generated data set with ground truth.

The graph is ``tests/fixtures/scoring/related_risk`` (its README lists each firm and the
expected outcome).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from neo4j import Driver

from riskgraph.graph import db, results
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.jobs import scoring as service
from riskgraph.jobs.evaluation import projection_from_files
from riskgraph.jobs.scoring import read_projection
from riskgraph.scoring.config import ExemptHubs, load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.reasons import render_reason
from riskgraph.settings import Settings
from tests.related_risk import CASE, fid

HUBS = load_exempt_hubs(CASE / "exempt_hubs.yaml")
CONFIG = load_model_config()


D1, X, Y, AB, Z = (fid(s) for s in ("甲失信", "乙关联", "丙对照", "丁异常", "戊后失信"))
A = [fid(s) for s in ("秘书一号", "秘书二号", "秘书三号", "秘书四号", "秘书五号")]
C1, C2, C3 = (fid(s) for s in ("环一", "环二", "环三"))


@pytest.fixture()
def loaded(clean_db: Driver, neo4j_settings: Settings) -> Driver:
    apply_schema(clean_db, neo4j_settings)
    load_directory(CASE, clean_db, neo4j_settings)
    return clean_db


def _month(driver: Driver, settings: Settings, month: str) -> dict[str, dict]:  # type: ignore[type-arg]
    m = results.read_month(driver, settings, month)
    return {f: {"class": c, "score": s, "reasons": json.loads(r)}
            for f, c, s, r in zip(m.fid, m.cls, m.score, m.reasons, strict=True)}


def test_link_to_a_d_firm_raises_a_firm_and_reasons_name_the_person_and_firm(loaded: Driver,
                                                                               neo4j_settings: Settings) -> None:
    run = service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    assert run.firms == 13
    got = _month(loaded, neo4j_settings, "2026-06")
    assert got[D1]["class"] == "D"  # serious-dishonesty list → D
    assert got[X]["score"] > got[Y]["score"] + 1.0  # X shares D1's legal representative; Y is its twin without
    links = [r for r in got[X]["reasons"] if r["type"] == "connector"]
    assert links and links[0]["via"] == "person" and links[0]["role"] == "legal_rep"
    assert links[0]["label"] == "张**"  # masked, never the full name
    assert [e["fid"] for e in links[0]["examples"]] == [D1]
    zh = render_reason(links[0], CONFIG, "zh")
    en = render_reason(links[0], CONFIG, "en")
    assert "张**" in zh and "甲失信" in zh and "D 类 1 户" in zh
    assert "legal representative 张**" in en and "1 of them class D" in en
    assert "张三丰" not in json.dumps(got, ensure_ascii=False)


def test_exempt_hub_does_not_spread_but_would_without_the_list(loaded: Driver, neo4j_settings: Settings) -> None:
    service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    got = _month(loaded, neo4j_settings, "2026-06")
    for a in A:  # registered at the agent address with D1, which is exempt
        assert got[a]["score"] == pytest.approx(got[Y]["score"])
    service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, ExemptHubs())
    without = _month(loaded, neo4j_settings, "2026-06")
    assert all(without[a]["score"] > without[Y]["score"] for a in A)


def test_cycle_converges_and_carries_risk_round_it(loaded: Driver, neo4j_settings: Settings) -> None:
    p = read_projection(loaded, neo4j_settings, "2026-06", HUBS)
    long_walks = CONFIG.propagation.model_copy(update={"hops": 60, "tolerance": 1e-12})
    from riskgraph.scoring.engine import emission_of, score_projection
    from riskgraph.scoring.propagation import propagate_risk

    own = score_projection(p, CONFIG.without_association(), with_reasons=False)
    emission = emission_of(own.own_score, own.classification, CONFIG)
    res = propagate_risk(p, emission, long_walks)
    assert res.converged and res.iterations < 60
    idx = p.firm_index()
    assert res.received[idx[C2]] > 0 and res.received[idx[C3]] > 0
    # C1's own risk comes back to it only round the 3-cycle, damped by decay³ and the link weights
    assert res.received[idx[C1]] < 0.15 * emission[idx[C1]]


def test_thresholds_and_hard_rules_apply_and_month_end_counts(loaded: Driver, neo4j_settings: Settings) -> None:
    service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    june = _month(loaded, neo4j_settings, "2026-06")
    assert june[AB]["class"] in ("C", "D")  # abnormal-operation list → at least C
    assert any(r["type"] == "rule" and r["id"] == "abnormal_list" for r in june[AB]["reasons"])
    assert june[Z]["class"] == "A"  # its listing is dated 2026-07-15, after June's end
    t = CONFIG.classes.thresholds
    for rec in june.values():  # score alone decides unless a rule raised the class
        by_score = "A" if rec["score"] < t["B"] else "B" if rec["score"] < t["C"] else \
            "C" if rec["score"] < t["D"] else "D"
        assert rec["class"] >= by_score
    service.score_month(loaded, neo4j_settings, "2026-07", CONFIG, HUBS)
    july = _month(loaded, neo4j_settings, "2026-07")
    assert july[Z]["class"] == "D"
    changes = service.class_changes(loaded, neo4j_settings, "2026-06", "2026-07")
    assert [(c.fid, c.before, c.after, c.direction) for c in changes if c.fid == Z] == [(Z, "A", "D", "down")]


def test_rerunning_a_month_is_idempotent_atomic_and_keeps_other_months(loaded: Driver,
                                                                        neo4j_settings: Settings) -> None:
    first = service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    service.score_month(loaded, neo4j_settings, "2026-07", CONFIG, HUBS)
    before = _month(loaded, neo4j_settings, "2026-06")
    second = service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    assert second.replaced_run == first.run_id
    after = _month(loaded, neo4j_settings, "2026-06")
    assert after == before  # same answer
    with db.session(loaded, neo4j_settings) as sess:
        counts = {r["month"]: r["n"] for r in sess.run(
            "MATCH (r:Rating) RETURN r.month AS month, count(*) AS n")}
        runs = sess.run("MATCH (r:ScoreRun) RETURN r.month AS month, r.status AS status").data()
    assert counts == {"2026-06": 13, "2026-07": 13}  # old run deleted, July untouched
    assert sorted((r["month"], r["status"]) for r in runs) == [("2026-06", "active"), ("2026-07", "active")]
    history = results.firm_history(loaded, neo4j_settings, X)
    assert [h["month"] for h in history] == ["2026-06", "2026-07"]
    assert all(h["model_version"] == CONFIG.model_version for h in history)


def test_a_month_rates_only_firms_that_existed_by_its_end(loaded: Driver, neo4j_settings: Settings) -> None:
    with db.session(loaded, neo4j_settings) as sess:  # as if a later delta registered Y in July
        sess.run("MATCH (f:Firm {fid: $fid}) SET f.established = date('2026-07-10')", fid=Y).consume()
    june = service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    july = service.score_month(loaded, neo4j_settings, "2026-07", CONFIG, HUBS)
    assert (june.firms, sum(june.class_counts.values()), july.firms) == (12, 12, 13)
    assert Y not in _month(loaded, neo4j_settings, "2026-06") and Y in _month(loaded, neo4j_settings, "2026-07")


def test_a_past_month_is_scored_with_the_status_firms_had_then(loaded: Driver, neo4j_settings: Settings,
                                                               tmp_path: Path) -> None:
    import csv

    with open(CASE / "firms.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    delta = tmp_path / "deltas" / "2026-07"  # a July delta revokes Y's licence
    delta.mkdir(parents=True)
    with open(delta / "firms.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**next(r for r in rows if r["firm_id"] == Y), "status": "revoked"})
    load_directory(delta, loaded, neo4j_settings)
    load_directory(delta, loaded, neo4j_settings)  # again: the change is recorded once
    with db.session(loaded, neo4j_settings) as sess:
        changes = sess.run("MATCH (f:Firm {fid: $fid}) RETURN f.status_changes AS c", fid=Y).single(strict=True)["c"]
    assert changes == ["2026-07:active"]
    service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    service.score_month(loaded, neo4j_settings, "2026-07", CONFIG, HUBS)
    june, july = _month(loaded, neo4j_settings, "2026-06"), _month(loaded, neo4j_settings, "2026-07")
    assert not any(r["type"] == "rule" and r["id"] == "revoked" for r in june[Y]["reasons"])
    assert any(r["type"] == "rule" and r["id"] == "revoked" for r in july[Y]["reasons"])
    assert july[Y]["class"] in ("C", "D")


def test_withdrawing_a_month_removes_it_and_only_it(loaded: Driver, neo4j_settings: Settings) -> None:
    june = service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    service.score_month(loaded, neo4j_settings, "2026-07", CONFIG, HUBS)
    assert results.withdraw_month(loaded, neo4j_settings, "2026-06") == june.run_id
    assert _month(loaded, neo4j_settings, "2026-06") == {} and len(_month(loaded, neo4j_settings, "2026-07")) == 13
    with db.session(loaded, neo4j_settings) as sess:
        left = sess.run("MATCH (r:Rating {month: '2026-06'}) RETURN count(r) AS n").single(strict=True)["n"]
        runs = sess.run("MATCH (r:ScoreRun) RETURN collect(r.month) AS m").single(strict=True)["m"]
    assert left == 0 and runs == ["2026-07"]
    assert results.withdraw_month(loaded, neo4j_settings, "2026-06") is None  # again: nothing to do


def test_a_run_being_written_is_left_alone_and_a_crashed_one_is_cleared(loaded: Driver,
                                                                         neo4j_settings: Settings) -> None:
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    with db.session(loaded, neo4j_settings) as sess:
        for run_id, started in (("busy", now), ("crashed", now - dt.timedelta(hours=3))):
            sess.run(db.cypher("write/start_score_run"), run_id=run_id, month="2026-06", model_version="x",
                     started=started).consume()
            sess.run("CREATE (:Rating {run_id: $r, month: '2026-06', fid: 'x'})", r=run_id).consume()
    run = service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    with db.session(loaded, neo4j_settings) as sess:
        runs = sorted(sess.run("MATCH (r:ScoreRun) RETURN r.run_id AS id").value())
        orphans = sess.run("MATCH (r:Rating {fid: 'x'}) RETURN collect(r.run_id) AS ids").single(strict=True)["ids"]
    assert runs == sorted(["busy", run.run_id]) and orphans == ["busy"]
    assert len(results.read_month(loaded, neo4j_settings, "2026-06").fid) == 13


def test_tampered_rating_is_detected(loaded: Driver, neo4j_settings: Settings) -> None:
    service.score_month(loaded, neo4j_settings, "2026-06", CONFIG, HUBS)
    assert results.verify_month(loaded, neo4j_settings, "2026-06").verified
    with db.session(loaded, neo4j_settings) as sess:
        sess.run("MATCH (r:Rating {fid: $fid, month: '2026-06'}) SET r.class = 'A'", fid=D1).consume()
    check = results.verify_month(loaded, neo4j_settings, "2026-06")
    assert not check.verified and check.failed == (D1,)  # more kinds of tampering: test_rating_integrity.py


def test_projection_from_neo4j_matches_the_files(loaded: Driver, neo4j_settings: Settings) -> None:
    salt = neo4j_settings.person_salt.get_secret_value()
    from_db = read_projection(loaded, neo4j_settings, "2026-06", HUBS)
    from_files = projection_from_files(CASE, "2026-06", salt)
    from riskgraph.scoring.projection import mark_exempt

    mark_exempt(from_files, HUBS, salt)
    assert sorted(from_db.firm_key) == sorted(from_files.firm_key)
    assert len(from_db.ev_firm) == len(from_files.ev_firm) == 7  # the July listing is not in June's projection
    order_db, order_files = np.argsort(from_db.firm_key), np.argsort(from_files.firm_key)
    assert from_db.region[order_db].tolist() == from_files.region[order_files].tolist() == [440305] * 13
    assert from_db.industry[order_db].tolist() == from_files.industry[order_files].tolist()
    assert sorted(from_db.conn_key[from_db.conn_exempt]) == sorted(from_files.conn_key[from_files.conn_exempt])
    from riskgraph.scoring.engine import score_projection

    a = score_projection(from_db, CONFIG)
    b = score_projection(from_files, CONFIG)
    order_a, order_b = np.argsort(from_db.firm_key), np.argsort(from_files.firm_key)
    np.testing.assert_allclose(a.score[order_a], b.score[order_b])


def test_score_command_prints_the_class_mix_and_lists_changes(loaded: Driver, neo4j_settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from riskgraph.cli import app
    from riskgraph.cli import score as score_cli

    monkeypatch.setattr(score_cli, "get_settings", lambda: neo4j_settings)
    hubs = str(CASE / "exempt_hubs.yaml")
    runner = CliRunner()
    for month in ("2026-06", "2026-07"):
        done = runner.invoke(app, ["score", "--month", month, "--hubs", hubs])
        assert done.exit_code == 0, done.output
        assert "13 firms scored" in done.output and "D" in done.output
    done = runner.invoke(app, ["score", "--changes", "2026-06:2026-07"])
    assert done.exit_code == 0, done.output
    assert Z in done.output and "1 downgrades" in done.output
    refused = runner.invoke(app, ["score", "--changes", "2026-06:2025-01"])
    assert refused.exit_code == 1 and "has not been scored" in refused.output


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from riskgraph.synth.generator import generate_dataset

    out = tmp_path_factory.mktemp("generated") / "set"
    generate_dataset(3000, 5, out, months=2)
    return out


def test_evaluate_on_generated_data_saves_every_variant_and_structure_type(generated: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from riskgraph.cli import app
    from riskgraph.jobs.evaluation import MODEL, NO_EXEMPT_LIST, NO_HUB_HANDLING, ORACLE, OWN_ONLY, PLAIN_ROW, RISKY_ROW

    target = tmp_path / "evaluation.json"
    done = CliRunner().invoke(app, ["evaluate", str(generated), "--out", str(target)])
    assert done.exit_code == 0, done.output
    assert "shell_ring" in done.output and "oracle" in done.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["month"] == "2026-08"  # the last delta month: the deltas are part of what is scored
    assert data["firms"] > data["evaluated"] > 2500 and 0 < data["violators"] < data["evaluated"]
    variants = {v["variant"]: v for v in data["variants"]}
    assert list(variants) == [OWN_ONLY, NO_HUB_HANDLING, NO_EXEMPT_LIST, MODEL, ORACLE]
    assert [v["reference"] for v in variants.values()] == [False, False, False, False, True]
    for v in variants.values():
        assert 0.5 < v["auc"] < 0.9
        assert 0 <= v["precision_top5"] <= 1 and v["base_rate"] == pytest.approx(data["violators"] / data["evaluated"])
    assert variants[ORACLE]["auc"] > variants[OWN_ONLY]["auc"]  # the truth ranks better than any scoring
    rows = {r["structure_type"]: r for r in data["by_structure_type"]}
    assert {"shell_ring", "address_cluster", "nominee_front", "cross_holding_loop", "state_asset_holder",
            "registered_agent_address", RISKY_ROW, PLAIN_ROW} <= set(rows)
    for row in rows.values():
        assert row["firms"] >= row["violators"] >= 0
        for key in ("own", "no_hub_handling", "no_exempt_list", "model", "oracle"):
            fig = row[key]
            assert fig["caught_top5"] <= min(row["violators"], fig["flagged_top5"])
            assert fig["flagged_top5"] <= row["firms"]
            assert fig["auc_within"] is None or 0 <= fig["auc_within"] <= 1
    assert rows["shell_ring"]["risky"] and not rows["state_asset_holder"]["risky"]
    risky = rows[RISKY_ROW]
    assert risky["firms"] == sum(rows[t]["firms"] for t in rows if rows[t]["risky"] and t != RISKY_ROW)
    # propagation finds more of the planted structures' violators than own attributes alone
    assert risky["model"]["caught_top5"] > risky["own"]["caught_top5"]
    # the exempt hubs flag no more of their members with propagation than without it
    for hub in ("state_asset_holder", "registered_agent_address"):
        assert rows[hub]["model"]["flagged_top5"] <= rows[hub]["own"]["flagged_top5"] + 1
    assert data["exempt"]["firms"] >= 1 and data["exempt"]["connectors"] >= 1
    mix = data["class_mix"]
    assert sum(mix.values()) == pytest.approx(1.0) and mix["A"] > mix["B"] > mix["C"] > mix["D"] > 0
