"""Two inspectors per drawn firm (the second 随机), drawn from those eligible, verifiably.

An inspector is eligible for a firm when they hold the task's qualification, have no conflict —
their unit is not the firm's registration authority (characters 3–8 of its USCC) where the pool
says so (``recuse_same_unit``), they declared no relation to the firm, they did not inspect it
last time — and they are under their workload cap. Where fewer than two are eligible the firm
gets those there are, and the plan says why, cause by cause (回避 is never traded for a full pair).

Ranking, the same way as the firms but cheap enough for a province: each firm gets
``k_f`` = the first 16 hex digits (a 64-bit number) of HMAC-SHA256(seed, ``"riskgraph/inspector/v1" ␟
task ␟ fid``), each inspector ``h_i`` likewise of ``… ␟ task ␟ inspector id``, and inspector ``i``'s
score for firm ``f`` is SplitMix64's finaliser of ``k_f XOR h_i``; the eligible inspectors of
lowest score are drawn. Firms are served in the order of their draw ticket, lowest first, so
who reaches a workload cap first is fixed by the seed too. Every step is integer arithmetic on
published values: docs/inspection.md gives a reference of a few lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskgraph.inspection.draw import ticket_digests
from riskgraph.inspection.task import Pool, Task

INSPECTOR_LABEL = "riskgraph/inspector/v1"
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser over uint64s (wrapping multiplication): a bijection that scatters every bit."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def keys64(seed: str, task_id: str, ids: Sequence[str]) -> np.ndarray:
    """The first 64 bits of each id's inspector-stage HMAC, as uint64."""
    digests = ticket_digests(seed, task_id, ids, INSPECTOR_LABEL)
    if not digests:
        return np.zeros(0, dtype=np.uint64)
    return np.frombuffer(b"".join(d[:8] for d in digests), dtype=">u8").astype(np.uint64)


def authority(fid: str) -> str:
    """The region code of the authority that registered a firm: characters 3–8 of its USCC."""
    return fid[2:8]


@dataclass(frozen=True)
class Assignment:
    fid: str
    inspectors: tuple[str, ...]  # inspector ids, best score first
    shortfall: str | None  # why fewer than the number wanted, else None


def assign_inspectors(fids: Sequence[str], order: Sequence[str], pool: Pool, task: Task, seed: str,
                      per_firm: int, default_cap: int,
                      last_inspected: Mapping[str, set[str]] | None = None) -> dict[str, Assignment]:
    """Inspectors for each drawn firm of ``fids``, served in the order of ``order`` (their tickets).

    ``last_inspected`` maps a firm code to the inspector ids of the last plan that inspected it.
    """
    last = last_inspected or {}
    people = pool.inspectors
    n = len(people)
    ids = [p.id for p in people]
    index = {p.id: i for i, p in enumerate(people)}
    need = task.qualification
    qualified = np.array([need in p.qualifications for p in people], dtype=bool)
    home = np.array([pool.authority_of(p.unit) for p in people], dtype=object)
    cap_default = pool.workload_cap or default_cap
    cap = np.array([p.cap if p.cap is not None else cap_default for p in people], dtype=np.int64)
    load = np.zeros(n, dtype=np.int64)
    related: dict[str, list[int]] = {}
    for i, p in enumerate(people):
        for fid in p.relations:
            related.setdefault(fid, []).append(i)
    h = keys64(seed, task.task_id, ids)
    wanted = set(fids)
    serve = [f for f in order if f in wanted]
    k = dict(zip(serve, keys64(seed, task.task_id, serve).tolist(), strict=True))
    allowed_by_unit: dict[str, np.ndarray] = {}
    out: dict[str, Assignment] = {}
    for fid in serve:
        auth = authority(fid)
        unit_ok = allowed_by_unit.get(auth)
        if unit_ok is None:
            unit_ok = (home != auth) if pool.recuse_same_unit else np.ones(n, dtype=bool)
            allowed_by_unit[auth] = unit_ok
        free = qualified & unit_ok
        conflicts = related.get(fid, [])
        previous = [index[x] for x in last.get(fid, ()) if x in index]
        if conflicts or previous:
            free = free.copy()
            free[conflicts] = False
            free[previous] = False
        eligible = np.flatnonzero(free & (load < cap))
        if len(eligible):
            score = mix64(np.uint64(k[fid]) ^ h[eligible])
            if len(eligible) > per_firm:  # the per_firm lowest without sorting the rest (a pool of thousands)
                lowest = np.argpartition(score, per_firm - 1)[:per_firm]
                take = eligible[lowest[np.argsort(score[lowest], kind="stable")]]
            else:
                take = eligible[np.argsort(score, kind="stable")]
        else:
            take = eligible
        load[take] += 1
        shortfall = None
        if len(take) < per_firm:
            shortfall = _why_short(len(eligible), n, qualified, unit_ok, conflicts, previous, load, cap, take,
                                   need, auth, pool.recuse_same_unit)
        out[fid] = Assignment(fid, tuple(ids[i] for i in take), shortfall)
    return out


def _why_short(eligible: int, n: int, qualified: np.ndarray, unit_ok: np.ndarray, conflicts: list[int],
               previous: list[int], load: np.ndarray, cap: np.ndarray, taken: np.ndarray, need: str, auth: str,
               recuse: bool) -> str:
    """Each cause that left an inspector out, counted once per inspector (first cause first)."""
    left = np.ones(n, dtype=bool)
    causes: list[str] = []

    def count(mask: np.ndarray, text: str) -> None:
        hit = left & mask
        if hit.any():
            causes.append(f"{int(hit.sum())} {text}")
            left[hit] = False

    count(~qualified, f"not qualified for {need}")
    if recuse:
        count(~unit_ok, f"of the registration authority's own unit ({auth})")
    mask = np.zeros(n, dtype=bool)
    mask[conflicts] = True
    count(mask, "declared a relation to the firm")
    mask = np.zeros(n, dtype=bool)
    mask[previous] = True
    count(mask, "inspected it last time")
    busy = load >= cap
    busy[taken] = False  # those just given this firm were under their cap when drawn
    count(busy, "at their workload cap")
    return f"{eligible} of {n} inspectors eligible: " + "; ".join(causes)


def assignments_frame(assignments: Mapping[str, Assignment], per_firm: int) -> pd.DataFrame:
    """The assignments as columns ``fid, inspector_1 … inspector_k, shortfall`` (empty text where none)."""
    rows = []
    for a in assignments.values():
        row = {"fid": a.fid, "shortfall": a.shortfall or ""}
        for j in range(per_firm):
            row[f"inspector_{j + 1}"] = a.inspectors[j] if j < len(a.inspectors) else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=["fid", *(f"inspector_{j + 1}" for j in range(per_firm)), "shortfall"])
