"""Abnormal changes: a firm changing representative and address again and again is alerted; its peers are not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskgraph.warning.changes import change_alerts
from riskgraph.warning.config import load_alert_config

END = dt.date(2026, 6, 30)
KINDS = ["change_legal_rep", "change_address", "change_shareholder"]


def _firms_and_events(n: int = 3000) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    rng = np.random.default_rng(2)
    firms = pd.DataFrame({
        "fid": [f"F{i}" for i in range(n)],
        "industry": rng.choice(["F5211", "C1311", "I6510"], n),
        "established": [END - dt.timedelta(days=int(d)) for d in rng.integers(400, 4000, n)],
        "region": "440305",
    })
    events: list[dict[str, object]] = []
    for i in np.flatnonzero(rng.random(n) < 0.15):  # one change in the year for 15 % of firms
        events.append({"fid": f"F{i}", "kind": str(rng.choice(KINDS)),
                       "date": END - dt.timedelta(days=int(rng.integers(0, 365)))})
    for i in np.flatnonzero(rng.random(n) < 0.01):  # two for 1 %
        for d in (30, 200):
            events.append({"fid": f"F{i}", "kind": "change_legal_rep", "date": END - dt.timedelta(days=d)})
    return firms, events


def test_a_firm_with_six_changes_in_a_year_is_alerted_and_ordinary_changers_are_not() -> None:
    firms, events = _firms_and_events()
    planted = "F7"
    for d, kind in ((20, "change_legal_rep"), (80, "change_legal_rep"), (150, "change_address"),
                    (220, "change_legal_rep"), (260, "change_shareholder"), (300, "change_legal_rep")):
        events.append({"fid": planted, "kind": kind, "date": END - dt.timedelta(days=d)})
    alerts = change_alerts(firms, pd.DataFrame(events), END, "2026-06", load_alert_config())
    assert [a.subject for a in alerts] == [planted]
    a = alerts[0]
    assert a.observed == 6 and a.expected < 0.5
    assert [c["kind"] for c in a.evidence["changes"]].count("change_address") == 1
    assert a.evidence["peers"]["firms"] > 100


def test_changes_older_than_the_window_do_not_count() -> None:
    firms, events = _firms_and_events()
    for d in (400, 450, 500, 550, 600):
        events.append({"fid": "F7", "kind": "change_legal_rep", "date": END - dt.timedelta(days=d)})
    assert change_alerts(firms, pd.DataFrame(events), END, "2026-06", load_alert_config()) == []
