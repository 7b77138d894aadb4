"""The verifiable stratified draw: tickets are the published HMAC, counts follow the ratios, the draw is fair."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from riskgraph.inspection.config import load_plan_config, sample_size
from riskgraph.inspection.draw import (
    classes_digest,
    commitment,
    commitment_matches,
    draw,
    population_frame,
    scope,
    tickets,
)
from riskgraph.inspection.task import Task

TASK = Task(task_id="T-2026-09", name="general inspection", date=dt.date(2026, 9, 1), pool="pool.yaml")


def _population(n: int, mix: tuple[float, ...] = (0.65, 0.25, 0.08, 0.02), seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"fid": [f"91440305MA{i:08d}" for i in range(n)], "name": "x", "status": "active",
                         "region": rng.choice(["440305", "440306", "445222"], n), "industry": "F5191",
                         "key_area": "", "cls": rng.choice(list("ABCD"), n, p=list(mix))})


def test_a_ticket_is_the_documented_hmac_of_task_and_firm() -> None:
    for seed in ("s", "x" * 100):  # a key longer than SHA-256's block is hashed first, as RFC 2104 says
        expected = hmac.new(seed.encode(), b"riskgraph/plan/v1\x1fT-2026-09\x1f91440305MA5F00001J",
                            hashlib.sha256).hexdigest()
        assert tickets(seed, "T-2026-09", ["91440305MA5F00001J"]) == [expected]


def test_the_commitment_binds_seed_and_task() -> None:
    c = commitment("T1", "secret")
    assert c == hashlib.sha256(b"riskgraph/seed/v1\x1fT1\x1fsecret").hexdigest()
    assert commitment_matches("T1", "secret", c)
    assert not commitment_matches("T1", "secret2", c) and not commitment_matches("T2", "secret", c)


def test_counts_per_class_are_the_ratios_rounded_up() -> None:
    pop = _population(20_000)
    ratios = load_plan_config().ratios(0.05)
    d = draw(pop, ratios, "seed-1", TASK.task_id)
    for s in d.strata:
        n = int((pop["cls"] == s.cls).sum())
        assert s.population == n and s.drawn == sample_size(ratios[s.cls], n) == int((d.selected["cls"] == s.cls).sum())
    assert d.selected["fid"].is_unique  # without replacement


def test_each_drawn_firm_is_at_or_below_its_stratum_cutoff_and_every_other_above() -> None:
    pop = _population(3_000)
    d = draw(pop, {"A": 0.05, "B": 0.1, "C": 0.3, "D": 0.7}, "seed-2", TASK.task_id)
    every = dict(zip(pop["fid"], tickets("seed-2", TASK.task_id, pop["fid"].tolist()), strict=True))
    drawn = set(d.selected["fid"])
    for s in d.strata:
        members = pop.loc[pop["cls"] == s.cls, "fid"]
        assert all((every[f] <= s.cutoff) == (f in drawn) for f in members)


def test_same_inputs_same_draw_other_seed_other_draw() -> None:
    pop = _population(5_000)
    ratios = load_plan_config().ratios()
    a = draw(pop, ratios, "seed-A", TASK.task_id).selected
    again = draw(pop.sample(frac=1, random_state=7), ratios, "seed-A", TASK.task_id).selected  # row order is no input
    other = draw(pop, ratios, "seed-B", TASK.task_id).selected
    assert a["fid"].tolist() == again["fid"].tolist()
    assert len(set(a["fid"]) & set(other["fid"])) < 0.5 * len(a)


def test_every_firm_of_a_class_is_drawn_as_often_as_the_ratio_says_over_seeds() -> None:
    """Over 200 seeds each firm's share of draws stays within binomial error of its class's ratio: no firm and no
    region is favoured by the hash."""
    pop = _population(2_000, mix=(0.5, 0.3, 0.15, 0.05))
    ratios = {"A": 0.05, "B": 0.2, "C": 0.4, "D": 0.7}
    seeds = 200
    hits = pd.Series(0, index=pop["fid"])
    for s in range(seeds):
        hits[draw(pop, ratios, f"seed-{s}", TASK.task_id).selected["fid"]] += 1
    pop["share"] = hits.to_numpy() / seeds
    for c, r in ratios.items():
        share = pop.loc[pop["cls"] == c, "share"]
        r_eff = sample_size(r, len(share)) / len(share)
        assert share.mean() == pytest.approx(r_eff, abs=1e-9)  # exactly k of n every time
        assert share.std() <= 1.5 * np.sqrt(r_eff * (1 - r_eff) / seeds)  # no firm is drawn markedly more often
        by_region = pop[pop["cls"] == c].groupby("region")["share"].agg(["mean", "size"])
        error = np.sqrt(r_eff * (1 - r_eff) / (seeds * by_region["size"]))  # of a mean over the region's firms
        assert (abs(by_region["mean"] - r_eff) < 4 * error).all()


def test_scope_filters_and_excludes_with_reasons() -> None:
    firms = {"fid": ["91440305MA5F00001J", "91440305MA5F00002M", "91445222MA5F00003X", "ftm:abc",
                     "91440305MA5F00004Y"],
             "name": ["a", "b", "c", "d", "e"], "status": ["active", "revoked", "active", "active", "active"],
             "region": ["440305", "440305", "445222", "440305", "440305"],
             "industry": ["F5191", "F5191", "F5191", "F5191", "C1811"], "key_area": ["", "", "", "", ""]}
    pop = population_frame(firms, ["91440305MA5F00001J", "91440305MA5F00002M", "ftm:abc"], ["B", "C", "A"])
    task = TASK.model_copy(update={"regions": ("4403",), "industries": ("F",)})
    found = scope(pop, task, "2026-08")
    assert found.in_scope == 3 and found.candidates["fid"].tolist() == ["91440305MA5F00001J"]
    reasons = dict(zip(found.exclusions["fid"], found.exclusions["reason"], strict=True))
    assert reasons == {"91440305MA5F00002M": "not in operation (status revoked)",
                       "ftm:abc": "no USCC: not under a registration authority"}
    unrated = scope(pop, TASK.model_copy(update={"regions": ("4452",)}), "2026-08").exclusions
    assert unrated["reason"].tolist() == ["not rated in 2026-08"]


def test_the_classes_digest_ignores_order_and_sees_a_changed_class() -> None:
    assert classes_digest(["b", "a"], ["C", "A"]) == classes_digest(["a", "b"], ["A", "C"])
    assert classes_digest(["a", "b"], ["A", "C"]) != classes_digest(["a", "b"], ["A", "D"])
