"""One month's early warning: the three tests over inputs handed in, and the naive baseline beside them.

:class:`AlertInputs` is the contract with the shells: ``riskgraph.jobs.alerts`` fills it from Neo4j or
from an interchange directory; nothing here knows which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from riskgraph.warning.alert import Alert
from riskgraph.warning.changes import change_alerts, naive_change_alerts
from riskgraph.warning.complaints import complaint_alerts, naive_complaint_alerts
from riskgraph.warning.config import AlertConfig
from riskgraph.warning.registration import naive_registration_alerts, registration_alerts

COMPLAINT = "complaint"


@dataclass
class AlertInputs:
    """What the tests read, as of ``end`` (a month's last day).

    ``firms``: fid, industry (GB/T 4754), established (date), region (GB/T 2260);
    ``registrations``: key_type (address | person), key (address key, person ref), firm (fid), since (date);
    ``events``: fid, kind, date — the change kinds and complaints;
    ``exempt_keys``: address keys and person refs on the exempt-hub list.
    """

    end: dt.date
    firms: pd.DataFrame
    registrations: pd.DataFrame
    events: pd.DataFrame
    exempt_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def month(self) -> str:
        return f"{self.end.year:04d}-{self.end.month:02d}"


def detect_alerts(inputs: AlertInputs, config: AlertConfig) -> list[Alert]:
    """Every alert of the month: registration bursts, frequent changes, complaint surges (in that order)."""
    complaints = inputs.events[inputs.events["kind"] == COMPLAINT]
    return [
        *registration_alerts(inputs.registrations, inputs.end, inputs.month, config, inputs.exempt_keys),
        *change_alerts(inputs.firms, inputs.events, inputs.end, inputs.month, config),
        *complaint_alerts(inputs.firms, complaints, inputs.end, inputs.month, config),
    ]


def naive_alerts(inputs: AlertInputs, config: AlertConfig) -> list[Alert]:
    """The baseline the evaluation compares with: raw counts above ``naive.*``, no baseline of what is usual."""
    complaints = inputs.events[inputs.events["kind"] == COMPLAINT]
    return [
        *naive_registration_alerts(inputs.registrations, inputs.end, inputs.month, config.naive.registrations_90d),
        *naive_change_alerts(inputs.firms, inputs.events, inputs.end, inputs.month, config),
        *naive_complaint_alerts(inputs.firms, complaints, inputs.end, inputs.month, config),
    ]
