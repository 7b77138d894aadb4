"""FollowTheMoney entities (JSON lines, the OpenSanctions export shape) → interchange rows.

Firms come from Company, LegalEntity, Organization and PublicBody; persons from Person;
SHAREHOLDER_OF from Ownership (``owner → asset``); officers and legal representatives
from Directorship (``director → organization``); sanction events from Sanction entities
and, for firms without one, from sanction-like ``topics``; dissolution events and status
from ``dissolutionDate``/``status``; registered addresses from ``addressEntity`` and the
plain ``address`` property. The full mapping, and what is not kept, is in
``docs/adapters.md``. This module only reads the source and fills the writer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.ingest.adapters.common import (
    AddressSet,
    ConversionError,
    ConversionReport,
    InterchangeWriter,
    RatioProblem,
    clean_text,
    date_or_report,
    earliest,
    external_id,
    jurisdiction_or_report,
    latest,
    map_role,
    percentage_to_ratio,
    status_from_text,
    truncate,
)
from riskgraph.model import EntityKind, EventKind, FirmStatus

SCHEME = "ftm"
FIRM_SCHEMATA = frozenset({"Company", "LegalEntity", "Organization", "PublicBody"})
PERSON_SCHEMATA = frozenset({"Person"})
# Topics that make an entity a sanctions/debarment target in OpenSanctions. "poi" (person
# of interest) and "sanction.linked" (linked to a target, not one itself) are not.
SANCTION_TOPICS = frozenset({"sanction", "debarment", "export.control", "corp.disqual"})
# Schemata read but not converted, with the reason the report gives.
NOT_CONVERTED: dict[str, str] = {
    "Family": "family ties: riskgraph has no relationship between persons",
    "Passport": "identity documents are not stored",
    "Identification": "identity documents are not stored",
    "Associate": "associations between persons: riskgraph has no relationship between persons",
}


@dataclass
class Entity:
    """One FtM entity; fragments with the same id (several lines) are merged."""

    id: str
    schema: str
    caption: str = ""
    properties: dict[str, list[str]] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)
    first_seen: str = ""
    where: str = ""

    def values(self, prop: str) -> list[str]:
        return [v for v in (clean_text(x) for x in self.properties.get(prop, [])) if v]

    def first(self, prop: str) -> str:
        found = self.values(prop)
        return found[0] if found else ""

    def merge(self, other: Entity) -> None:
        for prop, values in other.properties.items():
            mine = self.properties.setdefault(prop, [])
            mine.extend(v for v in values if v not in mine)
        self.datasets.extend(d for d in other.datasets if d not in self.datasets)
        self.caption = self.caption or other.caption
        self.first_seen = min(filter(None, (self.first_seen, other.first_seen)), default="")

    @property
    def name(self) -> str:
        return clean_text(self.caption) or self.first("name")

    @property
    def source(self) -> str:
        return ";".join(sorted(self.datasets)) or SCHEME


def source_files(source: Path) -> list[Path]:
    """The file itself, or every ``*.json``/``*.jsonl`` file in a directory (sorted)."""
    if source.is_file():
        return [source]
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix in (".json", ".jsonl"))
        if files:
            return files
        raise ConversionError(f"{source}: no .json or .jsonl files of FtM entities found")
    raise ConversionError(f"{source}: no such file or directory")


def read_entities(source: Path, report: ConversionReport) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for path in source_files(source):
        for where, obj in _json_lines(path, report):
            entity_id, schema = clean_text(obj.get("id")), clean_text(obj.get("schema"))
            if not entity_id or not schema:
                report.skip("entity without id or schema", where)
                continue
            props = obj.get("properties") or {}
            entity = Entity(
                id=entity_id, schema=schema, caption=clean_text(obj.get("caption")),
                properties={k: [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in props.items()},
                datasets=[str(d) for d in obj.get("datasets") or []],
                first_seen=clean_text(obj.get("first_seen")), where=where,
            )
            report.read[f"entity {schema}"] += 1
            if entity_id in entities:
                entities[entity_id].merge(entity)
                report.adjust("entity fragments with the same id merged", entity_id)
            else:
                entities[entity_id] = entity
    return entities


def _json_lines(path: Path, report: ConversionReport) -> Iterator[tuple[str, dict[str, Any]]]:
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report.skip("line is not JSON", f"{where} ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                report.skip("line is not a JSON object", where)
                continue
            yield where, obj


def convert_ftm(source: Path, writer: InterchangeWriter, today: dt.date) -> None:
    report = writer.report
    entities = read_entities(source, report)
    converter = _FtmConverter(entities, writer, report, today)
    converter.run()


class _FtmConverter:
    def __init__(self, entities: dict[str, Entity], writer: InterchangeWriter, report: ConversionReport,
                 today: dt.date):
        self.entities = entities
        self.writer = writer
        self.report = report
        self.today = today
        self.sanctioned: set[str] = set()  # entity ids with a Sanction entity in the source

    def date(self, entity: Entity, prop: str, value: str) -> str:
        return date_or_report(value, self.report, f"{entity.schema}.{prop}", entity.id, self.today)

    def dates(self, entity: Entity, prop: str) -> list[str]:
        return [d for d in (self.date(entity, prop, v) for v in entity.values(prop)) if d]

    def run(self) -> None:
        for entity in self.entities.values():
            if entity.schema == "Sanction":
                self.sanctioned.update(entity.values("entity"))
        for entity in self.entities.values():
            if entity.schema in FIRM_SCHEMATA:
                self.firm(entity)
            elif entity.schema in PERSON_SCHEMATA:
                self.person(entity)
        for entity in self.entities.values():
            if entity.schema == "Ownership":
                self.ownership(entity)
            elif entity.schema == "Directorship":
                self.directorship(entity)
            elif entity.schema == "Sanction":
                self.sanction(entity)
            elif entity.schema == "Address":
                continue  # used through the firms' addressEntity
            elif entity.schema in NOT_CONVERTED:
                self.report.skip(f"{entity.schema}: {NOT_CONVERTED[entity.schema]}", entity.id)
            elif entity.schema not in FIRM_SCHEMATA | PERSON_SCHEMATA:
                self.report.skip(f"{entity.schema}: schema not converted", entity.id)

    # ---------------------------------------------------------------- nodes

    def firm(self, e: Entity) -> None:
        fid = external_id(SCHEME, e.id)
        name = self.report.named(e.name, "firm", f"(no name) {e.id}", e.id)
        incorporated = self.dates(e, "incorporationDate")
        dissolved = sorted(set(self.dates(e, "dissolutionDate")))
        stated = next((s for s in (status_from_text(v) for v in e.values("status")) if s), None)
        status = stated or (FirmStatus.DISSOLVED if dissolved else FirmStatus.ACTIVE)
        if stated == FirmStatus.ACTIVE and dissolved:
            self.report.adjust("firm status says active although a dissolutionDate is given: kept active, "
                               "dissolution event still written", e.id)
        jurisdiction = jurisdiction_or_report(e.first("jurisdiction") or e.first("country"), self.report, e.id)
        self.writer.add("firms", firm_id=fid, name=name, kind=EntityKind.FOREIGN, status=status,
                        established=earliest(incorporated), jurisdiction=jurisdiction, source=e.source)
        for day in dissolved:
            self.writer.add("events", event_id=f"{fid}:dissolution:{day}", firm_id=fid, kind=EventKind.DISSOLUTION,
                            date=day, detail=truncate("dissolutionDate" + _status_note(e)))
        self.addresses(e, fid)
        if e.id not in self.sanctioned:
            self.topic_sanction(e, fid)

    def addresses(self, e: Entity, fid: str) -> None:
        texts = AddressSet()
        for ref in e.values("addressEntity"):
            address = self.entities.get(ref)
            if address is None:
                self.report.dangle("firm addressEntity: Address not in the source; that address skipped "
                                   "(the firm's plain-text addresses are still used)", f"{e.id} → {ref}")
            elif address.schema != "Address":
                self.report.skip("firm addressEntity is not an Address entity", f"{e.id} → {ref}")
            else:
                texts.add(address_text(address))
        for text in e.values("address"):
            texts.add(text)
        for text in texts:
            self.writer.add("registrations", firm_id=fid, address=text)

    def topic_sanction(self, e: Entity, fid: str) -> None:
        topics = sorted(SANCTION_TOPICS & set(e.values("topics")))
        if not topics:
            return
        day = date_or_report(e.first_seen[:10], self.report, "first_seen", e.id, self.today)
        if not day:
            self.report.skip("sanction topics without a Sanction entity nor first_seen date: no event", e.id)
            return
        self.report.adjust("sanction event from the firm's topics (no Sanction entity in the source), "
                           "dated first_seen", e.id)
        self.writer.add("events", event_id=f"{fid}:topics", firm_id=fid, kind=EventKind.SANCTION, date=day,
                        detail=truncate(f"topics: {', '.join(topics)}; datasets: {e.source}"))

    def person(self, e: Entity) -> None:
        name = self.report.named(e.name, "person", f"(no name) {e.id}", e.id)
        self.writer.add("persons", person_id=external_id(SCHEME, e.id), name=name, source=e.source)
        if e.values("address") or e.values("addressEntity"):
            self.report.skip("person address not kept (riskgraph stores firms' registered addresses only)", e.id)
        if e.id not in self.sanctioned and SANCTION_TOPICS & set(e.values("topics")):
            self.report.skip("sanction topics of a person: events attach to firms only", e.id)

    # ---------------------------------------------------------------- relationships

    def endpoint(self, e: Entity, prop: str) -> Entity | None:
        refs = e.values(prop)
        if not refs:
            self.report.skip(f"{e.schema} without {prop}", e.id)
            return None
        if len(refs) > 1:
            self.report.adjust(f"{e.schema}.{prop} has several values: the first is used", e.id)
        target = self.entities.get(refs[0])
        if target is None:
            self.report.dangle(f"{e.schema}.{prop} not in the source: {e.schema} skipped", f"{e.id} → {refs[0]}")
        return target

    def ownership(self, e: Entity) -> None:
        owner, asset = self.endpoint(e, "owner"), self.endpoint(e, "asset")
        if owner is None or asset is None:
            return
        if asset.schema not in FIRM_SCHEMATA:
            self.report.skip(f"Ownership of a {asset.schema}: only firms can be held", e.id)
            return
        if owner.schema in PERSON_SCHEMATA:
            holder_type = "person"
        elif owner.schema in FIRM_SCHEMATA:
            holder_type = "firm"
        else:
            self.report.skip(f"Ownership by a {owner.schema}: holders are persons or firms", e.id)
            return
        ratio = ""
        try:
            ratio = percentage_to_ratio(e.first("percentage"))
        except RatioProblem as exc:
            self.report.adjust(f"Ownership.percentage dropped ({exc})", e.id)
        if e.values("sharesCount") or e.values("sharesValue"):
            self.report.adjust("Ownership.sharesCount/sharesValue not kept (subscribed_capital is in "
                               "10,000 CNY; FtM gives a count or an amount in an unstated currency)", e.id)
        since, until = self.period(e)
        self.writer.add("shareholdings", holder_id=external_id(SCHEME, owner.id), holder_type=holder_type,
                        firm_id=external_id(SCHEME, asset.id), ratio=ratio, since=since, until=until)

    def period(self, e: Entity) -> tuple[str, str]:
        since, until = earliest(self.dates(e, "startDate")), latest(self.dates(e, "endDate"))
        if since and until and since > until:
            self.report.adjust(f"{e.schema}: endDate before startDate, endDate dropped", e.id)
            until = ""
        return since, until

    def directorship(self, e: Entity) -> None:
        director, organization = self.endpoint(e, "director"), self.endpoint(e, "organization")
        if director is None or organization is None:
            return
        if organization.schema not in FIRM_SCHEMATA:
            self.report.skip(f"Directorship of a {organization.schema}: only firms have officers", e.id)
            return
        if director.schema not in PERSON_SCHEMATA:
            self.report.skip("Directorship held by a firm: riskgraph officers and legal representatives are persons",
                             e.id)
            return
        role_text = e.first("role")
        mapping = map_role(role_text)
        if not mapping.known:
            self.report.adjust("officer role not recognised: written as director", f"{e.id}: {role_text!r}")
        since, until = self.period(e)
        pid, fid = external_id(SCHEME, director.id), external_id(SCHEME, organization.id)
        if mapping.legal_rep:
            self.writer.add("legal_reps", person_id=pid, firm_id=fid, since=since, until=until)
        else:
            self.writer.add("officers", person_id=pid, firm_id=fid, role=mapping.role, since=since, until=until)

    def sanction(self, e: Entity) -> None:
        target = self.endpoint(e, "entity")
        if target is None:
            return
        if target.schema in PERSON_SCHEMATA:
            self.report.skip("Sanction of a person: riskgraph events attach to firms only", e.id)
            return
        if target.schema not in FIRM_SCHEMATA:
            self.report.skip(f"Sanction of a {target.schema}: events attach to firms only", e.id)
            return
        day = earliest(self.dates(e, "startDate") + self.dates(e, "listingDate"))
        if not day:
            day = date_or_report(e.first_seen[:10], self.report, "first_seen", e.id, self.today)
            if not day:
                self.report.skip("Sanction without startDate, listingDate or first_seen: no event", e.id)
                return
            self.report.adjust("Sanction without startDate or listingDate: dated first_seen", e.id)
        parts = [
            e.first("program") or e.first("programId"),
            e.first("reason"),
            f"status {e.first('status')}" if e.first("status") else "",
            f"ends {e.first('endDate')}" if e.first("endDate") else "",
            f"dataset {e.source}",
        ]
        self.writer.add("events", event_id=external_id(SCHEME, e.id), firm_id=external_id(SCHEME, target.id),
                        kind=EventKind.SANCTION, date=day, authority=truncate(e.first("authority")),
                        detail=truncate("; ".join(p for p in parts if p)))


def address_text(address: Entity) -> str:
    """An Address entity as one line: its ``full`` text, else its parts joined."""
    full = address.first("full")
    if full:
        return full
    parts = ("street", "street2", "postOfficeBox", "postalCode", "city", "region", "state", "country")
    return ", ".join(v for v in (address.first(p) for p in parts) if v)


def _status_note(e: Entity) -> str:
    status = e.first("status")
    return f" (status {status})" if status else ""
