"""The one builder of the scoring projection: raw tables (from Neo4j or from files) → :class:`Projection`.

Everything that turns what a source holds into what the engine computes on happens here
and only here: ordering by handle, joining relationship ends to table positions (a
reference to a row that is not there is refused), codes for kinds, statuses, roles and
results, blank values, each firm's status as of the month, severity clipped to 0–3,
masked person names, peer groups, and leaving out what did not exist at the month's end
(firms established later, events after it, persons and addresses with no link in force).
Because both sources meet here, they give the same projection by construction.

Pure: arrays in, arrays out; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from riskgraph.months import Month, day_number, ymd_number
from riskgraph.reference.identifiers import mask_name
from riskgraph.scoring.projection import (
    ENTITY_KINDS,
    EVENT_KINDS,
    FIRM_STATUSES,
    INSPECTION_RESULTS,
    KEY_AREAS,
    ROLES,
    UNKNOWN_DAY,
    Projection,
    code_array,
    existing_firms,
    industry_groups,
    region_codes,
    status_as_of,
    ymd_to_days,
)
from riskgraph.tables import Column, Columns, MonthTables

MIN_YMD = 10101  # 0001-01-01: the earliest date a day number is made for


class _Table:
    """A raw table ordered by its ``node`` handles, and the positions of handles in it."""

    def __init__(self, columns: Columns, what: str):
        handles = np.asarray(columns["node"], dtype=np.int64)
        self.order = np.argsort(handles, kind="stable")
        self.handles = handles[self.order]
        self.columns = columns
        self.what = what
        if len(self.handles) > 1 and (np.diff(self.handles) == 0).any():
            raise ValueError(f"raw table of {what}s: a handle is used twice")

    def __len__(self) -> int:
        return len(self.handles)

    def column(self, name: str, dtype: Any) -> np.ndarray:
        return np.asarray(self.columns[name], dtype=dtype)[self.order]

    def positions(self, wanted: Column, what: str) -> np.ndarray:
        """Positions of ``wanted`` handles; refuses a handle that is not in the table."""
        ids = np.asarray(wanted, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros(0, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.handles, ids), max(len(self.handles) - 1, 0))
        if len(self.handles) == 0 or not np.array_equal(self.handles[pos], ids):
            raise ValueError(f"a {what} refers to a {self.what} that is not in the tables "
                             "(was the graph changed while it was read?)")
        return pos


def _ratios(values: Column) -> np.ndarray:
    """Share ratios with every blank (negative or NaN) as NaN."""
    r = np.asarray(values, dtype=np.float32)
    return np.where(r >= 0, r, np.nan).astype(np.float32)


def build_projection(t: MonthTables, month: Month, event_kinds: Sequence[str] | None = None) -> Projection:
    """The projection of ``month`` from its raw tables.

    ``event_kinds`` keeps only the events of those kinds (the ones a model reads:
    ``ModelConfig.event_kinds``); kinds this model version does not know are left out either way.
    """
    end_ymd = ymd_number(month.end)
    firms = _Table(t.firms, "firm")
    persons = _Table(t.persons, "person")
    addresses = _Table(t.address_texts, "address")

    def firm_at(handles: Column, what: str) -> np.ndarray:
        return firms.positions(handles, what).astype(np.int32)

    fid = firms.column("fid", object)
    capital = firms.column("capital", np.float64)
    established = firms.column("established", np.int64)
    status_changes = [t.firms["status_changes"][i] for i in firms.order]

    ev_kind = np.asarray(t.events["kind"], dtype=object)
    ev_ymd = np.asarray(t.events["ymd"], dtype=np.int64)
    wanted = EVENT_KINDS if event_kinds is None else tuple(k for k in event_kinds if k in EVENT_KINDS)
    ev = np.isin(ev_kind, wanted) & (ev_ymd > 0) & (ev_ymd <= end_ymd)
    ev_firm = firm_at(np.asarray(t.events["firm"], dtype=np.int64)[ev], "event")
    severity = np.nan_to_num(np.asarray(t.events["severity"], dtype=np.float64)[ev], nan=0.0)

    sh = t.shareholdings
    by_person = np.asarray(sh["by_person"], dtype=bool)
    sh_holder = np.asarray(sh["holder"], dtype=np.int64)
    sh_firm = np.asarray(sh["firm"], dtype=np.int64)
    sh_ratio = _ratios(sh["ratio"])
    reps, offs, regs, br = t.legal_reps, t.officers, t.addresses, t.branches
    n_persons = len(persons)

    mem_conn = np.concatenate([
        persons.positions(reps["person"], "legal representative"),
        persons.positions(offs["person"], "officer"),
        persons.positions(sh_holder[by_person], "shareholder"),
        n_persons + addresses.positions(regs["address"], "registration"),
    ])
    mem_firm = np.concatenate([firm_at(reps["firm"], "legal representative"), firm_at(offs["firm"], "officer"),
                               firm_at(sh_firm[by_person], "shareholding"), firm_at(regs["firm"], "registration")])
    sizes = (len(reps["firm"]), len(offs["firm"]), int(by_person.sum()), len(regs["firm"]))
    mem_role = np.repeat(np.array([ROLES.index(r) for r in ("legal_rep", "officer", "shareholder", "address")],
                                  dtype=np.int8), sizes)
    mem_ratio = np.concatenate([np.full(sizes[0] + sizes[1], np.nan, np.float32), sh_ratio[by_person],
                                np.full(sizes[3], np.nan, np.float32)])
    n_sh_f, n_br = int((~by_person).sum()), len(br["branch"])

    person_names = persons.column("name", object)
    p = Projection(
        month=month.text, as_of=day_number(month.end),
        firm_key=fid, firm_name=firms.column("name", object),
        kind=code_array(firms.column("kind", object), ENTITY_KINDS, "entity kind"),
        status=code_array(status_as_of(firms.column("status", object), status_changes, month.text), FIRM_STATUSES,
                          "status"),
        key_area=code_array(firms.column("key_area", object), KEY_AREAS, "key area"),
        capital=np.where(capital >= 0, capital, np.nan),
        established=np.where(established > 0, ymd_to_days(np.maximum(established, MIN_YMD)),
                             UNKNOWN_DAY).astype(np.int32),
        ev_firm=ev_firm, ev_kind=code_array(ev_kind[ev], EVENT_KINDS, "event kind"), ev_day=ymd_to_days(ev_ymd[ev]),
        ev_severity=np.clip(severity, 0, 3).astype(np.int8),
        ev_result=code_array(np.asarray(t.events["result"], dtype=object)[ev], INSPECTION_RESULTS,
                             "inspection result"),
        conn_key=np.concatenate([persons.column("key", object), addresses.column("aid", object)]),
        conn_kind=np.concatenate([np.zeros(n_persons, np.int8), np.ones(len(addresses), np.int8)]),
        conn_label=np.concatenate([np.array([mask_name(str(x)) for x in person_names], dtype=object),
                                   addresses.column("text", object)]),
        mem_conn=mem_conn.astype(np.int32), mem_firm=mem_firm, mem_role=mem_role, mem_ratio=mem_ratio,
        link_src=np.concatenate([firm_at(sh_holder[~by_person], "firm shareholder"),
                                 firm_at(br["branch"], "branch")]),
        link_dst=np.concatenate([firm_at(sh_firm[~by_person], "firm shareholding"), firm_at(br["head"], "head firm")]),
        link_kind=np.concatenate([np.zeros(n_sh_f, np.int8), np.ones(n_br, np.int8)]),
        link_ratio=np.concatenate([sh_ratio[~by_person], np.full(n_br, np.nan, np.float32)]),
        firm_node=firms.handles.copy(),
        region=region_codes(firms.column("region", object), fid),
        industry=industry_groups(firms.column("industry", object)),
    )
    return linked_connectors(existing_firms(p))


def linked_connectors(p: Projection) -> Projection:
    """The projection without persons and addresses that no firm is linked to at the month's end.

    A store holds every person and address ever loaded; a file set only those its rows name.
    Neither kind of unlinked connector carries risk, so leaving them out makes both sources alike.
    """
    used = np.zeros(p.n_connectors, dtype=bool)
    used[p.mem_conn] = True
    if used.all():
        return p
    new_index = (np.cumsum(used, dtype=np.int64) - 1).astype(np.int32)
    p.conn_key, p.conn_kind, p.conn_label = p.conn_key[used], p.conn_kind[used], p.conn_label[used]
    p.conn_exempt = p.conn_exempt[used]
    p.mem_conn = new_index[p.mem_conn]
    p.check()
    return p
