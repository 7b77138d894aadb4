"""Every write job — ingest, score, withdraw — leaves an entry in the audit trail, against the real Neo4j."""

from __future__ import annotations

from neo4j import Driver

from riskgraph.graph.schema import apply_schema
from riskgraph.jobs import audit
from riskgraph.jobs.loading import load_recorded
from riskgraph.jobs.scoring import score_month, withdraw_month
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings
from tests.related_risk import CASE


def test_ingest_score_and_withdraw_are_recorded_in_an_intact_trail(clean_db: Driver,
                                                                    neo4j_settings: Settings) -> None:
    before = len(list(audit.trail(neo4j_settings).entries()))
    apply_schema(clean_db, neo4j_settings)
    load_recorded(CASE, clean_db, neo4j_settings)
    assert load_recorded(CASE, clean_db, neo4j_settings, skip_if_loaded=True).skipped  # nothing written: no entry
    run = score_month(clean_db, neo4j_settings, "2026-06", load_model_config(),
                      load_exempt_hubs(CASE / "exempt_hubs.yaml"), actor="api:analyst-1")
    withdrawn = withdraw_month(clean_db, neo4j_settings, "2026-06")
    new = list(audit.trail(neo4j_settings).entries())[before:]
    assert [e["action"] for e in new] == ["ingest", "score", "analyse", "withdraw"]
    ingest, scored, analysed, gone = new
    assert (analysed["actor"], analysed["month"]) == ("api:analyst-1", "2026-06")
    assert ingest["source"] == str(CASE) and ingest["rows"]["firms"] == 13 and ingest["actor"].startswith("cli:")
    assert (scored["actor"], scored["month"], scored["run_id"], scored["firms"]) == (
        "api:analyst-1", "2026-06", run.run_id, 13)
    assert (gone["month"], gone["run_id"]) == ("2026-06", withdrawn) and withdrawn == run.run_id
    assert audit.verify(neo4j_settings)[1] == []
