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

from neo4j import Driver

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


class RatingReader:
    def __init__(self, driver: Driver, settings: Settings):
        self.driver = driver
        self.settings = settings
        self.signer = RatingSigner.of(settings)

    def ratings(self, fids: list[str], month: str | None = None) -> dict[str, dict[str, Any]]:
        """The active rating of each firm in ``month`` (latest scored month when None), by fid."""
        rows = db.read_at_once(self.driver, self.settings, "read/rating_of_firms", fids=fids, month=month)
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
