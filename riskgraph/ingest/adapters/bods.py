"""Beneficial Ownership Data Standard statements (0.1–0.3 statement style, 0.4 records) → interchange rows.

Entity statements become firms, person statements persons, ownership-or-control
statements SHAREHOLDER_OF (with a ratio from the shareholding interest: ``share.exact``,
else the midpoint of the stated range). The version is detected per statement
(:func:`detect_version`), so one file may mix them. Files may be JSON lines or one JSON
array. ``docs/adapters.md`` has the full mapping; this module only reads the source and
fills the writer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.ingest.adapters.common import (
    AddressSet,
    ConversionError,
    ConversionReport,
    InterchangeWriter,
    clean_text,
    date_or_report,
    earliest,
    external_id,
    format_ratio,
    jurisdiction_or_report,
    latest,
)
from riskgraph.model import EntityKind, EventKind, FirmStatus

SCHEME = "bods"

# 0.1 codes renamed in 0.2; from 0.3 every code is camelCase.
_V01_INTEREST_CODES = {
    "influence-or-control": "otherInfluenceOrControl",
    "rights-to-surplus-assets": "rightsToSurplusAssetsOnDissolution",
}
_V02_INTEREST_CODES = frozenset({"other-influence-or-control", "rights-to-surplus-assets-on-dissolution"})
_HYPHEN_WORD = re.compile(r"-([a-z])")
SHAREHOLDING = "shareholding"


def canonical_interest(code: str | None) -> str:
    """An interest type in the 0.3+ camelCase spelling (``voting-rights`` → ``votingRights``); "" when absent."""
    text = (code or "").strip()
    if text in _V01_INTEREST_CODES:
        return _V01_INTEREST_CODES[text]
    return _HYPHEN_WORD.sub(lambda m: m.group(1).upper(), text)


def detect_version(statement: dict[str, Any]) -> str:
    """The BODS version a statement is written in: "0.1", "0.2", "0.1-0.2", "0.3", "0.1-0.3" or "0.4".

    A declared ``publicationDetails.bodsVersion`` wins. Otherwise ``recordType`` (with
    ``recordDetails``) means 0.4, and ``statementType`` means the statement-based
    0.1–0.3, told apart by their interest codes: 0.1's ``influence-or-control`` and
    ``rights-to-surplus-assets``, 0.2's renamed ``other-influence-or-control`` and
    ``rights-to-surplus-assets-on-dissolution``, other hyphenated codes (shared by 0.1
    and 0.2) "0.1-0.2", camelCase 0.3. An entity or person statement carries no such
    clue and is "0.1-0.3". All statement-based versions are read alike; the version is
    reported, and decides nothing else.
    """
    declared = (statement.get("publicationDetails") or {}).get("bodsVersion")
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    if "recordType" in statement or "recordDetails" in statement:
        return "0.4"
    if "statementType" not in statement:
        return "unknown"
    codes = [str(i.get("type") or "") for i in statement.get("interests") or [] if isinstance(i, dict)]
    if any(c in _V01_INTEREST_CODES for c in codes):
        return "0.1"
    if any(c in _V02_INTEREST_CODES for c in codes):
        return "0.2"
    if any("-" in c for c in codes):
        return "0.1-0.2"
    if any(c != c.lower() for c in codes):
        return "0.3"
    return "0.1-0.3"


def share_to_ratio(share: dict[str, Any] | None) -> tuple[str, bool]:
    """A BODS ``share`` (percentages) as a ratio in [0, 1], and whether it was a range.

    ``exact`` when given; otherwise the midpoint of ``minimum`` and ``maximum``, a
    missing bound counting as 0 or 100 (exclusive bounds do not move the midpoint):
    25–50 → 0.375, 75–100 → 0.875, "more than 50" → 0.75. Empty when there is no share.
    Raises ValueError for a value outside 0–100.
    """
    if not share:
        return "", False
    if share.get("exact") is not None:
        return format_ratio(_percent(share["exact"]) / 100), False
    low, high = share.get("minimum"), share.get("maximum")
    if low is None and high is None:
        return "", False
    lo = _percent(low) if low is not None else 0.0
    hi = _percent(high) if high is not None else 100.0
    if lo > hi:
        raise ValueError(f"share minimum {lo} above maximum {hi}")
    return format_ratio((lo + hi) / 200), True


def _percent(value: Any) -> float:
    number = float(value)
    if not 0 <= number <= 100:
        raise ValueError(f"share {value!r} outside 0–100")
    return number


@dataclass
class Party:
    """An entity or person statement, whatever its version."""

    id: str
    kind: str  # "entity" | "person"
    name: str
    version: str
    where: str
    source: str
    founding: str = ""
    dissolution: str = ""
    jurisdiction: str = ""
    addresses: list[str] = field(default_factory=list)


@dataclass
class Relation:
    """An ownership-or-control statement (0.1–0.3) or relationship record (0.4)."""

    id: str
    version: str
    where: str
    subject: str
    party: str  # "" when the interested party is unspecified
    unspecified: str  # the reason given when it is
    interests: list[dict[str, Any]]
    statement_date: str = ""
    closed: bool = False
    components: list[str] = field(default_factory=list)


def source_files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))
        if files:
            return files
        raise ConversionError(f"{source}: no .json or .jsonl files of BODS statements found")
    raise ConversionError(f"{source}: no such file or directory")


def read_statements(path: Path, report: ConversionReport) -> Iterator[tuple[str, dict[str, Any]]]:
    """Statements of one file: a JSON array, one JSON object, or JSON lines."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        items: list[tuple[str, Any]] = [(f"{path.name}[{i}]", s) for i, s in enumerate(whole)]
    elif isinstance(whole, dict):
        items = [(path.name, whole)]
    else:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((f"{path.name}:{number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                report.skip("line is not JSON", f"{path.name}:{number} ({exc.msg})")
    for where, item in items:
        if isinstance(item, dict):
            yield where, item
        else:
            report.skip("statement is not a JSON object", where)


def convert_bods(source: Path, writer: InterchangeWriter, today: dt.date) -> None:
    _BodsConverter(writer, today).run(source)


class _BodsConverter:
    def __init__(self, writer: InterchangeWriter, today: dt.date):
        self.writer = writer
        self.report = writer.report
        self.today = today
        self.parties: dict[str, Party] = {}
        self.relations: dict[str, Relation] = {}
        self.replaced: dict[str, str] = {}  # replaced statement id → the statement replacing it
        self.record_dates: dict[str, str] = {}  # 0.4 recordId → statementDate of the statement kept

    def date(self, value: Any, what: str, where: str) -> str:
        return date_or_report(clean_text(value), self.report, what, where, self.today)

    def run(self, source: Path) -> None:
        for path in source_files(source):
            for where, statement in read_statements(path, self.report):
                version = detect_version(statement)
                self.report.read[f"statement (BODS {version})"] += 1
                if version.startswith("0.4") or "recordType" in statement:
                    self.read_v04(statement, version, where, path)
                elif "statementType" in statement:
                    self.read_v0x(statement, version, where, path)
                else:
                    self.report.skip("neither statementType nor recordType: not a BODS statement", where)
        self.write()

    # ---------------------------------------------------------------- reading

    def read_v0x(self, s: dict[str, Any], version: str, where: str, path: Path) -> None:
        sid = clean_text(s.get("statementID") or s.get("statementId"))
        if not sid:
            self.report.skip("statement without statementID", where)
            return
        for old in s.get("replacesStatements") or []:
            self.replaced[str(old)] = sid
        kind = s.get("statementType")
        source = _source_label(s, path)
        if kind == "entityStatement":
            self.parties[sid] = Party(
                id=sid, kind="entity", name=clean_text(s.get("name")), version=version, where=where, source=source,
                founding=self.date(s.get("foundingDate"), "foundingDate", sid),
                dissolution=self.date(s.get("dissolutionDate"), "dissolutionDate", sid),
                jurisdiction=_code(s.get("incorporatedInJurisdiction")), addresses=_addresses(s.get("addresses")),
            )
        elif kind == "personStatement":
            self.parties[sid] = Party(id=sid, kind="person", name=_person_name(s.get("names")), version=version,
                                      where=where, source=source)
        elif kind == "ownershipOrControlStatement":
            subject = s.get("subject") or {}
            party = s.get("interestedParty") or {}
            unspecified = party.get("unspecified")
            self.relations[sid] = Relation(
                id=sid, version=version, where=where,
                subject=clean_text(subject.get("describedByEntityStatement")),
                party=clean_text(party.get("describedByPersonStatement") or party.get("describedByEntityStatement")),
                unspecified=_reason(unspecified) if unspecified is not None else "",
                interests=[i for i in s.get("interests") or [] if isinstance(i, dict)],
                statement_date=self.date(s.get("statementDate"), "statementDate", sid),
            )
        else:
            self.report.skip(f"statementType {kind!r} not known", where)

    def read_v04(self, s: dict[str, Any], version: str, where: str, path: Path) -> None:
        rid = clean_text(s.get("recordId"))
        details = s.get("recordDetails") or {}
        if not rid or not isinstance(details, dict):
            self.report.skip("0.4 statement without recordId or recordDetails", where)
            return
        statement_date = self.date(s.get("statementDate"), "statementDate", rid)
        if rid in self.record_dates:
            self.report.adjust("0.4 record stated more than once: the latest statement is kept", rid)
            if statement_date < self.record_dates[rid]:
                return
        self.record_dates[rid] = statement_date
        kind = s.get("recordType")
        source = _source_label(s, path)
        closed = s.get("recordStatus") == "closed"
        if kind == "entity":
            self.parties[rid] = Party(
                id=rid, kind="entity", name=clean_text(details.get("name")), version=version, where=where,
                source=source, founding=self.date(details.get("foundingDate"), "foundingDate", rid),
                dissolution=self.date(details.get("dissolutionDate"), "dissolutionDate", rid),
                jurisdiction=_code(details.get("jurisdiction")), addresses=_addresses(details.get("addresses")),
            )
        elif kind == "person":
            self.parties[rid] = Party(id=rid, kind="person", name=_person_name(details.get("names")),
                                      version=version, where=where, source=source)
        elif kind == "relationship":
            party = details.get("interestedParty")
            self.relations[rid] = Relation(
                id=rid, version=version, where=where, subject=clean_text(details.get("subject")),
                party=clean_text(party) if isinstance(party, str) else "",
                unspecified="" if isinstance(party, str) else _reason(party),
                interests=[i for i in details.get("interests") or [] if isinstance(i, dict)],
                statement_date=statement_date, closed=closed,
                components=[str(c) for c in details.get("componentRecords") or []],
            )
        else:
            self.report.skip(f"recordType {kind!r} not known", where)

    # ---------------------------------------------------------------- writing

    def resolve(self, ref: str) -> str:
        seen: set[str] = set()
        while ref in self.replaced and ref not in seen:
            seen.add(ref)
            ref = self.replaced[ref]
        return ref

    def write(self) -> None:
        for sid in list(self.replaced):
            if sid in self.parties or sid in self.relations:
                self.parties.pop(sid, None)
                self.relations.pop(sid, None)
                self.report.skip("statement replaced by a later one (replacesStatements)", sid)
        for party in self.parties.values():
            if party.kind == "entity":
                self.firm(party)
            else:
                self.person(party)
        known = set(self.relations) | set(self.parties)
        for relation in self.relations.values():
            self.relation(relation, known)

    def firm(self, p: Party) -> None:
        fid = external_id(SCHEME, p.id)
        name = self.report.named(p.name, "entity", f"(unknown entity) {p.id}", p.id)
        status = FirmStatus.DISSOLVED if p.dissolution else FirmStatus.ACTIVE
        self.writer.add("firms", firm_id=fid, name=name, kind=EntityKind.FOREIGN, status=status,
                        established=p.founding, jurisdiction=jurisdiction_or_report(p.jurisdiction, self.report, p.id),
                        source=p.source)
        if p.dissolution:
            self.writer.add("events", event_id=f"{fid}:dissolution", firm_id=fid, kind=EventKind.DISSOLUTION,
                            date=p.dissolution, detail="dissolutionDate")
        texts = AddressSet()
        for text in p.addresses:
            texts.add(text)
        for text in texts:
            self.writer.add("registrations", firm_id=fid, address=text)

    def person(self, p: Party) -> None:
        name = self.report.named(p.name, "person", f"(unknown person) {p.id}", p.id)
        self.writer.add("persons", person_id=external_id(SCHEME, p.id), name=name, source=p.source)

    def relation(self, r: Relation, known: set[str]) -> None:
        if not r.party:
            self.report.skip(f"interested party unspecified ({r.unspecified or 'no reason given'}): "
                             "no one to link", r.id)
            return
        subject, party = self.parties.get(self.resolve(r.subject)), self.parties.get(self.resolve(r.party))
        missing = [ref for ref, found in ((r.subject, subject), (r.party, party)) if found is None]
        if missing:
            self.report.dangle("statement refers to an entity or person not in the source: relationship skipped",
                               f"{r.id} → {', '.join(m or '(none)' for m in missing)}")
            return
        assert subject is not None and party is not None
        if subject.kind != "entity":
            self.report.skip("subject is a person: only entities can be owned or controlled", r.id)
            return
        if r.components and all(_is_indirect(i) for i in r.interests) and all(c in known for c in r.components):
            self.report.skip("indirect interest whose component records are in the source: the chain is "
                             "loaded instead (no double counting)", r.id)
            return
        ratio, ranged = self.ratio(r)
        types = sorted({canonical_interest(i.get("type")) or "unstated" for i in r.interests}) or ["none"]
        if SHAREHOLDING not in types:
            self.report.adjust("control without a shareholding interest: written as SHAREHOLDER_OF with empty "
                               "ratio", f"{r.id} ({', '.join(types)})")
        elif ranged:
            self.report.adjust("share given as a range: ratio is the midpoint", r.id)
        since, until = self.period(r)
        self.writer.add("shareholdings", holder_id=external_id(SCHEME, party.id),
                        holder_type="person" if party.kind == "person" else "firm",
                        firm_id=external_id(SCHEME, subject.id), ratio=ratio, since=since, until=until)

    def ratio(self, r: Relation) -> tuple[str, bool]:
        for interest in r.interests:
            if canonical_interest(interest.get("type")) != SHAREHOLDING or not interest.get("share"):
                continue
            try:
                return share_to_ratio(interest["share"])
            except (TypeError, ValueError) as exc:
                self.report.adjust(f"share not usable, ratio left empty ({exc})", r.id)
                return "", False
        return "", False

    def period(self, r: Relation) -> tuple[str, str]:
        starts = [self.date(i.get("startDate"), "interest startDate", r.id) for i in r.interests]
        ends = [self.date(i.get("endDate"), "interest endDate", r.id) for i in r.interests]
        since = earliest(starts)
        until = latest(ends) if ends and all(ends) else ""
        if r.closed and not until and r.statement_date:
            until = r.statement_date
            self.report.adjust("closed 0.4 relationship without endDate: ends on its statementDate", r.id)
        if since and until and since > until:
            self.report.adjust("relationship ends before it starts: end dropped", r.id)
            until = ""
        return since, until


def _is_indirect(interest: dict[str, Any]) -> bool:
    return interest.get("directOrIndirect") == "indirect" or interest.get("interestLevel") == "indirect"


def _code(jurisdiction: Any) -> str:
    if isinstance(jurisdiction, dict):
        return clean_text(jurisdiction.get("code"))
    return clean_text(jurisdiction)


def _addresses(addresses: Any) -> list[str]:
    """Address lines, with the postcode appended when the text does not already hold it."""
    out = []
    for a in addresses or []:
        if not isinstance(a, dict):
            continue
        text, post = clean_text(a.get("address")), clean_text(a.get("postCode") or a.get("postcode"))
        if post and post.upper() not in text.upper():
            text = f"{text}, {post}" if text else post
        if text:
            out.append(text)
    return out


def _person_name(names: Any) -> str:
    """The legal name, else the individual's, else any; ``fullName`` or given + family names."""
    entries = [n for n in names or [] if isinstance(n, dict)]
    order = {"legal": 0, "individual": 1}
    for n in sorted(entries, key=lambda n: order.get(str(n.get("type")), 2)):
        full = clean_text(n.get("fullName")) or clean_text(
            " ".join(str(n.get(k) or "") for k in ("givenName", "patronymicName", "familyName")))
        if full:
            return full
    return ""


def _reason(unspecified: Any) -> str:
    if isinstance(unspecified, dict):
        return clean_text(unspecified.get("reason")) or clean_text(unspecified.get("description"))
    return clean_text(unspecified)


def _source_label(s: dict[str, Any], path: Path) -> str:
    """The data set a statement came from: its source description, its publisher, or the file name."""
    src = s.get("source") or {}
    publisher = (s.get("publicationDetails") or {}).get("publisher") or {}
    return (clean_text(src.get("description")) if isinstance(src, dict) else "") or \
        (clean_text(publisher.get("name")) if isinstance(publisher, dict) else "") or f"{SCHEME}:{path.name}"
