"""Risk groups: Leiden communities of related firms on the scorer's association graph.

The graph is the one propagation walks (``scoring.propagation.association_edges``): firms
linked through shared legal representatives, officers, shareholders and addresses, and by
direct shareholdings and branches, with exempt hubs removed and the same weights — so a
group is bound by exactly the links that carry risk. Communities are found with igraph's
Leiden (modularity objective, the configured resolution), which, unlike Louvain, never
returns a badly connected community. Leiden draws random numbers; it runs on its own
``random.Random(seed)`` handed to igraph, so the same graph gives the same groups.

Each group kept (``min_size`` firms or more) has its members, observed C/D firms against
the number its members' strata expect (the hotspot standard, the same Poisson test and a
Benjamini–Hochberg q over all groups), its dominant counties and industry divisions, and the
persons and addresses that bind it (keys only: masking is for the service to do).

Pure: arrays in, tables out. No storage.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import igraph
import numpy as np
import pandas as pd

from riskgraph.analysis.config import GroupSettings
from riskgraph.analysis.hotspots import bh_q, poisson_excess_p
from riskgraph.scoring.config import Propagation
from riskgraph.scoring.projection import CONNECTOR_KINDS, Projection
from riskgraph.scoring.propagation import association_edges


@dataclass
class AssociationGraph:
    """Firms (positions ``0 … n_firms − 1``) and their undirected weighted links, with what binds them."""

    n_firms: int
    src: np.ndarray  # int64, src < dst
    dst: np.ndarray
    weight: np.ndarray  # float64 > 0
    mem_firm: np.ndarray  # memberships left after exemptions: firm …
    mem_conn: np.ndarray  # … at connector
    conn_key: np.ndarray  # per connector: person key or address key (object)
    conn_kind: np.ndarray  # per connector: CONNECTOR_KINDS code
    link_src: np.ndarray  # direct links left after exemptions (one row per direction)
    link_dst: np.ndarray


def association_graph(p: Projection, cfg: Propagation) -> AssociationGraph:
    """The scorer's firm–firm graph of the projection (exempt flags must be set, as for scoring)."""
    e = association_edges(p, cfg)
    return AssociationGraph(p.n_firms, e.src, e.dst, e.weight, e.memberships.firm.astype(np.int64),
                            e.memberships.conn.astype(np.int64), p.conn_key, p.conn_kind,
                            e.links.src.astype(np.int64), e.links.recv.astype(np.int64))


@contextmanager
def _igraph_random(seed: int) -> Iterator[None]:
    """igraph draws from its own seeded stream inside the block (Python's ``random`` left alone)."""
    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def leiden_groups(graph: AssociationGraph, settings: GroupSettings) -> np.ndarray:
    """Each firm's group number (0, 1, … largest first), or -1 outside a group of ``min_size`` firms.

    Numbers are ordered by size, then by the group's first firm position, so they do not depend
    on igraph's labels.
    """
    n = graph.n_firms
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g = igraph.Graph(n=n, edges=np.column_stack([graph.src, graph.dst]).tolist(), directed=False)
    with _igraph_random(settings.seed):
        part = g.community_leiden(objective_function="modularity", weights=graph.weight.tolist(),
                                  resolution=settings.resolution, n_iterations=settings.iterations)
    raw = np.asarray(part.membership, dtype=np.int64)
    sizes = np.bincount(raw)
    first = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first, raw, np.arange(n))
    kept = np.flatnonzero(sizes >= settings.min_size)
    order = kept[np.lexsort((first[kept], -sizes[kept]))]
    number = np.full(len(sizes), -1, dtype=np.int64)
    number[order] = np.arange(len(order))
    return number[raw]


def _top_counts(group: np.ndarray, values: np.ndarray, top: int, min_count: int = 1) -> dict[int, list[Any]]:
    """Per group: its most frequent values as ``[value, count]``, most first (ties by value)."""
    frame = pd.DataFrame({"group": group, "value": values})
    frame = frame[frame["value"].astype(str) != ""]
    counts = frame.groupby(["group", "value"], sort=False).size().reset_index(name="count")
    counts = counts[counts["count"] >= min_count]
    counts = counts.sort_values(["group", "count", "value"], ascending=[True, False, True], kind="stable")
    counts = counts.groupby("group", sort=False).head(top)
    out: dict[int, list[Any]] = {}
    for g, v, c in zip(counts["group"].tolist(), counts["value"].tolist(), counts["count"].tolist(), strict=True):
        out.setdefault(int(g), []).append([v, int(c)])
    return out


def describe_groups(group_of: np.ndarray, graph: AssociationGraph, fid: np.ndarray, county: np.ndarray,
                    division: np.ndarray, high: np.ndarray, expected: np.ndarray,
                    settings: GroupSettings) -> pd.DataFrame:
    """One row per group: members, observed vs expected C/D with p and q, dominant places and trades, binders.

    Every array is aligned with the graph's firm positions: ``fid``; ``county`` and ``division``
    (codes, ``""`` unknown); ``high`` (C/D this month); ``expected`` (the firm's stratum rate,
    :func:`riskgraph.analysis.hotspots.standardise`). ``anchor`` is the group's smallest fid, a
    name that survives renumbering from month to month as long as that firm stays in it.
    """
    group_of = np.asarray(group_of, dtype=np.int64)
    k = int(group_of.max()) + 1 if len(group_of) else 0
    columns = ["group", "anchor", "size", "members", "observed", "expected", "ratio", "p", "q", "regions",
               "industries", "persons", "addresses", "internal_links"]
    if k == 0:
        return pd.DataFrame(columns=columns)
    inside = np.flatnonzero(group_of >= 0)
    g_in = group_of[inside]
    order = inside[np.lexsort((fid[inside].astype(str), g_in))]
    bounds = np.searchsorted(group_of[order], np.arange(k + 1))
    members = [fid[order[bounds[i]:bounds[i + 1]]].astype(str).tolist() for i in range(k)]
    size = np.bincount(g_in, minlength=k)
    obs = np.bincount(g_in, weights=np.asarray(high, dtype=np.float64)[inside], minlength=k)
    exp = np.bincount(g_in, weights=np.asarray(expected, dtype=np.float64)[inside], minlength=k)
    p = poisson_excess_p(obs, exp)
    regions = _top_counts(g_in, np.asarray(county, dtype=object)[inside], settings.top_regions)
    industries = _top_counts(g_in, np.asarray(division, dtype=object)[inside], settings.top_regions)
    mg = group_of[graph.mem_firm]
    in_group = mg >= 0
    binders: dict[str, dict[int, list[Any]]] = {}
    for code, kind in enumerate(CONNECTOR_KINDS):
        sel = in_group & (np.asarray(graph.conn_kind)[graph.mem_conn] == code)
        binders[kind] = _top_counts(mg[sel], np.asarray(graph.conn_key, dtype=object)[graph.mem_conn[sel]],
                                    settings.top_binders, min_count=2)
    ls, ld = group_of[graph.link_src], group_of[graph.link_dst]
    internal = np.bincount(ls[(ls >= 0) & (ls == ld)], minlength=k) // 2  # each link is there in both directions
    return pd.DataFrame({
        "group": np.arange(k), "anchor": [m[0] for m in members], "size": size, "members": members,
        "observed": np.rint(obs).astype(np.int64), "expected": exp,
        "ratio": np.divide(obs, exp, out=np.full(k, np.nan), where=exp > 0), "p": p, "q": bh_q(p),
        "regions": [regions.get(i, []) for i in range(k)], "industries": [industries.get(i, []) for i in range(k)],
        "persons": [[key for key, _ in binders["person"].get(i, [])] for i in range(k)],
        "addresses": [[key for key, _ in binders["address"].get(i, [])] for i in range(k)],
        "internal_links": internal,
    })[columns]


def match_groups(members_now: Sequence[Sequence[str]], members_before: Sequence[Sequence[str]],
                 continuity: float) -> np.ndarray:
    """For each group now, the previous month's group it continues (its index there), or -1 for a new one.

    A group continues the earlier group that holds the largest number of its members, when
    that is at least ``continuity`` of its own size (ties: the earlier group listed first). Group
    numbers are per month, so this is what carries "the month it first appeared" forward.
    """
    before_of: dict[str, int] = {}
    for i, members in enumerate(members_before):
        for f in members:
            before_of[str(f)] = i
    out = np.full(len(members_now), -1, dtype=np.int64)
    for i, members in enumerate(members_now):
        hits = Counter(before_of[f] for f in map(str, members) if f in before_of)
        if not hits:
            continue
        best, shared = min(hits.items(), key=lambda kv: (-kv[1], kv[0]))
        if shared >= continuity * len(members):
            out[i] = best
    return out
