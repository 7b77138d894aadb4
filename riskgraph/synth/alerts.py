"""Planted early-warning patterns: what ``riskgraph.warning`` should find, with their truth.

After the registration histories are drawn, from its own stream (``alerts``):

* **address burst** — ``burst_firms`` firms founded in the ``burst_days`` before the last day all
  register at the address of the first of them (a virtual office filling up);
* **person burst** — ``burst_firms`` such firms get one new person as their legal representative
  (with the director or manager role that follows the representative);
* **frequent changes** — a firm at least three years old changes its legal representative
  ``legal_rep_changes`` times and its address once in the year before the last day (each change an
  event *and* the relationship rows, as ``histories.py`` writes them);
* **complaint surge** — a consumer-facing firm at least two years old gets ``complaints`` extra
  complaints in the last month.

Each is planted ``per_10k`` times per 10,000 base firms (at least ``minimum``), never twice on one
firm, never on a planted structure's firm. ``truth/alerts.csv`` lists them. Draws only from the
stream it is handed; no file access.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from riskgraph.synth.addresses import AddressBook
from riskgraph.synth.histories import Histories
from riskgraph.synth.lifecycle import Lifecycle
from riskgraph.synth.people import Roles
from riskgraph.synth.population import INDIVIDUAL, FirmFrame
from riskgraph.synth.profile import Profile
from riskgraph.synth.timeline import NEVER, YEAR, Timeline, day, to_date
from riskgraph.synth.vocabulary import Vocabulary
from riskgraph.synth.world import PersonPool, Plan, Rows, add_events


@dataclass(frozen=True)
class PlantedAlert:
    type: str  # registration_burst | frequent_changes | complaint_surge
    subject_type: str  # address | person | firm
    firms: tuple[int, ...]  # firm numbers; the subject firm first
    first_day: int
    last_day: int
    count: int  # registrations, changes or complaints planted
    address: str | None = None
    person: int | None = None


@dataclass
class AlertPlan:
    planted: list[PlantedAlert] = field(default_factory=list)


def plant_alerts(frame: FirmFrame, plan: Plan, roles: Roles, history: Histories, life: Lifecycle,
                 book: AddressBook, pool: PersonPool, timeline: Timeline, profile: Profile, vocab: Vocabulary,
                 events: Rows, rng: np.random.Generator) -> AlertPlan:
    """Plant every pattern ``per_10k`` times; returns what was planted (fewer where no firm qualifies)."""
    spec = profile.alerts
    out = AlertPlan()
    n_each = max(spec.minimum, round(int(frame.is_base.sum()) * spec.per_10k / 10_000))
    last = day(timeline.last_end)
    month_start = day(timeline.last_end.replace(day=1))
    est = frame.established
    free = ~plan.taken & ~plan.frozen & ~plan.custom_roles & (life.end > last) & (frame.kind != INDIVIDUAL)
    reg = history.registrations.joined()
    reps = history.legal_reps.joined()
    never_moved = reg["until"][: frame.size] == NEVER  # rows 0…n−1 are each firm's first registration
    one_rep = np.bincount(reps["firm"], minlength=frame.size) == 1
    used = np.zeros(frame.size, dtype=bool)

    def take(mask: np.ndarray, k: int) -> np.ndarray:
        pool_ = np.flatnonzero(mask & ~used)
        if len(pool_) < k:
            return np.zeros(0, dtype=np.int64)
        chosen = np.sort(rng.choice(pool_, size=k, replace=False))
        used[chosen] = True
        return chosen

    recent = free & (est > last - spec.burst_days) & (est <= last) & one_rep & never_moved
    for _ in range(n_each):  # address bursts: the first firm's address becomes everyone's
        k = int(rng.integers(spec.burst_firms[0], spec.burst_firms[1] + 1))
        firms = take(recent, k)
        if len(firms) == 0:
            break
        firms = firms[np.argsort(est[firms], kind="stable")]
        target = reg["address"][firms[0]]
        reg["address"][firms] = target
        reg["region_blank"][firms] = True  # written without a region code: one key, whatever the firms' counties
        out.planted.append(PlantedAlert("registration_burst", "address", tuple(firms.tolist()), int(est[firms].min()),
                                        int(est[firms].max()), k, address=str(target)))
    officers = roles.officers.joined()
    for _ in range(n_each):  # person bursts: one new person represents them all
        k = int(rng.integers(spec.burst_firms[0], spec.burst_firms[1] + 1))
        firms = take(recent, k)
        if len(firms) == 0:
            break
        person = int(pool.add(frame.county[firms[:1]], np.ones(1, dtype=bool))[0])
        rows = np.flatnonzero(np.isin(reps["firm"], firms))
        old = reps["person"][rows]
        reps["person"][rows] = person
        follows = np.flatnonzero(np.isin(officers["firm"], firms) & np.isin(officers["person"], old)
                                 & np.isin(officers["since"], est[firms]))
        officers["person"][follows] = person
        out.planted.append(PlantedAlert("registration_burst", "person", tuple(firms.tolist()), int(est[firms].min()),
                                        int(est[firms].max()), k, person=person))

    old_enough = free & (est < last - 3 * YEAR) & never_moved & one_rep
    for _ in range(n_each):  # frequent changes
        firms = take(old_enough, 1)
        if len(firms) == 0:
            break
        f = int(firms[0])
        n_rep = spec.legal_rep_changes
        days = np.sort(last - rng.choice(np.arange(5, YEAR - 5), size=n_rep + 1, replace=False))
        rep_days, move_day = days[np.arange(n_rep + 1) != 2][:n_rep], int(days[2])
        rep_row = int(np.flatnonzero(reps["firm"] == f)[0])
        reps["until"][rep_row] = rep_days[0]
        people = pool.add(np.full(n_rep, frame.county[f]), rng.random(n_rep) < 0.6)
        history.legal_reps.add(person=people, firm=np.full(n_rep, f), since=rep_days,
                               until=np.append(rep_days[1:], NEVER))
        add_events(events, np.full(n_rep, f), "change_legal_rep", rep_days)
        old_address = reg["address"][f]
        reg["until"][f] = move_day
        history.registrations.add(firm=np.array([f]), address=book.ordinary(frame.county[[f]], frame.kind[[f]], rng),
                                  region_blank=np.zeros(1, dtype=bool), since=np.array([move_day]),
                                  until=np.array([NEVER]))
        add_events(events, np.array([f]), "change_address", np.array([move_day]),
                   detail=np.array([f"原住所：{old_address}"], dtype=object))
        out.planted.append(PlantedAlert("frequent_changes", "firm", (f,), int(days.min()), int(days.max()), n_rep + 1))

    c = profile.events.complaint
    facing = np.isin(np.array([code[0] for code in frame.industry], dtype=object), c.sections)
    topics = np.array(vocab.list("complaint_topics"), dtype=object)
    mature = ~plan.taken & facing & (est < last - 2 * YEAR) & (life.end > last)
    for _ in range(n_each):  # complaint surges in the last month
        firms = take(mature, 1)
        if len(firms) == 0:
            break
        k = int(rng.integers(spec.complaints[0], spec.complaints[1] + 1))
        dates = np.sort(rng.integers(month_start, last + 1, k))
        add_events(events, np.full(k, firms[0]), "complaint", dates, severity=1 + rng.binomial(2, 0.3, k),
                   detail=topics[rng.integers(0, len(topics), k)])
        out.planted.append(PlantedAlert("complaint_surge", "firm", (int(firms[0]),), int(dates.min()),
                                        int(dates.max()), k))
    return out


def alert_table(planted: AlertPlan, firm_ids: np.ndarray, person_ids: np.ndarray) -> pa.Table:
    """``truth/alerts.csv``: type, subject_type, subject (address text, person ID number, firm id), firms, dates."""
    def subject(a: PlantedAlert) -> str:
        if a.subject_type == "address":
            return str(a.address)
        if a.subject_type == "person" and a.person is not None:
            return str(person_ids[a.person])
        return str(firm_ids[a.firms[0]])

    rows = planted.planted
    return pa.table({
        "type": pa.array([a.type for a in rows], pa.string()),
        "subject_type": pa.array([a.subject_type for a in rows], pa.string()),
        "subject": pa.array([subject(a) for a in rows], pa.string()),
        "firms": pa.array([";".join(str(firm_ids[f]) for f in a.firms) for a in rows], pa.string()),
        "first_date": pa.array([to_date(a.first_day).isoformat() for a in rows], pa.string()),
        "last_date": pa.array([to_date(a.last_day).isoformat() for a in rows], pa.string()),
        "count": pa.array([a.count for a in rows], pa.int64()),
    })
