"""What every test returns: an :class:`Alert` with its evidence, and the statistics the tests share.

An alert names its ``type`` (``registration_burst``, ``frequent_changes``, ``complaint_surge``), its
subject (a firm's fid, a person's opaque ``ref`` — never the stored pid —, an address key, an
industry section or a county code) and the evidence a supervisor checks it by: the window, the
observed and expected counts, the p value of the observation under the expected count and its
Benjamini–Hochberg q across every subject tested alongside.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from riskgraph.warning.config import SeveritySettings

REGISTRATION_BURST = "registration_burst"
FREQUENT_CHANGES = "frequent_changes"
COMPLAINT_SURGE = "complaint_surge"
ALERT_TYPES = (REGISTRATION_BURST, FREQUENT_CHANGES, COMPLAINT_SURGE)
SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Alert:
    type: str
    subject_type: str  # address | person | firm | industry | county
    subject: str
    month: str  # YYYY-MM the alert is for
    severity: str
    observed: int
    expected: float
    p: float
    q: float
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def alert_id(self) -> str:
        """Stable per month, type and subject: the same finding of a re-run keeps its id (and status)."""
        digest = hashlib.sha256(f"{self.month}\x1f{self.type}\x1f{self.subject_type}\x1f{self.subject}".encode())
        return f"AL-{self.month}-{digest.hexdigest()[:10]}"

    def as_dict(self) -> dict[str, Any]:
        return {"alert_id": self.alert_id, **asdict(self)}


def bh_q(p: np.ndarray, tests: int | None = None) -> np.ndarray:
    """Benjamini–Hochberg q values of ``p`` among ``tests`` tests (the rest, not listed, had p = 1).

    Keys with nothing in a window are not handed over one by one; they still count as tests, so a
    province with more addresses needs stronger evidence per address.
    """
    p = np.asarray(p, dtype=float)
    m = max(int(tests if tests is not None else len(p)), len(p))
    if len(p) == 0:
        return p
    padded = np.concatenate([p, np.ones(m - len(p))])
    return np.asarray(multipletests(padded, method="fdr_bh")[1][: len(p)])


def upper_tail(observed: np.ndarray, expected: np.ndarray, dispersion: np.ndarray | float = 1.0) -> np.ndarray:
    """P(Y ≥ observed) for counts with mean ``expected`` and variance ``dispersion × expected``.

    Poisson where the dispersion is at most 1, else the negative binomial of that mean and
    variance (size = mean / (dispersion − 1)): the quasi-Poisson model's count distribution.
    """
    y = np.asarray(observed, dtype=float)
    mu = np.maximum(np.asarray(expected, dtype=float), 1e-12)
    phi = np.broadcast_to(np.asarray(dispersion, dtype=float), mu.shape)
    out = stats.poisson.sf(y - 1, mu)
    over = phi > 1.0 + 1e-9
    if over.any():
        size = mu[over] / (phi[over] - 1.0)
        out[over] = stats.nbinom.sf(y[over] - 1, size, size / (size + mu[over]))
    return np.asarray(np.clip(out, 0.0, 1.0))


def severity_of(q: float, observed: float, expected: float, spec: SeveritySettings) -> str:
    """high: very strong evidence of a large excess; medium: strong evidence; low: the rest of the alerts."""
    if q <= spec.high_q and observed >= spec.high_ratio * max(expected, 1e-9):
        return "high"
    return "medium" if q <= spec.medium_q else "low"


def iso(value: Any) -> str:
    """A date (numpy, pandas or datetime) as YYYY-MM-DD."""
    return str(np.datetime64(value, "D"))
