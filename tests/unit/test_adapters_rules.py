"""Mapping rules shared by the adapters: dates, ratios, BODS versions and shares, roles, statuses, name types."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from riskgraph.ingest.adapters.bods import canonical_interest, detect_version, share_to_ratio
from riskgraph.ingest.adapters.common import (
    ConversionReport,
    DateProblem,
    InterchangeWriter,
    RatioProblem,
    external_id,
    full_year,
    iso_jurisdiction,
    looks_like_company,
    map_role,
    normalise_date,
    percentage_to_ratio,
    status_from_text,
)
from riskgraph.ingest.adapters.icij import EdgeKind, classify_edge
from riskgraph.model import FirmStatus, OfficerRole

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2015-03-09", "2015-03-09"),
    ("2015", "2015-01-01"),  # a year: its first day
    ("2015-03", "2015-03-01"),  # a month: its first day
    ("2019-07-08T10:37:11Z", "2019-07-08"),  # timestamps lose the time
    ("23-Mar-06", "2006-03-23"),  # ICIJ d-Mon-yy
    ("5-Jan-97", "1997-01-05"),  # two-digit year after this year → 19yy
    ("18-FEB-2013", "2013-02-18"),  # current ICIJ layout
    ("09/04/2025", "2025-04-09"),  # dd/mm/yyyy
    ("", ""),
    ("  ", ""),
])
def test_dates_become_full_iso_days(raw: str, expected: str) -> None:
    assert normalise_date(raw, TODAY) == expected


@pytest.mark.parametrize("raw", ["2027-01-01", "1899-12-31", "31-Foo-06", "yesterday", "2015-13", "30-Feb-06"])
def test_unusable_dates_are_refused(raw: str) -> None:
    with pytest.raises(DateProblem):
        normalise_date(raw, TODAY)


def test_two_digit_years_never_land_in_the_future() -> None:
    assert full_year(26, TODAY) == 2026
    assert full_year(27, TODAY) == 1927
    assert full_year(0, TODAY) == 2000


@pytest.mark.parametrize(("raw", "ratio"), [("48", "0.48"), ("100", "1"), ("0", "0"), ("48.5 %", "0.485"),
                                            ("12,5", "0.125"), (75, "0.75"), ("", ""), (None, "")])
def test_ftm_percentages_become_ratios(raw: str | int | None, ratio: str) -> None:
    assert percentage_to_ratio(raw) == ratio


@pytest.mark.parametrize("raw", ["about half", "101", "-1"])
def test_impossible_percentages_are_refused(raw: str) -> None:
    with pytest.raises(RatioProblem):
        percentage_to_ratio(raw)


@pytest.mark.parametrize(("share", "ratio", "ranged"), [
    ({"exact": 60}, "0.6", False),
    ({"exact": 30, "minimum": 25, "maximum": 50}, "0.3", False),  # exact wins over the range
    ({"minimum": 75, "maximum": 100, "exclusiveMinimum": False}, "0.875", True),
    ({"minimum": 25, "maximum": 50, "exclusiveMinimum": True, "exclusiveMaximum": False}, "0.375", True),
    ({"minimum": 50, "exclusiveMinimum": True}, "0.75", True),  # missing maximum counts as 100
    ({"maximum": 25}, "0.125", True),  # missing minimum counts as 0
    ({}, "", False),
    (None, "", False),
])
def test_bods_shares_exact_or_midpoint(share: dict | None, ratio: str, ranged: bool) -> None:
    assert share_to_ratio(share) == (ratio, ranged)


def test_bods_share_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        share_to_ratio({"minimum": 60, "maximum": 40})
    with pytest.raises(ValueError):
        share_to_ratio({"exact": 120})


def _ooc(*codes: str) -> dict:
    return {"statementID": "s", "statementType": "ownershipOrControlStatement",
            "interests": [{"type": c} for c in codes]}


@pytest.mark.parametrize(("statement", "version"), [
    (_ooc("shareholding", "influence-or-control"), "0.1"),
    (_ooc("rights-to-surplus-assets"), "0.1"),
    (_ooc("other-influence-or-control"), "0.2"),
    (_ooc("shareholding", "voting-rights"), "0.1-0.2"),
    (_ooc("votingRights"), "0.3"),
    ({"statementID": "e", "statementType": "entityStatement", "name": "X"}, "0.1-0.3"),
    ({"statementId": "r", "recordId": "a", "recordType": "entity", "recordDetails": {}}, "0.4"),
    ({"statementID": "s", "statementType": "personStatement", "publicationDetails": {"bodsVersion": "0.2"}}, "0.2"),
    ({"name": "not BODS"}, "unknown"),
])
def test_bods_version_is_detected_per_statement(statement: dict, version: str) -> None:
    assert detect_version(statement) == version


def test_bods_interest_codes_of_all_versions_share_one_spelling() -> None:
    assert canonical_interest("influence-or-control") == "otherInfluenceOrControl"
    assert canonical_interest("other-influence-or-control") == "otherInfluenceOrControl"
    assert canonical_interest("otherInfluenceOrControl") == "otherInfluenceOrControl"
    assert canonical_interest("appointment-of-board") == "appointmentOfBoard"
    assert canonical_interest("shareholding") == "shareholding"
    assert canonical_interest(None) == ""


@pytest.mark.parametrize(("text", "legal_rep", "role", "known"), [
    ("ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", True, None, True),  # Russian sole executive body
    ("General Director", True, None, True),
    ("Исполнительный директор", False, OfficerRole.MANAGER, True),
    ("director of", False, OfficerRole.DIRECTOR, True),
    ("Nominee Director of", False, OfficerRole.DIRECTOR, True),
    ("Executive Director", False, OfficerRole.DIRECTOR, True),
    ("President of", False, OfficerRole.DIRECTOR, True),
    ("secretary of", False, OfficerRole.MANAGER, True),
    ("Chief Financial Officer", False, OfficerRole.MANAGER, True),
    ("auditor of", False, OfficerRole.SUPERVISOR, True),
    ("protector of", False, OfficerRole.SUPERVISOR, True),
    ("监事", False, OfficerRole.SUPERVISOR, True),
    ("Leader or official of", False, OfficerRole.DIRECTOR, False),  # unknown → director, flagged
    ("", False, OfficerRole.DIRECTOR, False),
])
def test_roles_map_to_legal_rep_or_officer_role(text: str, legal_rep: bool, role: OfficerRole | None,
                                                known: bool) -> None:
    mapping = map_role(text)
    assert (mapping.legal_rep, mapping.role, mapping.known) == (legal_rep, role, known)


@pytest.mark.parametrize(("text", "status"), [
    ("Active", FirmStatus.ACTIVE), ("Changed agent", FirmStatus.ACTIVE), ("Defaulted", FirmStatus.DISSOLVED),
    ("Struck / Defunct / Deregistered", FirmStatus.DISSOLVED), ("Inactive", FirmStatus.DISSOLVED),
    ("In liquidation", FirmStatus.DISSOLVED), ("Ликвидировано", FirmStatus.DISSOLVED), ("", None),
    ("Changed company name", None),
])
def test_status_words(text: str, status: FirmStatus | None) -> None:
    assert status_from_text(text) == status


@pytest.mark.parametrize("name", [
    "BOSHEN LTD./135-77", "ALGONQUIN TRUST PANAMA", "MIRABAUD & CIE/111-40", "RS GROUP/116-45",
    "MED ENERGY S.A.L.", "TRUSTCO LABUAN SDN BHD", "CORFIDUCIA ANSTALT", "THE LEVANT LAWYERS (TLL)",
    "SOCIÉTÉ À RESPONSABILITÉ LIMITÉE “CST”", "Zala Aero Group", "FIGEST CONSEIL S.A.",
])
def test_company_names_are_recognised(name: str) -> None:
    assert looks_like_company(name)


@pytest.mark.parametrize("name", [
    "KIM SOO IN", "Tian Yuan", "DAVID, RONALD", "MR. ERIC GOZLAN", "HAY, LIC. FRANK-OLIVIER",
    "Wu Chi-Ping and Wu Chou Tsan-Ting",
    "Helmuth Sauter Ortiz and Desiree Odio Montealegre (In Joint Tenancy with Right of Survivorship)",
    "Mrs. Lara AL-DAFTARI", "", "BROUGH, CHARLES (MR.)",
])
def test_person_names_are_not_taken_for_companies(name: str) -> None:
    assert not looks_like_company(name)


@pytest.mark.parametrize(("code", "iso"), [
    ("SAM", "WS"), ("BVI", "VG"), ("ru", "RU"), ("UK", "GB"), ("gb-sct", "GB"), ("NEV", "US"),
    ("XXX", ""), ("", ""), ("ATLANTIS", None),
])
def test_jurisdictions_become_iso_alpha2(code: str, iso: str | None) -> None:
    assert iso_jurisdiction(code) == iso


@pytest.mark.parametrize(("rel_type", "link", "kind"), [
    ("intermediary of", "", EdgeKind.INTERMEDIARY),
    ("shareholder of", "", EdgeKind.SHAREHOLDER),
    ("beneficiary of", "", EdgeKind.SHAREHOLDER),
    ("director of", "", EdgeKind.OFFICER),
    ("registered address", "", EdgeKind.ADDRESS),
    ("similar name and address as", "", EdgeKind.HINT),
    ("same name and registration date as", "", EdgeKind.HINT),
    ("officer_of", "shareholder of", EdgeKind.SHAREHOLDER),
    ("officer_of", "secretary of", EdgeKind.OFFICER),
    ("officer_of", "", EdgeKind.OFFICER),
    ("intermediary_of", "intermediary of", EdgeKind.INTERMEDIARY),
    ("registered_address", "registered address", EdgeKind.ADDRESS),
    ("same_name_as", "", EdgeKind.HINT),
    ("probably_same_officer_as", "", EdgeKind.HINT),
])
def test_icij_edges_are_classified(rel_type: str, link: str, kind: EdgeKind) -> None:
    assert classify_edge(rel_type, link) == kind


def test_external_ids_satisfy_the_identifier_rule() -> None:
    assert external_id("ftm", "NK-2Tbri3s6GgNtAwsSXh4qpL") == "ftm:NK-2Tbri3s6GgNtAwsSXh4qpL"
    assert external_id("icij", "a b") == "icij:a_b"
    long = external_id("bods", "x" * 400)
    assert len(long) <= 205 and long != external_id("bods", "x" * 399 + "y")


def _written(tmp_path: Path, kind: str) -> list[dict[str, str]]:
    with open(tmp_path / f"{kind}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_writer_keeps_the_open_relationship_when_one_key_has_several_states(tmp_path: Path) -> None:
    report = ConversionReport("ftm", tmp_path, tmp_path)
    writer = InterchangeWriter(report)
    common = {"holder_id": "ftm:p", "holder_type": "person", "firm_id": "ftm:f", "since": "2015-11-25"}
    writer.add("shareholdings", **common, ratio="0.5", until="2023-03-02")
    writer.add("shareholdings", **common, ratio="0.48", until="2023-12-21")
    writer.add("shareholdings", **common, ratio="0.51", until="")
    writer.write(tmp_path)
    rows = _written(tmp_path, "shareholdings")
    assert [(r["ratio"], r["until"]) for r in rows] == [("0.51", "")]
    assert sum(f.count for f in report.adjusted.values()) == 2


def test_writer_merges_agreeing_repeats_and_keeps_the_first_of_conflicting_nodes(tmp_path: Path) -> None:
    report = ConversionReport("icij", tmp_path, tmp_path)
    writer = InterchangeWriter(report)
    writer.add("firms", firm_id="icij:1", name="A LTD", kind="foreign", status="active")
    writer.add("firms", firm_id="icij:1", name="A LTD", kind="foreign", status="active", established="2006-03-23")
    writer.add("firms", firm_id="icij:1", name="B LTD", kind="foreign", status="active")
    # Two spellings of one address are one registration, as the ingest keys addresses.
    writer.add("registrations", firm_id="icij:1", address="Room 1401, 14/F, Harbour City")
    writer.add("registrations", firm_id="icij:1", address="ROOM 1401 14F HARBOUR CITY")
    assert writer.write(tmp_path)["registrations"] == 1
    assert [(r["name"], r["established"]) for r in _written(tmp_path, "firms")] == [("A LTD", "2006-03-23")]
    assert (tmp_path / "conversion-report.json").is_file()


def test_writer_refuses_unknown_columns(tmp_path: Path) -> None:
    writer = InterchangeWriter(ConversionReport("ftm", tmp_path, tmp_path))
    with pytest.raises(KeyError):
        writer.add("firms", firm_id="ftm:x", colour="red")
