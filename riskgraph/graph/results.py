"""Monthly scoring results in Neo4j: write a run, swap it in atomically, keep history.

Layout: ``(:Firm)-[:RATED]->(:Rating {run_id, month, score, class, reasons, model_version,
digest, …})``, one ``(:ScoreRun)`` per run and one ``(:ScoreMonth {month, active_run})``
per month. Readers take a month's ratings through ``active_run``. Writing a month:

1. ratings are created under a new run id, in batches (readers do not see them yet);
2. one small transaction points the month at the new run (the swap readers see);
3. the previous run of that month, and any run left half-written by a crash, is
   deleted in batches afterwards.

So re-running a month replaces it for readers all at once and other months are never
touched.

Each rating carries ``digest``, an HMAC-SHA256 of its content (fid, month, run, model version,
score, class, reasons, detail) keyed by ``settings.rating_key`` — a secret that is never written
to the database — and each run carries ``seal``, an HMAC of its facts (month, model version, number
of ratings, class counts) with ``key_id`` naming the key. So write access to Neo4j alone can
neither edit a rating nor delete, add or move one without :func:`verify_month` noticing; the
cheap :func:`read_run_seal` checks the run's own facts on every read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from neo4j import Driver, ManagedTransaction

from riskgraph.bulk import paused_gc
from riskgraph.errors import Conflict
from riskgraph.graph import db
from riskgraph.settings import Settings
from riskgraph.tables import RatingRows, ScoreRun

WRITE_BATCH = 10_000
WRITE_THREADS = 2
DELETE_BATCH = 20_000
# a run still 'writing' this long after it started is taken for a crash's leftover
WRITING_LEASE = dt.timedelta(hours=1)


# what each MAC is of, inside the MAC: a rating's digest can never pass for a run's seal or the reverse
RATING_MAC, RUN_MAC = "riskgraph/rating/v1", "riskgraph/run/v1"


def rating_key_id(key: str) -> str:
    """The first 8 hex digits of the key's SHA-256: names the key a run was signed with (for rotation)
    without giving anything away about it."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


class RatingSigner:
    """HMAC-SHA256 over stored ratings and runs, keyed by ``settings.rating_key``.

    The key lives in the settings of the scorer and the service only, so whoever can write to
    Neo4j but does not hold it cannot compute the MAC of an edited rating. Fields are joined with
    the unit separator (JSON texts escape it, codes and months cannot contain it); a score enters
    with the 4 decimals it is stored with.
    """

    def __init__(self, key: str):
        self.key_id = rating_key_id(key)
        self._keyed = hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)  # copied per MAC: key set up once

    @classmethod
    def of(cls, settings: Settings) -> RatingSigner:
        return cls(settings.rating_key.get_secret_value())

    def _mac(self, *parts: str) -> str:
        mac = self._keyed.copy()
        mac.update("\x1f".join(parts).encode("utf-8"))
        return mac.hexdigest()

    def rating(self, fid: str, month: str, run_id: str, model_version: str, score: float, cls: str,
               reasons_json: str, detail_json: str) -> str:
        """The ``digest`` of one rating (64 hex digits)."""
        return self._mac(RATING_MAC, self.key_id, fid, month, run_id, model_version, f"{score:.4f}", cls,
                         reasons_json, detail_json)

    def run(self, run_id: str, month: str, model_version: str, firms: int, class_counts_json: str) -> str:
        """The ``seal`` of a run: its identity, how many ratings it wrote and their class counts (as stored)."""
        return self._mac(RUN_MAC, self.key_id, run_id, month, model_version, str(firms), class_counts_json)

    def rating_matches(self, digest: object, fid: str, month: str, run_id: str, model_version: str,
                       score: float, cls: str, reasons_json: str, detail_json: str) -> bool:
        """Whether ``digest`` is this key's MAC of the rating (constant-time comparison)."""
        if not isinstance(digest, str):
            return False
        expected = self.rating(fid, month, run_id, model_version, score, cls, reasons_json, detail_json)
        return hmac.compare_digest(digest, expected)


def ensure_result_schema(driver: Driver, settings: Settings) -> None:
    with db.session(driver, settings) as sess:
        for statement in db.cypher_statements("write/result_schema"):
            sess.run(statement).consume()


@dataclass
class MonthRatings:
    """Active ratings of one month."""

    month: str
    run_id: str | None
    model_version: str | None
    fid: list[str]
    cls: list[str]
    score: list[float]
    digest: list[str]
    reasons: list[str]
    detail: list[str]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def write_month(driver: Driver, settings: Settings, run: ScoreRun, rows: RatingRows,
                on_batch: Callable[[int], None] | None = None) -> str | None:
    """Write a month's ratings under ``run.run_id`` and make them the month's active results.

    Returns the run id that was replaced (already deleted), or None. Batches go out on
    ``WRITE_THREADS`` sessions at once until two of them deadlock (see :func:`far_apart_batches`).
    """
    ensure_result_schema(driver, settings)
    with paused_gc():
        return _write_month(driver, settings, run, rows, on_batch)


def far_apart_batches(n: int, batch: int) -> np.ndarray:
    """Row numbers 0..n-1, whole batches in the order first, last, second, second-to-last, …

    Firms loaded together sit next to each other in node order and are often linked (a group,
    a ring); adding a relationship locks the neighbours' relationship chains, so two writers
    on neighbouring batches deadlock, and after a deadlock the rest goes on one lane. Writers
    taking batches from both ends meet less often (a million firms: 36.4 s → 31–33 s).
    Each batch stays a contiguous run (the short last one stays last).
    """
    full = n // batch
    ends = np.empty(full, dtype=np.int64)
    ends[0::2] = np.arange((full + 1) // 2)
    ends[1::2] = full - 1 - np.arange(full // 2)
    starts = np.concatenate([ends * batch, [full * batch] if n % batch else []]).astype(np.int64)
    return np.concatenate([np.arange(lo, min(lo + batch, n)) for lo in starts]) if n else np.zeros(0, np.int64)


def _write_month(driver: Driver, settings: Settings, run: ScoreRun, rows: RatingRows,
                 on_batch: Callable[[int], None] | None) -> str | None:
    n = len(rows)
    month, run_id, model_version = run.month, run.run_id, run.model_version
    fids = [str(f) for f in rows.fid]
    cls = list(rows.cls)
    reasons = list(rows.reasons)
    scores = np.round(np.asarray(rows.score, dtype=np.float64), 4).tolist()
    own_l = np.round(np.asarray(rows.own, dtype=np.float64), 4).tolist()
    rec_l = np.round(np.asarray(rows.received, dtype=np.float64), 6).tolist()
    details = [f'{{"own":{o},"received":{r},"set":"{s}"}}' for o, r, s in zip(own_l, rec_l, rows.indicator_set,
                                                                             strict=True)]
    signer = RatingSigner.of(settings)
    digests = [signer.rating(fids[i], month, run_id, model_version, scores[i], cls[i], reasons[i], details[i])
               for i in range(n)]
    class_counts = json.dumps(dict(run.class_counts))
    seal = signer.run(run_id, month, model_version, n, class_counts)
    nodes = np.asarray(rows.node, dtype=np.int64).tolist()
    text = db.cypher("write/create_ratings")

    def work(tx: ManagedTransaction, batch: Sequence[int]) -> None:
        lo, hi = int(batch[0]), int(batch[-1]) + 1
        tx.run(text, node=nodes[lo:hi], fid=fids[lo:hi], score=scores[lo:hi], cls=cls[lo:hi],
               reasons=reasons[lo:hi], detail=details[lo:hi], digest=digests[lo:hi], run_id=run_id, month=month,
               model_version=model_version).consume()

    with db.session(driver, settings) as sess:
        sess.execute_write(lambda tx: tx.run(db.cypher("write/start_score_run"), run_id=run_id, month=month,
                                             model_version=model_version, started=_now()).consume())
    # firms linked to each other may sit in two batches at once: a deadlock turns the second lane off
    order = far_apart_batches(n, WRITE_BATCH).tolist()
    db.write_concurrently(driver, settings, work, order, WRITE_BATCH, WRITE_THREADS, on_batch)

    def flip(tx: ManagedTransaction) -> str | None:
        rec = tx.run(db.cypher("write/activate_score_run"), run_id=run_id, month=month, finished=_now(),
                     firms=n, class_counts=class_counts, key_id=signer.key_id, seal=seal).single()
        if rec is None:  # the run node is gone: a scorer that started later deleted it as stale
            raise Conflict(f"run {run_id} of {month} was removed while it was being written (was {month} "
                                 "withdrawn, or scored again by another job?); nothing changed for readers — "
                                 "score the month again")
        return rec["previous"]

    with db.session(driver, settings) as sess:
        previous = sess.execute_write(flip)
    delete_stale_runs(driver, settings, month)
    return previous


def _delete_rating_batch(tx: ManagedTransaction, run_id: str) -> int:
    rec = tx.run(db.cypher("write/delete_rating_batch"), run_id=run_id, limit=DELETE_BATCH).single()
    return int(rec["deleted"]) if rec else 0


def _delete_run(tx: ManagedTransaction, run_id: str) -> None:
    tx.run(db.cypher("write/delete_score_run"), run_id=run_id).consume()


def _rating_nodes(tx: ManagedTransaction, run_id: str) -> list[int]:
    return list(tx.run(db.cypher("read/result_run_ratings"), run_id=run_id).single(strict=True)["node"])


def _delete_ratings_by_id(tx: ManagedTransaction, nodes: Sequence[int]) -> None:
    tx.run(db.cypher("write/delete_ratings_by_id"), node=list(nodes)).consume()


def delete_stale_runs(driver: Driver, settings: Settings, month: str) -> list[str]:
    """Delete the runs of ``month`` that are not active (superseded, or left by a crash).

    A run's ratings are listed by internal id once, then deleted in batches, ``WRITE_THREADS`` at
    once until two deadlock (linked firms in two batches); a last pass by
    run id catches anything the list missed before the run node itself goes.
    """
    writing_since = _now() - WRITING_LEASE
    with db.session(driver, settings) as sess:
        stale = [r["run_id"] for r in db.read_all(sess, "read/result_stale_runs", month=month,
                                                  writing_since=writing_since)]
    for run_id in stale:
        with db.session(driver, settings) as sess:
            nodes = db.execute_read(sess, _rating_nodes, run_id, query_name="read/result_run_ratings")
        db.write_concurrently(driver, settings, _delete_ratings_by_id, nodes, DELETE_BATCH, WRITE_THREADS)
        with db.session(driver, settings) as sess:
            while sess.execute_write(_delete_rating_batch, run_id) > 0:
                pass
            sess.execute_write(_delete_run, run_id)
    return stale


def withdraw_month(driver: Driver, settings: Settings, month: str) -> str | None:
    """Take ``month`` away from readers in one transaction, then delete its runs; the active run id, if any.

    For a month scored by mistake (wrong data, wrong model file). Other months are untouched.
    """
    with db.session(driver, settings) as sess:
        rec = sess.execute_write(lambda tx: tx.run(db.cypher("write/withdraw_score_month"), month=month).single())
    delete_stale_runs(driver, settings, month)
    return str(rec["withdrawn"]) if rec and rec["withdrawn"] else None


def read_month(driver: Driver, settings: Settings, month: str, attempts: int = 3) -> MonthRatings:
    """The month's active ratings, whole: a read that overlapped a re-run's switch-over is repeated.

    Reads see committed data as they go, so a long read that began on the previous run can see
    its ratings being deleted after the switch; the count written with the run tells.
    """
    text = db.cypher("read/result_month")
    for _ in range(attempts):
        with db.session(driver, settings) as sess:
            # dict(record), not record.data(): the lists hold a value per firm
            r = db.execute_read(sess, lambda tx: dict(tx.run(text, month=month).single(strict=True)),
                                query_name="read/result_month")
        if r["run_firms"] is None or r["run_firms"] == len(r["fid"]):
            break
    else:
        raise Conflict(f"the ratings of {month} kept changing while being read; try again")
    return MonthRatings(month, r["run_id"], r["model_version"], r["fid"], r["class"], r["score"], r["digest"],
                        r["reasons"], r["detail"])


def firm_history(driver: Driver, settings: Settings, fid: str) -> list[dict[str, Any]]:
    with db.session(driver, settings) as sess:
        rows = db.read_all(sess, "read/result_firm_history", fid=fid)
    for row in rows:
        row["reasons"] = json.loads(row["reasons"])
        row.update(json.loads(row.pop("detail") or "{}"))
    return rows


def list_runs(driver: Driver, settings: Settings) -> list[dict[str, Any]]:
    with db.session(driver, settings) as sess:
        return db.read_all(sess, "read/result_runs")


@dataclass(frozen=True)
class RunSeal:
    """The active run of a month as its (:ScoreRun) states it, and what is wrong with its seal (if anything)."""

    month: str
    run_id: str | None  # None: the month has not been scored
    model_version: str | None
    firms: int | None
    seal: str | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class MonthCheck:
    """The outcome of checking every rating of a month's active run against its HMAC and the run's seal."""

    month: str
    run_id: str | None
    checked: int  # ratings read and checked
    failed: tuple[str, ...]  # firms whose rating fails: edited, forged, duplicated or hung from another firm
    problems: tuple[str, ...]  # about the run as a whole: its seal, its key, ratings missing

    @property
    def verified(self) -> bool:
        return not self.failed and not self.problems

    def summary(self, shown: int = 10) -> str:
        """One paragraph a person can act on: what failed and what to do."""
        if self.verified:
            return (f"{self.month}: all {self.checked:,} ratings of run {self.run_id} match their HMAC and the "
                    "run's seal")
        parts = list(self.problems)
        if self.failed:
            more = f" and {len(self.failed) - shown:,} more" if len(self.failed) > shown else ""
            parts.append(f"{len(self.failed):,} rating(s) fail their HMAC (changed, forged, duplicated or moved "
                         f"to another firm): {', '.join(self.failed[:shown])}{more}")
        return (f"the ratings of {self.month} (run {self.run_id}) fail their integrity check — " + "; ".join(parts)
                + f". Investigate with `riskgraph score --verify {self.month}`; score the month again to replace "
                "them")


def _run_rating_rows(tx: ManagedTransaction, text: str, run_id: str) -> list[list[Any]]:
    return list(tx.run(text, run_id=run_id).single(strict=True)["rows"])


def read_run_seal(driver: Driver, settings: Settings, month: str) -> RunSeal:
    """The month's active run and the problems with its seal; two index lookups and one HMAC, cheap per request.

    A sound seal means the run's facts — month, model version, number of ratings, class counts — are
    as the scorer wrote them; whether the ratings themselves still are is :func:`verify_month`'s job.
    """
    with db.session(driver, settings) as sess:
        r = db.execute_read(sess, lambda tx: dict(tx.run(db.cypher("read/result_month_run"), month=month)
                                                 .single(strict=True)), query_name="read/result_month_run")
    run_id = r["run_id"]
    if run_id is None:
        return RunSeal(month, None, None, None, None, ())
    signer = RatingSigner.of(settings)
    problems: list[str] = []
    if r["run_month"] is None:
        problems.append(f"the month points at run {run_id}, which does not exist")
    elif r["run_month"] != month:
        problems.append(f"the month points at run {run_id}, which belongs to {r['run_month']}")
    elif r["seal"] is None or r["key_id"] is None:
        problems.append(f"run {run_id} carries no seal (scored before ratings were keyed, or the seal was removed)")
    elif r["key_id"] != signer.key_id:
        problems.append(f"run {run_id} was signed with key {r['key_id']} but this process holds key {signer.key_id} "
                        "(RISKGRAPH_RATING_KEY is not the one the month was scored with)")
    else:
        expected = signer.run(run_id, month, str(r["model_version"]), int(r["firms"] or 0), str(r["class_counts"]))
        if not hmac.compare_digest(str(r["seal"]), expected):
            problems.append(f"the facts of run {run_id} (model version, number of ratings, class counts) do not "
                            "match its seal: they were edited in the database")
    return RunSeal(month, run_id, r["model_version"], r["firms"], r["seal"], tuple(problems))


def verify_month(driver: Driver, settings: Settings, month: str, attempts: int = 3) -> MonthCheck:
    """Check every rating of ``month``'s active run against its HMAC, and the run against its seal.

    A rating fails when its digest is not this key's HMAC of its fields under the run's sealed
    month, run id and model version (an edit, a forgery, a rating moved from another run or month),
    when it hangs from a firm other than the one it names, or when its firm has two. The run fails
    when its seal does not match or fewer ratings are found than it sealed (ratings deleted).
    Reads the run's ratings as rows in one query — about as much as :func:`read_month` — so
    callers that answer often cache the verdict per run (``riskgraph.jobs.scoring``).
    A month not scored is a MonthCheck with no run and nothing checked.
    """
    signer = RatingSigner.of(settings)
    text = db.cypher("read/result_month_check")
    for _ in range(attempts):
        seal = read_run_seal(driver, settings, month)
        if seal.run_id is None:
            return MonthCheck(month, None, 0, (), ())
        with db.session(driver, settings) as sess:
            rows = db.execute_read(sess, _run_rating_rows, text, seal.run_id, query_name="read/result_month_check")
        if read_run_seal(driver, settings, month).run_id == seal.run_id:
            break
    else:
        raise Conflict(f"{month} was scored again while its ratings were being checked, {attempts} times; try again")
    run_id, model_version = seal.run_id, str(seal.model_version)
    seen = Counter(row[0] for row in rows)
    failed = sorted({str(fid) for fid, linked, cls, score, reasons, detail, digest in rows
                     if linked != fid or seen[fid] > 1 or not isinstance(score, float | int)
                     or not signer.rating_matches(digest, str(fid), month, run_id, model_version, float(score),
                                                  str(cls), str(reasons), str(detail or ""))})
    problems = list(seal.problems)
    if seal.firms is not None and len(seen) < seal.firms:
        problems.append(f"{seal.firms - len(seen):,} of the {seal.firms:,} ratings the run wrote are missing")
    return MonthCheck(month, run_id, len(rows), tuple(failed), tuple(problems))
