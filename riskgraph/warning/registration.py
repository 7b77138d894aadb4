"""Abnormal registration (异常注册): many firms newly registered at one address or by one person.

Input rows are registrations with their start day: ``key_type`` (``address`` or ``person``),
``key`` (an address key, a person's opaque ref), ``firm`` (fid) and ``since``. For each key kind and
window W (30 and 90 days by default, ending on the month's last day) the count of a key is tested
against a Poisson mean

    expected = W × max(rate of comparable keys, the key's own rate)

both measured over the ``baseline_days`` before the window. Comparable keys are those of the same
kind and the same standing: the keys on the exempt list (known cluster-registration addresses,
集中登记地, and known professional agents) are compared with each other, so a registered-agent
address that always takes in a dozen firms a month is judged against that, not silenced and not
judged against a flat. The p values of all keys of a kind (keys with nothing in the window count
with p = 1) get Benjamini–Hochberg q values; a key is alerted in the window where its q is lowest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np
import pandas as pd

from riskgraph.warning.alert import REGISTRATION_BURST, Alert, bh_q, iso, severity_of, upper_tail
from riskgraph.warning.config import AlertConfig

KEY_TYPES = ("address", "person")
COLUMNS = ("key_type", "key", "firm", "since")


def registration_alerts(rows: pd.DataFrame, end: dt.date, month: str, config: AlertConfig,
                        exempt: Collection[str] = ()) -> list[Alert]:
    """Alerts for keys with more new firms in a window ending on ``end`` than their baseline explains."""
    spec = config.registration
    exempt_keys = set(exempt)
    since = pd.to_datetime(rows["since"]).to_numpy(dtype="datetime64[D]")
    last = np.datetime64(end, "D")
    out: list[Alert] = []
    for key_type in KEY_TYPES:
        mine = (rows["key_type"] == key_type).to_numpy()
        keys = rows["key"].to_numpy()[mine]
        days = since[mine]
        firms = rows["firm"].to_numpy()[mine]
        universe, key_index = np.unique(keys, return_inverse=True)
        if len(universe) == 0:
            continue
        is_exempt = np.isin(universe, list(exempt_keys))
        best: dict[int, tuple[float, float, int, float, dict[str, object]]] = {}
        for window in spec.windows_days:
            start = last - np.timedelta64(window - 1, "D")
            base_start = start - np.timedelta64(spec.baseline_days, "D")
            in_window = (days >= start) & (days <= last)
            in_base = (days >= base_start) & (days < start)
            count = np.bincount(key_index[in_window], minlength=len(universe))
            own = np.bincount(key_index[in_base], minlength=len(universe)) / spec.baseline_days
            group_rate = np.zeros(len(universe))
            for flag in (False, True):
                members = is_exempt == flag
                if members.any():
                    group_rate[members] = own[members].sum() / members.sum()
            expected = window * np.maximum(group_rate, own)
            hit = np.flatnonzero(count >= spec.min_count)
            if len(hit) == 0:
                continue
            p = upper_tail(count[hit], expected[hit])
            q = bh_q(p, len(universe))
            for k, pk, qk in zip(hit.tolist(), p.tolist(), q.tolist(), strict=True):
                if qk > spec.fdr or (k in best and best[k][0] <= qk):
                    continue
                sel = np.flatnonzero(in_window & (key_index == k))
                sel = sel[np.argsort(days[sel], kind="stable")]
                best[k] = (qk, pk, int(count[k]), float(expected[k]), {
                    "window_days": window, "window_start": iso(start), "window_end": iso(last),
                    "observed": int(count[k]), "expected": float(expected[k]), "p": pk, "q": qk,
                    "baseline": ("exempt peers" if is_exempt[k] else "peers")
                    if group_rate[k] >= own[k] else "own history",
                    "exempt": bool(is_exempt[k]),
                    "first_registration": iso(days[sel[0]]), "last_registration": iso(days[sel[-1]]),
                    "firms": [str(f) for f in firms[sel][: spec.max_firms_listed]],
                })
        for k, (qk, pk, observed, expected_k, ev) in sorted(best.items()):
            out.append(Alert(REGISTRATION_BURST, key_type, str(universe[k]), month,
                             severity_of(qk, observed, expected_k, config.severity), observed, expected_k,
                             pk, qk, ev))
    return out


def naive_registration_alerts(rows: pd.DataFrame, end: dt.date, month: str, threshold: int) -> list[Alert]:
    """The baseline: every key with at least ``threshold`` new firms in the 90 days to ``end``, exempt or not."""
    since = pd.to_datetime(rows["since"]).to_numpy(dtype="datetime64[D]")
    last = np.datetime64(end, "D")
    recent = rows[(since > last - np.timedelta64(90, "D")) & (since <= last)]
    out = []
    for (key_type, key), group in recent.groupby(["key_type", "key"]):
        if len(group) >= threshold:
            out.append(Alert(REGISTRATION_BURST, str(key_type), str(key), month, "low", len(group), float("nan"),
                             float("nan"), float("nan"), {"firms": group["firm"].astype(str).tolist()}))
    return out
