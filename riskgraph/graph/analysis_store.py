"""The analysis of scored months in Neo4j: hotspot cells and risk groups per month, signed, swapped in atomically.

Layout: one ``(:AnalysisRun {run_id, month, score_run, analysis_version, cells, groups, seal, …})``
per computation, its ``(:HotspotCell)`` and ``(:RiskGroup)`` nodes carrying its ``run_id``, and one
``(:AnalysisMonth {month, active_run})`` per month. As for ratings (``graph.results``): a new run is
written beside the old one, one small transaction points the month at it, and the run it
replaced is deleted afterwards — so computing a month again replaces it for readers at once,
and other months are never touched. ``score_run`` names the ratings it was computed from: a
reader compares it with the month's active score run and refuses an analysis of ratings that
are no longer the month's.

Integrity, as for ratings: every cell and group carries ``digest``, an HMAC-SHA256 of its stored
fields keyed by ``settings.rating_key`` (never written to the database), under its run and month;
each run carries a ``seal`` over its facts (score run, version, number of cells and groups) and
the key id. :class:`AnalysisReader` checks the seal on every read, every row it returns, and the
run's number of cells or groups against the seal — so an edited q, a hotspot flag switched off or
a deleted cell is reported (:class:`~riskgraph.errors.Conflict`), never served.

Rows come in and go out as plain dicts (the jobs shape them); nothing here computes a statistic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction

from riskgraph.errors import Conflict, NotFound
from riskgraph.graph import db
from riskgraph.graph.results import rating_key_id
from riskgraph.settings import Settings

WRITE_BATCH = 2_000
DELETE_BATCH = 20_000
WRITING_LEASE = dt.timedelta(hours=1)  # a run still 'writing' this long after it started is a crash's leftover

# Stored fields, in the order their MAC covers them. JSON texts hold the nested parts.
CELL_FIELDS: tuple[str, ...] = ("region_level", "region", "industry_level", "industry", "n", "observed", "expected",
                                "ratio", "p", "q", "smoothed", "tested", "hotspot", "drivers")
GROUP_FIELDS: tuple[str, ...] = ("number", "anchor", "size", "members", "observed", "expected", "ratio", "p", "q",
                                 "regions", "industries", "persons", "addresses", "internal_links", "first_month",
                                 "continues")
ROW_MAC, RUN_MAC = "riskgraph/analysis-row/v1", "riskgraph/analysis-run/v1"


class AnalysisSigner:
    """HMAC-SHA256 over stored analysis rows and runs, keyed like ratings by ``settings.rating_key``."""

    def __init__(self, key: str):
        self.key_id = rating_key_id(key)
        self._keyed = hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)

    @classmethod
    def of(cls, settings: Settings) -> AnalysisSigner:
        return cls(settings.rating_key.get_secret_value())

    def _mac(self, *parts: str) -> str:
        mac = self._keyed.copy()
        mac.update("\x1f".join(parts).encode("utf-8"))
        return mac.hexdigest()

    def row(self, kind: str, run_id: str, month: str, fields: Sequence[str], row: dict[str, Any]) -> str:
        """The digest of one cell or group: its fields as stored (None for an absent one)."""
        body = json.dumps([row.get(f) for f in fields], ensure_ascii=False, separators=(",", ":"))
        return self._mac(ROW_MAC, self.key_id, kind, run_id, month, body)

    def run(self, run_id: str, month: str, score_run: str, analysis_version: str, cells: int, groups: int,
            firms: int, unplaced: int, summary: str) -> str:
        return self._mac(RUN_MAC, self.key_id, run_id, month, score_run, analysis_version, str(cells), str(groups),
                         str(firms), str(unplaced), summary)

    def matches(self, kind: str, run_id: str, month: str, fields: Sequence[str], row: dict[str, Any]) -> bool:
        digest = row.get("digest")
        return isinstance(digest, str) and hmac.compare_digest(digest, self.row(kind, run_id, month, fields, row))


@dataclass(frozen=True)
class AnalysisRunRows:
    """One month's analysis as the store writes it."""

    month: str
    run_id: str
    score_run: str  # the ratings' run it was computed from
    analysis_version: str
    firms: int  # firms in the cells
    unplaced: int  # firms without a region code
    summary: dict[str, Any]  # priors, settings shown with the grid (JSON-able)
    cells: Sequence[dict[str, Any]]  # CELL_FIELDS each
    groups: Sequence[dict[str, Any]]  # GROUP_FIELDS each


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ensure_analysis_schema(driver: Driver, settings: Settings) -> None:
    with db.session(driver, settings) as sess:
        for statement in db.cypher_statements("write/analysis_schema"):
            sess.run(statement).consume()


def write_analysis(driver: Driver, settings: Settings, rows: AnalysisRunRows) -> str | None:
    """Write a month's cells and groups under ``rows.run_id``, make them the month's, delete the run replaced.

    Returns the run id replaced, or None.
    """
    ensure_analysis_schema(driver, settings)
    signer = AnalysisSigner.of(settings)
    month, run_id = rows.month, rows.run_id
    cells = [{**{f: c.get(f) for f in CELL_FIELDS}, "digest": signer.row("cell", run_id, month, CELL_FIELDS, c)}
             for c in rows.cells]
    groups = [{**{f: g.get(f) for f in GROUP_FIELDS}, "digest": signer.row("group", run_id, month, GROUP_FIELDS, g)}
              for g in rows.groups]
    summary = json.dumps(rows.summary, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with db.session(driver, settings) as sess:
        sess.execute_write(lambda tx: tx.run(db.cypher("write/analysis_start_run"), run_id=run_id, month=month,
                                             score_run=rows.score_run, analysis_version=rows.analysis_version,
                                             started=_now()).consume())
        for name, table in (("write/analysis_cells", cells), ("write/analysis_groups", groups)):
            db.write_batches(sess, name, [{k: v for k, v in r.items() if v is not None} for r in table],
                             WRITE_BATCH, run_id=run_id, month=month)
        seal = signer.run(run_id, month, rows.score_run, rows.analysis_version, len(cells), len(groups), rows.firms,
                          rows.unplaced, summary)

        def flip(tx: ManagedTransaction) -> str | None:
            rec = tx.run(db.cypher("write/analysis_activate_run"), run_id=run_id, month=month, finished=_now(),
                         cells=len(cells), groups=len(groups), firms=rows.firms, unplaced=rows.unplaced,
                         summary=summary, seal=seal, key_id=signer.key_id).single()
            if rec is None:
                raise Conflict(f"analysis run {run_id} of {month} was removed while it was being written; "
                               "compute the month again")
            return rec["previous"]

        previous = sess.execute_write(flip)
    delete_stale_analysis(driver, settings, month)
    return previous


def delete_stale_analysis(driver: Driver, settings: Settings, month: str) -> list[str]:
    """Delete the analysis runs of ``month`` readers no longer see (replaced, or left by a crash)."""
    with db.session(driver, settings) as sess:
        stale = [r["run_id"] for r in db.read_all(sess, "read/analysis_stale_runs", month=month,
                                                  writing_since=_now() - WRITING_LEASE)]
        for run_id in stale:
            for name in ("write/analysis_delete_cells", "write/analysis_delete_groups"):
                while sess.execute_write(_delete_batch, db.cypher(name), run_id) > 0:
                    pass
            sess.execute_write(_delete_run, run_id)
    return stale


def _delete_batch(tx: ManagedTransaction, text: str, run_id: str) -> int:
    return int(tx.run(text, run_id=run_id, limit=DELETE_BATCH).single(strict=True)["deleted"])


def _delete_run(tx: ManagedTransaction, run_id: str) -> None:
    tx.run(db.cypher("write/analysis_delete_run"), run_id=run_id).consume()


@dataclass(frozen=True)
class AnalysisRunInfo:
    """A month's active analysis run as its sealed facts state them (checked)."""

    month: str
    run_id: str
    score_run: str
    analysis_version: str
    cells: int
    groups: int
    firms: int
    unplaced: int
    summary: dict[str, Any]


class AnalysisReader:
    """Reads a month's stored analysis and checks what it returns (the run's seal, each row's digest, counts).

    Whether the month's *ratings* are intact is not checked here (``jobs.scoring.require_verified``);
    this checks that the analysis is the one computed from the month's active ratings and unedited.
    """

    def __init__(self, driver: Driver, settings: Settings):
        self.driver = driver
        self.settings = settings
        self.signer = AnalysisSigner.of(settings)

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with db.session(self.driver, self.settings) as sess:
            return db.read_all(sess, query, **params)

    def months(self) -> list[dict[str, Any]]:
        """Months with an analysis, oldest first (``month``, ``run_id``); unchecked — for choosing what to read."""
        return self._read("read/analysis_months")

    def run(self, month: str) -> AnalysisRunInfo:
        """The month's active analysis run, its seal checked; NotFound without one, Conflict when it fails."""
        [r] = self._read("read/analysis_month_run", month=month)
        if r["run_id"] is None:
            raise NotFound(f"no hotspots or risk groups are stored for {month}; compute them with "
                           f"`riskgraph hotspots --month {month} --compute` (scoring a month computes them too)")
        problems = []
        if r["run_month"] != month:
            problems.append(f"the month points at analysis run {r['run_id']}, which is missing or of another month")
        elif r["seal"] is None or r["key_id"] != self.signer.key_id:
            problems.append(f"analysis run {r['run_id']} carries no seal or was signed with another key")
        elif not hmac.compare_digest(str(r["seal"]), self.signer.run(
                r["run_id"], month, str(r["score_run"]), str(r["analysis_version"]), int(r["cells"]),
                int(r["groups"]), int(r["firms"]), int(r["unplaced"]), str(r["summary"]))):
            problems.append(f"the facts of analysis run {r['run_id']} do not match its seal: edited in the database")
        if problems:
            raise Conflict(f"the analysis of {month} fails its integrity check — {'; '.join(problems)}. Compute it "
                           f"again with `riskgraph hotspots --month {month} --compute`")
        if r["score_active"] != r["score_run"]:
            raise Conflict(f"the hotspots and risk groups stored for {month} were computed from ratings run "
                           f"{r['score_run']}, but the month's ratings are now run {r['score_active']}; compute them "
                           f"again with `riskgraph hotspots --month {month} --compute`")
        return AnalysisRunInfo(month, r["run_id"], r["score_run"], r["analysis_version"], int(r["cells"]),
                               int(r["groups"]), int(r["firms"]), int(r["unplaced"]), json.loads(r["summary"]))

    def _checked(self, kind: str, run: AnalysisRunInfo, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        fields = CELL_FIELDS if kind == "cell" else GROUP_FIELDS
        bad = [str(r.get("region" if kind == "cell" else "anchor")) for r in rows
               if not self.signer.matches(kind, run.run_id, run.month, fields, r)]
        if bad:
            what = "cell(s) of region" if kind == "cell" else "group(s) anchored at"
            raise Conflict(f"the analysis of {run.month} fails its integrity check — {len(bad)} {what} "
                           f"{', '.join(bad[:10])} do not match their HMAC (edited in the database). Compute it "
                           f"again with `riskgraph hotspots --month {run.month} --compute`")
        return [{f: r.get(f) for f in fields} for r in rows]

    def _count_matches(self, run: AnalysisRunInfo, what: str, found: int, sealed: int) -> None:
        if found != sealed:
            raise Conflict(f"the analysis of {run.month} fails its integrity check — {found:,} {what} stored where "
                           f"its run sealed {sealed:,}. Compute it again with "
                           f"`riskgraph hotspots --month {run.month} --compute`")

    def cells(self, run: AnalysisRunInfo, region_level: str, industry_level: str, parent: str = "",
              section: str = "") -> list[dict[str, Any]]:
        """The run's cells of one level, regions under ``parent`` and industries under ``section`` (prefixes)."""
        [r] = self._read("read/analysis_cells", run_id=run.run_id, region_level=region_level,
                         industry_level=industry_level, parent=parent, section=section)
        self._count_matches(run, "cells", int(r["total"]), run.cells)
        return self._checked("cell", run, r["cells"])

    def cell_in_runs(self, runs: Sequence[AnalysisRunInfo], region_level: str, region: str, industry_level: str,
                     industry: str) -> dict[str, dict[str, Any]]:
        """One cell in each of ``runs`` (checked), by month; months without the cell are absent."""
        by_run = {run.run_id: run for run in runs}
        rows = self._read("read/analysis_cell", run_ids=list(by_run), region_level=region_level, region=region,
                          industry_level=industry_level, industry=industry)
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            run = by_run[row["run_id"]]
            out[run.month] = self._checked("cell", run, [row["cell"]])[0]
        return out

    def groups(self, run: AnalysisRunInfo, min_size: int, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """The run's groups of at least ``min_size`` firms, most significant first: (how many match, a page)."""
        [r] = self._read("read/analysis_groups", run_id=run.run_id, min_size=min_size, offset=offset, limit=limit)
        self._count_matches(run, "groups", int(r["total"]), run.groups)
        return int(r["matching"]), self._checked("group", run, r["groups"])

    def group_of(self, run: AnalysisRunInfo, fid: str) -> dict[str, Any] | None:
        """The group firm ``fid`` belongs to in the run (checked), or None."""
        rows = self._read("read/analysis_group", run_id=run.run_id, fid=fid)
        return self._checked("group", run, [rows[0]["group"]])[0] if rows else None

    def all_groups(self, run: AnalysisRunInfo) -> list[dict[str, Any]]:
        """Every group of the run as ``anchor``, ``members``, ``first_month`` (for matching next month's to them)."""
        [r] = self._read("read/analysis_run_groups", run_id=run.run_id)
        self._count_matches(run, "groups", len(r["anchor"]), run.groups)
        return [{"anchor": a, "members": m, "first_month": f}
                for a, m, f in zip(r["anchor"], r["members"], r["first_month"], strict=True)]

    def firms(self, fids: Sequence[str], score_run: str) -> list[dict[str, Any]]:
        """Name and rating (in ``score_run``) of each firm of ``fids`` that exists."""
        return self._read("read/analysis_group_members", fids=list(fids), score_run=score_run)

    def cell_firms(self, month: str, region_prefix: str, industry: str, offset: int,
                   limit: int) -> tuple[int, list[dict[str, Any]]]:
        """The month's rated firms of a cell (not cancelled): (how many, a page), highest class and score first."""
        [r] = self._read("read/analysis_cell_firms", month=month, region_prefix=region_prefix, industry=industry,
                         offset=offset, limit=limit)
        return int(r["total"]), list(r["firms"])
