"""Load an interchange directory into Neo4j: validate everything first, then write in batches.

Nothing is written when validation fails (unless ``skip_invalid``, which loads the valid
rows and writes the rejected ones with their reasons to a CSV). Writes are idempotent
MERGEs, so re-running a load — also one cut short by a crash — completes it without
duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from riskgraph.errors import RowProblem, ValidationFailed, masked_input
from riskgraph.graph.loader import GraphLoader
from riskgraph.ingest.prepare import PreparedBatch, RowPreparer
from riskgraph.ingest.read import delta_month, find_files, read_file
from riskgraph.ingest.validate import ValidationResult, validate_files
from riskgraph.settings import Settings


@dataclass
class LoadSummary:
    source: str
    rows: dict[str, int] = field(default_factory=dict)  # rows written per interchange kind
    seconds: dict[str, float] = field(default_factory=dict)
    duplicates: int = 0
    rejected: int = 0
    rejects_file: Path | None = None
    resumed: bool = False
    skipped: bool = False  # these exact files had been loaded completely before
    elapsed_s: float = 0.0

    def rows_per_second(self, kind: str) -> float:
        s = self.seconds.get(kind, 0.0)
        return self.rows.get(kind, 0) / s if s > 0 else 0.0

    def lines(self) -> list[str]:
        if self.skipped:
            return [f"{self.source}: already loaded (same files), skipped"]
        out = [f"{self.source}: loaded in {self.elapsed_s:.1f} s" + (" (completing an interrupted load)"
                                                                     if self.resumed else "")]
        for kind, n in self.rows.items():
            out.append(f"  {kind:<14} {n:>10,} rows  {self.rows_per_second(kind):>9,.0f} rows/s")
        if self.duplicates:
            out.append(f"  identical duplicate rows dropped: {self.duplicates:,}")
        if self.rejected:
            out.append(f"  rejected rows: {self.rejected:,} (reasons in {self.rejects_file})")
        return out


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def validate_for_load(directory: Path, loader: GraphLoader, preparer: RowPreparer,
                      as_of: dt.date | None = None) -> ValidationResult:
    """Validate the directory's files, resolving references against the database too."""
    files = find_files(directory)
    if not files:
        raise ValidationFailed([RowProblem(str(directory), 0, "*", "no interchange files (firms.csv, persons.csv, …)")])

    def known(kind: str, ids: set[str]) -> set[str]:
        if kind == "firm":
            return loader.existing("firm", ids)
        keyed = {preparer.person(i): i for i in ids}
        return {keyed[k] for k in loader.existing("person", set(keyed))}

    return validate_files((read_file(spec, path) for spec, path in files), as_of=as_of, known_ids=known)


def write_rejects(result: ValidationResult, path: Path) -> int:
    """Rejected rows with their reasons, one line per problem; returns the number of rows.

    Values are written as errors show them (:func:`~riskgraph.errors.masked_input`: no resident ID
    number in full); file and line lead to the row itself.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "line", "column", "reason", "value", "row"])
        header_problems = [p for p in result.problems if p.line <= 1]
        for p in header_problems:
            writer.writerow([p.file, p.line, p.column, p.reason, p.value, ""])
        for vf in result.files:
            for raw, problems in vf.rejected:
                count += 1
                row_text = ",".join(masked_input(c.name, raw.values.get(c.name, "")) for c in vf.spec.columns)
                for p in problems:
                    writer.writerow([p.file, p.line, p.column, p.reason, p.value, row_text])
    return count


def load_directory(directory: Path, driver: Driver, settings: Settings, *, skip_invalid: bool = False,
                   rejects_path: Path | None = None, as_of: dt.date | None = None,
                   show_progress: bool = False, skip_if_loaded: bool = False) -> LoadSummary:
    """Validate and load one interchange directory (a base snapshot or a monthly delta).

    ``skip_if_loaded`` returns at once when exactly these files were loaded completely before
    (the demo uses it to restart quickly); a plain re-load is also safe, only slower.
    """
    started = time.perf_counter()
    loader = GraphLoader(driver, settings)
    digest = _digest([p for _, p in find_files(directory)])
    if skip_if_loaded and loader.already_loaded(digest):
        return LoadSummary(source=str(directory), skipped=True)
    preparer = RowPreparer(settings.person_salt.get_secret_value())
    result = validate_for_load(directory, loader, preparer, as_of)
    summary = LoadSummary(source=str(directory))
    if result.problems:
        if not skip_invalid:
            raise ValidationFailed(result.problems)
        summary.rejects_file = rejects_path or directory / "rejected.csv"
        summary.rejected = write_rejects(result, summary.rejects_file)

    batches: list[PreparedBatch] = []
    for vf in result.files:
        summary.duplicates += vf.duplicates
        batches.extend(preparer.prepare(vf.spec, vf.rows))

    run_id = uuid.uuid4().hex
    previous = loader.start_run(run_id, digest, str(directory))
    summary.resumed = previous == "running"
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  disable=not show_progress) as progress:
        for batch in batches:
            task = progress.add_task(f"{batch.kind} ({batch.description})", total=len(batch.rows))
            t0 = time.perf_counter()
            advance = lambda n, t=task: progress.advance(t, n)  # noqa: E731
            if batch.relationship and batch.start:
                loader.write_relationships(batch.relationship, batch.start, batch.rows, on_batch=advance)
            else:
                extra = {"month": delta_month(directory)} if batch.query == "ingest/merge_firms" else {}
                loader.write(batch.query, batch.rows, on_batch=advance, **extra)
            elapsed = time.perf_counter() - t0
            if batch.query != "ingest/merge_addresses":
                summary.rows[batch.kind] = summary.rows.get(batch.kind, 0) + len(batch.rows)
            summary.seconds[batch.kind] = summary.seconds.get(batch.kind, 0.0) + elapsed
    loader.finish_run(run_id, summary.rows)
    summary.elapsed_s = time.perf_counter() - started
    return summary
