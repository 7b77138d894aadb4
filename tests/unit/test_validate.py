"""Validation of interchange files without a database: each kind of bad row is named precisely."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from riskgraph.errors import RowProblem
from riskgraph.ingest.validate import validate_directory
from tests.conftest import FIXTURES

AS_OF = dt.date(2026, 11, 1)
FIRM = "91440305MA5DABCD1U"
PERSON = "440305198505050027"


def _set(tmp_path: Path) -> Path:
    d = tmp_path / "set"
    shutil.copytree(FIXTURES / "minimal", d)
    return d


def _append(path: Path, line: str) -> int:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return sum(1 for _ in open(path, encoding="utf-8"))


def _problems(d: Path) -> dict[tuple[str, int, str], RowProblem]:
    return {(p.file, p.line, p.column): p for p in validate_directory(d, as_of=AS_OF)}


def test_the_example_set_is_valid() -> None:
    assert validate_directory(FIXTURES / "minimal", as_of=AS_OF) == []


def test_row_level_problems_name_file_line_column(tmp_path: Path) -> None:
    d = _set(tmp_path)
    missing = _append(d / "firms.csv", "91440305MA5DABCD7E,,enterprise,active,1,2020-01-01,,,,,")
    enum = _append(d / "officers.csv", f"{PERSON},{FIRM},chairman,2020-01-01,")
    ratio = _append(d / "shareholdings.csv", f"{PERSON},person,{FIRM},35,,2020-01-01,")
    order = _append(d / "legal_reps.csv", f"{PERSON},{FIRM},2021-01-01,2020-01-01")
    holder = _append(d / "shareholdings.csv", f"{PERSON},firm,{FIRM},0.1,,2020-02-01,")
    no_est = _append(d / "firms.csv", "91440305MA5DABCD8H,无成立日期公司,enterprise,active,1,,,,,,")
    bad_date = _append(d / "events.csv", f"E-77,{FIRM},complaint,2024-02-30,1,,,,,")
    industry = _append(d / "firms.csv", "91440305MA5DABCD9L,行业错误公司,enterprise,active,1,2020-01-01,,A13,,,")
    p = _problems(d)
    assert p[("firms.csv", missing, "name")].reason == "required value missing"
    assert "must be one of director" in p[("officers.csv", enum, "role")].reason
    assert "write 0.35 for 35 %" in p[("shareholdings.csv", ratio, "ratio")].reason
    assert "ends before it starts" in p[("legal_reps.csv", order, "until")].reason
    assert "unified social credit code" in p[("shareholdings.csv", holder, "holder_id")].reason
    assert "required for firms with a unified social credit code" in p[("firms.csv", no_est, "established")].reason
    assert "YYYY-MM-DD" in p[("events.csv", bad_date, "date")].reason
    assert "not in section A" in p[("firms.csv", industry, "industry")].reason


def test_file_level_problems(tmp_path: Path) -> None:
    d = _set(tmp_path)
    (d / "branches.csv").write_text("branch_id,parent,since\n", encoding="utf-8")
    (d / "officers.csv").write_bytes(b"person_id,firm_id,role,since,until\n" + b"\xff\xfe,x\n")
    fields = _append(d / "legal_reps.csv", f"{PERSON},{FIRM}")
    p = _problems(d)
    assert "unknown column" in p[("branches.csv", 1, "parent")].reason
    assert "required column missing" in p[("branches.csv", 1, "parent_id")].reason
    assert "not valid UTF-8" in p[("officers.csv", 2, "*")].reason
    assert "2 fields where the header has 4" in p[("legal_reps.csv", fields, "*")].reason


def test_identical_duplicates_pass_conflicting_ones_fail(tmp_path: Path) -> None:
    d = _set(tmp_path)
    _append(d / "persons.csv", f"{PERSON},李娜,fixture")
    assert _problems(d) == {}
    conflict = _append(d / "persons.csv", f"{PERSON},李四,fixture")
    reason = _problems(d)[("persons.csv", conflict, "name")].reason
    assert "conflicting values (first at line 3)" in reason


def test_json_lines_files_are_read_like_csv(tmp_path: Path) -> None:
    d = _set(tmp_path)
    (d / "persons.csv").unlink()
    lines = [{"person_id": "440305199201010012", "name": "张伟"}, {"person_id": PERSON, "name": "李娜"},
             {"person_id": "110105197003030032", "name": "王强", "nickname": "x"}]
    (d / "persons.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    p = _problems(d)
    assert list(p) == [("persons.jsonl", 3, "nickname")]
