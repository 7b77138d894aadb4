"""Double-random inspection plans against the real Neo4j, on generated data: ratios, reproducibility, recusal,
the seed commitment, the audit trail, results fed back into the next month's classes, and the evaluation."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import Driver
from typer.testing import CliRunner

from riskgraph.errors import Conflict, NotFound
from riskgraph.graph import db
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.inspection.config import load_plan_config, sample_size
from riskgraph.inspection.draw import commitment
from riskgraph.inspection.task import Task
from riskgraph.jobs import audit, plans
from riskgraph.jobs import scoring as scoring_jobs
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings

FIRMS = 3000
MONTH, NEXT = "2026-06", "2026-07"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from riskgraph.synth.generator import generate_dataset

    out = tmp_path_factory.mktemp("plans") / "set"
    generate_dataset(FIRMS, 17, out)
    return out


@pytest.fixture(scope="module")
def scored(data: Path, driver: Driver, neo4j_settings: Settings) -> Settings:
    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    apply_schema(driver, neo4j_settings)
    load_directory(data, driver, neo4j_settings)
    scoring_jobs.score_month(driver, neo4j_settings, MONTH, load_model_config(),
                             load_exempt_hubs(data / "exempt_hubs.yaml"))
    return neo4j_settings


def _own(settings: Settings, tmp: Path) -> Settings:
    """The session's Neo4j with an audit trail, and so a plans directory, of the test's own."""
    return settings.model_copy(update={"audit_path": tmp / "audit" / "audit.jsonl"})


def _pool(data: Path, tmp: Path, relations: dict[str, list[str]] | None = None, cap: int = 400) -> Path:
    """Inspectors in three units: the authority most firms were registered by, and two others."""
    with open(data / "firms.csv", encoding="utf-8") as fh:
        authorities = Counter(r["firm_id"][2:8] for r in csv.DictReader(fh))
    top = [a for a, _ in authorities.most_common(2)]
    units = [{"id": "u-top", "name": "主登记机关", "authority": top[0]},
             {"id": "u-second", "name": "次登记机关", "authority": top[1]},
             {"id": "u-other", "name": "其他", "authority": "110101"}]
    inspectors = [{"id": f"I{i:03d}", "name": f"检查员{i}", "unit": units[i % 3]["id"],
                   "qualifications": ["general", "food"] if i % 5 else ["food"],
                   "relations": (relations or {}).get(f"I{i:03d}", [])} for i in range(30)]
    path = tmp / "pool.yaml"
    path.write_text(yaml.safe_dump({"name": "test pool", "recuse_same_unit": True, "workload_cap": cap,
                                    "units": units, "inspectors": inspectors}, allow_unicode=True), encoding="utf-8")
    return path


def _task(task_id: str, pool: Path, **extra: Any) -> Task:
    return Task.model_validate({"task_id": task_id, "name": "年度双随机抽查", "date": "2026-07-15",
                                "pool": str(pool), **extra})


def test_per_class_counts_follow_the_ratios_over_seeds(scored: Settings, driver: Driver, data: Path,
                                                       tmp_path: Path) -> None:
    settings = _own(scored, tmp_path)
    pool = _pool(data, tmp_path)
    ratios = load_plan_config().ratios(0.1)
    seeds = 12
    drawn: dict[str, set[str]] = {c: set() for c in ratios}
    population: dict[str, int] = {}
    for s in range(seeds):
        doc = plans.draw_plan(driver, settings, MONTH, task=_task(f"ratio-{s}", pool, base_ratio=0.1),
                              seed=f"seed-{s}")
        for stratum in doc["strata"]:
            c, n = stratum["class"], stratum["population"]
            population.setdefault(c, n)
            assert n == population[c] and stratum["ratio"] == ratios[c]
            assert stratum["drawn"] == sample_size(ratios[c], n) == sum(f["class"] == c for f in doc["firms"])
        for f in doc["firms"]:
            drawn[f["class"]].add(f["fid"])
    # the month's classes, counted on their own: every rated firm in operation with a USCC is drawable
    rated = RatingReader(driver, settings).months()[0]["class_counts"]
    assert sum(population.values()) <= sum(rated.values()) and population["A"] > population["D"] > 0
    for c, r in ratios.items():
        n = population[c]
        r_eff = sample_size(r, n) / n
        # seeds independent of each other: a firm escapes all of them with probability (1 - r)^seeds
        expected = n * (1 - (1 - r_eff) ** seeds)
        spread = (n * (1 - r_eff) ** seeds * (1 - (1 - r_eff) ** seeds)) ** 0.5
        assert abs(len(drawn[c]) - expected) <= 4 * spread + 1, (c, len(drawn[c]), expected)


def test_the_same_inputs_give_the_same_plan_and_another_seed_another(scored: Settings, driver: Driver, data: Path,
                                                                     tmp_path: Path) -> None:
    pool = _pool(data, tmp_path)
    docs = []
    for where, seed in (("a", "one"), ("b", "one"), ("c", "two")):
        settings = _own(scored, tmp_path / where)
        docs.append(plans.draw_plan(driver, settings, MONTH, task=_task("same", pool), seed=seed))
    same = [[(f["fid"], f["ticket"], f["inspectors"]) for f in d["firms"]] for d in docs]
    assert same[0] == same[1] and docs[0]["inputs"] == docs[1]["inputs"]
    assert len({f for f, _, _ in same[0]} & {f for f, _, _ in same[2]}) < 0.5 * len(same[0])
    check = plans.verify_plan(driver, _own(scored, tmp_path / "a"), "same")
    assert check.confirmed, check.problems
    assert any("drawn again" in line for line in check.checked)


def test_no_conflicted_inspector_is_ever_assigned(scored: Settings, driver: Driver, data: Path,
                                                  tmp_path: Path) -> None:
    settings = _own(scored, tmp_path)
    first = plans.draw_plan(driver, settings, MONTH, task=_task("first", _pool(data, tmp_path)), seed="s")
    declared = {"I001": [f["fid"] for f in first["firms"][:40]], "I002": [f["fid"] for f in first["firms"][20:60]]}
    pool_path = _pool(data, tmp_path, relations=declared, cap=6)
    later = _task("later", pool_path).model_copy(update={"date": dt.date(2026, 10, 1)})
    doc = plans.draw_plan(driver, settings, MONTH, task=later, seed="t")
    pool = yaml.safe_load(pool_path.read_text(encoding="utf-8"))
    units = {u["id"]: u["authority"] for u in pool["units"]}
    people = {p["id"]: p for p in pool["inspectors"]}
    before = {f["fid"]: set(f["inspectors"]) for f in first["firms"]}
    load: Counter[str] = Counter()
    for f in doc["firms"]:
        for who in f["inspectors"]:
            p = people[who]
            assert "general" in p["qualifications"]
            assert units[p["unit"]] != f["fid"][2:8], "inspector of the registering authority's own unit"
            assert f["fid"] not in p["relations"], "inspector with a declared relation"
            assert who not in before.get(f["fid"], set()), "the inspector of the last time again"
            load[who] += 1
        assert len(f["inspectors"]) == 2 or f["shortfall"]
    assert max(load.values()) <= 6
    short = doc["short_of_inspectors"]
    assert short and all("eligible" in s["reason"] for s in short)  # 24 general inspectors × 6 < the firms drawn
    assert any("at their workload cap" in s["reason"] for s in short)


def test_the_commitment_checks_out_after_the_reveal_and_the_audit_has_it_all(scored: Settings, driver: Driver,
                                                                             data: Path, tmp_path: Path) -> None:
    settings = _own(scored, tmp_path)
    task = _task("committed", _pool(data, tmp_path))
    done = plans.commit_task(settings, task)
    with pytest.raises(NotFound, match="has not been drawn"):
        plans.load_plan(settings, "committed")
    with pytest.raises(Conflict, match="not the one committed"):
        plans.draw_plan(driver, settings, MONTH, plan_id="committed", seed="a guess")
    doc = plans.draw_plan(driver, settings, MONTH, plan_id="committed")
    seed = doc["seed"]["revealed"]
    assert hashlib.sha256(f"riskgraph/seed/v1\x1fcommitted\x1f{seed}".encode()).hexdigest() == done.commitment
    assert commitment("committed", seed) == doc["seed"]["commitment"]
    assert not (plans.plans_dir(settings) / "committed" / "seed").exists()  # revealed: kept in the plan only
    with pytest.raises(Conflict, match="drawn already"):
        plans.draw_plan(driver, settings, MONTH, plan_id="committed")
    entries = list(audit.trail(settings).entries())
    actions = [e["action"] for e in entries]
    assert actions == ["plan_commit", "plan_draw"] and audit.verify(settings)[1] == []
    commit_entry, draw_entry = entries
    assert commit_entry["commitment"] == done.commitment and "seed" not in commit_entry
    assert draw_entry["plan_sha256"] == doc["digest"] and draw_entry["seed"] == seed
    assert set(draw_entry["inputs"]) == {"run_id", "model_version", "classes_sha256", "pool_sha256", "config_sha256"}
    assert draw_entry["inputs"]["config_sha256"] == load_plan_config().content_hash
    assert draw_entry["drawn"] == {f["fid"]: f["inspectors"] for f in doc["firms"]}
    assert draw_entry["exclusions"] == doc["scope"]["exclusion_counts"] and draw_entry["exclusions"]
    assert all(reason.startswith(("not in operation", "not rated", "no USCC")) for reason in draw_entry["exclusions"])
    assert plans.verify_plan(driver, settings, "committed").confirmed
    # an edit of the stored plan is caught by its digest and by the audit trail's record of it
    path = plans.plans_dir(settings) / "committed" / "plan.json"
    edited = json.loads(path.read_text(encoding="utf-8"))
    edited["firms"][0]["inspectors"] = ["I999"]
    path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    check = plans.verify_plan(driver, settings, "committed")
    assert not check.confirmed and any("no longer hashes" in p for p in check.problems)
    with pytest.raises(Conflict, match="altered"):
        plans.export_plan(settings, "committed", tmp_path / "out")


def test_a_month_failing_its_check_is_refused_and_nothing_is_committed(scored: Settings, driver: Driver,
                                                                      data: Path, tmp_path: Path) -> None:
    settings = _own(scored, tmp_path)
    reader = RatingReader(driver, settings)
    victim = next(iter(reader.ratings([f["fid"] for f in plans.read_month_inputs(driver, settings, MONTH)
                                      .population.head(50).to_dict("records")], MONTH).values()))
    forged = "A" if victim["class"] != "A" else "B"
    with db.session(driver, settings) as sess:
        sess.run("MATCH (r:Rating {fid: $fid, run_id: $run}) SET r.class = $cls",
                 fid=victim["fid"], run=victim["run_id"], cls=forged).consume()
    try:
        with pytest.raises(Conflict, match="fail their integrity check"):
            plans.draw_plan(driver, settings.model_copy(update={"verify_interval_s": 0}), MONTH,
                            task=_task("refused", _pool(data, tmp_path)), seed="x")
        assert not (plans.plans_dir(settings) / "refused").exists()
        assert list(audit.trail(settings).entries()) == []
    finally:
        with db.session(driver, settings) as sess:
            sess.run("MATCH (r:Rating {fid: $fid, run_id: $run}) SET r.class = $cls",
                     fid=victim["fid"], run=victim["run_id"], cls=victim["class"]).consume()
    # restored: checked again now, so the verdict the service keeps for the month is the sound one
    assert scoring_jobs.checked_month(driver, settings.model_copy(update={"verify_interval_s": 0}), MONTH).verified


def test_results_feed_the_next_month_and_the_evaluation(scored: Settings, driver: Driver, data: Path,
                                                        tmp_path: Path) -> None:
    settings = _own(scored, tmp_path)
    doc = plans.draw_plan(driver, settings, MONTH, task=_task("fed-back", _pool(data, tmp_path), base_ratio=0.2),
                          seed="feedback")
    simulated = plans.simulate_results(settings, "fed-back", data, tmp_path / "results.csv", dt.date(2026, 7, 20))
    with simulated.open(encoding="utf-8") as fh:
        by_truth = {r["firm_id"]: r["result"] for r in csv.DictReader(fh)}
    assert set(by_truth) == {f["fid"] for f in doc["firms"]} and "fail" in by_truth.values()
    bad = tmp_path / "bad.csv"
    bad.write_text("firm_id,date,result\n91440300000000000X,2026-07-20,fail\n"
                   f"{doc['firms'][0]['fid']},2026-07-20,closed\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad.csv line 2, column firm_id: not a firm of plan fed-back") as refused:
        plans.file_results(driver, settings, "fed-back", bad)
    assert "line 3, column result" in str(refused.value)
    filed = plans.file_results(driver, settings, "fed-back", simulated)
    assert filed.rows == len(doc["firms"]) and filed.by_result["fail"] == sum(v == "fail" for v in by_truth.values())
    plans.file_results(driver, settings, "fed-back", simulated)  # filed twice: updated in place, not doubled
    ev = plans.evaluate_plan(driver, settings, "fed-back", truth_dir=data)
    assert ev.inspected == ev.drawn == len(doc["firms"]) and ev.pending == 0 and ev.not_in_plan == 0
    assert ev.hits == sum(v in ("fail", "not_found") for v in by_truth.values())
    rates = {c.cls: c for c in ev.classes}
    assert rates["D"].hit_rate is not None and rates["A"].hit_rate is not None
    assert rates["D"].hit_rate > rates["A"].hit_rate  # the classes steer towards the problems
    assert ev.lift is not None and ev.lift > 1
    assert ev.uniform_rate is not None and ev.truth_rate is not None and ev.uniform_rate_se is not None
    assert abs(ev.uniform_rate - ev.truth_rate) < 4 * ev.uniform_rate_se + 0.01  # the estimate finds the truth
    # the next month's classes read the results: a failed inspection is a reason of its firm's rating
    failed = next(f for f, r in by_truth.items() if r == "fail")
    scoring_jobs.score_month(driver, settings, NEXT, load_model_config(), load_exempt_hubs(data / "exempt_hubs.yaml"))
    rating = RatingReader(driver, settings).ratings([failed], NEXT)[failed]
    assert any(r.get("id") == "reg.inspection_fail_60m" for r in rating["reasons"]), rating["reasons"]
    before = RatingReader(driver, settings).ratings([failed], MONTH)[failed]
    assert rating["score"] > before["score"]
    scoring_jobs.withdraw_month(driver, settings, NEXT)


def test_the_cli_draws_shows_exports_and_verifies(scored: Settings, data: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.cli import app

    settings = _own(scored, tmp_path)
    monkeypatch.setattr("riskgraph.cli.plan.get_settings", lambda: settings)
    _pool(data, tmp_path)
    task_file = tmp_path / "task.yaml"
    task_file.write_text(yaml.safe_dump({"task_id": "cli-task", "name": "食品抽查", "date": "2026-07-15",
                                         "pool": "pool.yaml", "regions": ["44"]}, allow_unicode=True),
                         encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["plan", "commit", str(task_file)])
    assert done.exit_code == 0, done.output
    assert "commitment" in done.output
    done = runner.invoke(app, ["plan", "draw", "cli-task", "--month", MONTH, "--pool", str(tmp_path / "pool.yaml")])
    assert done.exit_code == 0, done.output
    assert "strata" in done.output and "cli-task" in done.output
    assert runner.invoke(app, ["plan", "list"]).exit_code == 0
    done = runner.invoke(app, ["plan", "export", "cli-task", "--out", str(tmp_path / "push"), "--no-names"])
    assert done.exit_code == 0, done.output
    with (tmp_path / "push" / "cli-task.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    doc = plans.load_plan(settings, "cli-task")
    assert [r["fid"] for r in rows] == [f["fid"] for f in doc["firms"]]
    assert "inspector_1_name" not in rows[0] and rows[0]["inspector_1"] == doc["firms"][0]["inspectors"][0]
    exported = json.loads((tmp_path / "push" / "cli-task.json").read_text(encoding="utf-8"))
    assert all("name" not in i for i in exported["inspectors"]) and exported["digest"] == doc["digest"]
    done = runner.invoke(app, ["plan", "verify", "cli-task"])
    assert done.exit_code == 0 and "confirmed" in done.output, done.output
