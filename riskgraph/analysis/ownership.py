"""Equity penetration (股权穿透): integrated shares, majority control and beneficial owners.

Pure functions over a list of holdings ``(holder, held, ratio)`` — what :mod:`riskgraph.graph.reads`
reads around a firm. The integrated share of a holder in a firm is the sum over every ownership path
of the product of its ratios; with cross-holdings there are infinitely many paths, so the sum is the
series ``w + W w + W² w + …`` (``w`` the direct shares in the firm, ``W`` every holder's share in
every held firm), summed until a term adds less than :data:`PRECISION`. It converges whenever no
set of firms owns all of itself (every cycle's product of ratios below 1), which registered equity
satisfies; a register that violates it is cut at :data:`MAX_TERMS` and said so.

Control is majority control as a fixpoint: ``h`` controls ``f`` when ``h`` and the firms ``h``
controls together hold more than half of ``f``. Beneficial owners follow the 2024 rules
(《受益所有人信息管理办法》): a natural person holding at least 25 % directly or indirectly, or
controlling the firm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

PRECISION = 1e-9  # the series stops when a term adds less than this to every share
MAX_TERMS = 200  # …or after this many terms (a register whose cycles own all of themselves)
MAJORITY = 0.5
BENEFICIAL_SHARE = 0.25


@dataclass(frozen=True)
class Holding:
    holder: str
    held: str
    ratio: float


@dataclass
class Penetration:
    """A firm's ultimate owners: integrated share of every holder found, who controls it, and through whom."""

    target: str
    shares: dict[str, float]  # every holder upstream → integrated share in the target
    ultimate: list[str]  # holders no one holds (persons, and firms without recorded shareholders)
    controllers: list[str]  # those that control the target, nearest first
    ultimate_controller: str | None
    beneficial: list[str]  # persons at or above 25 %, or controlling
    converged: bool = True
    notes: list[str] = field(default_factory=list)


def _direct(holdings: Iterable[Holding]) -> dict[str, dict[str, float]]:
    """holder → held → ratio, ratios of one pair summed (a holder listed twice for one firm) and capped at 1."""
    direct: dict[str, dict[str, float]] = defaultdict(dict)
    for h in holdings:
        if h.holder != h.held and h.ratio > 0:
            direct[h.holder][h.held] = min(1.0, direct[h.holder].get(h.held, 0.0) + h.ratio)
    return direct


def integrated_shares(holdings: Iterable[Holding], target: str) -> tuple[dict[str, float], bool]:
    """Every holder's integrated share in ``target`` (sum over paths of products of ratios), and whether the series
    converged. Computed as ``s = w + W s`` by iteration: each step adds the paths one hop longer."""
    direct = _direct(holdings)
    held_by: dict[str, list[tuple[str, float]]] = defaultdict(list)  # firm → its holders and their ratios
    for holder, held in direct.items():
        for firm, ratio in held.items():
            held_by[firm].append((holder, ratio))
    shares: dict[str, float] = defaultdict(float)
    term: dict[str, float] = {target: 1.0}  # the share of the target reached through paths of the current length
    for _ in range(MAX_TERMS):
        following: dict[str, float] = defaultdict(float)
        for firm, reached in term.items():
            for holder, ratio in held_by.get(firm, ()):
                following[holder] += reached * ratio
        for holder, added in following.items():
            shares[holder] += added
        term = {k: v for k, v in following.items() if v >= PRECISION}
        if not term:
            return dict(shares), True
    return dict(shares), False


def controlled_by(holdings: Iterable[Holding], controller: str) -> set[str]:
    """Every firm ``controller`` controls: more than half held by it and the firms it controls (a fixpoint)."""
    direct = _direct(holdings)
    held_by: dict[str, dict[str, float]] = defaultdict(dict)
    for holder, held in direct.items():
        for firm, ratio in held.items():
            held_by[firm][holder] = ratio
    controlled: set[str] = set()
    changed = True
    while changed:
        changed = False
        camp = controlled | {controller}
        for firm, holders in held_by.items():
            if firm not in camp and sum(r for h, r in holders.items() if h in camp) > MAJORITY:
                controlled.add(firm)
                changed = True
    return controlled


def penetrate(holdings: list[Holding], target: str, persons: set[str]) -> Penetration:
    """The ultimate owners, controllers and beneficial owners of ``target``; ``persons`` says which keys are people."""
    shares, converged = integrated_shares(holdings, target)
    shares.pop(target, None)  # a firm holding itself through a cycle is not its own owner
    holders_of: dict[str, set[str]] = defaultdict(set)
    for h in holdings:
        holders_of[h.held].add(h.holder)
    ultimate = sorted((k for k in shares if not holders_of.get(k)), key=lambda k: (-shares[k], k))
    # Only a holder with more than half of some firm on its own can start a camp that grows: no one else
    # controls anything, so these are the only candidates, each camp computed once.
    starters = {h.holder for h in holdings if h.ratio > MAJORITY and h.holder in shares}
    camps = {k: controlled_by(holdings, k) for k in starters}
    controllers = [k for k in sorted(starters, key=lambda k: (-shares[k], k)) if target in camps[k]]
    top = [c for c in controllers if not any(c in camps[other] for other in controllers if other != c)]
    beneficial = sorted({k for k in shares if k in persons and shares[k] >= BENEFICIAL_SHARE - PRECISION}
                        | {c for c in top if c in persons}, key=lambda k: (-shares.get(k, 0.0), k))
    notes = [] if converged else [f"cross-holdings that own all of themselves: the series was cut after {MAX_TERMS} "
                                  "terms, shares are lower bounds"]
    return Penetration(target, shares, ultimate, controllers, top[0] if len(top) == 1 else None, beneficial,
                       converged, notes)


def holdings_of(holdings: Iterable[Holding], owner: str) -> tuple[dict[str, float], bool]:
    """What ``owner`` ultimately holds: its integrated share in every firm downstream (the reverse penetration)."""
    reversed_ = [Holding(h.held, h.holder, h.ratio) for h in holdings]
    # the same series with the arrows turned round: paths from the owner down instead of from holders up
    shares, converged = integrated_shares(reversed_, owner)
    shares.pop(owner, None)
    return shares, converged
