"""Registration changes over time: legal representatives, addresses, shareholders, names.

Each change is one dated event *and* the matching relationship rows: the old row gets
``until`` = the change day and a new row starts that day, so a delta month re-sends the
closed row with ``until`` set and sends the new one. Changes happen inside the event
window at a yearly rate ``base + slope × risk`` (frequent changes are a risk signal).
Firms of planted structures keep their legal rep and address, so the planted links
stay intact for the whole timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from riskgraph.synth.addresses import AddressBook
from riskgraph.synth.incidents import live_window
from riskgraph.synth.lifecycle import Lifecycle
from riskgraph.synth.people import Roles
from riskgraph.synth.population import INDIVIDUAL, FirmFrame
from riskgraph.synth.profile import ChangeRate, Profile
from riskgraph.synth.timeline import NEVER, YEAR, Timeline
from riskgraph.synth.world import (
    DIRECTOR,
    MANAGER,
    PersonPool,
    Plan,
    Rows,
    add_events,
    legal_rep_rows,
    registration_rows,
)


@dataclass
class Histories:
    legal_reps: Rows
    registrations: Rows
    renamed_on: np.ndarray  # day of the name change, NEVER for none
    new_name: np.ndarray  # name from that day on (object, None for none)


def _once(spec: ChangeRate, risk: np.ndarray, start: np.ndarray, stop: np.ndarray, eligible: np.ndarray,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Firms that change once within [start, stop) and the day they do."""
    years = (stop - start) / YEAR
    p = 1.0 - np.exp(-np.maximum(spec.base + spec.slope * risk, 0.0) * years)
    firms = np.flatnonzero(eligible & (stop - start > 1) & (rng.random(len(risk)) < p))
    days = start[firms] + 1 + (rng.random(len(firms)) * (stop[firms] - start[firms] - 1)).astype(np.int64)
    return firms, days


def draw_histories(frame: FirmFrame, plan: Plan, roles: Roles, life: Lifecycle, risk: np.ndarray, names: np.ndarray,
                   rename: Callable[[np.ndarray], np.ndarray], book: AddressBook, pool: PersonPool,
                   timeline: Timeline, profile: Profile, events: Rows, rng: np.random.Generator) -> Histories:
    """Legal-rep episodes (with the director/manager roles that follow the rep), addresses, transfers, renames."""
    spec = profile.changes
    n = frame.size
    start, stop = live_window(frame, life, timeline)
    est = frame.established
    movable = ~plan.frozen & ~plan.custom_roles

    # legal representatives: up to max_per_firm changes, each to a new person
    eligible = movable & (frame.kind != INDIVIDUAL)
    rate = np.maximum(spec.legal_rep.base + spec.legal_rep.slope * risk, 0.0)
    count = np.where(eligible & (stop - start > 1),
                     np.minimum(rng.poisson(rate * (stop - start) / YEAR), spec.legal_rep.max_per_firm), 0)
    changed = np.repeat(np.arange(n), count)
    days = start[changed] + 1 + (rng.random(len(changed)) * (stop - start - 1)[changed]).astype(np.int64)
    order = np.lexsort((days, changed))
    changed, days = changed[order], days[order]
    # one change per day and firm
    same = np.zeros(len(days), dtype=bool)
    same[1:] = (changed[1:] == changed[:-1]) & (days[1:] <= days[:-1])
    changed, days = changed[~same], days[~same]
    successors = pool.add(frame.county[changed], rng.random(len(changed)) < profile.persons.male_share_principal)
    ep_firm = np.concatenate([np.arange(n), changed])
    ep_person = np.concatenate([roles.first_rep, successors])
    ep_since = np.concatenate([est, days])
    order = np.lexsort((ep_since, ep_firm))
    ep_firm, ep_person, ep_since = ep_firm[order], ep_person[order], ep_since[order]
    ep_until = np.full(len(ep_firm), NEVER, dtype=np.int64)
    follows = ep_firm[1:] == ep_firm[:-1]
    ep_until[:-1][follows] = ep_since[1:][follows]
    legal_reps = legal_rep_rows()
    legal_reps.add(person=ep_person, firm=ep_firm, since=ep_since, until=ep_until)
    for flag, role in ((roles.rep_director, DIRECTOR), (roles.rep_manager, MANAGER)):
        rows = flag[ep_firm]
        roles.officers.add(person=ep_person[rows], firm=ep_firm[rows], role=np.full(int(rows.sum()), role),
                           since=ep_since[rows], until=ep_until[rows])
    add_events(events, changed, "change_legal_rep", days)

    # registered address: the first one, and one move for some firms
    first = plan.address.copy()
    ordinary = np.flatnonzero(first == None)  # noqa: E711 (element-wise on an object array)
    first[ordinary] = book.ordinary(frame.county[ordinary], frame.kind[ordinary], rng)
    blank = np.zeros(n, dtype=bool)
    blank[ordinary] = rng.random(len(ordinary)) < profile.addresses.region_blank_share
    moved, move_day = _once(spec.address, risk, start, stop, movable, rng)
    new_address = book.ordinary(frame.county[moved], frame.kind[moved], rng)
    until = np.full(n, NEVER, dtype=np.int64)
    until[moved] = move_day
    registrations = registration_rows()
    registrations.add(firm=np.arange(n), address=first, region_blank=blank, since=est, until=until)
    new_blank = rng.random(len(moved)) < profile.addresses.region_blank_share
    registrations.add(firm=moved, address=new_address, region_blank=new_blank, since=move_day,
                      until=np.full(len(moved), NEVER))
    add_events(events, moved, "change_address", move_day,
               detail=np.array(["原住所：" + str(a) for a in first[moved]], dtype=object))

    # a share transfer: one ordinary person shareholder hands the stake to someone new
    h = roles.holdings.joined()
    candidate = np.flatnonzero(~h["holder_is_firm"] & movable[h["firm"]] & (h["until"] == NEVER))
    candidate = candidate[rng.permutation(len(candidate))]
    _, first_row = np.unique(h["firm"][candidate], return_index=True)
    row_of_firm = np.full(n, -1, dtype=np.int64)
    row_of_firm[h["firm"][candidate[first_row]]] = candidate[first_row]
    transfer, transfer_day = _once(spec.shareholder, risk, start, stop, row_of_firm >= 0, rng)
    rows = row_of_firm[transfer]
    transfer_day = np.maximum(transfer_day, h["since"][rows] + 1)
    keep = transfer_day < stop[transfer]
    transfer, transfer_day, rows = transfer[keep], transfer_day[keep], rows[keep]
    until = h["until"].copy()
    until[rows] = transfer_day
    roles.holdings.set("until", until)
    buyers = pool.add(frame.county[transfer], rng.random(len(transfer)) < profile.persons.male_share_secondary)
    roles.holdings.add(holder=buyers, holder_is_firm=np.zeros(len(rows), dtype=bool), firm=transfer,
                       ratio=h["ratio"][rows], subscribed=h["subscribed"][rows], since=transfer_day,
                       until=np.full(len(rows), NEVER))
    add_events(events, transfer, "change_shareholder", transfer_day)

    # a new name
    renamable = movable & ~frame.is_branch & (plan.full_name == None)  # noqa: E711
    renamed, rename_day = _once(spec.name, risk, start, stop, renamable, rng)
    renamed_on = np.full(n, NEVER, dtype=np.int64)
    renamed_on[renamed] = rename_day
    new_name = np.full(n, None, dtype=object)
    new_name[renamed] = rename(renamed)
    add_events(events, renamed, "change_name", rename_day,
               detail=np.array(["原名称：" + str(x) for x in names[renamed]], dtype=object))
    return Histories(legal_reps, registrations, renamed_on, new_name)
