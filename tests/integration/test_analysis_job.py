"""Hotspots and risk groups stored per month, against the real Neo4j on a generated registry.

The registry (5,000 base firms, seed 5, one delta month) plants one county × division hotspot
(``truth/hotspots.csv``) and shell rings and nominee fronts (``truth/structures.json``). Before the
months are scored, three firms are moved into a (former) county of the province where no firm is registered
and one industry division: two firms put on the dishonest list (class D by hard rule) and one
without any record — the "3-firm cell with 2 D firms" that the old page ranked first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from neo4j import Driver

from riskgraph.analysis.config import load_analysis_config
from riskgraph.analysis.hotspots import cell_drivers, cell_members, reason_points, standardise
from riskgraph.errors import Conflict, NotFound
from riskgraph.graph import db, results
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs import analysis as jobs
from riskgraph.jobs import scoring
from riskgraph.jobs.evaluation import firm_table
from riskgraph.reference.regions import region_table
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.projection import FIRM_STATUSES
from riskgraph.settings import Settings

FIRMS, SEED = 5000, 5
JUNE, JULY = "2026-06", "2026-07"
SMALL_DIVISION = "C13"


def generated_registry(out: Path) -> Path:
    from riskgraph.synth.generator import generate_dataset

    generate_dataset(FIRMS, SEED, out, months=1)
    return out


def small_cell_firms(driver: Driver, settings: Settings) -> tuple[str, list[str]]:
    """Move two firms on the dishonest list and one without records into a county no firm is registered in."""
    with db.session(driver, settings) as sess:
        used = {r["region"] for r in sess.run("MATCH (f:Firm) WHERE f.region IS NOT NULL "
                                              "RETURN DISTINCT f.region AS region")}
        province = min(used)[:2]
        # every current county of the province has firms: a former county code (registries keep old codes)
        county = min(c for c, r in region_table().items() if c.startswith(province) and c[4:] != "00"
                     and r.county and c not in used)
        dishonest = [r["fid"] for r in sess.run(
            "MATCH (f:Firm {status: 'active'})-[:HAS_EVENT]->(:Event {kind: 'dishonest_list_in'}) "
            "WHERE NOT (f)-[:HAS_EVENT]->(:Event {kind: 'dishonest_list_out'}) "
            "RETURN DISTINCT f.fid AS fid ORDER BY fid LIMIT 2")]
        clean = sess.run("MATCH (f:Firm {status: 'active'}) WHERE NOT (f)-[:HAS_EVENT]->() "
                         "AND NOT (f)<-[:SHAREHOLDER_OF|LEGAL_REP_OF|OFFICER_OF]-()-->(:Firm) "
                         "RETURN f.fid AS fid ORDER BY fid LIMIT 1").single(strict=True)["fid"]
        fids = [*dishonest, clean]
        assert len(fids) == 3
        sess.run("UNWIND $fids AS fid MATCH (f:Firm {fid: fid}) SET f.region = $county, f.industry = $industry",
                 fids=fids, county=county, industry=SMALL_DIVISION + "11").consume()
    return county, fids


def load_and_score_generated(driver: Driver, settings: Settings, data: Path) -> tuple[str, list[str]]:
    with db.session(driver, settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, settings)
    for directory in (data, *delta_directories(data)):
        load_directory(directory, driver, settings)
    small = small_cell_firms(driver, settings)
    hubs = load_exempt_hubs(data / "exempt_hubs.yaml")
    for month in (JUNE, JULY):
        scoring.score_month(driver, settings, month, load_model_config(), hubs)
    return small


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_registry(tmp_path_factory.mktemp("analysis") / "set")


@pytest.fixture(scope="module")
def scored(data: Path, driver: Driver, neo4j_settings: Settings) -> Iterator[tuple[str, list[str]]]:
    yield load_and_score_generated(driver, neo4j_settings, data)


def planted(data: Path) -> list[tuple[str, str]]:
    table = pd.read_csv(data / "truth" / "hotspots.csv", dtype=str)
    return list(zip(table["county"], table["division"], strict=True))


def test_the_planted_cell_is_a_stored_hotspot(data: Path, scored: Any, driver: Driver,
                                              neo4j_settings: Settings) -> None:
    run, cells = jobs.hotspot_grid(driver, neo4j_settings, JUNE, "county", "division")
    assert run.analysis_version == load_analysis_config().analysis_version
    assert run.score_run == results.read_run_seal(driver, neo4j_settings, JUNE).run_id
    by_key = {(c["region"], c["industry"]): c for c in cells}
    cells_planted = planted(data)
    assert cells_planted
    for key in cells_planted:
        cell = by_key[key]
        assert cell["hotspot"] and cell["q"] < 0.05 and cell["observed"] > 2 * cell["expected"], cell
        assert cell["smoothed"] > 1.5
    ranked = sorted(cells, key=lambda c: -c["smoothed"])
    assert (ranked[0]["region"], ranked[0]["industry"]) in cells_planted  # the planted cell leads the grid


def test_a_three_firm_cell_with_two_d_firms_is_not_a_hotspot(scored: tuple[str, list[str]], driver: Driver,
                                                            neo4j_settings: Settings) -> None:
    county, fids = scored
    total, firms = jobs.cell_firms(driver, neo4j_settings, JUNE, county, SMALL_DIVISION, 0, 10)
    assert total == 3 and sorted(f["fid"] for f in firms) == sorted(fids)
    assert sorted(f["class"] for f in firms)[1:] == ["D", "D"]  # two D firms, the third not D
    cell = jobs.cell(driver, neo4j_settings, JUNE, county, SMALL_DIVISION)
    assert cell["n"] == 3 and cell["observed"] >= 2 and cell["ratio"] >= 2  # a 67 % C/D share tops a naive list …
    assert not cell["tested"] and not cell["hotspot"] and cell["q"] is None  # … but 3 firms are not tested
    _, cells = jobs.hotspot_grid(driver, neo4j_settings, JUNE, "county", "division")
    assert cell["smoothed"] < 1.5  # shrunk toward 1
    assert sum(c["smoothed"] > cell["smoothed"] for c in cells) >= 1
    naive = sorted(cells, key=lambda c: (-c["observed"] / c["n"], -c["n"]))
    assert (naive[0]["observed"] / naive[0]["n"]) >= cell["observed"] / cell["n"]


def test_drivers_of_the_planted_cell_are_those_of_its_stored_reasons(data: Path, scored: Any, driver: Driver,
                                                                    neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    cell = jobs.cell(driver, neo4j_settings, JUNE, county, division)
    drivers = cell["drivers"]
    assert drivers and drivers["families"] and drivers["indicators"]
    # recompute with the core's one-cell function from the stored ratings and June's projection (status as of June)
    ratings = results.read_month(driver, neo4j_settings, JUNE)
    reasons_of = dict(zip(ratings.fid, ratings.reasons, strict=True))
    p = scoring.read_projection(driver, neo4j_settings, JUNE)
    code = {"A": 0, "B": 1, "C": 2, "D": 3}
    cls_of = dict(zip(ratings.fid, ratings.cls, strict=True))
    every = firm_table(p, np.array([code[cls_of[f]] for f in p.firm_key]))
    live = np.asarray(p.status) != FIRM_STATUSES.index("cancelled")
    firms = every[live].reset_index(drop=True)
    keep = firms["fid"].tolist()
    table = standardise(firms, load_analysis_config().hotspots)
    points = reason_points([json.loads(reasons_of[f]) for f in keep])
    family_of = {i.id: str(i.family) for i in load_model_config().indicators}
    expected = cell_drivers(points, cell_members(table, "county", county, "division", division), family_of)
    top = expected[(expected["level"] == "indicator") & (expected["excess"] > 0)].head(5)
    assert [d["id"] for d in drivers["indicators"]] == top["id"].tolist()
    assert [d["excess"] for d in drivers["indicators"]] == pytest.approx(top["excess"].tolist(), abs=1e-3)
    assert sum(d["share"] for d in drivers["families"]) == pytest.approx(1.0, abs=1e-3) or len(
        drivers["families"]) == load_analysis_config().drivers.top


def _structures(data: Path, kind: str) -> list[list[str]]:
    records = json.loads((data / "truth" / "structures.json").read_text(encoding="utf-8"))
    return [r["firms"] for r in records if r["type"] == kind]


@pytest.mark.parametrize("kind", ["shell_ring", "nominee_front"])
def test_stored_groups_contain_the_planted_rings(data: Path, scored: Any, driver: Driver, neo4j_settings: Settings,
                                                 kind: str) -> None:
    reader, run = jobs.checked_run(driver, neo4j_settings, JUNE)
    groups = reader.all_groups(run)
    assert run.groups == len(groups) > 0
    group_of = {f: g["anchor"] for g in groups for f in g["members"]}
    rings = _structures(data, kind)
    assert rings
    for ring in rings:
        anchors = [group_of.get(f) for f in ring]
        best = max(set(anchors), key=anchors.count)
        assert best is not None and anchors.count(best) >= 0.8 * len(ring), (kind, ring, anchors)
        group, members = jobs.risk_group(driver, neo4j_settings, JUNE, ring[0])
        assert group["anchor"] == group_of[ring[0]] and {m["fid"] for m in members} == set(group["members"])
        assert all(m["name"] for m in members) and group["size"] == len(members)
        assert all(ref.startswith("p-") and "*" in name for ref, name in group["persons"])  # opaque key, masked


def test_groups_carry_the_month_they_first_appeared(data: Path, scored: Any, driver: Driver,
                                                    neo4j_settings: Settings) -> None:
    _, june_count, june = jobs.risk_groups(driver, neo4j_settings, JUNE, limit=100_000)
    _, july_count, july = jobs.risk_groups(driver, neo4j_settings, JULY, limit=100_000)
    assert june_count == len(june) and july_count == len(july)
    assert {g["first_month"] for g in june} == {JUNE}
    continued = [g for g in july if g["first_month"] == JUNE]
    assert len(continued) >= 0.8 * len(july)  # one month of registry changes keeps most groups
    june_anchors = {g["anchor"] for g in june}
    assert all(g["continues"] in june_anchors for g in continued)
    assert all(g["continues"] is None for g in july if g["first_month"] == JULY)
    for ring in _structures(data, "shell_ring"):
        group, _ = jobs.risk_group(driver, neo4j_settings, JULY, ring[0])
        assert group["first_month"] == JUNE


def test_a_cells_trend_covers_the_scored_months(data: Path, scored: Any, driver: Driver,
                                                neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    trend = jobs.cell_trend(driver, neo4j_settings, JULY, county, division)
    assert [t["month"] for t in trend] == [JUNE, JULY]
    assert trend[0]["status"] == "new" and trend[0]["hotspot"]
    assert trend[1]["status"] == ("persisting" if trend[1]["hotspot"] else "resolved")
    assert [t["month"] for t in jobs.cell_trend(driver, neo4j_settings, JUNE, county, division)] == [JUNE]


def _stored(driver: Driver, settings: Settings, month: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    reader, run = jobs.checked_run(driver, settings, month)
    cells = [reader.cells(run, rl, il) for rl in ("province", "prefecture", "county")
             for il in ("section", "division", "all")]
    return sorted((c for part in cells for c in part), key=lambda c: (c["region"], c["industry"])), \
        sorted(reader.groups(run, 0, 0, 100_000)[1], key=lambda g: g["anchor"])


def _runs_of(driver: Driver, settings: Settings, month: str) -> dict[str, int]:
    with db.session(driver, settings) as sess:
        return {label: sess.run(f"MATCH (n:{label} {{month: $m}}) RETURN count(n) AS n", m=month).single(
            strict=True)["n"] for label in ("AnalysisRun", "HotspotCell", "RiskGroup")}


def test_computing_a_month_again_stores_the_same_once(data: Path, scored: Any, driver: Driver,
                                                      neo4j_settings: Settings) -> None:
    before = _stored(driver, neo4j_settings, JULY)
    counts = _runs_of(driver, neo4j_settings, JULY)
    assert counts["AnalysisRun"] == 1 and counts["HotspotCell"] == len(before[0])
    again = jobs.analyse_month(driver, neo4j_settings, JULY, load_model_config(),
                               load_exempt_hubs(data / "exempt_hubs.yaml"))
    assert again.replaced_run is not None and again.continued_from == JUNE
    assert _stored(driver, neo4j_settings, JULY) == before  # from the stored ratings, the same rows
    assert _runs_of(driver, neo4j_settings, JULY) == counts  # the run replaced, nothing left behind
    scoring.score_month(driver, neo4j_settings, JULY, load_model_config(), load_exempt_hubs(data / "exempt_hubs.yaml"))
    assert _stored(driver, neo4j_settings, JULY) == before  # scoring again: new runs, the same analysis
    assert _runs_of(driver, neo4j_settings, JULY) == counts


def test_an_unscored_month_is_not_found(scored: Any, driver: Driver, neo4j_settings: Settings) -> None:
    with pytest.raises(NotFound, match="has not been scored"):
        jobs.hotspot_grid(driver, neo4j_settings, "2025-01", "county", "division")
    with pytest.raises(NotFound, match="has not been scored"):
        jobs.analyse_month(driver, neo4j_settings, "2025-01", load_model_config())


def test_an_edited_analysis_is_refused(data: Path, scored: Any, driver: Driver, neo4j_settings: Settings) -> None:
    county, division = planted(data)[0]
    with db.session(driver, neo4j_settings) as sess:  # someone with write access hides the hotspot
        sess.run("MATCH (m:AnalysisMonth {month: $m}) MATCH (c:HotspotCell {run_id: m.active_run, region: $r, "
                 "industry: $i}) SET c.hotspot = false, c.q = 0.9", m=JUNE, r=county, i=division).consume()
    with pytest.raises(Conflict, match="do not match their HMAC"):
        jobs.hotspot_grid(driver, neo4j_settings, JUNE, "county", "division")
    with db.session(driver, neo4j_settings) as sess:  # … or deletes it
        sess.run("MATCH (m:AnalysisMonth {month: $m}) MATCH (c:HotspotCell {run_id: m.active_run, region: $r, "
                 "industry: $i}) DELETE c", m=JUNE, r=county, i=division).consume()
    with pytest.raises(Conflict, match="where its run sealed"):
        jobs.hotspot_grid(driver, neo4j_settings, JUNE, "county", "division")
    assert jobs.hotspot_grid(driver, neo4j_settings, JULY, "county", "division")[1]  # July is untouched
    jobs.analyse_month(driver, neo4j_settings, JUNE, load_model_config(), load_exempt_hubs(data / "exempt_hubs.yaml"))
    cells = {(c["region"], c["industry"]): c for c in jobs.hotspot_grid(driver, neo4j_settings, JUNE, "county",
                                                                         "division")[1]}
    assert cells[(county, division)]["hotspot"]  # computed again, the hotspot is back


def tamper_a_rating(driver: Driver, settings: Settings, month: str) -> str:
    """A D firm's class set to A with its digest recomputed as a plain SHA-256 (what anyone can compute)."""
    with db.session(driver, settings) as sess:
        r = sess.run("MATCH (s:ScoreMonth {month: $m}) MATCH (f:Firm)-[:RATED]->(r:Rating {run_id: s.active_run, "
                     "class: 'D'}) RETURN r {.*} AS r ORDER BY r.fid LIMIT 1", m=month).single(strict=True)["r"]
        text = "\x1f".join((r["fid"], r["month"], r["run_id"], r["model_version"], f"{r['score']:.4f}", "A",
                            r["reasons"], r["detail"]))
        sess.run("MATCH (r:Rating {run_id: $run, fid: $fid}) SET r.class = 'A', r.digest = $d", run=r["run_id"],
                 fid=r["fid"], d=hashlib.sha256(text.encode()).hexdigest()).consume()
    return str(r["fid"])


def test_a_month_whose_ratings_fail_their_check_is_refused(data: Path, scored: Any, driver: Driver,
                                                           neo4j_settings: Settings) -> None:
    settings = neo4j_settings.model_copy(update={"verify_interval_s": 0.0})
    tampered = tamper_a_rating(driver, settings, JULY)
    for read in (lambda: jobs.hotspot_grid(driver, settings, JULY, "county", "division"),
                 lambda: jobs.risk_groups(driver, settings, JULY),
                 lambda: jobs.cell_trend(driver, settings, JULY, *planted(data)[0]),
                 lambda: jobs.analyse_month(driver, settings, JULY, load_model_config())):
        with pytest.raises(Conflict, match=tampered):
            read()
    assert jobs.hotspot_grid(driver, settings, JUNE, "county", "division")[1]  # June's ratings are intact
