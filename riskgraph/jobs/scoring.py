"""Monthly scoring jobs: score a month (read its tables → build → score → write), withdraw it, list class
changes, verify a month's stored ratings.

The one implementation of each, called by the CLI and the API alike. The work is in the
pure core (``riskgraph.scoring``); storage is behind ``riskgraph.graph``. A month is
checked once, here, before anything is read. Aggregates (class changes, class counts, the
scored months) go through :func:`checked_month`, so a month whose ratings fail their HMAC is
refused or flagged, never counted silently.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from neo4j import Driver

from riskgraph.errors import Conflict, MonthNotScored, NotFound
from riskgraph.graph import results
from riskgraph.graph.month_tables import read_month_tables
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.jobs import audit
from riskgraph.months import Month
from riskgraph.scoring.build import build_projection
from riskgraph.scoring.classify import class_mix
from riskgraph.scoring.config import CLASS_ORDER, ExemptHubs, ModelConfig
from riskgraph.scoring.engine import score_projection
from riskgraph.scoring.projection import EVENT_KINDS, FIRM_STATUSES, Projection, mark_exempt
from riskgraph.settings import Settings, require_secrets
from riskgraph.tables import RatingRows, ScoreRun

Say = Callable[[str], None]
ALL = 2**62  # "no limit" for a query's LIMIT
FAILED_SHOWN = 100  # failed firms listed per month in an answer (all are counted); the CLI lists them all
OPERATING = "active"  # firms in operation; the class mix that matters and the population evaluated


def _quiet(_msg: str) -> None:
    return None


@dataclass
class MonthRun:
    month: str
    run_id: str
    model_version: str
    firms: int
    class_counts: dict[str, int]
    class_mix: dict[str, float]
    replaced_run: str | None
    timings: dict[str, float] = field(default_factory=dict)
    exempt: dict[str, int] = field(default_factory=dict)
    iterations: int = 0
    class_mix_operating: dict[str, float] = field(default_factory=dict)  # firms in operation (status active)


def read_projection(driver: Driver, settings: Settings, month: Month | str, hubs: ExemptHubs | None = None,
                    event_kinds: Sequence[str] | None = None, progress: Say | None = None) -> Projection:
    """The projection of ``month`` from the graph, hubs marked exempt; events of ``event_kinds`` (default all)."""
    month = Month.of(month)
    tables = read_month_tables(driver, settings, month.end, event_kinds or EVENT_KINDS, progress)
    p = build_projection(tables, month, event_kinds)
    if hubs is not None:
        mark_exempt(p, hubs, settings.person_salt.get_secret_value())
    return p


def score_month(driver: Driver, settings: Settings, month: Month | str, config: ModelConfig,
                hubs: ExemptHubs | None = None, say: Say = _quiet, on_write: Callable[[int], None] | None = None,
                before_write: Callable[[int], None] | None = None, actor: str | None = None,
                analyse: bool = True) -> MonthRun:
    """Score ``month`` from the graph and store the results (replacing that month atomically).

    With ``analyse`` (the default) the month's hotspots and risk groups are computed from the new
    ratings and stored too (``jobs.analysis.analyse_scored``; timed as ``analysis.*``).
    """
    require_secrets(settings)  # ratings signed with a public key could be forged
    month = Month.of(month)  # refuse a malformed month before touching anything
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("reading the projection")
    p = read_projection(driver, settings, month, hubs, config.event_kinds(), progress=say)
    exempt = {"firms": int(p.firm_exempt.sum()), "connectors": int(p.conn_exempt.sum())}
    timings["read_s"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    say(f"scoring {p.n_firms:,} firms")
    result = score_projection(p, config)
    texts = result.reasons_json
    timings["compute_s"] = time.perf_counter() - t1
    timings.update({f"compute.{k}": v for k, v in result.timings.items()})

    t2 = time.perf_counter()
    run_id = f"{month.text}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    counts = result.class_counts()
    if before_write:
        before_write(p.n_firms)
    say("writing results")
    rows = RatingRows(node=p.firm_node, fid=p.firm_key, score=result.score,
                      own=result.own_score, received=result.received, cls=[CLASS_ORDER[c].value for c in result.cls],
                      indicator_set=_set_names(config, result.indicator_set), reasons=texts)
    replaced = results.write_month(driver, settings, ScoreRun(month.text, run_id, config.model_version, counts), rows,
                                   on_batch=on_write)
    audit.record(settings, "score", actor, month=month.text, run_id=run_id, model_version=config.model_version,
                 firms=p.n_firms, class_counts=counts, replaced_run=replaced)
    timings["write_s"] = time.perf_counter() - t2
    timings["total_s"] = time.perf_counter() - t0  # scoring alone, as before; the analysis is timed on its own
    if analyse:
        from riskgraph.jobs.analysis import analyse_scored  # imported here: jobs.analysis builds on this module

        found = analyse_scored(driver, settings, p, result.cls, result.reasons, run_id, config, say=say, actor=actor)
        timings.update({f"analysis.{k}": v for k, v in found.timings.items()})
        timings["total_with_analysis_s"] = time.perf_counter() - t0
    operating = p.status == FIRM_STATUSES.index(OPERATING)
    return MonthRun(month.text, run_id, config.model_version, p.n_firms, counts, class_mix(result.cls), replaced,
                    timings, exempt, result.propagation.iterations if result.propagation else 0,
                    class_mix(result.cls[operating]) if operating.any() else {})


def _set_names(config: ModelConfig, sets: np.ndarray) -> list[str]:
    names = np.array(["general", *(s.name for s in config.key_area_sets)], dtype=object)
    return [str(x) for x in names[sets.astype(np.int64)]]


# ---------------------------------------------------------------------------------------
# Up- and downgrades between two months


def withdraw_month(driver: Driver, settings: Settings, month: str, actor: str | None = None) -> str | None:
    """Take a month scored by mistake away from readers, then delete its ratings; the run withdrawn, if any."""
    checked = Month.of(month).text
    withdrawn = results.withdraw_month(driver, settings, checked)
    audit.record(settings, "withdraw", actor, month=checked, run_id=withdrawn)
    return withdrawn


@dataclass
class ClassChange:
    fid: str
    name: str | None
    before: str
    after: str
    score_before: float
    score_after: float

    @property
    def direction(self) -> str:
        return "down" if self.after > self.before else "up"  # "D" > "A": a higher letter is a downgrade


@dataclass
class ClassChanges:
    """The changes between two scored months, in order."""

    before: str
    after: str
    changes: list[ClassChange]

    def __iter__(self) -> Iterator[ClassChange]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)


def class_changes(driver: Driver, settings: Settings, before: str | None, after: str,
                  direction: str | None = None, limit: int | None = None) -> ClassChanges:
    """Firms whose class differs between two scored months, largest moves first (downgrades before upgrades).

    ``before`` defaults to the latest scored month before ``after``; ``direction`` is ``up``,
    ``down`` or None for both. Refuses (:class:`MonthNotScored`) a month that has not been scored.
    """
    after = Month.of(after).text
    before = Month.of(before).text if before is not None else None
    reader = RatingReader(driver, settings)
    scored = sorted(m["month"] for m in reader.months())
    for month in (after, before):
        if month is not None and month not in scored:
            raise MonthNotScored(month)
    before = before or next((m for m in reversed(scored) if m < after), None)
    if before is None:
        raise NotFound(f"no scored month before {after} to compare with")
    for month in (before, after):
        require_verified(driver, settings, month)
    rows = reader.changes(before, after, direction, ALL if limit is None else limit)
    return ClassChanges(before, after, [ClassChange(**row) for row in rows])


# ---------------------------------------------------------------------------------------
# Integrity: are a month's stored ratings still the ones its scorer wrote?


@dataclass(frozen=True)
class _Verdict:
    run_id: str
    seal: str | None
    key_id: str
    checked_at: float  # time.monotonic() when the ratings were checked
    check: results.MonthCheck


_verdicts: dict[tuple[str, str, str], _Verdict] = {}  # (Neo4j URI, database, month) → the last full check
_verdicts_lock = threading.Lock()
_month_locks: dict[tuple[str, str, str], threading.Lock] = {}


def verify_month(driver: Driver, settings: Settings, month: Month | str) -> results.MonthCheck:
    """Check every rating of ``month``'s active run against its HMAC and the run's seal, now (no cache).

    ``riskgraph score --verify MONTH``; the service's aggregates use :func:`checked_month`.
    """
    return results.verify_month(driver, settings, Month.of(month).text)


def checked_month(driver: Driver, settings: Settings, month: Month | str) -> results.MonthCheck:
    """The integrity of ``month`` as an aggregate may rely on it.

    The run's seal (its facts: ratings written, class counts) is checked on every call — two index
    lookups and one HMAC. Checking every rating means reading the whole month (a million ratings:
    seconds), so that verdict is kept per run in this process and redone once it is older than
    ``settings.verify_interval_s`` (0: every call), or at once when the month's active run, its seal
    or the key changes. A tampering is therefore reported at most ``verify_interval_s`` after it
    happened. One check of a month runs at a time; concurrent callers wait for its verdict.
    """
    month = Month.of(month).text
    seal = results.read_run_seal(driver, settings, month)
    if seal.run_id is None or seal.problems:
        return results.MonthCheck(month, seal.run_id, 0, (), seal.problems)
    key = (settings.neo4j_uri, settings.neo4j_database, month)
    key_id = results.RatingSigner.of(settings).key_id
    with _verdicts_lock:
        lock = _month_locks.setdefault(key, threading.Lock())
    with lock:
        known = _verdicts.get(key)
        if (known is not None and (known.run_id, known.seal, known.key_id) == (seal.run_id, seal.seal, key_id)
                and time.monotonic() - known.checked_at < settings.verify_interval_s):
            return known.check
        checked_at = time.monotonic()
        check = results.verify_month(driver, settings, month)
        if check.run_id == seal.run_id:
            _verdicts[key] = _Verdict(seal.run_id, seal.seal, key_id, checked_at, check)
        return check


def require_verified(driver: Driver, settings: Settings, month: Month | str) -> None:
    """Refuse (:class:`Conflict`, 409 through the API) a month whose ratings fail their integrity check."""
    check = checked_month(driver, settings, month)
    if not check.verified:
        raise Conflict(check.summary())


def scored_months(driver: Driver, settings: Settings) -> list[dict[str, Any]]:
    """Scored months, newest first, with their class counts and each month's integrity verdict.

    ``verified`` is false when the month fails its check (:func:`checked_month`); then
    ``failed_count`` firms fail (the first ``FAILED_SHOWN`` in ``failed_firms``) and ``integrity``
    says what is wrong and what to do. Flagged rather than refused: one bad month does not hide the others.
    """
    rows = RatingReader(driver, settings).months()
    for row in rows:
        check = checked_month(driver, settings, row["month"])
        row.update(verified=check.verified, failed_count=len(check.failed),
                   failed_firms=list(check.failed[:FAILED_SHOWN]),
                   integrity=None if check.verified else check.summary())
    return rows
