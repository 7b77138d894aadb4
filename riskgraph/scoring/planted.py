"""A registry with planted risk structures and known outcomes, for evaluation and benchmarks.

Used by ``riskgraph evaluate --planted`` and ``bench/score.py`` (and as the fallback
while the full generator, ``riskgraph generate``, is not installed). It writes an
interchange directory in the same layout as the generator: the interchange CSVs, an
``exempt_hubs.yaml`` and ``truth/`` (``firms.csv`` with ``firm_id, latent_risk,
structures`` and ``future_events.csv``), which only evaluation reads.

What is planted, and why propagation should help:

* **rings** — groups of 4–12 firms run by one nominee legal representative, often at one
  address, with high latent risk; only some members already show records, the others
  look clean on their own attributes until they violate;
* **controlled groups** — a risky parent firm holding majority stakes in subsidiaries;
* **hubs** — a state-asset holder with stakes in many random firms and registered-agent
  addresses hosting many random firms (listed as exempt), plus one large unlisted
  cluster address: they carry no risk and must not spread it;
* background — everybody else, with records drawn from their own latent risk.

A firm's records up to the scoring month and its future violations (the 12 months after)
are both drawn from its latent risk, independently.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from stdnum.cn import ric, uscc

REGION = "440305"
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚")
EVENT_COLUMNS = ["event_id", "firm_id", "kind", "date", "severity", "amount", "result", "year", "authority", "detail"]


def _uscc(i: np.ndarray) -> list[str]:
    out = []
    for k in i.tolist():
        body = f"91{REGION}{k:09d}"
        out.append(body + uscc.calc_check_digit(body))
    return out


def _ric(i: np.ndarray) -> list[str]:
    out = []
    base = dt.date(1992, 1, 1).toordinal()  # 440305 exists since 1990
    for k in i.tolist():
        born = dt.date.fromordinal(base + (k // 900) % 2900).strftime("%Y%m%d")
        body = f"{REGION}{born}{k % 900 + 100:03d}X"
        out.append(body[:-1] + ric.calc_check_digit(body))
    return out


def _dates(rng: np.random.Generator, lo: dt.date, hi: dt.date, size: int) -> np.ndarray:
    days = rng.integers(lo.toordinal(), hi.toordinal() + 1, size=size)
    return np.array([dt.date.fromordinal(int(d)).isoformat() for d in days], dtype=object)


def _csv(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)


def write_planted(out: Path, firms: int, seed: int = 7, month: str = "2026-06") -> dict[str, int]:
    """Write a planted registry of ``firms`` firms scored at ``month``; returns counts written."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    year, mon = (int(x) for x in month.split("-"))
    end = (dt.date(year + (mon == 12), mon % 12 + 1, 1) - dt.timedelta(days=1))
    n = firms
    ids = np.array(_uscc(np.arange(1, n + 1)), dtype=object)
    latent = rng.normal(-3.4, 1.0, n)
    structure = np.array(["background"] * n, dtype=object)

    # ---- rings: nominee legal representative (+ often one address)
    n_rings = max(1, n // 120)
    ring_sizes = rng.integers(4, 13, n_rings)
    pool = rng.permutation(n)
    taken = 0
    ring_of = np.full(n, -1)
    for r, size in enumerate(ring_sizes):
        members = pool[taken:taken + size]
        taken += size
        ring_of[members] = r
    in_ring = ring_of >= 0
    ring_effect = rng.normal(2.6, 0.5, n_rings)
    latent[in_ring] += ring_effect[ring_of[in_ring]]
    structure[in_ring] = "ring"

    # ---- controlled groups: risky parent with majority-held subsidiaries
    n_groups = max(1, n // 400)
    parents = pool[taken:taken + n_groups]
    taken += n_groups
    latent[parents] += 3.0
    structure[parents] = "group_parent"
    subs_per = rng.integers(2, 7, n_groups)
    subs = pool[taken:taken + int(subs_per.sum())]
    taken += int(subs_per.sum())
    sub_parent = np.repeat(parents, subs_per)
    latent[subs] += 2.2
    structure[subs] = "group_subsidiary"

    # ---- records up to `end`, future violations after it, both from the latent risk
    p_bad = 1 / (1 + np.exp(-latent))
    rows: list[pd.DataFrame] = []

    def events(kind: str, mask: np.ndarray, lo: dt.date, hi: dt.date, **cols: object) -> None:
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        frame = pd.DataFrame({"firm_id": ids[idx], "kind": kind, "date": _dates(rng, lo, hi, len(idx))})
        for k, v in cols.items():
            frame[k] = v if np.isscalar(v) else np.asarray(v)[idx]  # type: ignore[assignment]
        rows.append(frame)

    y3 = end - dt.timedelta(days=3 * 365)
    y1 = end - dt.timedelta(days=365)
    observed = rng.random(n) < 0.55  # whether the firm's risk has shown in records yet
    shows = observed & (rng.random(n) < p_bad * 1.6)
    sev = rng.integers(1, 4, n)
    events("penalty", shows & (rng.random(n) < 0.8), y3, end, severity=sev, amount=sev * 5000.0,
           authority="深圳市南山区市场监督管理局")
    events("penalty", shows & (rng.random(n) < 0.3), y1, end, severity=sev, amount=sev * 5000.0,
           authority="深圳市南山区市场监督管理局")
    events("annual_report_missing", shows & (rng.random(n) < 0.5), y1, end, year=end.year - 1)
    events("abnormal_list_in", shows & (rng.random(n) < 0.35), y1, end)
    events("inspection", shows & (rng.random(n) < 0.3), y3, end, result="fail")
    events("inspection", shows & (rng.random(n) < 0.15), y3, end, result="not_found")
    events("dishonest_list_in", shows & (p_bad > 0.6) & (rng.random(n) < 0.25), y3, end)
    events("complaint", shows & (rng.random(n) < 0.4), y1, end, severity=rng.integers(1, 4, n))
    events("complaint", rng.random(n) < 0.03, y3, end, severity=1)  # noise
    events("inspection", rng.random(n) < 0.08, y3, end, result="pass")
    events("change_address", rng.random(n) < 0.05 + 0.2 * p_bad, y1, end)
    events("change_legal_rep", rng.random(n) < 0.04 + 0.2 * p_bad, y1, end)
    events("annual_report_filed", rng.random(n) < 0.8, y1, end, year=end.year - 1)
    ev = pd.concat(rows, ignore_index=True)
    ev.insert(0, "event_id", [f"PL-{k:09d}" for k in range(len(ev))])
    for col in EVENT_COLUMNS:
        if col not in ev:
            ev[col] = None
    for col in ("severity", "year"):
        ev[col] = ev[col].astype("Int64")
    _csv(out / "events.csv", ev[EVENT_COLUMNS])

    future = rng.random(n) < np.clip(p_bad * 0.9, 0, 1)
    f_idx = np.flatnonzero(future)
    _csv(out / "truth" / "future_events.csv", pd.DataFrame({
        "firm_id": ids[f_idx], "kind": "penalty",
        "date": _dates(rng, end + dt.timedelta(days=1), end + dt.timedelta(days=365), len(f_idx))}))

    # ---- firms
    established = _dates(rng, dt.date(2000, 1, 1), end - dt.timedelta(days=30), n)
    young = rng.random(n) < 0.15 + 0.3 * p_bad
    established[young] = _dates(rng, end - dt.timedelta(days=700), end - dt.timedelta(days=30), int(young.sum()))
    capital = np.round(np.exp(rng.normal(5.0, 1.4, n)) * np.where(rng.random(n) < p_bad, 0.3, 1.0), 1)
    kind = np.where(rng.random(n) < 0.25, "individual", "enterprise")
    key_area = np.where(rng.random(n) < 0.06, rng.choice(["food", "drug", "special_equipment"], n), "")
    _csv(out / "firms.csv", pd.DataFrame({
        "firm_id": ids, "name": [f"深圳市示例{k:07d}号有限公司" for k in range(n)], "kind": kind, "status": "active",
        "registered_capital": capital, "established": established, "region": "", "industry": "F5191",
        "key_area": key_area, "jurisdiction": "", "source": "planted"}))

    # ---- persons: one legal representative per firm; ring members share their ring's nominee
    lr_person = np.arange(n)  # person k represents firm k …
    n_persons = n + n_rings
    lr_person[in_ring] = n + ring_of[in_ring]  # … except ring members
    pids = np.array(_ric(np.arange(1, n_persons + 1)), dtype=object)
    names = [SURNAMES[k % len(SURNAMES)] + GIVEN[(k // 7) % len(GIVEN)] + GIVEN[(k // 3) % len(GIVEN)]
             for k in range(n_persons)]
    _csv(out / "persons.csv", pd.DataFrame({"person_id": pids, "name": names, "source": "planted"}))
    since = established
    _csv(out / "legal_reps.csv", pd.DataFrame({"person_id": pids[lr_person], "firm_id": ids, "since": since,
                                               "until": ""}))
    # officers: the legal rep is also director of its firm; nominees sit as supervisors in the ring too
    _csv(out / "officers.csv", pd.DataFrame({"person_id": pids[lr_person], "firm_id": ids, "role": "director",
                                             "since": since, "until": ""}))

    # ---- shareholdings: legal rep holds 60–100 %; parents hold subsidiaries; state holder holds random firms
    sh = [pd.DataFrame({"holder_id": pids[lr_person], "holder_type": "person", "firm_id": ids,
                        "ratio": np.round(rng.uniform(0.6, 1.0, n), 3), "subscribed_capital": "", "since": since,
                        "until": ""})]
    sub_ratio = np.round(rng.uniform(0.51, 0.9, len(subs)), 3)
    sh.append(pd.DataFrame({"holder_id": ids[sub_parent], "holder_type": "firm", "firm_id": ids[subs],
                            "ratio": sub_ratio, "subscribed_capital": "", "since": established[subs], "until": ""}))
    state = pool[taken]
    taken += 1
    structure[state] = "state_holder"
    held = rng.choice(np.setdiff1d(np.arange(n), [state]), size=min(n - 1, max(50, n // 200)), replace=False)
    sh.append(pd.DataFrame({"holder_id": np.full(len(held), ids[state], dtype=object), "holder_type": "firm",
                            "firm_id": ids[held],
                            "ratio": np.round(rng.uniform(0.05, 0.3, len(held)), 3), "subscribed_capital": "",
                            "since": established[held], "until": ""}))
    shareholdings = pd.concat(sh, ignore_index=True)
    _csv(out / "shareholdings.csv", shareholdings)

    # ---- addresses: own address for most; rings share one; agent addresses (exempt) and a cluster (not)
    addr = np.array([f"深圳市南山区示例路{k + 1}号" for k in range(n)], dtype=object)
    ring_shares_address = rng.random(n_rings) < 0.7
    ring_addr = np.array([f"深圳市南山区环路{r + 1}号{r % 30 + 1}楼" for r in range(n_rings)], dtype=object)
    use_ring = in_ring & ring_shares_address[np.maximum(ring_of, 0)]
    addr[use_ring] = ring_addr[ring_of[use_ring]]
    n_agents = max(1, n // 5000)
    agent_texts = [f"深圳市南山区商务秘书中心{a + 1}栋{a + 2}楼" for a in range(n_agents)]
    at_agent = (rng.random(n) < 0.04) & ~use_ring
    addr[at_agent] = np.array(agent_texts, dtype=object)[rng.integers(0, n_agents, int(at_agent.sum()))]
    cluster = (rng.random(n) < 0.003) & ~use_ring & ~at_agent
    addr[cluster] = "深圳市南山区集中登记大厦88号"
    _csv(out / "registrations.csv", pd.DataFrame({"firm_id": ids, "address": addr, "region": REGION,
                                                  "since": established, "until": ""}))
    _csv(out / "branches.csv", pd.DataFrame({"branch_id": [], "parent_id": [], "since": [], "until": []}))

    (out / "exempt_hubs.yaml").write_text(yaml.safe_dump(
        {"firms": [str(ids[state])], "persons": [], "addresses": agent_texts}, allow_unicode=True), encoding="utf-8")
    _csv(out / "truth" / "firms.csv", pd.DataFrame({"firm_id": ids, "latent_risk": np.round(latent, 4),
                                                    "structures": structure}))
    return {"firms": n, "persons": n_persons, "events": len(ev), "shareholdings": len(shareholdings),
            "future_violators": int(future.sum())}
