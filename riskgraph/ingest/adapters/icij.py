"""ICIJ Offshore Leaks CSV (older Panama Papers layout and current ``nodes-*`` layout) → interchange rows.

Entities (and "other" nodes) become firms; officers and intermediaries, which carry no
person/company flag, become firms or persons by their name (:func:`looks_like_company`);
edges become SHAREHOLDER_OF, OFFICER_OF, LEGAL_REP_OF or REGISTERED_AT by their
relationship text; struck-off and inactivation dates become dissolution events.
Columns are read by name, so both layouts share one reader; only the edge file differs
(``node_1,rel_type,node_2`` against ``node_id_start,node_id_end,rel_type,link``).
``docs/adapters.md`` has the full mapping; this module only reads the source and fills
the writer.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from riskgraph.ingest.adapters.common import (
    AddressSet,
    ConversionError,
    ConversionReport,
    InterchangeWriter,
    clean_text,
    date_or_report,
    external_id,
    jurisdiction_or_report,
    looks_like_company,
    map_role,
    status_from_text,
)
from riskgraph.model import EntityKind, EventKind, FirmStatus, OfficerRole

SCHEME = "icij"


class FileRole(StrEnum):
    ENTITIES = "entities"
    OTHERS = "others"
    OFFICERS = "officers"
    INTERMEDIARIES = "intermediaries"
    ADDRESSES = "addresses"
    EDGES = "edges"


# Matched against the lower-cased file name, first hit wins: Entities.csv,
# Entities_mini.csv, nodes-entities.csv, all_edges.csv, relationships.csv, …
FILE_PATTERNS: tuple[tuple[str, FileRole], ...] = (
    ("intermediar", FileRole.INTERMEDIARIES),
    ("officer", FileRole.OFFICERS),
    ("entit", FileRole.ENTITIES),
    ("other", FileRole.OTHERS),
    ("address", FileRole.ADDRESSES),
    ("edge", FileRole.EDGES),
    ("relationship", FileRole.EDGES),
)


class EdgeKind(StrEnum):
    SHAREHOLDER = "shareholder"
    OFFICER = "officer"  # role and legal-rep flag from map_role
    INTERMEDIARY = "intermediary"
    ADDRESS = "address"
    HINT = "hint"  # ICIJ's entity-resolution hints: same/similar name, address, id


_SHAREHOLDER_TEXT = re.compile(r"sharehold|stockhold|beneficiar|beneficial owner|owner of|\bowner\b", re.I)
_HINT_TEXT = re.compile(r"^(same|similar|probably|connected|underlying)", re.I)
# rel_type values of the current layout other than officer_of, whose role is in ``link``.
_CURRENT_REL_TYPES: dict[str, EdgeKind] = {
    "intermediary_of": EdgeKind.INTERMEDIARY,
    "registered_address": EdgeKind.ADDRESS,
}


def classify_edge(rel_type: str, link: str = "") -> EdgeKind:
    """What an ICIJ edge is, from its ``rel_type`` (older layout: free text) or ``link`` (current).

    Intermediary and registered-address edges are recognised by name; "same …",
    "similar …", "probably same …", "connected …" and "underlying" are ICIJ's
    entity-resolution hints; shareholder, beneficiary and owner texts are shareholdings;
    everything else is an office held in the entity (role by :func:`map_role`).
    """
    rel = rel_type.strip().lower()
    if rel in _CURRENT_REL_TYPES:
        return _CURRENT_REL_TYPES[rel]
    text = link.strip() if rel == "officer_of" else rel.replace("_", " ")
    low = text.lower()
    if "intermediary" in low:
        return EdgeKind.INTERMEDIARY
    if "address" in low and not _HINT_TEXT.match(low):
        return EdgeKind.ADDRESS
    if _HINT_TEXT.match(low):
        return EdgeKind.HINT
    if _SHAREHOLDER_TEXT.search(low):
        return EdgeKind.SHAREHOLDER
    return EdgeKind.OFFICER


@dataclass(frozen=True)
class Node:
    """A node as converted: the interchange id and what it became."""

    kind: str  # "firm" | "person" | "address"
    id: str  # firm_id / person_id; the address text for addresses
    node_id: str


def source_files(source: Path, report: ConversionReport) -> dict[FileRole, list[Path]]:
    directory = source if source.is_dir() else source.parent
    if not directory.is_dir():
        raise ConversionError(f"{source}: no such file or directory")
    found: dict[FileRole, list[Path]] = {}
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        name = path.name.lower()
        role = next((r for pattern, r in FILE_PATTERNS if pattern in name), None)
        if role is None:
            report.skip("CSV file not recognised as an ICIJ node or edge file", path.name)
            continue
        found.setdefault(role, []).append(path)
    if not found.get(FileRole.ENTITIES) and not found.get(FileRole.EDGES):
        raise ConversionError(f"{directory}: no ICIJ entities or edges file (Entities.csv, nodes-entities.csv, "
                              "all_edges.csv, relationships.csv)")
    return found


def read_rows(path: Path, report: ConversionReport) -> Iterator[tuple[str, dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            where = f"{path.name}:{reader.line_num}"
            if None in row:
                report.adjust("row with more fields than the header: extra fields ignored", where)
            yield where, {k: clean_text(v) for k, v in row.items() if k is not None}


def convert_icij(source: Path, writer: InterchangeWriter, today: dt.date) -> None:
    _IcijConverter(writer, today).run(source_files(source, writer.report))


class _IcijConverter:
    def __init__(self, writer: InterchangeWriter, today: dt.date):
        self.writer = writer
        self.report = writer.report
        self.today = today
        self.nodes: dict[str, Node] = {}

    def date(self, value: str, what: str, where: str) -> str:
        return date_or_report(value, self.report, what, where, self.today)

    def run(self, files: dict[FileRole, list[Path]]) -> None:
        for role in (FileRole.ENTITIES, FileRole.OTHERS, FileRole.OFFICERS, FileRole.INTERMEDIARIES,
                     FileRole.ADDRESSES):
            for path in files.get(role, []):
                for where, row in read_rows(path, self.report):
                    self.report.read[f"{role} row"] += 1
                    node_id = row.get("node_id", "")
                    if not node_id:
                        self.report.skip("node row without node_id", where)
                        continue
                    if node_id in self.nodes:
                        self.report.skip("node_id seen before in the node files: later row skipped",
                                         f"{where}: {node_id}")
                        continue
                    self.node(role, node_id, row, where)
        for path in files.get(FileRole.EDGES, []):
            for where, row in read_rows(path, self.report):
                self.report.read["edge row"] += 1
                self.edge(row, where)

    # ---------------------------------------------------------------- nodes

    def node(self, role: FileRole, node_id: str, row: dict[str, str], where: str) -> None:
        if role == FileRole.ADDRESSES:
            text = row.get("address") or row.get("name", "")
            if text:
                self.nodes[node_id] = Node("address", text, node_id)
            else:
                self.report.skip("address node without text", where)
            return
        name = self.report.named(row.get("name", ""), "node", f"(no name) {SCHEME}:{node_id}", where)
        source = row.get("sourceID") or SCHEME
        if role in (FileRole.ENTITIES, FileRole.OTHERS):
            self.entity(node_id, name, row, source, where)
            return
        if looks_like_company(name):
            fid = external_id(SCHEME, node_id)
            self.nodes[node_id] = Node("firm", fid, node_id)
            what = "officer" if role == FileRole.OFFICERS else "intermediary"
            self.report.adjust(f"{what} taken as a firm by its name; status unknown, written as active",
                               f"{node_id} {name}")
            self.writer.add("firms", firm_id=fid, name=name, kind=EntityKind.FOREIGN, status=FirmStatus.ACTIVE,
                            source=source)
            address = AddressSet()
            address.add(row.get("address"))
            for text in address:
                self.writer.add("registrations", firm_id=fid, address=text)
        else:
            pid = external_id(SCHEME, node_id)
            self.nodes[node_id] = Node("person", pid, node_id)
            self.writer.add("persons", person_id=pid, name=name, source=source)
            if row.get("address"):
                self.report.skip("person address not kept (riskgraph stores firms' registered addresses only)",
                                 node_id)

    def entity(self, node_id: str, name: str, row: dict[str, str], source: str, where: str) -> None:
        fid = external_id(SCHEME, node_id)
        self.nodes[node_id] = Node("firm", fid, node_id)
        struck = self.date(row.get("struck_off_date", ""), "struck_off_date", where)
        closed = self.date(row.get("closed_date", ""), "closed_date", where)
        inactive = self.date(row.get("inactivation_date", ""), "inactivation_date", where)
        stated = status_from_text(row.get("status"))
        dissolved = bool(struck or closed) or stated == FirmStatus.DISSOLVED or \
            (bool(inactive) and stated != FirmStatus.ACTIVE)
        status = FirmStatus.DISSOLVED if dissolved else FirmStatus.ACTIVE
        if stated == FirmStatus.ACTIVE and (struck or closed):
            self.report.adjust("status says active but a struck-off/closed date is given: written dissolved",
                               f"{node_id} ({row.get('status')})")
        jurisdiction = jurisdiction_or_report(row.get("jurisdiction"), self.report, f"{node_id} "
                                              f"({row.get('jurisdiction_description', '')})")
        self.writer.add("firms", firm_id=fid, name=name, kind=EntityKind.FOREIGN, status=status,
                        established=self.date(row.get("incorporation_date", ""), "incorporation_date", where),
                        jurisdiction=jurisdiction, source=source)
        if dissolved:
            day = struck or closed or inactive
            if day:
                notes = [f"status {row['status']}" if row.get("status") else "",
                         f"struck off {struck}" if struck else "", f"closed {closed}" if closed else "",
                         f"inactivated {inactive}" if inactive else ""]
                self.writer.add("events", event_id=f"{fid}:dissolution", firm_id=fid, kind=EventKind.DISSOLUTION,
                                date=day, detail="; ".join(n for n in notes if n))
            else:
                self.report.adjust("dissolved by its status but no date: status written, no event",
                                   f"{node_id} ({row.get('status')})")
        address = AddressSet()
        address.add(row.get("address"))
        for text in address:
            self.writer.add("registrations", firm_id=fid, address=text)

    # ---------------------------------------------------------------- edges

    def edge(self, row: dict[str, str], where: str) -> None:
        if "node_id_start" in row:
            start, end, rel, link = row.get("node_id_start", ""), row.get("node_id_end", ""), \
                row.get("rel_type", ""), row.get("link", "")
        else:
            start, end, rel, link = row.get("node_1", ""), row.get("node_2", ""), row.get("rel_type", ""), ""
        kind = classify_edge(rel, link)
        label = link or rel
        if kind == EdgeKind.INTERMEDIARY:
            self.report.skip("intermediary edge: riskgraph has no relationship for a registered agent", where)
            return
        if kind == EdgeKind.HINT:
            self.report.skip("entity-resolution hint (same/similar …): not expressed", f"{where} ({label})")
            return
        a, b = self.nodes.get(start), self.nodes.get(end)
        if a is None or b is None:
            missing = ", ".join(n for n, found in ((start, a), (end, b)) if found is None)
            self.report.dangle("edge end not in the node files: edge skipped", f"{where} → {missing}")
            return
        if kind == EdgeKind.ADDRESS:
            self.registered_address(a, b, where)
            return
        if b.kind != "firm":
            self.report.skip(f"{label!r} edge to a {b.kind}: only firms have shareholders and officers", where)
            return
        since = self.date(row.get("start_date", ""), "edge start_date", where)
        until = self.date(row.get("end_date", ""), "edge end_date", where)
        if since and until and since > until:
            self.report.adjust("edge ends before it starts: end_date dropped", where)
            until = ""
        if kind == EdgeKind.SHAREHOLDER:
            if a.kind == "address":
                self.report.skip("shareholder edge from an address node", where)
                return
            self.writer.add("shareholdings", holder_id=a.id, holder_type=a.kind, firm_id=b.id, since=since,
                            until=until)
            return
        if a.kind != "person":
            self.report.skip("office held by a firm: riskgraph officers and legal representatives are persons",
                             f"{where} ({label})")
            return
        mapping = map_role(label)
        if not mapping.known:
            self.report.adjust("officer role not recognised: written as director", f"{where} ({label})")
        if mapping.legal_rep:
            self.writer.add("legal_reps", person_id=a.id, firm_id=b.id, since=since, until=until)
        else:
            self.writer.add("officers", person_id=a.id, firm_id=b.id, role=mapping.role or OfficerRole.DIRECTOR,
                            since=since, until=until)

    def registered_address(self, a: Node, b: Node, where: str) -> None:
        if b.kind != "address":
            self.report.skip("registered-address edge whose end is not an address node", where)
        elif a.kind == "person":
            self.report.skip("person address not kept (riskgraph stores firms' registered addresses only)", where)
        elif a.kind == "firm":
            self.writer.add("registrations", firm_id=a.id, address=b.id)
        else:
            self.report.skip("registered-address edge between two addresses", where)
