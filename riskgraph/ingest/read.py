"""Reading interchange files (CSV or JSON Lines) into raw string rows with their line numbers."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph.errors import RowProblem
from riskgraph.model import INTERCHANGE_FILES, InterchangeFile

csv.field_size_limit(10_000_000)


@dataclass
class RawRow:
    line: int
    values: dict[str, str]


@dataclass
class RawFile:
    spec: InterchangeFile
    path: Path
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def find_files(directory: Path) -> list[tuple[InterchangeFile, Path]]:
    """The interchange files present in ``directory``, in load order (``<kind>.csv`` or ``.jsonl``)."""
    found: list[tuple[InterchangeFile, Path]] = []
    for spec in INTERCHANGE_FILES:
        candidates = [p for p in (directory / f"{spec.kind}.csv", directory / f"{spec.kind}.jsonl") if p.is_file()]
        if len(candidates) > 1:
            raise ValueError(f"{directory}: both {spec.kind}.csv and {spec.kind}.jsonl exist; keep one")
        found.extend((spec, p) for p in candidates)
    return found


def read_file(spec: InterchangeFile, path: Path) -> RawFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raw = RawFile(spec, path, [])
        raw.problems.append(RowProblem(path.name, line, "*", f"not valid UTF-8 (byte {exc.start})"))
        return raw
    if path.suffix == ".jsonl":
        return _read_jsonl(spec, path, text)
    return _read_csv(spec, path, text)


def _read_csv(spec: InterchangeFile, path: Path, text: str) -> RawFile:
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raw = RawFile(spec, path, [])
        raw.problems.append(RowProblem(path.name, 1, "*", "empty file: a header row is required"))
        return raw
    raw = RawFile(spec, path, header)
    _check_header(raw)
    start = reader.line_num + 1
    for record in reader:
        if not record or all(not v.strip() for v in record):
            start = reader.line_num + 1
            continue
        if len(record) != len(header):
            raw.problems.append(RowProblem(path.name, start, "*",
                                           f"{len(record)} fields where the header has {len(header)}"))
        else:
            raw.rows.append(RawRow(start, {h: v.strip() for h, v in zip(header, record, strict=True)}))
        start = reader.line_num + 1
    return raw


def _read_jsonl(spec: InterchangeFile, path: Path, text: str) -> RawFile:
    raw = RawFile(spec, path, [c.name for c in spec.columns])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raw.problems.append(RowProblem(path.name, number, "*", f"not JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            raw.problems.append(RowProblem(path.name, number, "*", "each line must be a JSON object"))
            continue
        unknown = sorted(set(obj) - set(raw.header))
        for name in unknown:
            raw.problems.append(RowProblem(path.name, number, name, "unknown field"))
        raw.rows.append(RawRow(number, {k: _as_text(v) for k, v in obj.items() if k in raw.header}))
    return raw


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _check_header(raw: RawFile) -> None:
    declared = {c.name for c in raw.spec.columns}
    for name in raw.header:
        if name not in declared:
            raw.problems.append(RowProblem(raw.name, 1, name,
                                           f"unknown column; {raw.spec.kind} has {', '.join(sorted(declared))}"))
    seen = set(raw.header)
    for column in raw.spec.columns:
        if column.required and column.name not in seen:
            raw.problems.append(RowProblem(raw.name, 1, column.name, "required column missing from the header"))
    if len(seen) != len(raw.header):
        raw.problems.append(RowProblem(raw.name, 1, "*", "a column name appears twice in the header"))


def iter_files(directory: Path) -> Iterator[RawFile]:
    for spec, path in find_files(directory):
        yield read_file(spec, path)


def delta_month(directory: Path) -> str | None:
    """The month of a monthly delta folder (named ``YYYY-MM``, e.g. ``deltas/2026-07``); None otherwise.

    Status changes carried by a delta are dated to its month, so that earlier months can be
    re-scored with the status firms had then.
    """
    name = directory.resolve().name
    return name if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", name) else None


def delta_directories(directory: Path, up_to: str | None = None) -> list[Path]:
    """Monthly delta folders (``deltas/YYYY-MM``) below a data set, oldest first; up to a month if given."""
    root = directory / "deltas"
    found = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    return [p for p in found if up_to is None or p.name <= up_to]
