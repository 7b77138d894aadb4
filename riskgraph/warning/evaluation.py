"""How well alerts recover planted patterns: recall and precision per alert type and subject kind.

``truth`` is ``truth/alerts.csv`` of a generated data set with a ``key`` column added by the caller —
the key an alert on that subject carries (address key, person ref, fid). A planted pattern is
*recovered* when an alert of its type names its subject; an alert is *true* when it names a planted
subject of its type. Everything else the data holds naturally (a professional nominee, a busy agent's
address, a firm that happens to change often) counts against precision: the truth knows only what
was planted, so precision here is a lower bound.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from riskgraph.warning.alert import Alert


def alert_recovery(alerts: list[Alert], truth: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per ``type:subject_type``: planted, recovered, recall, alerts, true alerts, precision (None when 0/0)."""
    out: dict[str, dict[str, Any]] = {}
    groups = sorted({f"{t}:{s}" for t, s in zip(truth["type"], truth["subject_type"], strict=True)}
                    | {f"{a.type}:{a.subject_type}" for a in alerts})
    for group in groups:
        kind, subject_type = group.split(":")
        planted = set(truth.loc[(truth["type"] == kind) & (truth["subject_type"] == subject_type), "key"])
        raised = {a.subject for a in alerts if a.type == kind and a.subject_type == subject_type}
        hit = planted & raised
        out[group] = {
            "planted": len(planted), "recovered": len(hit),
            "recall": len(hit) / len(planted) if planted else None,
            "alerts": len(raised), "true_alerts": len(hit),
            "precision": len(hit) / len(raised) if raised else None,
        }
    return out


def pooled(figures: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The recovery of several data sets (seeds) added up, with recall and precision of the sums."""
    out: dict[str, dict[str, Any]] = {}
    for one in figures:
        for group, f in one.items():
            acc = out.setdefault(group, {"planted": 0, "recovered": 0, "alerts": 0, "true_alerts": 0})
            for k in acc:
                acc[k] += f[k]
    for acc in out.values():
        acc["recall"] = acc["recovered"] / acc["planted"] if acc["planted"] else None
        acc["precision"] = acc["true_alerts"] / acc["alerts"] if acc["alerts"] else None
    return dict(sorted(out.items()))
