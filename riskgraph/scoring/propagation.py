"""Related-party risk propagation over the month's projection (scipy.sparse, vectorised).

The model, in short (docs/scoring.md has the full maths):

* A firm *emits* the part of its own risk that is above a floor (``emission``).
* Firms are linked (a) through shared connectors — a person in a role (legal
  representative, officer, shareholder) or an address — and (b) directly, by shareholdings
  between firms and by branch–head links. Through a connector ``c`` with ``d`` members,
  firm ``i`` receives from firm ``j`` with weight ``a_ci · a_cj / (d − 1)^γ``, where ``a`` is the
  membership's role weight (shareholders × share ratio relative to control); direct links
  have a weight per direction of control. Exempt hubs (state holders, registered-agent
  addresses) and their memberships are removed before anything else.
* Each firm's total inbound weight is scaled down to at most ``inbound_cap``, so many
  links average rather than add up without bound; a hub's spread per member shrinks
  with its degree.
* Risk walks at most ``hops`` firm-to-firm hops, multiplied by ``decay_per_hop`` at each.
  Walks are **non-backtracking** at firm level: the message from ``j`` to ``i`` carries
  everything ``j`` holds except what it received from ``i``, so a firm's own risk never
  comes straight back to it (``i → j → i``), whichever connectors link the pair. On longer
  cycles a residue of at most ``decay^L`` for a cycle of ``L ≥ 3`` firms remains; the
  iteration is a contraction (decay < 1, inbound ≤ 1) so cycles converge.
* Connectors with more than ``pair_limit`` members are not expanded into pairs: each
  member receives the connector's weighted total minus its own share (no self-echo),
  which costs one sparse product instead of ``d²`` pairs.

Firms are renumbered in reverse Cuthill–McKee order before iterating, so that a firm's
neighbours sit close to it in memory and each hop costs about one sparse
matrix–vector product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

from riskgraph.scoring.config import Propagation
from riskgraph.scoring.projection import F64, I32, ROLES, Projection

# Direct link directions: the receiving firm gets risk from the source firm.
PARENT_TO_SUBSIDIARY, SUBSIDIARY_TO_PARENT, HEAD_TO_BRANCH, BRANCH_TO_HEAD = 0, 1, 2, 3
LINK_DIRECTIONS: tuple[str, ...] = ("parent_to_subsidiary", "subsidiary_to_parent", "head_to_branch", "branch_to_head")


@dataclass
class Memberships:
    """One row per (connector, firm) left after exemptions, the strongest role kept."""

    conn: I32
    firm: I32
    role: np.ndarray  # ROLES code of the strongest membership
    weight: F64  # a_ci
    degree: np.ndarray  # per connector: members left (0 for exempt)
    norm: F64  # per connector: 1 / (degree − 1)^γ, 0 below two members


@dataclass
class DirectLinks:
    """Directed link entries: ``recv`` receives from ``src`` with weight ``weight``."""

    recv: I32
    src: I32
    direction: np.ndarray  # LINK_DIRECTIONS code
    weight: F64
    ratio: F64  # share ratio for shareholding links, nan otherwise


@dataclass
class PropagationResult:
    received: F64  # per firm: risk received from related parties (≥ 0; below 1 in practice)
    emitted: F64  # per firm: the emission used
    inbound_scale: F64  # per firm: factor applied to its inbound weights
    memberships: Memberships
    links: DirectLinks
    member_contribution: F64  # per membership row: risk that arrived through that connector (first hop)
    link_contribution: F64  # per link entry: risk that arrived over that link (first hop)
    iterations: int
    converged: bool
    pair_edges: int  # firm-to-firm entries in the sparse operator
    aggregate_memberships: int  # memberships of connectors handled as aggregates


def _share_factor(ratio: np.ndarray, cfg: Propagation) -> F64:
    r = np.where(np.isnan(ratio), cfg.missing_ratio, ratio).astype(np.float64)
    return np.minimum(1.0, r / cfg.control_ratio)


def build_memberships(p: Projection, cfg: Propagation) -> Memberships:
    role_weight = np.array([cfg.roles.legal_rep, cfg.roles.officer, cfg.roles.shareholder, cfg.roles.address])
    assert len(role_weight) == len(ROLES)
    a = role_weight[p.mem_role.astype(np.int64)]
    is_sh = p.mem_role == ROLES.index("shareholder")
    a = np.where(is_sh, a * _share_factor(p.mem_ratio, cfg), a)
    keep = ~p.conn_exempt[p.mem_conn] & ~p.firm_exempt[p.mem_firm] & (a > 0)
    conn, firm, role, a = p.mem_conn[keep], p.mem_firm[keep], p.mem_role[keep], a[keep]
    order = np.lexsort((-a, firm, conn))
    conn, firm, role, a = conn[order], firm[order], role[order], a[order]
    first = np.ones(len(conn), dtype=bool)
    first[1:] = (conn[1:] != conn[:-1]) | (firm[1:] != firm[:-1])
    conn, firm, role, a = conn[first], firm[first], role[first], a[first]
    degree = np.bincount(conn, minlength=p.n_connectors)
    norm = np.zeros(p.n_connectors, dtype=np.float64)
    multi = degree >= 2
    norm[multi] = 1.0 / (degree[multi] - 1.0) ** cfg.degree_exponent
    return Memberships(conn.astype(np.int32), firm.astype(np.int32), role, a, degree, norm)


def build_links(p: Projection, cfg: Propagation) -> DirectLinks:
    keep = ~p.firm_exempt[p.link_src] & ~p.firm_exempt[p.link_dst] & (p.link_src != p.link_dst)
    src, dst, kind = p.link_src[keep], p.link_dst[keep], p.link_kind[keep]
    ratio = p.link_ratio[keep].astype(np.float64)
    share = kind == 0
    f = np.where(share, _share_factor(ratio, cfg), 1.0)
    lk = cfg.links
    # holder/branch is `src`, held/head is `dst`
    down = np.where(share, lk.parent_to_subsidiary * f, lk.head_to_branch)  # dst → src for branches
    up = np.where(share, lk.subsidiary_to_parent * f, lk.branch_to_head)
    recv = np.concatenate([np.where(share, dst, src), np.where(share, src, dst)])
    source = np.concatenate([np.where(share, src, dst), np.where(share, dst, src)])
    direction = np.concatenate([np.where(share, PARENT_TO_SUBSIDIARY, HEAD_TO_BRANCH),
                                np.where(share, SUBSIDIARY_TO_PARENT, BRANCH_TO_HEAD)])
    weight = np.concatenate([down, up])
    ratios = np.concatenate([np.where(share, ratio, np.nan)] * 2)
    live = weight > 0
    return DirectLinks(recv[live].astype(np.int32), source[live].astype(np.int32),
                       direction[live].astype(np.int8), weight[live], ratios[live])


def _pairs(m: Memberships, small: np.ndarray) -> tuple[np.ndarray, np.ndarray, F64]:
    """All ordered firm pairs sharing a small connector: (receiver, source, weight)."""
    sel = np.flatnonzero(small[m.conn])  # memberships are sorted by connector
    conn = m.conn[sel]
    if len(sel) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    sizes = m.degree[conn].astype(np.int64)
    change = np.ones(len(conn), dtype=bool)
    change[1:] = conn[1:] != conn[:-1]
    group_start = np.maximum.accumulate(np.where(change, np.arange(len(conn)), 0))
    total = int(sizes.sum())
    rep = np.repeat(np.arange(len(conn)), sizes)
    block_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    partner = np.repeat(group_start, sizes) + (np.arange(total) - block_start)
    ok = partner != rep
    rep, partner = rep[ok], partner[ok]
    firms, weights = m.firm[sel], m.weight[sel]
    w = weights[rep] * weights[partner] * m.norm[conn[rep]]
    return firms[rep].astype(np.int64), firms[partner].astype(np.int64), w


@dataclass
class AssociationEdges:
    """The firm–firm association graph the walk uses, undirected: one row per linked pair (``src < dst``)."""

    src: np.ndarray  # int64
    dst: np.ndarray  # int64
    weight: F64  # mean of the two directed weights, before decay and inbound scaling
    memberships: Memberships
    links: DirectLinks


def association_edges(p: Projection, cfg: Propagation) -> AssociationEdges:
    """The pairs and direct links of :func:`build_operator`, as an undirected weighted graph.

    Exempt hubs and their memberships are gone (``build_memberships``, ``build_links``); a pair
    through a connector of 2…``pair_limit`` members weighs ``a_ci · a_cj / (d − 1)^γ``, a direct
    link the mean of its two directions, summed over everything the two firms share. Connectors
    with more than ``pair_limit`` members are aggregates in the walk and give no pairs here either.
    """
    mem = build_memberships(p, cfg)
    links = build_links(p, cfg)
    small = (mem.degree >= 2) & (mem.degree <= cfg.pair_limit)
    pr, ps, pw = _pairs(mem, small)  # both orders of each pair
    recv = np.concatenate([pr, links.recv.astype(np.int64)])
    src = np.concatenate([ps, links.src.astype(np.int64)])
    w = np.concatenate([pw, links.weight])
    off = recv != src
    lo, hi = np.minimum(recv, src)[off], np.maximum(recv, src)[off]
    n = p.n_firms
    upper = sp.coo_matrix((w[off] / 2.0, (lo, hi)), shape=(n, n)).tocsr()
    upper.sum_duplicates()
    coo = upper.tocoo()
    return AssociationEdges(coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(np.float64), mem,
                            links)


def locality_order(operator: sp.csr_matrix) -> np.ndarray:
    """A permutation putting linked firms near each other (reverse Cuthill–McKee)."""
    pattern = (operator + operator.T).tocsr()
    return np.asarray(reverse_cuthill_mckee(pattern, symmetric_mode=True), dtype=np.int64)


@dataclass
class Operator:
    """The month's transfer operator, firms renumbered for locality (``perm[new] = old``)."""

    pairs: sp.csr_matrix  # receiver × source, decay and inbound scaling included
    agg_in: sp.csr_matrix  # firms × aggregate connectors: a_ci · g_c, scaled
    agg_out: sp.csr_matrix  # aggregate connectors × firms: a_cj
    agg_self: F64  # per firm: its own share through aggregate connectors (removed: no self-echo)
    perm: np.ndarray
    inv: np.ndarray
    scale: F64  # per firm (original order): inbound scaling
    round_trip: F64  # per entry (i, j) of ``pairs``: A_ij · A_ji, the weight of i → j → i (0 without a reverse)
    echo: list[sp.csr_matrix]  # A ∘ B^k for k = 1, 2, … (see ``_non_backtracking``), made for the configured hops
    returned: list[F64]  # rowsum(B^k) for k = 1, 2, …
    memberships: Memberships
    links: DirectLinks
    unscaled_pairs: int
    aggregate_memberships: int


def build_operator(p: Projection, cfg: Propagation, reorder: bool = True) -> Operator:
    """Typed, degree-normalised, hub-free transfer operator of the projection."""
    n = p.n_firms
    mem = build_memberships(p, cfg)
    links = build_links(p, cfg)
    small = (mem.degree >= 2) & (mem.degree <= cfg.pair_limit)
    large = mem.degree > cfg.pair_limit

    pr, ps, pw = _pairs(mem, small)
    recv = np.concatenate([pr, links.recv.astype(np.int64)])
    src = np.concatenate([ps, links.src.astype(np.int64)])
    w = np.concatenate([pw, links.weight])
    off = recv != src
    op = sp.csr_matrix((w[off], (recv[off], src[off])), shape=(n, n))
    op.sum_duplicates()

    # connectors too large for pairs: member i gets a_ci g_c (Σ_j a_cj x_j − a_ci x_i)
    agg = np.flatnonzero(large[mem.conn])
    agg_conn_ids, agg_local = np.unique(mem.conn[agg], return_inverse=True)
    a_agg = mem.weight[agg]
    g_agg = mem.norm[mem.conn[agg]]
    n_agg = len(agg_conn_ids)
    h_in = sp.csr_matrix((a_agg * g_agg, (mem.firm[agg], agg_local)), shape=(n, n_agg))
    h_out = sp.csr_matrix((a_agg, (agg_local, mem.firm[agg])), shape=(n_agg, n))
    h_self = np.bincount(mem.firm[agg], weights=a_agg * a_agg * g_agg, minlength=n)
    conn_total = np.bincount(agg_local, weights=a_agg, minlength=n_agg)
    h_total = np.bincount(mem.firm[agg], weights=a_agg * g_agg * (conn_total[agg_local] - a_agg), minlength=n)

    inbound = np.asarray(op.sum(axis=1)).ravel() + h_total
    scale = cfg.inbound_cap / np.maximum(cfg.inbound_cap, inbound)
    alpha = cfg.decay_per_hop

    perm = locality_order(op) if reorder and n > 0 and op.nnz else np.arange(n)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    op_p = (sp.diags(scale[perm] * alpha) @ op[perm][:, perm]).tocsr()
    op_p.sort_indices()
    h_in_p = (sp.diags(scale * alpha) @ h_in).tocsr()[perm]
    h_out_p = h_out.tocsc()[:, perm].tocsr()
    h_self_p = (h_self * scale * alpha)[perm]
    b = round_trips(op_p)
    echo, returned = echo_terms(op_p, b, cfg.hops)
    return Operator(op_p, h_in_p, h_out_p, h_self_p, perm, inv, scale, b, echo, returned, mem, links, int(op.nnz),
                    len(agg))


NEGLIGIBLE = 1e-16  # echo terms whose weight falls below this (relative) are dropped


def echo_terms(op: sp.csr_matrix, b: F64, hops: int) -> tuple[list[sp.csr_matrix], list[F64]]:
    """``A ∘ B^k`` and ``rowsum(B^k)`` for the ``k = 1 … hops // 2`` that are not negligible (``B_ij = A_ij A_ji``)."""
    b_max = float(b.max()) if len(b) else 0.0
    if b_max <= 0:
        return [], []
    useful = int(np.ceil(np.log(NEGLIGIBLE) / np.log(b_max))) if b_max < 1 else hops
    echo, returned = [], []
    bk = b
    ones = np.ones(op.shape[0])
    for k in range(1, min(hops // 2, useful) + 1):
        if k > 1:
            bk = bk * b
        echo.append(sp.csr_matrix((op.data * bk, op.indices, op.indptr), shape=op.shape))
        returned.append(sp.csr_matrix((bk, op.indices, op.indptr), shape=op.shape) @ ones)
    return echo, returned


def round_trips(op: sp.csr_matrix) -> F64:
    """Per stored entry (i, j): ``A_ij · A_ji`` (0 where the reverse entry is absent). Indices must be sorted."""
    n = op.shape[0]
    indptr, indices, data = op.indptr, op.indices, op.data
    if len(data) == 0:
        return np.zeros(0)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keys = rows * n + indices
    rev_keys = indices.astype(np.int64) * n + rows
    pos = np.minimum(np.searchsorted(keys, rev_keys), len(keys) - 1)
    return np.where(keys[pos] == rev_keys, data * data[pos], 0.0)


def propagate_risk(p: Projection, emission: F64, cfg: Propagation, reorder: bool = True) -> PropagationResult:
    """Risk each firm receives from related parties, given every firm's emission in [0, 1]."""
    o = build_operator(p, cfg, reorder)
    received, iterations, converged = non_backtracking(o, emission, cfg.hops, cfg.tolerance)
    mem, links, scale, alpha = o.memberships, o.links, o.scale, cfg.decay_per_hop
    out = emission + received
    s_c = np.bincount(mem.conn, weights=mem.weight * out[mem.firm], minlength=p.n_connectors)
    member_contribution = (alpha * scale[mem.firm] * mem.weight * mem.norm[mem.conn]
                           * (s_c[mem.conn] - mem.weight * out[mem.firm]))
    member_contribution = np.maximum(member_contribution, 0.0)
    link_contribution = alpha * scale[links.recv] * links.weight * out[links.src]
    return PropagationResult(received, emission, scale, mem, links, member_contribution, link_contribution,
                             iterations, converged, o.unscaled_pairs, o.aggregate_memberships)


def non_backtracking(o: Operator, emission: F64, hops: int, tol: float) -> tuple[F64, int, bool]:
    """Received risk per firm (original order) after at most ``hops`` non-backtracking hops."""
    if hops // 2 > len(o.echo):  # more hops than the operator was made for: make the extra echo terms once
        o.echo, o.returned = echo_terms(o.pairs, o.round_trip, hops)
    received, iterations, converged = _non_backtracking(o.pairs, o.echo, o.returned, o.agg_in, o.agg_out, o.agg_self,
                                                        emission[o.perm].astype(np.float64), hops, tol)
    return received[o.inv], iterations, converged


def _non_backtracking(op: sp.csr_matrix, echo: list[sp.csr_matrix], returned: list[F64], h_in: sp.csr_matrix,
                      h_out: sp.csr_matrix, h_self: F64, e: F64, hops: int, tol: float) -> tuple[F64, int, bool]:
    """Firm-level non-backtracking walks, computed with sparse products only; ``op`` holds decay and scaling.

    The message from ``j`` to ``i`` at hop ``t`` is ``m_ji(t) = A_ij (out_j(t−1) − m_ij(t−1))`` with
    ``out = e + R`` and ``R_i(t) = Σ_j m_ji(t)`` (plus the aggregate-connector part): everything ``j``
    holds except what came from ``i``. Unrolled with ``B_ij = A_ij A_ji``, the messages never need
    to be stored:

        R(t) = Σ_k≥0 (A ∘ B^k) out(t−1−2k) − Σ_k≥1 rowsum(B^k) ⊙ out(t−2k)     (out(s) = 0 for s < 0)

    The ``k = 0`` term is the plain product ``A · out``; the others (``echo``, ``returned``) take out
    what went ``i → j → i`` (and back again …). They shrink like ``max(B)^k`` (≤ 0.25ᵏ with decay
    0.5), so the negligible ones are not made at all. With the default four hops this is six
    compiled CSR products against the power iteration's four.
    """
    n = len(e)
    outs: list[F64] = []
    received = np.zeros(n)
    use_agg = h_in.shape[1] > 0
    for it in range(1, hops + 1):
        out = e + received
        outs.append(out)  # outs[s] = out(s)
        new: F64 = op @ out
        for k in range(1, len(echo) + 1):
            if it - 1 - 2 * k >= 0:
                new += echo[k - 1] @ outs[it - 1 - 2 * k]
            if it - 2 * k >= 0:
                new -= returned[k - 1] * outs[it - 2 * k]
        if use_agg:
            new += h_in @ (h_out @ out) - h_self * out
        delta = float(np.max(np.abs(new - received))) if n else 0.0
        received = new
        if delta < tol:
            return received, it, True
    return received, hops, False


def plain_power_iteration(o: Operator, emission: F64, hops: int) -> F64:
    """The reference cost: ``x ← A·(e + x)`` with the same operator, no echo removal (benchmarks)."""
    e = emission[o.perm].astype(np.float64)
    x = np.zeros_like(e)
    for _ in range(hops):
        y = e + x
        x = o.pairs @ y
        if o.agg_in.shape[1]:
            x += o.agg_in @ (o.agg_out @ y)
    return x[o.inv]
