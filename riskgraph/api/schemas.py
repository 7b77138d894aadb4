"""Response and request models of the HTTP API, error bodies included.

Only shapes live here: no reads, no rules. Field names and descriptions are the public
contract shown at ``/docs``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, Field

MONTH = re.compile(r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")  # years from 1000: the calendar has no year 0
MAX_BATCH = 1000

# A firm id: a USCC (upper case, no spaces) or scheme:id. The pattern cannot say that the USCC's last
# character is its check digit; the custom format ``firm-id`` names that rule (a client generating codes
# must compute it: python-stdnum's stdnum.cn.uscc). Checked in riskgraph.api.deps, with the reason.
USCC_PATTERN = r"[0-9]{8}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}"
FIRM_ID_PATTERN = rf"^({USCC_PATTERN}|[a-z][a-z0-9_]{{1,15}}:\S{{1,200}})$"
FIRM_ID_FORMAT: dict[str, Any] = {"pattern": FIRM_ID_PATTERN, "format": "firm-id"}
FirmIdText = Annotated[str, Field(description="USCC (18 characters, upper case) or scheme:id",
                                  json_schema_extra=FIRM_ID_FORMAT)]
# A resident ID number (GB 11643: 17 digits, the first six a county code and the next eight a birth date,
# then a check character): the format names the rule, which no pattern can hold.
RESIDENT_ID_FORMAT: dict[str, Any] = {"format": "resident-id"}


# --- errors -------------------------------------------------------------------------------

class ErrorBody(BaseModel):
    """The body of every error answer other than 422."""

    detail: str = Field(description="what went wrong, naming the key or month asked for")


class InputProblemBody(BaseModel):
    """One refused argument, in the form FastAPI uses for its own validation errors."""

    loc: list[str | int] = Field(description='where the value sits, e.g. ["path", "fid"] or ["body", "fids", 3]')
    msg: str = Field(description="what is wrong with it")
    type: str = Field(description="kind of problem, e.g. value_error")
    input: Any = Field(None, description="the value refused")


class InvalidInputBody(BaseModel):
    """The body of a 422: every problem found, whether FastAPI or our own checks found it."""

    detail: list[InputProblemBody]


# --- service and firms --------------------------------------------------------------------

class Health(BaseModel):
    status: str
    neo4j: str
    version: str


class SearchHit(BaseModel):
    fid: str
    name: str | None
    region: str | None = None
    industry: str | None = None
    status: str | None = None
    score: float


# --- network ------------------------------------------------------------------------------

class NetworkNode(BaseModel):
    id: str
    type: str = Field(description="firm | person | address")
    label: str | None
    status: str | None = None
    region: str | None = None
    industry: str | None = None


class NetworkEdge(BaseModel):
    source: str
    target: str
    type: str
    ratio: float | None = None
    role: str | None = None
    since: str | None = None
    until: str | None = None


class LeftOut(BaseModel):
    relationships: dict[str, int] = Field(default_factory=dict, description=(
        "relationships of the expanded entities that the answer does not show, by type (SHAREHOLDER_OF, …)"))
    entities: dict[str, int] = Field(default_factory=dict, description=(
        "the same relationships by the kind of entity at their other end (firm | person | address)"))


class Network(BaseModel):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool = Field(description="true when limits cut the neighbourhood short: `left_out` says by how much")
    left_out: LeftOut = Field(default_factory=LeftOut)


# --- ownership ----------------------------------------------------------------------------

class Entity(BaseModel):
    key: str = Field(description="fid of a firm, the opaque key (p-…) of a person")
    type: str = Field(description="firm | person")
    name: str | None = Field(description="the firm's name; a person's masked name")


class OwnerShare(Entity):
    share: float = Field(description="integrated share: the sum over every ownership path of the product of its "
                                     "ratios (cross-holdings summed as a converging series)")
    direct: float | None = Field(description="the direct share, when it holds the firm directly")
    ultimate: bool = Field(description="no recorded shareholder holds it: a person, or a firm without shareholders")
    controls: bool = Field(description="controls the firm: with the firms it controls, holds more than half")
    beneficial: bool = Field(description="a beneficial owner: a person holding at least 25 % or controlling the firm")


class HoldingEdge(BaseModel):
    holder: str
    held: str
    ratio: float


class Ownership(BaseModel):
    firm: Entity
    owners: list[OwnerShare] = Field(description="every holder upstream, largest integrated share first")
    ultimate_controller: str | None = Field(description="the one holder that controls the firm and is controlled "
                                                        "by no one, when there is one")
    beneficial_owners: list[str]
    holdings: list[HoldingEdge] = Field(description="the shareholdings in force that were walked")
    converged: bool
    truncated: bool = Field(description="true when the walk's bounds (hops, holdings) cut it short")
    notes: list[str]


class HeldShare(Entity):
    share: float
    direct: float | None


class UltimateHoldings(BaseModel):
    owner: Entity
    held: list[HeldShare] = Field(description="every firm downstream with the owner's integrated share in it")
    holdings: list[HoldingEdge]
    converged: bool
    truncated: bool


# --- ratings ------------------------------------------------------------------------------

class Reason(BaseModel):
    type: str = Field(description="indicator | rule | connector | link | clean")
    text: str = Field(description="the reason as a sentence in the requested language")
    points: float | None = None
    data: dict[str, Any] = Field(description="the structured reason (entities named by code, persons masked)")


class Rating(BaseModel):
    fid: str
    name: str | None
    month: str
    class_: str = Field(alias="class", description="A low, B normal, C elevated, D high")
    score: float
    own_score: float | None = Field(None, description="points from the firm's own indicators")
    received_risk: float | None = Field(None, description="risk received through related parties")
    indicator_set: str | None = None
    model_version: str
    run_id: str
    intact: bool = Field(description="false when the stored rating's digest is not the service's HMAC of it "
                                     "(edited in the database, or scored with another rating key)")
    reasons: list[Reason]
    previous_class: str | None = None
    change: str | None = Field(None, description="up | down against the month before (history only)")


class BatchRequest(BaseModel):
    fids: list[FirmIdText] = Field(min_length=1, max_length=MAX_BATCH)
    month: str | None = Field(None, pattern=MONTH.pattern)


class BatchResponse(BaseModel):
    ratings: list[Rating]
    not_rated: list[str] = Field(description="known or unknown codes with no rating in that month")


# --- months -------------------------------------------------------------------------------

class ScoredMonth(BaseModel):
    month: str
    run_id: str | None
    model_version: str | None
    finished: str | None
    firms: int | None
    class_counts: dict[str, int]
    verified: bool = Field(True, description="false when the month's stored ratings fail their integrity check "
                                             "(HMAC of each rating, seal of the run): its counts must not be used")
    failed_count: int = Field(0, description="firms whose rating fails its HMAC")
    failed_firms: list[str] = Field(default_factory=list, description="the first 100 of them")
    integrity: str | None = Field(None, description="what failed and what to do, when not verified")


class ClassChange(BaseModel):
    fid: str
    name: str | None
    before: str
    after: str
    score_before: float
    score_after: float


class ClassCount(BaseModel):
    key: str
    label: str | None
    A: int
    B: int
    C: int
    D: int
    firms: int
    high_risk_share: float = Field(description="share of C and D firms")


# --- callers, persons, the audit trail ----------------------------------------------------

class Me(BaseModel):
    """The caller: their role and what they may use (the page shows only that)."""

    name: str
    role: str
    role_label: str = Field(description="the role's name in the caller's language")
    cleared: bool = Field(description="cleared for personal data: masked ID numbers, lookup by ID number")
    expires: str | None = Field(None, description="when the caller's key stops working (ISO 8601, UTC)")
    routes: list[str] = Field(description='the routes the caller may use, as "METHOD /path"')


class PersonLookup(BaseModel):
    """A resident ID number to look up (it is hashed at once; neither stored nor logged)."""

    id_number: str = Field(min_length=18, max_length=18, description="the person's resident ID number",
                           json_schema_extra=RESIDENT_ID_FORMAT)


class PersonFirm(BaseModel):
    fid: str
    name: str | None = None
    role: str = Field(description="LEGAL_REP_OF, OFFICER_OF or SHAREHOLDER_OF")


class Person(BaseModel):
    """A person by the key they are shown by, with the masked name and ID number and their roles in force."""

    key: str = Field(description="the opaque key the person is shown by (network, reasons)")
    name: str = Field(description="masked")
    id_masked: str | None = Field(None, description="the ID number's region prefix and last two characters")
    firms: list[PersonFirm]


class AuditCheck(BaseModel):
    intact: bool
    entries: int
    problems: list[str] = Field(description="each problem found: the line and what is wrong")


class UserEntry(BaseModel):
    """A user without their key hash."""

    name: str
    role: str
    key_id: str
    created: str
    expires: str
    cleared: bool
    revoked: str | None = None
    state: str = Field(description="active, expired or revoked")
