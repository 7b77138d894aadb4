"""Abnormal registration: a burst at one address or by one person is alerted; the usual is not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskgraph.warning.config import load_alert_config
from riskgraph.warning.registration import registration_alerts

END = dt.date(2026, 6, 30)


def _rows(n_quiet: int = 2000) -> list[dict[str, object]]:
    """``n_quiet`` addresses and persons with one firm each, spread over three years before END."""
    rng = np.random.default_rng(1)
    rows: list[dict[str, object]] = []
    for i in range(n_quiet):
        since = END - dt.timedelta(days=int(rng.integers(0, 3 * 365)))
        rows.append({"key_type": "address", "key": f"addr-{i}", "firm": f"F{i}", "since": since})
        rows.append({"key_type": "person", "key": f"p-{i}", "firm": f"F{i}", "since": since})
    return rows


def test_a_burst_at_one_address_and_by_one_person_is_alerted() -> None:
    rows = _rows()
    for j in range(8):
        since = END - dt.timedelta(days=2 * j)
        rows.append({"key_type": "address", "key": "burst-address", "firm": f"B{j}", "since": since})
        rows.append({"key_type": "person", "key": "p-burst", "firm": f"B{j}", "since": since})
    alerts = registration_alerts(pd.DataFrame(rows), END, "2026-06", load_alert_config())
    found = {(a.subject_type, a.subject): a for a in alerts}
    assert set(found) == {("address", "burst-address"), ("person", "p-burst")}
    a = found[("address", "burst-address")]
    assert a.observed == 8 and a.expected < 0.1 and a.q <= 0.01
    assert a.evidence["window_days"] == 30 and len(a.evidence["firms"]) == 8
    assert a.severity == "high"


def test_an_exempt_cluster_address_is_judged_by_its_own_baseline_not_silenced() -> None:
    rows = _rows()
    # a registered-agent address that takes in about eight firms a month, every month for three years
    for j in range(3 * 365 // 4):
        rows.append({"key_type": "address", "key": "agent", "firm": f"A{j}",
                     "since": END - dt.timedelta(days=4 * j + 1)})
    quiet = registration_alerts(pd.DataFrame(rows), END, "2026-06", load_alert_config(), exempt={"agent"})
    assert quiet == []  # its usual eight a month is no alert …
    for j in range(40):  # … but forty more in the last fortnight is
        rows.append({"key_type": "address", "key": "agent", "firm": f"X{j}",
                     "since": END - dt.timedelta(days=j % 14)})
    loud = registration_alerts(pd.DataFrame(rows), END, "2026-06", load_alert_config(), exempt={"agent"})
    assert [(a.subject, a.evidence["exempt"]) for a in loud] == [("agent", True)]
    assert loud[0].expected > 5  # against its own rate, not a flat's


def test_the_same_agent_address_unlisted_is_alerted_against_ordinary_addresses_only_when_unusual_for_itself() -> None:
    rows = _rows()
    for j in range(3 * 365 // 4):
        rows.append({"key_type": "address", "key": "agent", "firm": f"A{j}",
                     "since": END - dt.timedelta(days=4 * j + 1)})
    # its own history sets the baseline even unlisted: a steady hub is not a burst
    assert registration_alerts(pd.DataFrame(rows), END, "2026-06", load_alert_config()) == []
