"""The projection: the columns the scoring engine computes on, as numpy arrays.

A projection is the graph as it stood at the end of one month, flattened: firms with
their attributes, the dated events up to that day, the memberships of firms in shared
connectors (persons in their roles, addresses) and direct firm-to-firm links
(shareholdings between firms, branches). One builder makes it (``scoring/build.py``),
from raw tables read out of Neo4j or out of interchange files, so scoring a past month
again gives the same answer whatever the source.

Codes are positions in the tuples below; dates are day numbers since 1970-01-01.
This module only declares the shape; it does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from riskgraph.model import EntityKind, EventKind, FirmStatus, InspectionResult, KeyArea
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import person_key

ENTITY_KINDS: tuple[str, ...] = tuple(k.value for k in EntityKind)
FIRM_STATUSES: tuple[str, ...] = tuple(s.value for s in FirmStatus)
KEY_AREAS: tuple[str, ...] = tuple(a.value for a in KeyArea)
EVENT_KINDS: tuple[str, ...] = tuple(k.value for k in EventKind)
INSPECTION_RESULTS: tuple[str, ...] = tuple(r.value for r in InspectionResult)
# A firm's role at a shared connector. Person roles, then the address membership.
ROLES: tuple[str, ...] = ("legal_rep", "officer", "shareholder", "address")
CONNECTOR_KINDS: tuple[str, ...] = ("person", "address")
LINK_KINDS: tuple[str, ...] = ("shareholding", "branch")  # src holds dst / src is a branch of dst

I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.object_]

UNKNOWN_DAY = np.iinfo(np.int32).min


def ymd_to_days(ymd: npt.NDArray[np.int64]) -> I32:
    """Vectorised YYYYMMDD integers to day numbers (Howard Hinnant's days_from_civil)."""
    ymd = np.asarray(ymd, dtype=np.int64)
    y = ymd // 10000
    m = (ymd // 100) % 100
    d = ymd % 100
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return (era * 146097 + doe - 719468).astype(np.int32)


@dataclass
class Projection:
    """The month's graph as columns. Firm indices are positions in ``firm_key``."""

    month: str
    as_of: int  # day number of the month's last day
    # firms (n)
    firm_key: Strs  # fid
    firm_name: Strs
    kind: I8  # ENTITY_KINDS
    status: I8  # FIRM_STATUSES
    key_area: I8  # KEY_AREAS, -1 none
    capital: F64  # registered capital, 10,000 CNY; nan unknown
    established: I32  # day number; UNKNOWN_DAY unknown
    # events (m), up to as_of
    ev_firm: I32
    ev_kind: I8  # EVENT_KINDS
    ev_day: I32
    ev_severity: I8  # 0 unknown
    ev_result: I8  # INSPECTION_RESULTS, -1 none
    # shared connectors (c): persons and addresses
    conn_key: Strs  # pid or aid
    conn_kind: I8  # CONNECTOR_KINDS
    conn_label: Strs  # masked person name or address text, safe to show
    # memberships (k): firm `mem_firm` is linked to connector `mem_conn` in role `mem_role`
    mem_conn: I32
    mem_firm: I32
    mem_role: I8  # ROLES
    mem_ratio: F32  # share ratio for shareholders, nan otherwise/unknown
    # direct firm-to-firm links (l), in force at as_of
    link_src: I32
    link_dst: I32
    link_kind: I8  # LINK_KINDS
    link_ratio: F32
    # opaque node handles for writing results back (Neo4j internal ids), -1 if none
    firm_node: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # peer groups: GB/T 2260 county code as a number, GB/T 4754 division as a group number; -1 unknown
    region: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    industry: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    # hubs that must not pass risk (set from the exempt-hub list)
    firm_exempt: Bools = field(default_factory=lambda: np.zeros(0, dtype=bool))
    conn_exempt: Bools = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        n, c = len(self.firm_key), len(self.conn_key)
        if len(self.firm_node) != n:
            self.firm_node = np.full(n, -1, dtype=np.int64)
        if len(self.region) != n:
            self.region = np.full(n, -1, dtype=np.int32)
        if len(self.industry) != n:
            self.industry = np.full(n, -1, dtype=np.int32)
        if len(self.firm_exempt) != n:
            self.firm_exempt = np.zeros(n, dtype=bool)
        if len(self.conn_exempt) != c:
            self.conn_exempt = np.zeros(c, dtype=bool)
        self.check()

    @property
    def n_firms(self) -> int:
        return len(self.firm_key)

    @property
    def n_connectors(self) -> int:
        return len(self.conn_key)

    def check(self) -> None:
        """Refuse arrays that disagree in length or point outside their tables."""
        n, c = self.n_firms, self.n_connectors
        groups = {
            "firm": (n, ("firm_name", "kind", "status", "key_area", "capital", "established")),
            "event": (len(self.ev_firm), ("ev_kind", "ev_day", "ev_severity", "ev_result")),
            "connector": (c, ("conn_kind", "conn_label")),
            "membership": (len(self.mem_conn), ("mem_firm", "mem_role", "mem_ratio")),
            "link": (len(self.link_src), ("link_dst", "link_kind", "link_ratio")),
        }
        for what, (size, names) in groups.items():
            for name in names:
                if len(getattr(self, name)) != size:
                    raise ValueError(f"projection column {name} has {len(getattr(self, name))} rows, "
                                     f"the {what} table {size}")
        for name, upper in (("ev_firm", n), ("mem_firm", n), ("link_src", n), ("link_dst", n), ("mem_conn", c)):
            arr = getattr(self, name)
            if len(arr) and (arr.min() < 0 or arr.max() >= upper):
                raise ValueError(f"projection column {name} points outside its table (size {upper})")

    def firm_index(self) -> dict[str, int]:
        return {str(k): i for i, k in enumerate(self.firm_key)}


def status_as_of(current: npt.NDArray[np.object_], changes: list[list[str]], month: str) -> npt.NDArray[np.object_]:
    """Each firm's status at the end of ``month`` from its current status and its dated changes.

    ``changes`` per firm: ``"YYYY-MM:status before"`` in load order, one per monthly delta that
    changed the status. The status at the end of ``month`` is the one before the first change
    dated after it; with none, the current one.
    """
    out = np.asarray(current, dtype=object).copy()
    for i, firm_changes in enumerate(changes):
        for entry in firm_changes:
            changed, _, before = str(entry).partition(":")
            if changed > month:
                out[i] = before
                break
    return out


def existing_firms(p: Projection) -> Projection:
    """The projection without firms established after its month end (and their records).

    The graph holds the latest state; re-scoring an earlier month after later deltas were
    loaded must not rate firms that did not exist yet.
    """
    keep = (p.established == UNKNOWN_DAY) | (p.established <= p.as_of)
    if keep.all():
        return p
    new_index = np.cumsum(keep, dtype=np.int64) - 1
    ev = keep[p.ev_firm]
    mem = keep[p.mem_firm]
    link = keep[p.link_src] & keep[p.link_dst]

    def firms(a: np.ndarray) -> np.ndarray:
        return a[keep]

    return Projection(
        month=p.month, as_of=p.as_of,
        firm_key=firms(p.firm_key), firm_name=firms(p.firm_name), kind=firms(p.kind), status=firms(p.status),
        key_area=firms(p.key_area), capital=firms(p.capital), established=firms(p.established),
        ev_firm=new_index[p.ev_firm[ev]].astype(np.int32), ev_kind=p.ev_kind[ev], ev_day=p.ev_day[ev],
        ev_severity=p.ev_severity[ev], ev_result=p.ev_result[ev],
        conn_key=p.conn_key, conn_kind=p.conn_kind, conn_label=p.conn_label,
        mem_conn=p.mem_conn[mem], mem_firm=new_index[p.mem_firm[mem]].astype(np.int32), mem_role=p.mem_role[mem],
        mem_ratio=p.mem_ratio[mem],
        link_src=new_index[p.link_src[link]].astype(np.int32), link_dst=new_index[p.link_dst[link]].astype(np.int32),
        link_kind=p.link_kind[link], link_ratio=p.link_ratio[link],
        firm_node=firms(p.firm_node), region=firms(p.region), industry=firms(p.industry),
        firm_exempt=firms(p.firm_exempt), conn_exempt=p.conn_exempt,
    )


def code_array(values: list[str | None] | npt.NDArray[np.object_], table: tuple[str, ...],
               what: str, missing: int = -1) -> I8:
    """Strings to codes (positions in ``table``); None/empty to ``missing``; unknown refused."""
    series = pd.Series(values, dtype=object)
    blank = series.isna() | (series == "")
    codes = series.map({v: i for i, v in enumerate(table)})
    unknown = codes.isna() & ~blank
    if unknown.any():
        bad = series[unknown].iloc[0]
        raise ValueError(f"unknown {what} {bad!r}; expected one of {', '.join(table)}")
    return np.asarray(codes.fillna(missing).to_numpy(dtype=np.int8), dtype=np.int8)


def _coded(text: pd.Series, code: Callable[[str], int]) -> I32:
    """Apply ``code`` to each distinct value only (a million rows hold a few hundred values)."""
    positions, uniques = pd.factorize(text, use_na_sentinel=False)
    table = np.array([code(str(u)) for u in uniques], dtype=np.int32)
    return table[positions] if len(table) else np.zeros(0, dtype=np.int32)


def _region_number(text: str) -> int:
    return int(text) if len(text) == 6 and text.isdigit() else -1


def _division_number(text: str) -> int:
    ok = len(text) == 3 and "A" <= text[0] <= "T" and text[1:].isdigit()
    return (ord(text[0]) - ord("A")) * 100 + int(text[1:]) if ok else -1


def region_codes(region: npt.NDArray[np.object_], firm_key: npt.NDArray[np.object_]) -> I32:
    """GB/T 2260 codes as numbers; a blank region is taken from a USCC's characters 3–8; else -1."""
    reg = pd.Series(region, dtype=object).fillna("")
    blank = (reg == "").to_numpy()
    if blank.any():
        keys = pd.Series(firm_key[blank], dtype=object).astype(str)
        uscc = (keys.str.len() == 18) & ~keys.str.contains(":", regex=False)
        reg[blank] = keys.str.slice(2, 8).where(uscc, "").to_numpy()
    return _coded(reg, _region_number)


def industry_groups(industry: npt.NDArray[np.object_]) -> I32:
    """GB/T 4754 division (section letter + 2 digits, e.g. ``C13``) as a number: letter × 100 + division; -1."""
    return _coded(pd.Series(industry, dtype=object).fillna("").astype(str).str.slice(0, 3), _division_number)


class HubList(Protocol):
    """Raw identifiers of hubs that must not pass risk (``scoring.config.ExemptHubs`` is one)."""

    @property
    def firms(self) -> Sequence[str]: ...
    @property
    def persons(self) -> Sequence[str]: ...
    @property
    def addresses(self) -> Sequence[str]: ...


def mark_exempt(p: Projection, hubs: HubList, salt: str) -> dict[str, int]:
    """Set the projection's exempt flags from a hub list of raw identifiers; returns counts matched."""
    firm_keys = set(hubs.firms)
    person_keys = {person_key(raw, salt) for raw in hubs.persons}
    listed = _address_regions(tuple(hubs.addresses))
    p.firm_exempt = np.fromiter((k in firm_keys for k in p.firm_key), dtype=bool, count=p.n_firms)
    p.conn_exempt = np.fromiter(
        ((k in person_keys) if kind == 0 else _address_listed(str(k), listed)
         for k, kind in zip(p.conn_key, p.conn_kind, strict=True)), dtype=bool, count=p.n_connectors)
    return {"firms": int(p.firm_exempt.sum()), "connectors": int(p.conn_exempt.sum())}


def _address_regions(raw_addresses: tuple[str, ...]) -> dict[str, set[str]]:
    """Listed addresses: normalised text → region prefixes ("" when the text names no region).

    A prefix is the region code without its trailing zero pairs (深圳市 440300 → "4403"), so a
    hub written with its city matches the stored address in any county of that city, but the same
    street address in another city does not.
    """
    out: dict[str, set[str]] = {}
    for raw in raw_addresses:
        a = normalise_address(raw)
        prefix = (a.region or "").rstrip("0")
        prefix += "0" * (len(prefix) % 2)  # whole digit pairs: 110100 → "1101", 110000 → "11"
        out.setdefault(a.text, set()).add(prefix)
    return out


def _address_listed(key: str, listed: dict[str, set[str]]) -> bool:
    """Whether an address key ("region:text") is on the list; an unknown region on either side matches."""
    region, _, text = key.partition(":")
    prefixes = listed.get(text)
    if prefixes is None:
        return False
    return region in ("", "000000") or any(region.startswith(pre) for pre in prefixes)
