"""Resident ID numbers never appear in full where input problems are shown: the error text, the CLI's
output, the rejects file and an HTTP 422 body. Against the real Neo4j and the real app."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from typer.testing import CliRunner

from riskgraph.api.app import create_app
from riskgraph.errors import ValidationFailed
from riskgraph.graph.loader import GraphLoader
from riskgraph.ingest.load import load_directory
from riskgraph.settings import Settings
from tests.conftest import FIXTURES
from tests.keys import CLEARED, auth

WRONG_CHECK = "440305199201010013"  # valid region and birth date, check character wrong (…0012 is right)
OLD_FORM = "440305920101001"  # a first-generation 15-digit number, refused as too short
NUMBERS = (WRONG_CHECK, OLD_FORM)


@pytest.fixture()
def bad_persons(tmp_path: Path) -> Path:
    """The minimal data set with two wrong ID numbers in persons.csv (lines 5 and 6) and one as a holder (line 6)."""
    data = tmp_path / "bad"
    shutil.copytree(FIXTURES / "minimal", data)
    with open(data / "persons.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{WRONG_CHECK},赵六,fixture\n{OLD_FORM},钱七,fixture\n")
    with open(data / "shareholdings.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{WRONG_CHECK},person,91440305MA5DABCD2Y,0.1,1,2021-06-01,\n")
    return data


def _assert_masked(text: str) -> None:
    for number in NUMBERS:
        assert number not in text
    assert "440*************13" in text  # the masked form is shown instead: the operator can still tell


def test_the_error_text_masks_the_numbers_and_keeps_file_and_line(clean_db: Driver, neo4j_settings: Settings,
                                                                 bad_persons: Path) -> None:
    with pytest.raises(ValidationFailed) as refused:
        load_directory(bad_persons, clean_db, neo4j_settings)
    text = str(refused.value)
    _assert_masked(text)
    assert "persons.csv line 5, column person_id: resident ID number check character wrong" in text
    assert "persons.csv line 6, column person_id: resident ID number must have 18 characters" in text
    assert "shareholdings.csv line 6, column holder_id" in text
    assert all(WRONG_CHECK not in p.value and OLD_FORM not in p.value for p in refused.value.problems)
    assert GraphLoader(clean_db, neo4j_settings).counts()["persons"] == 0


def test_the_rejects_file_masks_the_numbers_and_locates_the_rows(clean_db: Driver, neo4j_settings: Settings,
                                                                 bad_persons: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejected.csv"
    summary = load_directory(bad_persons, clean_db, neo4j_settings, skip_invalid=True, rejects_path=rejects)
    assert summary.rejected == 3
    text = rejects.read_text(encoding="utf-8")
    _assert_masked(text)
    located = {(r["file"], r["line"], r["column"]) for r in csv.DictReader(text.splitlines())}
    assert {("persons.csv", "5", "person_id"), ("persons.csv", "6", "person_id"),
            ("shareholdings.csv", "6", "holder_id")} <= located
    assert GraphLoader(clean_db, neo4j_settings).counts()["persons"] == 3  # the good ones are loaded


def test_the_ingest_command_masks_the_numbers(clean_db: Driver, neo4j_settings: Settings, bad_persons: Path,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.cli import app
    from riskgraph.cli import ingest as ingest_cli

    monkeypatch.setattr(ingest_cli, "get_settings", lambda: neo4j_settings)
    refused = CliRunner().invoke(app, ["ingest", str(bad_persons)])
    assert refused.exit_code == 1
    _assert_masked(refused.output)
    assert "persons.csv line 5" in refused.output

    report = tmp_path / "report.csv"  # the full problem list, written when there are more than 20
    with open(bad_persons / "persons.csv", "a", encoding="utf-8") as fh:
        fh.writelines(f"{WRONG_CHECK[:-1]}{d},某{d},fixture\n" for d in "45678912345678901234")
    many = CliRunner().invoke(app, ["ingest", str(bad_persons), "--rejects", str(report)])
    assert many.exit_code == 1 and report.is_file()
    _assert_masked(many.output + report.read_text(encoding="utf-8"))
    assert "4403051992010100" not in report.read_text(encoding="utf-8")


def test_http_422_bodies_mask_the_numbers(clean_db: Driver, neo4j_settings: Settings, bad_persons: Path) -> None:
    app = create_app(neo4j_settings)

    @app.get("/probe")
    def probe() -> None:
        load_directory(bad_persons, clean_db, neo4j_settings)

    cleared = auth(neo4j_settings, CLEARED)
    with TestClient(app) as client:
        refused = client.get("/probe")
        # refused by our check (check character), and by FastAPI's own validation (length, type), which echo the input
        looked_up = [client.post("/api/v1/persons/lookup", json={"id_number": number}, headers=cleared)
                     for number in (WRONG_CHECK, f" {WRONG_CHECK}", int(WRONG_CHECK))]
    assert refused.status_code == 422
    _assert_masked(refused.text)
    assert ["file", "persons.csv", 5, "person_id"] in [p["loc"] for p in refused.json()["detail"]]
    for answer in looked_up:
        assert answer.status_code == 422
        _assert_masked(answer.text)
    assert looked_up[1].json()["detail"][0]["type"] == "string_too_long"  # FastAPI's own wording otherwise kept
