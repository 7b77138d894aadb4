"""The domain vocabulary, declared once: importable by every layer, importing none of them.

Node labels, keys, properties, relationship types, event kinds and the interchange
files that feed them are all derived from the declarations below: ingest validation,
constraint creation, the data-format document and the generator's output read them.
Adding a relationship type means one ``RelationshipType`` and one ``InterchangeFile``
entry here and the code that uses it: its Cypher statements, constraints and indexes
derive from the declaration (riskgraph/graph/statements.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    STRING = "string"
    INT = "int"
    FLOAT = "float"
    RATIO = "ratio"  # a share in [0, 1]
    DATE = "date"  # ISO 8601, YYYY-MM-DD, not in the future
    BOOL = "bool"  # true/false, 1/0, yes/no
    ENUM = "enum"
    FIRM_ID = "firm_id"  # USCC or scheme:id
    PERSON_ID = "person_id"  # resident ID number or scheme:id
    PARTY_ID = "party_id"  # a firm id or a person id, told apart by a *_type column
    REGION = "region"  # GB/T 2260 six-digit code
    INDUSTRY = "industry"  # GB/T 4754-2017 code


@dataclass(frozen=True)
class Column:
    name: str
    type: FieldType
    required: bool = False
    choices: tuple[str, ...] = ()
    en: str = ""
    zh: str = ""


class EntityKind(StrEnum):
    ENTERPRISE = "enterprise"  # 企业
    INDIVIDUAL = "individual"  # 个体工商户
    COOPERATIVE = "cooperative"  # 农民专业合作社
    FOREIGN = "foreign"  # an entity from foreign/open data with no USCC


class FirmStatus(StrEnum):
    ACTIVE = "active"  # 存续/在业
    REVOKED = "revoked"  # 吊销
    CANCELLED = "cancelled"  # 注销
    DISSOLVED = "dissolved"  # foreign data: dissolved / struck off


class KeyArea(StrEnum):
    FOOD = "food"
    DRUG = "drug"
    SPECIAL_EQUIPMENT = "special_equipment"
    MEDICAL_DEVICE = "medical_device"
    INDUSTRIAL_PRODUCT = "industrial_product"
    COSMETICS = "cosmetics"


class OfficerRole(StrEnum):
    DIRECTOR = "director"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


class EventKind(StrEnum):
    """Dated regulatory and social records attached to a firm."""

    PENALTY = "penalty"  # 行政处罚; severity 1–3, amount in CNY
    ABNORMAL_LIST_IN = "abnormal_list_in"  # 列入经营异常名录
    ABNORMAL_LIST_OUT = "abnormal_list_out"  # 移出经营异常名录
    DISHONEST_LIST_IN = "dishonest_list_in"  # 列入严重违法失信名单
    DISHONEST_LIST_OUT = "dishonest_list_out"  # 移出严重违法失信名单 (信用修复)
    INSPECTION = "inspection"  # 抽查检查结果; result pass/fail/not_found
    COMPLAINT = "complaint"  # 投诉举报
    CHANGE_LEGAL_REP = "change_legal_rep"
    CHANGE_ADDRESS = "change_address"
    CHANGE_SHAREHOLDER = "change_shareholder"
    CHANGE_NAME = "change_name"
    ANNUAL_REPORT_FILED = "annual_report_filed"  # year in `year`
    ANNUAL_REPORT_MISSING = "annual_report_missing"
    EQUITY_PLEDGE = "equity_pledge"
    CREDIT_COMMITMENT = "credit_commitment"
    SANCTION = "sanction"  # foreign data: listed on a sanctions/debarment list
    DISSOLUTION = "dissolution"  # foreign data: dissolved or struck off


class InspectionResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_FOUND = "not_found"  # 通过登记的住所无法联系


@dataclass(frozen=True)
class NodeLabel:
    label: str
    key: str
    fulltext: tuple[str, ...] = ()
    indexed: tuple[str, ...] = ()


FIRM = NodeLabel("Firm", "fid", fulltext=("name",), indexed=("uscc", "region", "industry"))
PERSON = NodeLabel("Person", "pid", fulltext=("name",), indexed=("ref",))  # ref: the key it is shown by
ADDRESS = NodeLabel("Address", "aid", indexed=("region",))
EVENT = NodeLabel("Event", "eid", indexed=("kind", "date", "plan_id"))  # plan_id: an inspection plan's results
NODE_LABELS: tuple[NodeLabel, ...] = (FIRM, PERSON, ADDRESS, EVENT)


@dataclass(frozen=True)
class RelationshipType:
    """A relationship type: the labels it runs between and the properties it carries.

    ``start`` lists every label its start node may have (a shareholder is a person or a
    firm); the end node has one. A relationship with ``rid`` carries a stable id built from
    its endpoints, role and start date (riskgraph/ingest/prepare.py), indexed per type, so a
    re-load or a delta updates it in place; one without (HAS_EVENT) is merged together with
    its end node.
    """

    name: str
    start: tuple[NodeLabel, ...]
    end: NodeLabel
    properties: tuple[str, ...] = ()
    rid: bool = True

    def __str__(self) -> str:
        return self.name


REGISTERED_AT = RelationshipType("REGISTERED_AT", (FIRM,), ADDRESS, ("since", "until"))
SHAREHOLDER_OF = RelationshipType("SHAREHOLDER_OF", (PERSON, FIRM), FIRM,
                                  ("ratio", "subscribed_capital", "since", "until"))
LEGAL_REP_OF = RelationshipType("LEGAL_REP_OF", (PERSON,), FIRM, ("since", "until"))
OFFICER_OF = RelationshipType("OFFICER_OF", (PERSON,), FIRM, ("role", "since", "until"))
BRANCH_OF = RelationshipType("BRANCH_OF", (FIRM,), FIRM, ("since", "until"))
HAS_EVENT = RelationshipType("HAS_EVENT", (FIRM,), EVENT, rid=False)


@dataclass(frozen=True)
class InterchangeFile:
    """One CSV (or JSON Lines) file of the interchange format and what it feeds."""

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that identify a row; duplicates must agree
    en: str
    zh: str
    # The Cypher file that writes its rows; none for a file of relationships with a ``rid``,
    # whose statements derive from ``relationship``.
    query: str = ""
    relationship: RelationshipType | None = None
    refs: dict[str, str] = field(default_factory=dict)  # column -> "firm" | "person" | "party"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_SINCE = Column("since", FieldType.DATE, en="start of the relationship", zh="起始日期")
_UNTIL = Column("until", FieldType.DATE, en="end of the relationship; empty while it lasts", zh="终止日期")

FIRMS = InterchangeFile(
    kind="firms",
    key=("firm_id",),
    en="Market entities: enterprises, individual businesses, farmers' cooperatives.",
    zh="市场主体：企业、个体工商户、农民专业合作社。",
    query="ingest/merge_firms",
    columns=(
        Column("firm_id", FieldType.FIRM_ID, True, en="USCC, or scheme:id for entities without one",
               zh="统一社会信用代码"),
        Column("name", FieldType.STRING, True, en="registered name", zh="名称"),
        Column("kind", FieldType.ENUM, True, tuple(EntityKind), en="entity kind", zh="主体类型"),
        Column("status", FieldType.ENUM, True, tuple(FirmStatus), en="registration status", zh="登记状态"),
        Column("registered_capital", FieldType.FLOAT, en="registered capital, 10,000 CNY", zh="注册资本（万元）"),
        Column("established", FieldType.DATE, en="date of establishment; required for firms with a USCC",
               zh="成立日期"),
        Column("region", FieldType.REGION, en="GB/T 2260 code; derived from the USCC when empty", zh="行政区划代码"),
        Column("industry", FieldType.INDUSTRY, en="GB/T 4754-2017 code", zh="行业代码"),
        Column("key_area", FieldType.ENUM, choices=tuple(KeyArea), en="key supervision area", zh="重点领域"),
        Column("jurisdiction", FieldType.STRING, en="ISO country code for foreign entities", zh="注册地（境外）"),
        Column("source", FieldType.STRING, en="data set the row came from", zh="数据来源"),
    ),
)

PERSONS = InterchangeFile(
    kind="persons",
    key=("person_id",),
    en="Natural persons; the ID number is hashed on load and only a masked form is kept.",
    zh="自然人；身份证号入库前加盐哈希，仅保留脱敏号码。",
    query="ingest/merge_persons",
    columns=(
        Column("person_id", FieldType.PERSON_ID, True, en="resident ID number, or scheme:id", zh="身份证号"),
        Column("name", FieldType.STRING, True, en="name", zh="姓名"),
        Column("source", FieldType.STRING, en="data set the row came from", zh="数据来源"),
    ),
)

REGISTRATIONS = InterchangeFile(
    kind="registrations",
    key=("firm_id", "address", "since"),
    en="Registered addresses (住所) of firms over time.",
    zh="企业住所登记（含历史）。",
    relationship=REGISTERED_AT,
    refs={"firm_id": "firm"},
    columns=(
        Column("firm_id", FieldType.FIRM_ID, True, en="the firm", zh="企业"),
        Column("address", FieldType.STRING, True, en="address as written", zh="地址"),
        Column("region", FieldType.REGION, en="GB/T 2260 code; derived from the text when empty", zh="行政区划代码"),
        _SINCE,
        _UNTIL,
    ),
)

SHAREHOLDINGS = InterchangeFile(
    kind="shareholdings",
    key=("holder_id", "firm_id", "since"),
    en="Shareholders (persons or firms) of firms.",
    zh="股东（自然人或企业）出资。",
    relationship=SHAREHOLDER_OF,
    refs={"holder_id": "party", "firm_id": "firm"},
    columns=(
        Column("holder_id", FieldType.PARTY_ID, True, en="the shareholder", zh="股东"),
        Column("holder_type", FieldType.ENUM, True, ("person", "firm"), en="person or firm", zh="股东类型"),
        Column("firm_id", FieldType.FIRM_ID, True, en="the firm held", zh="被投资企业"),
        Column("ratio", FieldType.RATIO, en="share of capital, 0–1", zh="持股比例"),
        Column("subscribed_capital", FieldType.FLOAT, en="subscribed capital, 10,000 CNY", zh="认缴出资额（万元）"),
        _SINCE,
        _UNTIL,
    ),
)

LEGAL_REPS = InterchangeFile(
    kind="legal_reps",
    key=("person_id", "firm_id", "since"),
    en="Legal representatives (法定代表人/负责人/经营者).",
    zh="法定代表人。",
    relationship=LEGAL_REP_OF,
    refs={"person_id": "person", "firm_id": "firm"},
    columns=(
        Column("person_id", FieldType.PERSON_ID, True, en="the person", zh="自然人"),
        Column("firm_id", FieldType.FIRM_ID, True, en="the firm", zh="企业"),
        _SINCE,
        _UNTIL,
    ),
)

OFFICERS = InterchangeFile(
    kind="officers",
    key=("person_id", "firm_id", "role", "since"),
    en="Directors, supervisors and managers.",
    zh="董事、监事、高级管理人员。",
    relationship=OFFICER_OF,
    refs={"person_id": "person", "firm_id": "firm"},
    columns=(
        Column("person_id", FieldType.PERSON_ID, True, en="the person", zh="自然人"),
        Column("firm_id", FieldType.FIRM_ID, True, en="the firm", zh="企业"),
        Column("role", FieldType.ENUM, True, tuple(OfficerRole), en="role", zh="职务"),
        _SINCE,
        _UNTIL,
    ),
)

BRANCHES = InterchangeFile(
    kind="branches",
    key=("branch_id", "parent_id"),
    en="Branches (分支机构) and their head firm.",
    zh="分支机构与总公司。",
    relationship=BRANCH_OF,
    refs={"branch_id": "firm", "parent_id": "firm"},
    columns=(
        Column("branch_id", FieldType.FIRM_ID, True, en="the branch", zh="分支机构"),
        Column("parent_id", FieldType.FIRM_ID, True, en="the head firm", zh="总公司"),
        _SINCE,
        _UNTIL,
    ),
)

EVENTS = InterchangeFile(
    kind="events",
    key=("event_id",),
    en="Dated regulatory and social records of a firm.",
    zh="监管与社会评价记录（带日期）。",
    query="ingest/merge_events",
    relationship=HAS_EVENT,
    refs={"firm_id": "firm"},
    columns=(
        Column("event_id", FieldType.STRING, True, en="unique id of the record in its source", zh="记录编号"),
        Column("firm_id", FieldType.FIRM_ID, True, en="the firm", zh="企业"),
        Column("kind", FieldType.ENUM, True, tuple(EventKind), en="what happened", zh="记录类型"),
        Column("date", FieldType.DATE, True, en="when", zh="日期"),
        Column("severity", FieldType.INT, en="1 minor, 2 ordinary, 3 serious (penalties, complaints)", zh="严重程度"),
        Column("amount", FieldType.FLOAT, en="fine or pledged amount, CNY", zh="金额（元）"),
        Column("result", FieldType.ENUM, choices=tuple(InspectionResult), en="inspection result", zh="检查结果"),
        Column("year", FieldType.INT, en="report year of an annual report", zh="年报年度"),
        Column("authority", FieldType.STRING, en="issuing authority", zh="决定机关"),
        Column("detail", FieldType.STRING, en="free text", zh="说明"),
    ),
)

# Load order matters: nodes before the relationships that reference them.
INTERCHANGE_FILES: tuple[InterchangeFile, ...] = (
    FIRMS, PERSONS, REGISTRATIONS, SHAREHOLDINGS, LEGAL_REPS, OFFICERS, BRANCHES, EVENTS,
)
FILES_BY_KIND = {f.kind: f for f in INTERCHANGE_FILES}
RELATIONSHIP_TYPES: tuple[RelationshipType, ...] = tuple(f.relationship for f in INTERCHANGE_FILES if f.relationship)
