"""Ratings that cannot be forged, against the real Neo4j: whoever can write to the database but does not
hold ``rating_key`` can change a stored class, and even recompute its digest, but the check finds it.

The case is ``tests/fixtures/scoring/related_risk`` scored for June 2026 (13 firms; D1 is class D).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from riskgraph.errors import Conflict
from riskgraph.graph import db, results
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.jobs import scoring as service
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings
from tests.related_risk import CASE, fid, load_and_score

D1, X = fid("甲失信"), fid("乙关联")
JUNE = "2026-06"


@pytest.fixture()
def scored(driver: Driver, neo4j_settings: Settings) -> Driver:
    load_and_score(driver, neo4j_settings, (JUNE,))
    return driver


def _rating_fields(driver: Driver, settings: Settings, firm: str) -> dict[str, object]:
    with db.session(driver, settings) as sess:
        rec = sess.run("MATCH (:Firm {fid: $fid})-[:RATED]->(r:Rating {month: $month}) RETURN r {.*} AS r",
                       fid=firm, month=JUNE).single(strict=True)
    return dict(rec["r"])


def _set_rating(driver: Driver, settings: Settings, firm: str, **props: object) -> None:
    with db.session(driver, settings) as sess:
        sess.run("MATCH (:Firm {fid: $fid})-[:RATED]->(r:Rating {month: $month}) SET r += $props",
                 fid=firm, month=JUNE, props=props).consume()


def _plain_sha256(r: dict[str, object], cls: str) -> str:
    """The digest as it was before ratings were keyed: anyone can compute it."""
    text = "\x1f".join((str(r["fid"]), str(r["month"]), str(r["run_id"]), str(r["model_version"]),
                        f"{float(r['score']):.4f}", cls, str(r["reasons"]), str(r["detail"])))  # type: ignore[arg-type]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _wrong_key_hmac(r: dict[str, object], cls: str) -> str:
    """The right construction under a key the attacker guessed (the default of another deployment)."""
    return results.RatingSigner("change-me-in-production").rating(
        str(r["fid"]), str(r["month"]), str(r["run_id"]), str(r["model_version"]), float(r["score"]),  # type: ignore[arg-type]
        cls, str(r["reasons"]), str(r["detail"]))


def test_an_intact_month_verifies_and_its_ratings_are_intact(scored: Driver, neo4j_settings: Settings) -> None:
    check = service.verify_month(scored, neo4j_settings, JUNE)
    assert check.verified and check.checked == 13 and check.failed == () and check.problems == ()
    assert RatingReader(scored, neo4j_settings).ratings([D1], JUNE)[D1]["intact"] is True
    with db.session(scored, neo4j_settings) as sess:
        run = sess.run("MATCH (r:ScoreRun {month: $m}) RETURN r.key_id AS key_id, r.seal AS seal", m=JUNE).single()
    key = neo4j_settings.rating_key.get_secret_value()
    assert run and run["key_id"] == hashlib.sha256(key.encode()).hexdigest()[:8] and len(run["seal"]) == 64
    assert key not in json.dumps(_rating_fields(scored, neo4j_settings, D1))  # the key is not in the database


@pytest.mark.parametrize("recompute", [_plain_sha256, _wrong_key_hmac, None],
                         ids=["digest recomputed with plain SHA-256", "digest recomputed with a wrong key",
                              "digest left as it was"])
def test_a_changed_class_is_detected_however_the_digest_was_redone(
        scored: Driver, neo4j_settings: Settings, recompute: Callable[[dict[str, object], str], str] | None) -> None:
    stored = _rating_fields(scored, neo4j_settings, D1)
    assert stored["class"] == "D"
    _set_rating(scored, neo4j_settings, D1, **{"class": "A"},
                **({"digest": recompute(stored, "A")} if recompute else {}))
    check = service.verify_month(scored, neo4j_settings, JUNE)
    assert not check.verified and check.failed == (D1,) and check.checked == 13
    assert D1 in check.summary() and f"riskgraph score --verify {JUNE}" in check.summary()
    reader = RatingReader(scored, neo4j_settings)
    assert reader.ratings([D1], JUNE)[D1]["intact"] is False
    assert reader.ratings([X], JUNE)[X]["intact"] is True  # the others stay intact


def test_another_key_cannot_vouch_for_the_month(scored: Driver, neo4j_settings: Settings) -> None:
    other = neo4j_settings.model_copy(update={"rating_key": neo4j_settings.rating_key.__class__("another-key")})
    check = service.verify_month(scored, other, JUNE)
    assert not check.verified and any("was signed with key" in p for p in check.problems)
    assert RatingReader(scored, other).ratings([X], JUNE)[X]["intact"] is False


def test_edited_run_facts_deleted_moved_and_copied_ratings_are_detected(scored: Driver,
                                                                         neo4j_settings: Settings) -> None:
    with db.session(scored, neo4j_settings) as sess:  # fewer D firms in the run's class counts (the months list)
        sess.run("MATCH (r:ScoreRun {month: $m}) SET r.class_counts = '{\"A\": 13, \"B\": 0, \"C\": 0, \"D\": 0}'",
                 m=JUNE).consume()
    assert any("do not match its seal" in p for p in service.verify_month(scored, neo4j_settings, JUNE).problems)

    load_and_score(scored, neo4j_settings, (JUNE,))
    with db.session(scored, neo4j_settings) as sess:  # D1's rating deleted: it would not be counted
        sess.run("MATCH (:Firm {fid: $fid})-[:RATED]->(r:Rating) DETACH DELETE r", fid=D1).consume()
    check = service.verify_month(scored, neo4j_settings, JUNE)
    assert any("1 of the 13 ratings the run wrote are missing" in p for p in check.problems)

    load_and_score(scored, neo4j_settings, (JUNE,))
    with db.session(scored, neo4j_settings) as sess:  # D1's intact rating hung from X instead (X counted as D)
        sess.run("MATCH (x:Firm {fid: $x})-[:RATED]->(old:Rating), (:Firm {fid: $d})-[rel:RATED]->(r:Rating) "
                 "DETACH DELETE old WITH x, rel, r DELETE rel CREATE (x)-[:RATED]->(r)", x=X, d=D1).consume()
    check = service.verify_month(scored, neo4j_settings, JUNE)
    assert check.failed == (D1,) and any("missing" in p for p in check.problems)

    load_and_score(scored, neo4j_settings, (JUNE,))
    with db.session(scored, neo4j_settings) as sess:  # D1's intact rating copied in place of X's
        sess.run("MATCH (x:Firm {fid: $x})-[:RATED]->(old:Rating), (f:Firm {fid: $d})-[:RATED]->(r:Rating) "
                 "DETACH DELETE old WITH f, r CREATE (f)-[:RATED]->(copy:Rating) SET copy = properties(r)",
                 x=X, d=D1).consume()
    assert service.verify_month(scored, neo4j_settings, JUNE).failed == (D1,)


def test_the_cached_verdict_lasts_at_most_the_recheck_interval(scored: Driver, neo4j_settings: Settings) -> None:
    trusting = neo4j_settings.model_copy(update={"verify_interval_s": 1e9})
    eager = neo4j_settings.model_copy(update={"verify_interval_s": 0.0})
    assert service.checked_month(scored, trusting, JUNE).verified
    _set_rating(scored, neo4j_settings, D1, **{"class": "A"})
    # within the interval the ratings are not read again (that is the point of the cache) …
    assert service.checked_month(scored, trusting, JUNE).verified
    # … and with an interval of 0 every call reads them: the tampering shows at once
    assert service.checked_month(scored, eager, JUNE).failed == (D1,)
    with pytest.raises(Conflict, match=D1):
        service.require_verified(scored, eager, JUNE)
    # the run's seal is checked on every call, however long the interval
    with db.session(scored, neo4j_settings) as sess:
        sess.run("MATCH (r:ScoreRun {month: $m}) SET r.firms = 12", m=JUNE).consume()
    assert not service.checked_month(scored, trusting, JUNE).verified
    # a month scored again is a new run: checked afresh, not taken from the cache
    load_and_score(scored, neo4j_settings, (JUNE,))
    assert service.checked_month(scored, trusting, JUNE).verified


def test_changes_refuse_a_tampered_month(scored: Driver, neo4j_settings: Settings) -> None:
    service.score_month(scored, neo4j_settings, "2026-07", load_model_config(),
                        load_exempt_hubs(CASE / "exempt_hubs.yaml"))
    assert len(service.class_changes(scored, neo4j_settings, JUNE, "2026-07")) >= 1
    _set_rating(scored, neo4j_settings, D1, **{"class": "A"})
    eager = neo4j_settings.model_copy(update={"verify_interval_s": 0.0})
    with pytest.raises(Conflict, match=f"the ratings of {JUNE}.*{D1}"):
        service.class_changes(scored, eager, JUNE, "2026-07")


def test_score_verify_lists_the_failed_firms(scored: Driver, neo4j_settings: Settings,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.cli import app
    from riskgraph.cli import score as score_cli

    monkeypatch.setattr(score_cli, "get_settings", lambda: neo4j_settings)
    runner = CliRunner()
    done = runner.invoke(app, ["score", "--verify", JUNE])
    assert done.exit_code == 0 and "intact" in done.output and "13 ratings" in done.output, done.output
    stored = _rating_fields(scored, neo4j_settings, D1)
    _set_rating(scored, neo4j_settings, D1, **{"class": "A", "digest": _plain_sha256(stored, "A")})
    done = runner.invoke(app, ["score", "--verify", JUNE])
    assert done.exit_code == score_cli.TAMPERED_EXIT, done.output
    assert "FAILED" in done.output and D1 in done.output and X not in done.output
    assert runner.invoke(app, ["score", "--verify", "2025-01"]).output.startswith("2025-01 has not been scored")

