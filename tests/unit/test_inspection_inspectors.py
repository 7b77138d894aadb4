"""Inspectors drawn per firm: never a conflicted one, two where two are eligible, the reason where not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from riskgraph.errors import ConfigError
from riskgraph.inspection.inspectors import assign_inspectors, mix64
from riskgraph.inspection.task import Pool, Task, parse_pool

TASK = Task(task_id="T1", name="food", date=dt.date(2026, 9, 1), pool="p", key_area="food")
FIRMS = [f"914403{'05' if i % 2 else '06'}MA{i:08d}" for i in range(200)]  # registered in 440305 or 440306


def _pool(**extra: object) -> Pool:
    units = [{"id": "ns", "name": "南山局", "authority": "440305"},
             {"id": "ba", "name": "宝安局", "authority": "440306"},
             {"id": "lg", "name": "龙岗局", "authority": "440307"}]
    inspectors = [{"id": f"I{i:02d}", "name": f"检查员{i}", "unit": units[i % 3]["id"],
                   "qualifications": ["general", "food"] if i % 4 else ["general"]} for i in range(24)]
    return Pool.model_validate({"units": units, "inspectors": inspectors, "workload_cap": 100, **extra})


def test_mix64_is_splitmix64s_finaliser() -> None:
    z = 0x0123456789ABCDEF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
    assert int(mix64(np.array([0x0123456789ABCDEF], dtype=np.uint64))[0]) == z ^ (z >> 31)


def test_no_conflicted_or_unqualified_inspector_is_ever_assigned() -> None:
    pool = _pool()
    people = {p.id: p for p in pool.inspectors}
    related = {FIRMS[3]: {"I01", "I02"}}
    pool = pool.model_copy(update={"inspectors": tuple(p.model_copy(update={"relations": (FIRMS[3],)})
                                                       if p.id in related[FIRMS[3]] else p for p in pool.inspectors)})
    last = {FIRMS[5]: {"I05", "I06"}}
    for seed in ("a", "b", "c", "d"):
        got = assign_inspectors(FIRMS, FIRMS, pool, TASK, seed, 2, 40, last)
        for fid, a in got.items():
            assert len(a.inspectors) == 2 and len(set(a.inspectors)) == 2 and a.shortfall is None
            for who in a.inspectors:
                assert "food" in people[who].qualifications
                assert pool.authority_of(people[who].unit) != fid[2:8]  # never the registering authority's unit
            assert not set(a.inspectors) & related.get(fid, set())
            assert not set(a.inspectors) & last.get(fid, set())


def test_the_workload_cap_holds_and_a_short_firm_says_why() -> None:
    pool = _pool(workload_cap=3)
    got = assign_inspectors(FIRMS, FIRMS, pool, TASK, "seed", 2, 40)
    load: dict[str, int] = {}
    for a in got.values():
        for who in a.inspectors:
            load[who] = load.get(who, 0) + 1
    assert max(load.values()) <= 3
    short = [a for a in got.values() if a.shortfall]
    assert short, "18 qualified inspectors × 3 firms cannot cover 200 firms"
    last = short[-1]
    assert len(last.inspectors) < 2 and "at their workload cap" in last.shortfall
    assert "not qualified for food" in last.shortfall and "registration authority's own unit" in last.shortfall


def test_recusal_by_unit_only_where_the_pool_says_so() -> None:
    units = [{"id": "ns", "authority": "440305"}]
    people = [{"id": "A", "name": "甲", "unit": "ns"}, {"id": "B", "name": "乙", "unit": "ns"}]
    general = TASK.model_copy(update={"key_area": None})
    firm = ["91440305MA00000001"]
    recused = assign_inspectors(firm, firm, Pool.model_validate({"units": units, "inspectors": people}), general,
                                "s", 2, 40)[firm[0]]
    assert recused.inspectors == () and recused.shortfall == (
        "0 of 2 inspectors eligible: 2 of the registration authority's own unit (440305)")
    allowed = assign_inspectors(firm, firm, Pool.model_validate({"units": units, "inspectors": people,
                                                                 "recuse_same_unit": False}), general, "s", 2, 40)
    assert sorted(allowed[firm[0]].inspectors) == ["A", "B"]


def test_the_draw_depends_on_the_seed_and_nothing_else() -> None:
    pool = _pool()
    a = assign_inspectors(FIRMS, FIRMS, pool, TASK, "s1", 2, 40)
    assert a == assign_inspectors(FIRMS, FIRMS, pool, TASK, "s1", 2, 40)
    b = assign_inspectors(FIRMS, FIRMS, pool, TASK, "s2", 2, 40)
    assert sum(a[f].inspectors != b[f].inspectors for f in FIRMS) > 150


def test_a_pool_with_an_unknown_unit_or_a_repeated_id_is_refused_naming_it() -> None:
    with pytest.raises(ConfigError, match="units the pool does not list: xx"):
        parse_pool(b"units: []\ninspectors: [{id: A, name: a, unit: xx}]\n", "pool.yaml")
    with pytest.raises(ConfigError, match="listed twice: A"):
        parse_pool(b"units: [{id: u, authority: '440305'}]\ninspectors: [{id: A, name: a, unit: u},"
                   b" {id: A, name: b, unit: u}]\n", "pool.yaml")
