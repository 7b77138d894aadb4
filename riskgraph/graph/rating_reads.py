"""Read stored monthly ratings for the service: one firm, a batch, scored months, changes, counts.

Ratings are written by ``graph.results``; this module only reads the active run of each
month and checks every rating it returns against its HMAC (keyed by ``settings.rating_key``,
which the database never sees), so a record edited behind the service's back — even with its
digest recomputed — is reported (``intact: false``) rather than served as if intact. Whether a
whole month may be counted (class counts, changes) is checked by ``graph.results.verify_month``
through ``riskgraph.jobs.scoring``, not here.
"""

from __future__ import annotations

import json
from typing import Any

from neo4j import READ_ACCESS, Driver, Query
from neo4j.exceptions import Neo4jError

from riskgraph.errors import QueryTimeout
from riskgraph.graph import db
from riskgraph.graph.results import RatingSigner
from riskgraph.settings import Settings

REGION_DIGITS = {"province": 2, "prefecture": 4, "county": 6}


def _rating(row: dict[str, Any], signer: RatingSigner) -> dict[str, Any]:
    """A stored rating as a plain dict, with ``intact`` telling whether its digest is our key's HMAC of it."""
    intact = signer.rating_matches(row["digest"], row["fid"], row["month"], row["run_id"], row["model_version"],
                                   float(row["score"]), row["class"], row["reasons"], row["detail"] or "")
    detail = json.loads(row["detail"] or "{}")
    return {"fid": row["fid"], "name": row["name"], "month": row["month"], "class": row["class"],
            "score": row["score"], "own_score": detail.get("own"), "received_risk": detail.get("received"),
            "indicator_set": detail.get("set"), "model_version": row["model_version"], "run_id": row["run_id"],
            "reasons": json.loads(row["reasons"]), "intact": intact}


def _read_at_once(driver: Driver, settings: Settings, query_name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of one named query run as an auto-commit read, within the request's time limit.

    The rating lookup (the service's most frequent request) is a single query: outside an explicit
    transaction it costs one round trip to Neo4j (RUN and PULL) instead of two (BEGIN, RUN and PULL,
    then COMMIT), and less work on both sides — bench/api.py measured about 0.5 ms of CPU less per
    lookup in the service and as much or more in Neo4j. What it gives up is the managed transaction's
    retry of a transient error, which a single-server read does not meet in practice; a caller may
    retry a lookup. The time limit of :func:`db.query_time_limit` goes with the query, and running out
    is :class:`~riskgraph.errors.QueryTimeout` as for every read of :mod:`riskgraph.graph.db` (whose
    private time-limit state this reads: the function belongs beside ``db.execute_read``).
    """
    limit = db._time_limit.get()
    try:
        with db.session(driver, settings, default_access_mode=READ_ACCESS) as sess:
            result = sess.run(Query(db.cypher(query_name), timeout=limit), params)
            keys = result.keys()
            # plain values only (texts and numbers): zipped as they come, without Record.data()'s conversion
            # of graph types, a third of the driver's time for a batch of 1,000
            return [dict(zip(keys, record, strict=True)) for record in result]
    except Neo4jError as exc:
        if exc.code not in db._TIMED_OUT:
            raise
        raise QueryTimeout(f"the query {query_name} ran past its time limit of {limit} s "
                           "(RISKGRAPH_API_QUERY_TIMEOUT_S); ask for fewer firms or retry later") from exc


class RatingReader:
    def __init__(self, driver: Driver, settings: Settings):
        self.driver = driver
        self.settings = settings
        self.signer = RatingSigner.of(settings)

    def ratings(self, fids: list[str], month: str | None = None) -> dict[str, dict[str, Any]]:
        """The active rating of each firm in ``month`` (latest scored month when None), by fid."""
        rows = _read_at_once(self.driver, self.settings, "read/rating_of_firms", fids=fids, month=month)
        return {r["fid"]: _rating(r, self.signer) for r in rows}

    def history(self, fid: str) -> list[dict[str, Any]]:
        """Every month's active rating of one firm, oldest first, with the move from the month before.

        A move is reported only between two intact ratings: a class that fails its HMAC is shown
        (flagged ``intact: false``) but neither side of a ``change``.
        """
        with db.session(self.driver, self.settings) as sess:
            rows = db.read_all(sess, "read/result_firm_history", fid=fid)
        out: list[dict[str, Any]] = []
        for row in rows:
            rating = _rating({**row, "fid": fid, "name": None}, self.signer)
            before = out[-1] if out else None
            previous = before["class"] if before else None
            rating["previous_class"] = previous
            rating["change"] = (None if before is None or previous == rating["class"]
                                or not (before["intact"] and rating["intact"])
                                else "down" if rating["class"] > previous else "up")
            out.append(rating)
        return out

    def months(self) -> list[dict[str, Any]]:
        """Scored months, newest first, with the class counts of the active run."""
        with db.session(self.driver, self.settings) as sess:
            rows = db.read_all(sess, "read/scored_months")
        for row in rows:
            row["class_counts"] = json.loads(row["class_counts"] or "{}")
        return rows

    def changes(self, before: str, after: str, direction: str | None, limit: int) -> list[dict[str, Any]]:
        with db.session(self.driver, self.settings) as sess:
            return db.read_all(sess, "read/rating_changes", before=before, after=after, direction=direction,
                               limit=limit)

    def class_counts(self, month: str, by: str) -> list[dict[str, Any]]:
        """Class counts per region (province / prefecture / county) or industry section for ``month``."""
        digits = REGION_DIGITS.get(by, 0)
        with db.session(self.driver, self.settings) as sess:
            rows = db.read_all(sess, "read/rating_counts", month=month, by=by, digits=digits)
        for row in rows:
            row["high_risk_share"] = (row["C"] + row["D"]) / row["firms"] if row["firms"] else 0.0
        return rows
