"""Who holds which role in which firm: legal reps, shareholders, officers, cooperative members.

Every ordinary firm has a *principal*: its legal representative (unless a structure
imposes one) and, in enterprises, its main shareholder and usually director and/or
manager. Other roles (co-shareholders, supervisors, extra directors, members of a
cooperative) are *secondary* slots. Persons are dealt to slots county by county with a
heavy-tailed number of firms each (most persons one firm, a few dozens), so the graph
has many persons with one role and a few with roles in many firms, mostly nearby.
Firms of planted structures bring their own shareholders and officers (``Plan``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskgraph.synth.population import COOPERATIVE, ENTERPRISE, INDIVIDUAL, FirmFrame
from riskgraph.synth.profile import Profile
from riskgraph.synth.randomness import zipf_counts
from riskgraph.synth.timeline import NEVER
from riskgraph.synth.world import DIRECTOR, MANAGER, SUPERVISOR, PersonPool, Plan, Rows, officer_rows, shareholding_rows

HOLDER, MEMBER = 10, 11  # secondary slot kinds besides the officer roles


@dataclass
class Roles:
    principal: np.ndarray  # person per firm, -1 for firms whose roles a structure decides
    first_rep: np.ndarray  # legal representative at establishment
    rep_director: np.ndarray  # the legal rep also holds the director role (follows rep changes)
    rep_manager: np.ndarray
    holdings: Rows
    officers: Rows


def _deal(rng: np.random.Generator, county: np.ndarray, one_share: float, exponent: float, maximum: int,
          ) -> tuple[np.ndarray, np.ndarray, int]:
    """Deal slots to new persons county by county; returns (person offset per slot, home county per person, count)."""
    n = len(county)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    order = np.lexsort((rng.random(n), county))
    degrees = zipf_counts(rng, n, one_share, exponent, maximum)
    ends = np.cumsum(degrees)
    m = int(np.searchsorted(ends, n) + 1)
    person_sorted = np.repeat(np.arange(m), degrees[:m])[:n]
    offset = np.empty(n, dtype=np.int64)
    offset[order] = person_sorted
    first_slot = np.concatenate([[0], ends[: m - 1]])
    home = county[order][np.minimum(first_slot, n - 1)]
    return offset, home, m


def assign_roles(frame: FirmFrame, plan: Plan, pool: PersonPool, profile: Profile,
                 rng: np.random.Generator) -> Roles:
    """Principals, secondary persons, person and firm shareholdings, officers."""
    spec = profile.persons
    n = frame.size
    kind, county = frame.kind, frame.county
    ordinary = ~plan.custom_roles

    # principals
    p_firms = np.flatnonzero(ordinary)
    offset, home, m = _deal(rng, county[p_firms], spec.principal_one_share, spec.principal_zipf_exponent,
                            spec.principal_max_firms)
    persons = pool.add(home, rng.random(m) < spec.male_share_principal)
    principal = np.full(n, -1, dtype=np.int64)
    principal[p_firms] = persons[offset]

    # how the principal serves an enterprise, and which secondary slots the firm needs
    enterprise = ordinary & (kind == ENTERPRISE) & ~frame.is_branch
    imposed_rep = plan.rep_override >= 0
    role = rng.choice(3, size=n, p=[spec.rep_roles[k] for k in ("director_and_manager", "director", "manager")])
    rep_director = enterprise & ~imposed_rep & (role <= 1)
    rep_manager = enterprise & ~imposed_rep & ((role == 0) | (role == 2))
    large = enterprise & (np.nan_to_num(frame.capital, nan=0.0) >= profile.population.large_firm_capital)
    person_share = np.where(plan.firm_holder >= 0, 1.0 - plan.firm_holder_ratio, 1.0)
    holds = enterprise & (person_share > 1e-9)
    probs = np.array(spec.shareholders_per_enterprise)
    n_holders = np.where(holds, rng.choice(len(probs), size=n, p=probs) + 1, 0)
    lo, hi = spec.cooperative_members
    n_members = np.where(ordinary & (kind == COOPERATIVE), rng.integers(lo, hi + 1, n), 0)
    d_lo, d_hi = spec.large_firm_extra_directors
    slots_per_kind = {
        HOLDER: np.maximum(n_holders - 1, 0),
        MEMBER: n_members,
        SUPERVISOR: np.where(enterprise | (ordinary & (kind == COOPERATIVE)), 1, 0)
        + np.where(large, spec.large_firm_extra_supervisors, 0),
        DIRECTOR: np.where(enterprise & ~rep_director & ~imposed_rep, 1, 0)
        + np.where(large, rng.integers(d_lo, d_hi + 1, n), 0),
        MANAGER: np.where(enterprise & ~rep_manager & ~imposed_rep & (role == 1) & (rng.random(n) < 0.5), 1, 0),
    }
    slot_firm = np.concatenate([np.repeat(np.arange(n), c) for c in slots_per_kind.values()])
    slot_kind = np.concatenate([np.full(int(c.sum()), k) for k, c in slots_per_kind.items()])

    # secondary persons: some head another firm of the county, the rest are dealt like principals
    from_principals = rng.random(len(slot_firm)) < spec.secondary_from_principals
    slot_person = np.empty(len(slot_firm), dtype=np.int64)
    slot_person[from_principals] = _principal_of_same_county(county, principal, slot_firm[from_principals], rng)
    fresh = np.flatnonzero(~from_principals | (slot_person < 0))
    offset, home, m = _deal(rng, county[slot_firm[fresh]], spec.secondary_one_share, spec.secondary_zipf_exponent,
                            spec.secondary_max_firms)
    persons = pool.add(home, rng.random(m) < spec.male_share_secondary)
    slot_person[fresh] = persons[offset]

    # nobody holds two slots of one firm: later duplicates go to new persons
    key = slot_firm * (pool.count + 1) + slot_person
    principal_key = np.flatnonzero(principal >= 0) * (pool.count + 1) + principal[principal >= 0]
    _, first = np.unique(np.concatenate([principal_key, key]), return_index=True)
    keep = np.zeros(len(principal_key) + len(key), dtype=bool)
    keep[first] = True
    dup = np.flatnonzero(~keep[len(principal_key):])
    if len(dup):
        slot_person[dup] = pool.add(county[slot_firm[dup]], rng.random(len(dup)) < spec.male_share_secondary)

    holdings = shareholding_rows()
    _person_holdings(holdings, frame, plan, principal, n_holders > 0, slot_firm, slot_kind, slot_person,
                     person_share, spec.principal_share_alpha, rng)
    _firm_holdings(holdings, frame, plan)
    holdings.add(**plan.custom_holdings.joined())

    officers = officer_rows()
    static = np.isin(slot_kind, [SUPERVISOR, DIRECTOR, MANAGER])
    officers.add(person=slot_person[static], firm=slot_firm[static], role=slot_kind[static],
                 since=frame.established[slot_firm[static]], until=np.full(int(static.sum()), NEVER))
    # a principal whose firm has an imposed legal rep still directs the firm
    directs = np.flatnonzero(enterprise & imposed_rep)
    officers.add(person=principal[directs], firm=directs, role=np.full(len(directs), DIRECTOR),
                 since=frame.established[directs], until=np.full(len(directs), NEVER))
    officers.add(**plan.custom_officers.joined())

    first_rep = np.where(imposed_rep, plan.rep_override, principal)
    if (first_rep < 0).any():
        raise AssertionError(f"{int((first_rep < 0).sum())} firms have no legal representative")
    return Roles(principal, first_rep, rep_director, rep_manager, holdings, officers)


def _principal_of_same_county(county: np.ndarray, principal: np.ndarray, firms: np.ndarray,
                              rng: np.random.Generator) -> np.ndarray:
    """For each firm, the principal of a random firm in the same county (-1 when there is none)."""
    with_principal = np.flatnonzero(principal >= 0)
    order = with_principal[np.argsort(county[with_principal], kind="stable")]
    sorted_county = county[order]
    start = np.searchsorted(sorted_county, county[firms], side="left")
    stop = np.searchsorted(sorted_county, county[firms], side="right")
    size = stop - start
    pick = start + (rng.random(len(firms)) * np.maximum(size, 1)).astype(np.int64)
    out = np.where(size > 0, principal[order[np.minimum(pick, len(order) - 1)]], -1)
    return out


def _person_holdings(rows: Rows, frame: FirmFrame, plan: Plan, principal: np.ndarray, principal_holds: np.ndarray,
                     slot_firm: np.ndarray, slot_kind: np.ndarray, slot_person: np.ndarray,
                     person_share: np.ndarray, principal_alpha: float, rng: np.random.Generator) -> None:
    """Person shareholders of ordinary enterprises and cooperatives, shares drawn from a Dirichlet."""
    p_firms = np.flatnonzero(principal_holds | ((frame.kind == COOPERATIVE) & (principal >= 0)))
    p_firms = p_firms[frame.kind[p_firms] != INDIVIDUAL]
    other = np.isin(slot_kind, [HOLDER, MEMBER])
    firm = np.concatenate([p_firms, slot_firm[other]])
    person = np.concatenate([principal[p_firms], slot_person[other]])
    weight = np.concatenate([rng.gamma(principal_alpha, 1.0, len(p_firms)), rng.gamma(1.0, 1.0, int(other.sum()))])
    total = np.bincount(firm, weights=weight, minlength=frame.size)
    ratio = np.floor(weight / total[firm] * person_share[firm] * 10_000) / 10_000
    capital = frame.capital[firm]
    rows.add(holder=person, holder_is_firm=np.zeros(len(firm), dtype=bool), firm=firm, ratio=ratio,
             subscribed=np.round(ratio * capital, 2), since=frame.established[firm],
             until=np.full(len(firm), NEVER))


def _firm_holdings(rows: Rows, frame: FirmFrame, plan: Plan) -> None:
    """Stakes that firms hold in firms: group parents, state-asset holders, cross-holding loops."""
    firms = np.flatnonzero(plan.firm_holder >= 0)
    ratio = plan.firm_holder_ratio[firms]
    rows.add(holder=plan.firm_holder[firms], holder_is_firm=np.ones(len(firms), dtype=bool), firm=firms,
             ratio=ratio, subscribed=np.round(ratio * frame.capital[firms], 2),
             since=np.maximum(plan.firm_holder_since[firms], frame.established[firms]),
             until=np.full(len(firms), NEVER))
