"""Containers of the generated world: columnar rows, the person pool and the structure plan.

Everything is indexed by integers (firm number, person number); identifiers and text
are attached only when the world is written. Relationship rows carry ``since`` and
``until`` day numbers (``NEVER`` = still open), events a ``date``: the writer cuts the
base snapshot, the delta months and the future months from these dates alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from riskgraph.model import EventKind, InspectionResult
from riskgraph.synth.timeline import NEVER


class Rows:
    """Equal-length numpy columns, appended in chunks and joined once."""

    def __init__(self, columns: tuple[str, ...]):
        self.columns = columns
        self._chunks: list[dict[str, np.ndarray]] = []
        self._joined: dict[str, np.ndarray] | None = None

    def add(self, **cols: np.ndarray) -> None:
        if set(cols) != set(self.columns):
            raise AssertionError(f"columns {sorted(cols)} ≠ {sorted(self.columns)}")
        lengths = {len(np.asarray(v)) for v in cols.values()}
        if len(lengths) != 1:
            raise AssertionError(f"ragged chunk: {lengths}")
        if lengths.pop() == 0:
            return
        self._chunks.append({k: np.asarray(v) for k, v in cols.items()})
        self._joined = None

    def __getitem__(self, column: str) -> np.ndarray:
        return self.joined()[column]

    def __len__(self) -> int:
        return sum(len(c[self.columns[0]]) for c in self._chunks)

    def joined(self) -> dict[str, np.ndarray]:
        if self._joined is None:
            if not self._chunks:
                self._joined = {c: np.zeros(0) for c in self.columns}
            else:
                self._joined = {c: np.concatenate([ch[c] for ch in self._chunks]) for c in self.columns}
                self._chunks = [self._joined]
        return self._joined

    def set(self, column: str, values: np.ndarray) -> None:
        self.joined()[column] = values


def legal_rep_rows() -> Rows:
    return Rows(("person", "firm", "since", "until"))


def officer_rows() -> Rows:
    return Rows(("person", "firm", "role", "since", "until"))  # role: 0 director, 1 supervisor, 2 manager


def shareholding_rows() -> Rows:
    return Rows(("holder", "holder_is_firm", "firm", "ratio", "subscribed", "since", "until"))


def registration_rows() -> Rows:
    return Rows(("firm", "address", "region_blank", "since", "until"))


def branch_rows() -> Rows:
    return Rows(("branch", "parent", "since", "until"))


def event_rows() -> Rows:
    # kind: index into EVENT_KINDS; severity/year 0 = empty; amount NaN = empty; result -1 = empty;
    # authority: 0 none, 1 county bureau, 2 prefecture bureau
    return Rows(("firm", "kind", "date", "severity", "amount", "result", "year", "authority", "detail"))


DIRECTOR, SUPERVISOR, MANAGER = 0, 1, 2


class PersonPool:
    """Persons are allocated as they are needed; their attributes are completed once all roles exist."""

    def __init__(self) -> None:
        self._home: list[np.ndarray] = []
        self._male: list[np.ndarray] = []
        self._outside: list[np.ndarray] = []
        self.count = 0

    def add(self, home_county: np.ndarray, male: np.ndarray, outside_province: np.ndarray | None = None) -> np.ndarray:
        """Allocate persons; returns their numbers. ``home_county`` -1 = decided later from their first role."""
        n = len(home_county)
        self._home.append(np.asarray(home_county, dtype=np.int64))
        self._male.append(np.asarray(male, dtype=bool))
        self._outside.append(np.zeros(n, dtype=bool) if outside_province is None else np.asarray(outside_province))
        ids = np.arange(self.count, self.count + n)
        self.count += n
        return ids

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cat = np.concatenate
        if not self._home:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.astype(bool), empty.astype(bool)
        return cat(self._home), cat(self._male), cat(self._outside)


@dataclass
class Structure:
    """One planted structure, as recorded in truth/structures.json."""

    sid: str
    type: str
    risky: bool
    effect: float  # shared log-odds added to every member's latent risk
    firms: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    address: str | None = None
    hub_firm: int | None = None
    hub_person: int | None = None
    exempt: bool = False  # a hub a regulator knows as risk-neutral (written to exempt_hubs.yaml)
    note: str = ""


@dataclass
class Plan:
    """What planted structures decide about firms before the generic roles are drawn."""

    n: int
    rep_override: np.ndarray = field(init=False)  # person number of a planted legal rep, -1 none
    custom_roles: np.ndarray = field(init=False)  # the structure writes shareholders and officers itself
    firm_holder: np.ndarray = field(init=False)  # a firm holding a stake, -1 none
    firm_holder_ratio: np.ndarray = field(init=False)
    firm_holder_since: np.ndarray = field(init=False)
    address: np.ndarray = field(init=False)  # address as written, None = an ordinary address is drawn
    trade_name: np.ndarray = field(init=False)  # shared trade name (字号), None = drawn
    full_name: np.ndarray = field(init=False)  # complete name decided by the structure, None = composed
    effect: np.ndarray = field(init=False)  # log-odds from structures
    frozen: np.ndarray = field(init=False)  # no legal-rep or address changes (keeps the planted link intact)
    taken: np.ndarray = field(init=False)  # already a member of a planted structure
    branch_parent: np.ndarray = field(init=False)
    structures: list[Structure] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.n
        self.rep_override = np.full(n, -1, dtype=np.int64)
        self.custom_roles = np.zeros(n, dtype=bool)
        self.firm_holder = np.full(n, -1, dtype=np.int64)
        self.firm_holder_ratio = np.zeros(n)
        self.firm_holder_since = np.full(n, NEVER, dtype=np.int64)
        self.address = np.full(n, None, dtype=object)
        self.trade_name = np.full(n, None, dtype=object)
        self.full_name = np.full(n, None, dtype=object)
        self.effect = np.zeros(n)
        self.frozen = np.zeros(n, dtype=bool)
        self.taken = np.zeros(n, dtype=bool)
        self.branch_parent = np.full(n, -1, dtype=np.int64)
        self.custom_officers = officer_rows()
        self.custom_holdings = shareholding_rows()

    def count(self, kind: str) -> int:
        return sum(1 for s in self.structures if s.type == kind)


def add_events(rows: Rows, firm: np.ndarray, kind: str, date: np.ndarray, *, severity: np.ndarray | None = None,
               amount: np.ndarray | None = None, result: np.ndarray | None = None, year: np.ndarray | None = None,
               authority: np.ndarray | int = 0, detail: np.ndarray | str | None = None) -> None:
    """Append events of one kind; unspecified columns are empty."""
    n = len(firm)
    if n == 0:
        return
    details = np.full(n, detail, dtype=object) if detail is None or isinstance(detail, str) else detail
    rows.add(firm=np.asarray(firm, dtype=np.int64), kind=np.full(n, EVENT_KINDS.index(kind)),
             date=np.asarray(date, dtype=np.int64),
             severity=np.zeros(n, dtype=np.int64) if severity is None else severity,
             amount=np.full(n, np.nan) if amount is None else amount,
             result=np.full(n, -1) if result is None else result,
             year=np.zeros(n, dtype=np.int64) if year is None else year,
             authority=np.broadcast_to(np.asarray(authority, dtype=np.int64), (n,)).copy(),
             detail=details)


EVENT_KINDS: list[str] = [k.value for k in EventKind]
INSPECTION_RESULTS: list[str] = [r.value for r in InspectionResult]
