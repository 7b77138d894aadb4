"""Each adapter on small hand-written inputs whose right interchange rows are known by reasoning (no database)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from riskgraph.ingest.adapters import FORMATS, ConversionError, convert
from riskgraph.ingest.validate import validate_directory

TODAY = dt.date(2026, 11, 23)


def rows(out: Path, kind: str) -> list[dict[str, str]]:
    with open(out / f"{kind}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_jsonl(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], body: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(body)


def converted(fmt: str, source: Path, out: Path):  # type: ignore[no-untyped-def]
    report = convert(fmt, source, out, today=TODAY)
    assert validate_directory(out, as_of=TODAY) == []  # whatever an adapter writes, the ingest accepts
    return report


def test_formats_and_refusals(tmp_path: Path) -> None:
    assert set(FORMATS) == {"ftm", "bods", "icij"}
    with pytest.raises(ConversionError, match="unknown format"):
        convert("csv", tmp_path, tmp_path / "out")
    with pytest.raises(ConversionError, match="no such file"):
        convert("ftm", tmp_path / "missing.json", tmp_path / "out")
    with pytest.raises(ConversionError, match="no ICIJ entities or edges"):
        convert("icij", tmp_path, tmp_path / "out")


# ----------------------------------------------------------------------------- FtM


def ftm(id_: str, schema: str, **props: list[str] | str) -> dict:
    return {"id": id_, "schema": schema, "caption": id_.upper(), "datasets": ["test_set"],
            "first_seen": "2024-05-01T10:00:00",
            "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}}


def test_ftm_mapping(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "entities.ftm.json", [
        ftm("c1", "Company", jurisdiction="ru", incorporationDate=["2010-12-24", "2012"],
            addressEntity=["a1", "a-missing"], address="1 Main St, Izhevsk"),
        ftm("c2", "Company", dissolutionDate="2019-08"),
        ftm("c3", "LegalEntity", status="Active", dissolutionDate="2030-01-01"),  # date in the future
        ftm("c4", "Organization", topics=["sanction", "poi"]),
        ftm("p1", "Person", address="somewhere", topics="sanction"),
        ftm("a1", "Address", full="130 Vorovskogo St., Izhevsk"),
        ftm("o1", "Ownership", owner="p1", asset="c1", percentage="25", startDate="2015", endDate="2020-01-01"),
        ftm("o2", "Ownership", owner="c2", asset="c1", role="subsidiary of"),
        ftm("o3", "Ownership", owner="gone", asset="c1", percentage="10"),
        ftm("d1", "Directorship", director="p1", organization="c1", role="ГЕНЕРАЛЬНЫЙ ДИРЕКТОР"),
        ftm("d2", "Directorship", director="p1", organization="c2", role="Secretary"),
        ftm("d3", "Directorship", director="c2", organization="c1", role="director"),
        ftm("s1", "Sanction", entity="c1", listingDate="2023-06-28", startDate="2023-02-24", authority="OFAC"),
        ftm("s2", "Sanction", entity="p1", startDate="2023-01-01"),
        ftm("f1", "Family", person="p1", relative="p1"),
    ])
    with open(source, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write(json.dumps(ftm("c2", "Company", address="2 Side St")) + "\n")  # a fragment of c2
    out = tmp_path / "out"
    report = converted("ftm", source, out)

    firms = {r["firm_id"]: r for r in rows(out, "firms")}
    assert set(firms) == {"ftm:c1", "ftm:c2", "ftm:c3", "ftm:c4"}
    assert firms["ftm:c1"]["established"] == "2010-12-24" and firms["ftm:c1"]["jurisdiction"] == "RU"
    assert firms["ftm:c1"]["kind"] == "foreign" and firms["ftm:c1"]["source"] == "test_set"
    assert firms["ftm:c2"]["status"] == "dissolved" and firms["ftm:c3"]["status"] == "active"
    assert [r["person_id"] for r in rows(out, "persons")] == ["ftm:p1"]

    holdings = {r["holder_id"]: r for r in rows(out, "shareholdings")}
    assert set(holdings) == {"ftm:p1", "ftm:c2"}  # o3's owner is not in the file
    assert (holdings["ftm:p1"]["ratio"], holdings["ftm:p1"]["since"], holdings["ftm:p1"]["until"]) == \
        ("0.25", "2015-01-01", "2020-01-01")
    assert holdings["ftm:c2"]["holder_type"] == "firm" and holdings["ftm:c2"]["ratio"] == ""
    assert [(r["person_id"], r["firm_id"]) for r in rows(out, "legal_reps")] == [("ftm:p1", "ftm:c1")]
    assert [(r["firm_id"], r["role"]) for r in rows(out, "officers")] == [("ftm:c2", "manager")]

    events = {r["event_id"]: r for r in rows(out, "events")}
    assert events["ftm:s1"]["kind"] == "sanction" and events["ftm:s1"]["date"] == "2023-02-24"
    assert events["ftm:s1"]["authority"] == "OFAC"
    assert events["ftm:c2:dissolution:2019-08-01"]["kind"] == "dissolution"
    assert events["ftm:c4:topics"]["date"] == "2024-05-01"  # topics only: dated first_seen
    assert set(events) == {"ftm:s1", "ftm:c2:dissolution:2019-08-01", "ftm:c4:topics"}  # no person events

    addresses = sorted((r["firm_id"], r["address"]) for r in rows(out, "registrations"))
    assert addresses == [("ftm:c1", "1 Main St, Izhevsk"), ("ftm:c1", "130 Vorovskogo St., Izhevsk"),
                         ("ftm:c2", "2 Side St")]

    assert report.dangling["firm addressEntity: Address not in the source; that address skipped (the firm's "
                           "plain-text addresses are still used)"].examples == ["c1 → a-missing"]
    assert any("Ownership.owner not in the source" in k for k in report.dangling)
    skipped = {k: v.count for k, v in report.skipped.items()}
    assert skipped["Directorship held by a firm: riskgraph officers and legal representatives are persons"] == 1
    assert skipped["Sanction of a person: riskgraph events attach to firms only"] == 1
    assert skipped["Family: family ties: riskgraph has no relationship between persons"] == 1
    assert skipped["line is not JSON"] == 1
    assert any("in the future" in k for k in report.adjusted)
    assert report.written["firms"] == 4


# ----------------------------------------------------------------------------- BODS


def test_bods_statement_versions_replacements_and_unspecified_parties(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "psc.jsonl", [
        {"statementID": "e-old", "statementType": "entityStatement", "entityType": "registeredEntity",
         "name": "OLD NAME LTD"},
        {"statementID": "e1", "statementType": "entityStatement", "entityType": "registeredEntity",
         "name": "NEW NAME LTD", "replacesStatements": ["e-old"], "foundingDate": "2015-06",
         "dissolutionDate": "2019-07-16", "incorporatedInJurisdiction": {"name": "UK", "code": "GB"},
         "addresses": [{"type": "registered", "address": "Pennant House, Bodmin", "postCode": "PL30 4HH"}]},
        {"statementID": "p1", "statementType": "personStatement", "personType": "knownPerson",
         "names": [{"type": "individual", "givenName": "David", "familyName": "Murray"}]},
        {"statementID": "ooc1", "statementType": "ownershipOrControlStatement",
         "subject": {"describedByEntityStatement": "e-old"},  # points at the replaced statement
         "interestedParty": {"describedByPersonStatement": "p1"},
         "interests": [{"type": "shareholding", "share": {"minimum": 25, "maximum": 50}, "startDate": "2016-04-06",
                        "endDate": "2018-01-01"},
                       {"type": "voting-rights", "share": {"minimum": 25, "maximum": 50}, "startDate": "2016-04-06",
                        "endDate": "2018-01-01"}]},
        {"statementID": "ooc2", "statementType": "ownershipOrControlStatement",
         "subject": {"describedByEntityStatement": "e1"},
         "interestedParty": {"unspecified": {"reason": "no-beneficial-owners"}}, "interests": []},
        {"statementID": "ooc3", "statementType": "ownershipOrControlStatement",
         "subject": {"describedByEntityStatement": "e-nowhere"},
         "interestedParty": {"describedByPersonStatement": "p1"}, "interests": [{"type": "influence-or-control"}]},
    ])
    out = tmp_path / "out"
    report = converted("bods", tmp_path / "psc.jsonl", out)
    firms = rows(out, "firms")
    assert [(f["firm_id"], f["name"], f["status"], f["established"], f["jurisdiction"]) for f in firms] == \
        [("bods:e1", "NEW NAME LTD", "dissolved", "2015-06-01", "GB")]
    assert [p["name"] for p in rows(out, "persons")] == ["David Murray"]
    assert [(h["holder_id"], h["firm_id"], h["ratio"], h["since"], h["until"]) for h in rows(out, "shareholdings")] \
        == [("bods:p1", "bods:e1", "0.375", "2016-04-06", "2018-01-01")]
    assert [r["address"] for r in rows(out, "registrations")] == ["Pennant House, Bodmin, PL30 4HH"]
    assert [(e["event_id"], e["kind"], e["date"]) for e in rows(out, "events")] == \
        [("bods:e1:dissolution", "dissolution", "2019-07-16")]
    assert report.skipped["statement replaced by a later one (replacesStatements)"].count == 1
    assert report.skipped["interested party unspecified (no-beneficial-owners): no one to link"].count == 1
    assert sum(f.count for f in report.dangling.values()) == 1
    # Entity, person and interest-less statements carry no version clue; 'voting-rights' is 0.1 and 0.2.
    assert report.read == {"statement (BODS 0.1-0.3)": 4, "statement (BODS 0.1-0.2)": 1, "statement (BODS 0.1)": 1}


def v04(record_id: str, record_type: str, details: dict, **top: object) -> dict:
    return {"statementId": f"st-{record_id}-{top.get('statementDate', '')}", "recordId": record_id,
            "recordType": record_type, "recordStatus": top.pop("recordStatus", "new"),
            "statementDate": top.pop("statementDate", "2018-12-17"),
            "publicationDetails": {"bodsVersion": "0.4", "publisher": {"name": "Register X"}},
            "recordDetails": details, **top}


def test_bods_04_records_indirect_interests_and_closed_relationships(tmp_path: Path) -> None:
    statements = [
        v04("A", "entity", {"entityType": {"type": "registeredEntity"}, "name": "Company A",
                            "jurisdiction": {"name": "UK", "code": "GB"},
                            "addresses": [{"address": "1 A Street", "country": {"name": "UK", "code": "GB"}}]}),
        v04("P", "person", {"personType": "knownPerson", "names": [{"type": "legal", "fullName": "Person 1"}]}),
        # Indirect, but its components are not in the file: the only statement of the link, so kept.
        v04("R1", "relationship", {"subject": "A", "interestedParty": "P", "componentRecords": ["B", "R9"],
                                   "interests": [{"type": "shareholding", "directOrIndirect": "indirect",
                                                  "share": {"exact": 30}, "startDate": "2017-11-01"}]}),
        v04("R2", "relationship", {"subject": "A", "interestedParty": "P",
                                   "interests": [{"type": "boardMember", "startDate": "2016-01-01"}]}),
        v04("R2", "relationship", {"subject": "A", "interestedParty": "P",
                                   "interests": [{"type": "boardMember", "startDate": "2016-01-01"}]},
            recordStatus="closed", statementDate="2020-05-01"),
    ]
    (tmp_path / "bods.json").write_text(json.dumps(statements), encoding="utf-8")
    out = tmp_path / "out"
    report = converted("bods", tmp_path / "bods.json", out)
    assert [(f["firm_id"], f["jurisdiction"], f["source"]) for f in rows(out, "firms")] == \
        [("bods:A", "GB", "Register X")]
    holdings = sorted((h["ratio"], h["since"], h["until"]) for h in rows(out, "shareholdings"))
    assert holdings == [("", "2016-01-01", "2020-05-01"), ("0.3", "2017-11-01", "")]
    assert report.read["statement (BODS 0.4)"] == 5
    assert any(k.startswith("control without a shareholding interest") for k in report.adjusted)


# ----------------------------------------------------------------------------- ICIJ


def write_icij_current(directory: Path) -> None:
    """A small ICIJ data set in the current layout, covering every edge kind.

    Right answers, by reasoning:
      firms 4 (entities 1, 2, 3 and officer 11 'NOMINEES LTD'), persons 3 (officers 10, 12, intermediary 20)
      shareholdings 2 (10 → 1 shareholder; 11 → 2 beneficiary, a firm holder)
      officers 2 (10 → 1 director; 12 → 2 secretary as manager)   legal_reps 1 (12 → 3 legal representative)
      registrations 3 (entity 1's address column, entity 2 by registered_address edge to address 30, entity 3's
        column; officer 10's registered_address edge is a person's and not kept)
      events 1 (entity 2 struck off 18-FEB-2013); entity 3 'Dead' without date: dissolved, no event
      skipped edges: 11 → 1 director (a firm as officer), 20 → 1 intermediary, 1 → 2 same_name_as
      dangling: 10 → 99
    """
    directory.mkdir(parents=True, exist_ok=True)
    entity_header = ["node_id", "name", "original_name", "former_name", "jurisdiction", "jurisdiction_description",
                     "company_type", "address", "internal_id", "incorporation_date", "inactivation_date",
                     "struck_off_date", "dorm_date", "status", "service_provider", "ibcRUC", "country_codes",
                     "countries", "sourceID", "valid_until", "note"]

    def entity(node_id: str, name: str, jur: str, address: str, inc: str, struck: str, status: str) -> list[str]:
        return [node_id, name, name, "", jur, "", "", address, "", inc, "", struck, "", status, "", "", "", "",
                "Offshore Leaks", "", ""]

    write_csv(directory / "nodes-entities.csv", entity_header, [
        entity("1", "ALPHA HOLDINGS LIMITED", "BVI", "1 Harbour Road, Road Town", "23-MAR-2006", "", "Active"),
        entity("2", "BETA LTD.", "PMA", "", "5-JAN-1997", "18-FEB-2013", "Defaulted"),
        entity("3", "GAMMA S.A.", "XXX", "9 Calle Sol, Panama", "", "", "Dead"),
    ])
    write_csv(directory / "nodes-officers.csv",
              ["node_id", "name", "countries", "country_codes", "sourceID", "valid_until", "note"],
              [["10", "JOHN SMITH", "", "", "Offshore Leaks", "", ""],
               ["11", "NOMINEES LTD", "", "", "Offshore Leaks", "", ""],
               ["12", "MARIA LOPEZ", "", "", "Offshore Leaks", "", ""]])
    write_csv(directory / "nodes-intermediaries.csv",
              ["node_id", "name", "status", "internal_id", "address", "countries", "country_codes", "sourceID",
               "valid_until", "note"],
              [["20", "DOE, JANE", "ACTIVE", "", "", "", "", "Offshore Leaks", "", ""]])
    write_csv(directory / "nodes-addresses.csv",
              ["node_id", "address", "name", "countries", "country_codes", "sourceID", "valid_until", "note"],
              [["30", "Suite 5, 2 Bay Street, Nassau", "", "", "", "Offshore Leaks", "", ""],
               ["31", "7 Home Lane, Leeds", "", "", "", "Offshore Leaks", "", ""]])
    write_csv(directory / "relationships.csv",
              ["node_id_start", "node_id_end", "rel_type", "link", "status", "start_date", "end_date", "sourceID"],
              [["10", "1", "officer_of", "shareholder of", "", "1-APR-2006", "", "Offshore Leaks"],
               ["11", "2", "officer_of", "beneficiary of", "", "", "", "Offshore Leaks"],
               ["10", "1", "officer_of", "director of", "", "1-APR-2006", "3-MAY-2010", "Offshore Leaks"],
               ["12", "2", "officer_of", "secretary of", "", "", "", "Offshore Leaks"],
               ["12", "3", "officer_of", "legal representative of", "", "", "", "Offshore Leaks"],
               ["11", "1", "officer_of", "director of", "", "", "", "Offshore Leaks"],
               ["20", "1", "intermediary_of", "intermediary of", "", "", "", "Offshore Leaks"],
               ["2", "30", "registered_address", "registered address", "", "", "", "Offshore Leaks"],
               ["10", "31", "registered_address", "registered address", "", "", "", "Offshore Leaks"],
               ["1", "2", "same_name_as", "same name as", "", "", "", "Offshore Leaks"],
               ["10", "99", "officer_of", "director of", "", "", "", "Offshore Leaks"]])


def test_icij_current_layout(tmp_path: Path) -> None:
    write_icij_current(tmp_path / "icij")
    out = tmp_path / "out"
    report = converted("icij", tmp_path / "icij", out)
    firms = {f["firm_id"]: f for f in rows(out, "firms")}
    assert set(firms) == {"icij:1", "icij:2", "icij:3", "icij:11"}
    assert (firms["icij:1"]["jurisdiction"], firms["icij:1"]["established"], firms["icij:1"]["status"]) == \
        ("VG", "2006-03-23", "active")
    assert (firms["icij:2"]["jurisdiction"], firms["icij:2"]["established"], firms["icij:2"]["status"]) == \
        ("PA", "1997-01-05", "dissolved")
    assert (firms["icij:3"]["jurisdiction"], firms["icij:3"]["status"]) == ("", "dissolved")
    assert {p["person_id"] for p in rows(out, "persons")} == {"icij:10", "icij:12", "icij:20"}
    assert sorted((h["holder_id"], h["holder_type"], h["firm_id"], h["since"], h["ratio"])
                  for h in rows(out, "shareholdings")) == \
        [("icij:10", "person", "icij:1", "2006-04-01", ""), ("icij:11", "firm", "icij:2", "", "")]
    assert sorted((o["person_id"], o["firm_id"], o["role"], o["until"]) for o in rows(out, "officers")) == \
        [("icij:10", "icij:1", "director", "2010-05-03"), ("icij:12", "icij:2", "manager", "")]
    assert [(r["person_id"], r["firm_id"]) for r in rows(out, "legal_reps")] == [("icij:12", "icij:3")]
    assert sorted((r["firm_id"], r["address"]) for r in rows(out, "registrations")) == [
        ("icij:1", "1 Harbour Road, Road Town"), ("icij:2", "Suite 5, 2 Bay Street, Nassau"),
        ("icij:3", "9 Calle Sol, Panama")]
    assert [(e["event_id"], e["date"]) for e in rows(out, "events")] == [("icij:2:dissolution", "2013-02-18")]
    skipped = {k: v.count for k, v in report.skipped.items()}
    assert skipped["office held by a firm: riskgraph officers and legal representatives are persons"] == 1
    assert skipped["intermediary edge: riskgraph has no relationship for a registered agent"] == 1
    assert skipped["entity-resolution hint (same/similar …): not expressed"] == 1
    assert skipped["person address not kept (riskgraph stores firms' registered addresses only)"] == 1
    assert report.dangling["edge end not in the node files: edge skipped"].count == 1
    assert report.adjusted["dissolved by its status but no date: status written, no event"].count == 1
