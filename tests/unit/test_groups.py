"""Risk groups: Leiden on the scorer's association graph finds planted rings, deterministically.

The projection is small and built by hand: a ring of six firms fronted by one legal
representative at one address, a chain of ordinary firms paired by their owners, a pair of
firms (too small to keep) and isolated firms; one exempt hub person links everything.
"""

from __future__ import annotations

import numpy as np
import pytest

from riskgraph.analysis.config import GroupSettings
from riskgraph.analysis.evaluation import group_recovery
from riskgraph.analysis.groups import association_graph, describe_groups, leiden_groups
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.projection import ROLES, Projection

AS_OF = 20_000
REP, SHAREHOLDER, ADDRESS = ROLES.index("legal_rep"), ROLES.index("shareholder"), ROLES.index("address")
RING = list(range(6))  # firms 0–5
CHAIN = list(range(6, 18))  # firms 6–17: owner k heads firms 6+k and 7+k
PAIR = [18, 19]
N = 24  # 20–23 isolated


def _projection() -> Projection:
    members: list[tuple[int, int, int]] = []
    conn = 0
    for f in RING:  # one nominee legal representative and one address for the whole ring
        members += [(0, f, REP), (1, f, ADDRESS)]
    conn = 2
    for k in range(len(CHAIN) - 1):
        members += [(conn, CHAIN[k], SHAREHOLDER), (conn, CHAIN[k + 1], SHAREHOLDER)]
        conn += 1
    members += [(conn, PAIR[0], REP), (conn, PAIR[1], REP)]
    conn += 1
    hub = conn  # a professional nominee on the exempt list, linked to every firm
    members += [(hub, f, REP) for f in range(N)]
    conn += 1
    z = np.zeros
    p = Projection(
        month="2026-06", as_of=AS_OF,
        firm_key=np.array([f"F{i:02d}" for i in range(N)], dtype=object),
        firm_name=np.array([f"公司{i}" for i in range(N)], dtype=object),
        kind=z(N, np.int8), status=z(N, np.int8), key_area=np.full(N, -1, np.int8),
        capital=np.full(N, 500.0), established=np.full(N, AS_OF - 3650, np.int32),
        ev_firm=z(0, np.int32), ev_kind=z(0, np.int8), ev_day=z(0, np.int32), ev_severity=z(0, np.int8),
        ev_result=z(0, np.int8),
        conn_key=np.array([f"c{i}" for i in range(conn)], dtype=object),
        conn_kind=np.array([0, 1] + [0] * (conn - 2), np.int8),
        conn_label=np.array([f"张{i}*" for i in range(conn)], dtype=object),
        mem_conn=np.array([m[0] for m in members], np.int32), mem_firm=np.array([m[1] for m in members], np.int32),
        mem_role=np.array([m[2] for m in members], np.int8), mem_ratio=np.full(len(members), 0.5, np.float32),
        link_src=np.array([17], np.int32), link_dst=np.array([16], np.int32), link_kind=np.array([0], np.int8),
        link_ratio=np.array([0.6], np.float32),
    )
    p.conn_exempt[hub] = True
    return p


SETTINGS = GroupSettings(resolution=1.0, seed=15, iterations=-1, min_size=3, top_regions=2, top_binders=2)


def _groups(settings: GroupSettings = SETTINGS) -> tuple[np.ndarray, Projection]:
    p = _projection()
    return leiden_groups(association_graph(p, load_model_config().propagation), settings), p


def test_the_exempt_hub_is_not_in_the_graph() -> None:
    p = _projection()
    g = association_graph(p, load_model_config().propagation)
    linked = set(g.src.tolist()) | set(g.dst.tolist())
    assert not linked & set(range(20, N))  # the isolated firms share only the exempt hub
    assert (g.src < g.dst).all() and (g.weight > 0).all()
    assert len(set(zip(g.src.tolist(), g.dst.tolist(), strict=True))) == len(g.src)  # one row per pair


def test_the_ring_is_one_group_of_its_own() -> None:
    group_of, _ = _groups()
    ring = set(group_of[RING].tolist())
    assert len(ring) == 1 and -1 not in ring
    assert not (group_of[np.setdiff1d(np.arange(N), RING)] == group_of[0]).any()
    assert (group_of[PAIR] == -1).all() and (group_of[20:] == -1).all()  # below min_size, and singletons
    assert (group_of[CHAIN] >= 0).all()
    recovery = group_recovery(group_of, {"shell_ring": [RING]})
    assert recovery["shell_ring"]["recovered"] == 1 and recovery["shell_ring"]["purity_mean"] == 1.0


def test_groups_are_numbered_largest_first_and_are_deterministic() -> None:
    first, _ = _groups()
    again, _ = _groups()
    assert np.array_equal(first, again)
    sizes = np.bincount(first[first >= 0])
    assert (np.diff(sizes) <= 0).all()
    other_seed, _ = _groups(SETTINGS.model_copy(update={"seed": 99}))
    assert np.array_equal(other_seed[RING] == other_seed[0], first[RING] == first[0])


def test_leiden_leaves_pythons_random_alone() -> None:
    import random

    random.seed(5)
    expected = random.random()
    random.seed(5)
    _groups()
    assert random.random() == expected


def test_a_group_names_what_binds_it_and_tests_its_excess() -> None:
    group_of, p = _groups()
    high = np.zeros(N, dtype=bool)
    high[RING[:5]] = True
    expected = np.full(N, 0.1)
    county = np.array(["440101"] * 6 + ["440102"] * (N - 6), dtype=object)
    division = np.array(["L72"] * 6 + ["F52"] * (N - 6), dtype=object)
    table = describe_groups(group_of, association_graph(p, load_model_config().propagation), p.firm_key, county,
                            division, high, expected, SETTINGS)
    ring = table[table["group"] == group_of[0]].iloc[0]
    assert ring["size"] == 6 and ring["members"] == [f"F{i:02d}" for i in RING] and ring["anchor"] == "F00"
    assert ring["observed"] == 5 and ring["expected"] == pytest.approx(0.6)
    assert ring["p"] < 1e-3
    assert ring["persons"] == ["c0"] and ring["addresses"] == ["c1"]
    assert ring["regions"] == [["440101", 6]] and ring["industries"] == [["L72", 6]]
    chain = table[table["group"] != group_of[0]]
    assert (chain["observed"] == 0).all() and (chain["p"] == 1.0).all()
    assert chain["internal_links"].sum() == 1  # the shareholding 17 → 16
