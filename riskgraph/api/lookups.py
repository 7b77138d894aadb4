"""What the routes call: the readers' answers, with a missing firm, key or month raised as NotFound.

Plain functions over the readers, free of HTTP (no FastAPI here): the routers parse arguments,
call one of these and shape the answer. Orchestration the CLI shares (class changes) is in
``riskgraph.jobs``, not here; so is the integrity check of a month that aggregates rely on.
"""

from __future__ import annotations

from typing import Any, Literal

from riskgraph.analysis.ownership import Holding, holdings_of, penetrate
from riskgraph.errors import MonthNotScored, NotFound
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.reads import GraphReader
from riskgraph.jobs.scoring import require_verified
from riskgraph.reference.identifiers import mask_person_id, person_key

Direction = Literal["up", "down"]
Breakdown = Literal["province", "prefecture", "county", "industry"]


def firm_profile(reader: GraphReader, fid: str, id_masked: bool = False) -> dict[str, Any]:
    profile = reader.firm_profile(fid, id_masked)
    if profile is None:
        raise NotFound(f"no firm with code {fid}")
    return profile


def person_by_id_number(reader: GraphReader, id_number: str, salt: str) -> dict[str, Any]:
    """The person an ID number belongs to (by its salted hash: the number itself is not stored)."""
    found = reader.person_by_pid(person_key(id_number, salt))
    if found is None:
        raise NotFound(f"no person with ID number {mask_person_id(id_number)}")
    return found


def firm_events(reader: GraphReader, fid: str, limit: int) -> list[dict[str, Any]]:
    """Newest first; an unknown firm is NotFound rather than an empty list."""
    firm_profile(reader, fid)
    return reader.firm_events(fid, limit)


def network(reader: GraphReader, key: str, depth: int, max_nodes: int) -> dict[str, Any]:
    found = reader.network(key, depth, max_nodes)
    if found is None:
        raise NotFound(f"no firm, person or address with key {key}")
    return found


def firm_rating(ratings: RatingReader, fid: str, month: str | None) -> dict[str, Any]:
    """The firm's rating in ``month`` (default the latest scored month)."""
    found = ratings.ratings([fid], month).get(fid)
    if found is None:
        raise NotFound(f"no rating for {fid}" + (f" in {month}" if month else ""))
    return found


def batch_ratings(ratings: RatingReader, fids: list[str], month: str | None,
                  ) -> tuple[list[dict[str, Any]], list[str]]:
    """The ratings found, in the order asked (duplicates once), and the codes without one."""
    wanted = list(dict.fromkeys(fids))
    found = ratings.ratings(wanted, month)
    return [found[f] for f in wanted if f in found], [f for f in wanted if f not in found]


def scored_months(ratings: RatingReader) -> list[str]:
    """Scored months, newest first."""
    return [m["month"] for m in ratings.months()]


def class_counts(ratings: RatingReader, month: str, by: Breakdown) -> list[dict[str, Any]]:
    """Class counts per region or industry-section code (``key``) in a scored month.

    Refused (:class:`~riskgraph.errors.Conflict`) when the month's ratings fail their integrity check:
    a tampered class is never counted.
    """
    if month not in scored_months(ratings):
        raise MonthNotScored(month)
    require_verified(ratings.driver, ratings.settings, month)
    return ratings.class_counts(month, by)


def ownership(reader: GraphReader, fid: str, max_hops: int, max_holdings: int) -> dict[str, Any]:
    """A firm's equity penetration: every holder upstream with its integrated share, who controls the firm
    (majority control through the firms one controls), the beneficial owners, and the holdings walked."""
    read = reader.ownership(fid, upstream=True, max_hops=max_hops, max_holdings=max_holdings)
    if read is None or read[0]["type"] != "firm":
        raise NotFound(f"no firm with code {fid}")
    start, holdings, entities, cut = read
    found = penetrate([Holding(*h) for h in holdings], fid,
                      persons={k for k, e in entities.items() if e["type"] == "person"})
    direct = {holder: ratio for holder, held, ratio in holdings if held == fid}
    ultimate, controllers, beneficial = set(found.ultimate), set(found.controllers), set(found.beneficial)
    owners = [{**_entity(entities[k]), "share": round(share, 6), "direct": direct.get(k),
               "ultimate": k in ultimate, "controls": k in controllers, "beneficial": k in beneficial}
              for k, share in sorted(found.shares.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"firm": _entity(start), "owners": owners, "ultimate_controller": found.ultimate_controller,
            "beneficial_owners": found.beneficial, "holdings": _holdings(holdings), "converged": found.converged,
            "truncated": cut, "notes": found.notes}


def ultimate_holdings(reader: GraphReader, key: str, max_hops: int, max_holdings: int) -> dict[str, Any]:
    """What a person or firm ultimately holds: its integrated share in every firm downstream."""
    read = reader.ownership(key, upstream=False, max_hops=max_hops, max_holdings=max_holdings)
    if read is None or read[0]["type"] == "address":
        raise NotFound(f"no firm or person with key {key}")
    start, holdings, entities, cut = read
    shares, converged = holdings_of([Holding(*h) for h in holdings], key)
    direct = {held: ratio for holder, held, ratio in holdings if holder == key}
    held = [{**_entity(entities[k]), "share": round(share, 6), "direct": direct.get(k)}
            for k, share in sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"owner": _entity(start), "held": held, "holdings": _holdings(holdings), "converged": converged,
            "truncated": cut}


def _entity(shown: dict[str, Any]) -> dict[str, Any]:
    return {"key": shown["id"], "type": shown["type"], "name": shown.get("label")}


def _holdings(holdings: list[tuple[str, str, float]]) -> list[dict[str, Any]]:
    return [{"holder": holder, "held": held, "ratio": ratio} for holder, held, ratio in holdings]
