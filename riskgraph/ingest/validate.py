"""Validation of interchange files: every row of every file is checked before anything is written.

A problem names file, line, column and reason. Checks: required values, types, enums,
identifier checksums, region and industry codes, dates not in the future, ``since`` not
after ``until``, duplicate keys with conflicting values, and references to firms and
persons that exist neither in the files nor (through ``known_ids``) in the database.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.errors import RowProblem
from riskgraph.ingest.read import RawFile, RawRow, iter_files
from riskgraph.model import FIRMS, PERSONS, Column, FieldType, InterchangeFile
from riskgraph.reference.identifiers import firm_id_problem, is_external, person_id_problem, uscc_region
from riskgraph.reference.industries import industry_problem
from riskgraph.reference.regions import is_region

EARLIEST_DATE = dt.date(1900, 1, 1)
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}

# ``known_ids("firm" | "person", ids)`` returns the subset that already exists in the database.
KnownIds = Callable[[str, set[str]], set[str]]


@dataclass
class ValidRow:
    line: int
    values: dict[str, Any]


@dataclass
class ValidatedFile:
    spec: InterchangeFile
    name: str
    rows: list[ValidRow] = field(default_factory=list)
    rejected: list[tuple[RawRow, list[RowProblem]]] = field(default_factory=list)
    duplicates: int = 0


@dataclass
class ValidationResult:
    files: list[ValidatedFile]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_kind(self, kind: str) -> ValidatedFile | None:
        return next((f for f in self.files if f.spec.kind == kind), None)


def _parse_value(column: Column, text: str, as_of: dt.date) -> tuple[Any, str | None]:
    """Typed value of one cell, or the reason it is wrong."""
    t = column.type
    if t in (FieldType.STRING,):
        return text, None
    if t == FieldType.INT:
        try:
            return int(text), None
        except ValueError:
            return None, "not a whole number"
    if t in (FieldType.FLOAT, FieldType.RATIO):
        try:
            number = float(text)
        except ValueError:
            return None, "not a number"
        if not math.isfinite(number) or number < 0:
            return None, "must be a finite number ≥ 0"
        if t == FieldType.RATIO and number > 1:
            return None, "a ratio must lie in [0, 1] (write 0.35 for 35 %)"
        return number, None
    if t == FieldType.DATE:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, "not a date in the form YYYY-MM-DD"
        if len(text) != 10:
            return None, "not a date in the form YYYY-MM-DD"
        if day > as_of:
            return None, f"date in the future (after {as_of.isoformat()})"
        if day < EARLIEST_DATE:
            return None, f"date before {EARLIEST_DATE.isoformat()}"
        return day, None
    if t == FieldType.BOOL:
        low = text.lower()
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, "not a boolean (true/false)"
    if t == FieldType.ENUM:
        if text not in column.choices:
            return None, f"must be one of {', '.join(column.choices)}"
        return text, None
    if t == FieldType.FIRM_ID:
        return text, firm_id_problem(text)
    if t == FieldType.PERSON_ID:
        return text, person_id_problem(text)
    if t == FieldType.PARTY_ID:
        return text, None  # checked with its *_type column
    if t == FieldType.REGION:
        return text, None if is_region(text) else "unknown GB/T 2260 region code"
    if t == FieldType.INDUSTRY:
        return text, industry_problem(text)
    raise AssertionError(f"unhandled field type {t}")


def _validate_row(spec: InterchangeFile, name: str, raw: RawRow, as_of: dt.date) -> tuple[ValidRow, list[RowProblem]]:
    values: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for column in spec.columns:
        text = raw.values.get(column.name, "")
        if not text:
            values[column.name] = None
            if column.required:
                problems.append(RowProblem(name, raw.line, column.name, "required value missing"))
            continue
        value, reason = _parse_value(column, text, as_of)
        if reason:
            problems.append(RowProblem(name, raw.line, column.name, reason, text))
        values[column.name] = value
    problems.extend(_row_rules(spec, name, raw.line, values))
    return ValidRow(raw.line, values), problems


def _row_rules(spec: InterchangeFile, name: str, line: int, v: dict[str, Any]) -> list[RowProblem]:
    """Rules that involve more than one column of a row."""
    out: list[RowProblem] = []
    since, until = v.get("since"), v.get("until")
    if since and until and since > until:
        out.append(RowProblem(name, line, "until", f"ends before it starts (since {since.isoformat()})",
                              until.isoformat()))
    if spec is FIRMS and v["firm_id"] and not firm_id_problem(v["firm_id"]):
        external = is_external(v["firm_id"])
        if not external and not v["established"]:
            out.append(RowProblem(name, line, "established", "required for firms with a unified social credit code"))
        if not external and v["kind"] == "foreign":
            out.append(RowProblem(name, line, "kind", "'foreign' is for entities without a USCC"))
        if not v["region"] and not external:
            derived = uscc_region(v["firm_id"])
            if derived and is_region(derived):
                v["region"] = derived
    if "holder_type" in v and v["holder_id"] and v["holder_type"]:
        check = firm_id_problem if v["holder_type"] == "firm" else person_id_problem
        reason = check(v["holder_id"])
        if reason:
            out.append(RowProblem(name, line, "holder_id", reason, v["holder_id"]))
    return out


def _key(spec: InterchangeFile, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(k) for k in spec.key)


def _dedupe(vf: ValidatedFile, problems: list[RowProblem]) -> None:
    """Identical repeats are dropped; repeats of a key with other values are errors."""
    first: dict[tuple[Any, ...], ValidRow] = {}
    kept: list[ValidRow] = []
    for row in vf.rows:
        key = _key(vf.spec, row.values)
        seen = first.get(key)
        if seen is None:
            first[key] = row
            kept.append(row)
        elif seen.values == row.values:
            vf.duplicates += 1
        else:
            differing = [c for c in row.values if row.values[c] != seen.values[c]]
            problems.append(RowProblem(vf.name, row.line, differing[0],
                                       f"duplicate key {'/'.join(vf.spec.key)} with conflicting values "
                                       f"(first at line {seen.line})", str(row.values[differing[0]])))
    vf.rows = kept


def _reference_problems(files: list[ValidatedFile], known_ids: KnownIds | None) -> list[RowProblem]:
    """Rows that reference a firm or person present neither in the files nor in the database."""
    defined = {
        "firm": {r.values["firm_id"] for f in files if f.spec is FIRMS for r in f.rows},
        "person": {r.values["person_id"] for f in files if f.spec is PERSONS for r in f.rows},
    }
    wanted: dict[str, set[str]] = {"firm": set(), "person": set()}
    refs: list[tuple[ValidatedFile, ValidRow, str, str]] = []
    for vf in files:
        for row in vf.rows:
            for column, target in vf.spec.refs.items():
                value = row.values.get(column)
                if not value:
                    continue
                kind = row.values["holder_type"] if target == "party" else target
                refs.append((vf, row, column, kind))
                if value not in defined[kind]:
                    wanted[kind].add(value)
    in_db = {k: (known_ids(k, ids) if known_ids and ids else set()) for k, ids in wanted.items()}
    problems = []
    for vf, row, column, kind in refs:
        value = row.values[column]
        if value not in defined[kind] and value not in in_db[kind]:
            where = "firms.csv" if kind == "firm" else "persons.csv"
            problems.append(RowProblem(vf.name, row.line, column,
                                       f"references an unknown {kind} (not in {where} nor in the database)", value))
    return problems


def validate_files(raw_files: Iterable[RawFile], *, as_of: dt.date | None = None,
                   known_ids: KnownIds | None = None) -> ValidationResult:
    """Validate parsed files together (references cross files)."""
    as_of = as_of or dt.date.today()
    problems: list[RowProblem] = []
    files: list[ValidatedFile] = []
    for raw in raw_files:
        problems.extend(raw.problems)
        vf = ValidatedFile(raw.spec, raw.name)
        files.append(vf)
        if any(p.line == 1 for p in raw.problems):
            continue  # header unusable: row checks would only repeat it
        for raw_row in raw.rows:
            row, row_problems = _validate_row(raw.spec, raw.name, raw_row, as_of)
            if row_problems:
                vf.rejected.append((raw_row, row_problems))
                problems.extend(row_problems)
            else:
                vf.rows.append(row)
        _dedupe(vf, problems)
    ref_problems = _reference_problems(files, known_ids)
    if ref_problems:
        bad = {(p.file, p.line) for p in ref_problems}
        for vf in files:
            for row in [r for r in vf.rows if (vf.name, r.line) in bad]:
                row_problems = [p for p in ref_problems if (p.file, p.line) == (vf.name, row.line)]
                vf.rejected.append((RawRow(row.line, {k: _show(v) for k, v in row.values.items()}), row_problems))
            vf.rows = [r for r in vf.rows if (vf.name, r.line) not in bad]
        problems.extend(ref_problems)
    problems.sort(key=lambda p: (p.file, p.line))
    return ValidationResult(files, problems)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def validate_directory(path: Path, *, as_of: dt.date | None = None,
                       known_ids: KnownIds | None = None) -> list[RowProblem]:
    """All problems of the interchange files in ``path`` (empty when they can be loaded)."""
    return validate_files(iter_files(path), as_of=as_of, known_ids=known_ids).problems
