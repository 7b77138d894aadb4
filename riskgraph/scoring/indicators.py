"""Indicator values: one vectorised function per ``compute.fn`` of the model file.

Each function takes the projection, the extra per-firm inputs that come from elsewhere
(the propagated risk) and the indicator's ``compute`` parameters, and returns one raw
value per firm (float, ``nan`` when unknown). :func:`risk_matrix` then turns raw values
into risks in [0, 1] by the indicator's ``scale`` and ``direction``.

Time windows are counted back from the projection's month end: an event on day ``t``
is within ``months`` months when ``as_of - t < months × 30.4375`` days. Only events up to
the month end are in the projection, so the same month always gives the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from riskgraph.scoring.projection import (
    ENTITY_KINDS,
    EVENT_KINDS,
    F64,
    FIRM_STATUSES,
    INSPECTION_RESULTS,
    ROLES,
    UNKNOWN_DAY,
    Bools,
    Projection,
)

if TYPE_CHECKING:
    from riskgraph.scoring.config import Compute, Indicator, ModelConfig

DAYS_PER_MONTH = 30.4375


@dataclass
class Extras:
    """Per-firm inputs an indicator needs that are not in the projection itself."""

    propagated: F64 | None = None


ComputeFn = Callable[[Projection, Extras, "Compute"], F64]
COMPUTE: dict[str, ComputeFn] = {}


def _register(name: str) -> Callable[[ComputeFn], ComputeFn]:
    def wrap(fn: ComputeFn) -> ComputeFn:
        COMPUTE[name] = fn
        return fn
    return wrap


def _event_mask(p: Projection, c: Compute, months: int | None = None, offset_months: int = 0) -> Bools:
    """Events of the given kinds (results, minimum severity) inside the window."""
    mask = np.isin(p.ev_kind, [EVENT_KINDS.index(k) for k in c.kinds])
    if c.results:
        inspection = p.ev_kind == EVENT_KINDS.index("inspection")
        mask &= ~inspection | np.isin(p.ev_result, [INSPECTION_RESULTS.index(r) for r in c.results])
    if c.severity_min:
        mask &= p.ev_severity >= c.severity_min
    window = months if months is not None else c.months
    if window is not None:
        age = months_ago(p, p.ev_day) - offset_months
        mask &= (age >= 0) & (age < window) & (p.ev_day <= p.as_of)
    return mask


def months_ago(p: Projection, days: np.ndarray) -> np.ndarray:
    """Calendar months from ``days`` to the projection's month: 0 within that month, 1 the month before, …

    "In the last 60 months" as of June 2026 means July 2021 to June 2026, whatever the day.
    """
    def month_index(d: np.ndarray) -> np.ndarray:
        return np.asarray(d, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)

    return month_index(np.asarray([p.as_of])) - month_index(days)


def group_max(index: np.ndarray, values: np.ndarray, size: int, fill: float) -> F64:
    """Per group (``index`` in [0, size)) the largest of ``values``; ``fill`` where a group is empty.

    Sort-based, because ufunc ``at`` scatter is some 50× slower on a million rows.
    """
    out = np.full(size, fill, dtype=np.float64)
    if len(index) == 0:
        return out
    order = np.lexsort((values, index))
    idx, vals = index[order], values[order]
    last = np.ones(len(idx), dtype=bool)
    last[:-1] = idx[1:] != idx[:-1]
    out[idx[last]] = vals[last]
    return out


def _per_firm_count(p: Projection, mask: Bools) -> F64:
    return np.bincount(p.ev_firm[mask], minlength=p.n_firms).astype(np.float64)


@_register("age_years")
def age_years(p: Projection, extras: Extras, c: Compute) -> F64:
    known = p.established != UNKNOWN_DAY
    return np.where(known, (p.as_of - p.established.astype(np.float64)) / 365.25, np.nan)


@_register("registered_capital")
def registered_capital(p: Projection, extras: Extras, c: Compute) -> F64:
    return np.where(p.capital > 0, p.capital, np.nan)


@_register("entity_kind")
def entity_kind(p: Projection, extras: Extras, c: Compute) -> F64:
    """The kind's code (a position in ``ENTITY_KINDS``); the categorical scale maps it."""
    return np.where(p.kind >= 0, p.kind, np.nan).astype(np.float64)


@_register("status_is")
def status_is(p: Projection, extras: Extras, c: Compute) -> F64:
    return np.isin(p.status, [FIRM_STATUSES.index(s) for s in c.statuses]).astype(np.float64)


@_register("event_count")
def event_count(p: Projection, extras: Extras, c: Compute) -> F64:
    return _per_firm_count(p, _event_mask(p, c))


@_register("severity_sum")
def severity_sum(p: Projection, extras: Extras, c: Compute) -> F64:
    mask = _event_mask(p, c)
    weights = np.maximum(p.ev_severity[mask], 1).astype(np.float64)
    return np.bincount(p.ev_firm[mask], weights=weights, minlength=p.n_firms).astype(np.float64)


@_register("max_severity")
def max_severity(p: Projection, extras: Extras, c: Compute) -> F64:
    mask = _event_mask(p, c)
    return group_max(p.ev_firm[mask], np.maximum(p.ev_severity[mask], 1).astype(np.float64), p.n_firms, 0.0)


@_register("months_since_last")
def months_since_last(p: Projection, extras: Extras, c: Compute) -> F64:
    mask = _event_mask(p, c)
    last = group_max(p.ev_firm[mask], p.ev_day[mask].astype(np.float64), p.n_firms, np.nan)
    return (p.as_of - last) / DAYS_PER_MONTH


@_register("count_growth")
def count_growth(p: Projection, extras: Extras, c: Compute) -> F64:
    """Recent count over the previous window's count (previous 0 counts as 1); 0 below ``min_recent``."""
    months = c.months or 6
    recent = _per_firm_count(p, _event_mask(p, c, months))
    before = _per_firm_count(p, _event_mask(p, c, months, offset_months=months))
    growth = recent / np.maximum(before, 1.0)
    return np.where(recent >= (c.min_recent or 1), growth, 0.0)


def _last_day(p: Projection, kind: str) -> np.ndarray:
    mask = p.ev_kind == EVENT_KINDS.index(kind)
    never = float(np.iinfo(np.int32).min)
    return group_max(p.ev_firm[mask], p.ev_day[mask].astype(np.float64), p.n_firms, never).astype(np.int64)


def list_state(p: Projection, list_in: str, list_out: str) -> tuple[Bools, np.ndarray]:
    """(currently listed, day of the latest listing). Removal on the same day as listing wins."""
    last_in = _last_day(p, list_in)
    last_out = _last_day(p, list_out)
    listed = (last_in > np.iinfo(np.int32).min) & (last_in > last_out)
    return listed, last_in


@_register("on_list")
def on_list(p: Projection, extras: Extras, c: Compute) -> F64:
    assert c.list_in and c.list_out
    return list_state(p, c.list_in, c.list_out)[0].astype(np.float64)


@_register("was_on_list")
def was_on_list(p: Projection, extras: Extras, c: Compute) -> F64:
    """Not listed now, but on the list at some time within ``months`` (or ever, without a window).

    The removal dates the end of a listing: a firm listed 40 months ago and removed last month
    was on the list within 36 months.
    """
    assert c.list_in and c.list_out
    listed, last_in = list_state(p, c.list_in, c.list_out)
    ever = last_in > np.iinfo(np.int32).min
    if c.months is not None:
        last_out = _last_day(p, c.list_out)  # not listed now: the latest removal ended the latest listing
        ever &= months_ago(p, last_out) < c.months
    return (ever & ~listed).astype(np.float64)


@_register("in_key_area")
def in_key_area(p: Projection, extras: Extras, c: Compute) -> F64:
    """1 for firms in a key supervision area (food, drugs, special equipment …), else 0."""
    return (p.key_area >= 0).astype(np.float64)


@_register("peer_rate")
def peer_rate(p: Projection, extras: Extras, c: Compute) -> F64:
    """How often the firm's peers (same county or industry division) have the records, against the province.

    Among firms in operation, the share of the *other* firms of the group with at least
    one event of ``kinds`` in the window, shrunk towards the provincial share by ``prior``
    firms' worth of it (small groups say little), divided by the provincial share: 1 is
    average, 1.5 means half as many again. The firm's own records are left out, so this
    measures its surroundings only. Firms without a known group get 1.
    """
    group = p.region if c.group == "region" else p.industry
    operating = p.status == FIRM_STATUSES.index("active")
    has = np.zeros(p.n_firms, dtype=bool)
    has[p.ev_firm[_event_mask(p, c)]] = True
    counted = operating & (group >= 0)
    if not counted.any():
        return np.ones(p.n_firms, dtype=np.float64)
    base = float(has[counted].mean())
    if base <= 0:
        return np.ones(p.n_firms, dtype=np.float64)
    codes, inverse = np.unique(group, return_inverse=True)
    n_g = np.bincount(inverse, weights=counted.astype(np.float64), minlength=len(codes))
    k_g = np.bincount(inverse, weights=(counted & has).astype(np.float64), minlength=len(codes))
    own_n = counted.astype(np.float64)
    own_k = (counted & has).astype(np.float64)
    rate = (k_g[inverse] - own_k + c.prior * base) / (n_g[inverse] - own_n + c.prior)
    return np.where(group >= 0, rate / base, 1.0)


@_register("propagated")
def propagated(p: Projection, extras: Extras, c: Compute) -> F64:
    if extras.propagated is None:
        return np.zeros(p.n_firms, dtype=np.float64)
    return extras.propagated


def _members_per_connector(p: Projection, role: str) -> np.ndarray:
    mask = p.mem_role == ROLES.index(role)
    # a firm counted once per connector even with several memberships in this role
    keys = np.unique(p.mem_conn[mask].astype(np.int64) * p.n_firms + p.mem_firm[mask])
    return np.bincount(keys // max(p.n_firms, 1), minlength=p.n_connectors)


def _max_over_memberships(p: Projection, role: str, per_conn: np.ndarray, skip: Bools) -> F64:
    mask = (p.mem_role == ROLES.index(role)) & ~skip[p.mem_conn]
    return group_max(p.mem_firm[mask], per_conn[p.mem_conn[mask]].astype(np.float64), p.n_firms, 0.0)


@_register("address_crowding")
def address_crowding(p: Projection, extras: Extras, c: Compute) -> F64:
    """Firms registered at the firm's (busiest non-exempt) address, itself included."""
    return _max_over_memberships(p, "address", _members_per_connector(p, "address"), p.conn_exempt)


@_register("legal_rep_span")
def legal_rep_span(p: Projection, extras: Extras, c: Compute) -> F64:
    """Firms represented by the firm's legal representative (the busiest one), itself included."""
    return _max_over_memberships(p, "legal_rep", _members_per_connector(p, "legal_rep"), p.conn_exempt)


def raw_values(p: Projection, indicators: tuple[Indicator, ...], extras: Extras) -> F64:
    """Raw values, firms × indicators."""
    out = np.empty((p.n_firms, len(indicators)), dtype=np.float64)
    for k, ind in enumerate(indicators):
        out[:, k] = COMPUTE[ind.compute.fn](p, extras, ind.compute)
    return out


def to_risk(ind: Indicator, raw: F64) -> F64:
    """Raw values of one indicator to risks in [0, 1] (scale, then direction; unknown → ``missing``)."""
    s = ind.scale
    known = ~np.isnan(raw)
    x = np.where(known, raw, 0.0)
    if s.kind == "linear":
        assert s.lo is not None and s.hi is not None
        r = np.clip((x - s.lo) / (s.hi - s.lo), 0.0, 1.0)
    elif s.kind == "log":
        assert s.lo is not None and s.hi is not None
        lx = np.log10(np.maximum(x, s.lo))
        r = np.clip((lx - np.log10(s.lo)) / (np.log10(s.hi) - np.log10(s.lo)), 0.0, 1.0)
    elif s.kind == "binary":
        r = (x > 0).astype(np.float64)
    else:
        assert s.map is not None
        table = np.array([s.map.get(label, 0.0) for label in ENTITY_KINDS])
        r = table[np.clip(x.astype(np.int64), 0, len(table) - 1)]
    if ind.direction == "lower_is_riskier":
        r = 1.0 - r
    return np.where(known, r, s.missing)


def risk_matrix(indicators: tuple[Indicator, ...], raw: F64) -> F64:
    out = np.empty_like(raw)
    for k, ind in enumerate(indicators):
        out[:, k] = to_risk(ind, raw[:, k])
    return out


def indicator_set_of(p: Projection, config: ModelConfig) -> np.ndarray:
    """Per firm, 0 for the general set or 1 + the position of its key-area set."""
    from riskgraph.scoring.projection import KEY_AREAS

    area_to_set = np.zeros(len(KEY_AREAS) + 1, dtype=np.int8)  # last slot: no key area (-1)
    for s_pos, s in enumerate(config.key_area_sets):
        for a in s.areas:
            area_to_set[KEY_AREAS.index(a)] = s_pos + 1
    return area_to_set[p.key_area.astype(np.int64)]  # -1 indexes the last slot


def weight_matrix(config: ModelConfig) -> F64:
    """Weights, indicator sets (general first, then key-area sets) × indicators."""
    table = config.weight_table()
    names = ["general", *(s.name for s in config.key_area_sets)]
    return np.array([[table[n][i.id] for i in config.indicators] for n in names], dtype=np.float64)
