"""Adapters: open company data (FtM, BODS, ICIJ) → riskgraph's interchange files.

``convert(fmt, source, out_dir)`` reads a source file or directory and writes one CSV per
interchange kind (``riskgraph/model.py``) into ``out_dir``, plus ``conversion-report.json``.
The regular ingest then validates and loads that directory, so adapters share its
validation, idempotency and loading; an adapter never writes to Neo4j. Whatever a source
says that the interchange format cannot hold is counted, with examples, in the returned
:class:`ConversionReport`; the rules are documented in ``docs/adapters.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from riskgraph.ingest.adapters.bods import convert_bods
from riskgraph.ingest.adapters.common import ConversionError, ConversionReport, Finding, InterchangeWriter
from riskgraph.ingest.adapters.ftm import convert_ftm
from riskgraph.ingest.adapters.icij import convert_icij

Converter = Callable[[Path, InterchangeWriter, dt.date], None]

_CONVERTERS: dict[str, Converter] = {"ftm": convert_ftm, "bods": convert_bods, "icij": convert_icij}
FORMATS: tuple[str, ...] = tuple(_CONVERTERS)

__all__ = ["FORMATS", "ConversionError", "ConversionReport", "Finding", "convert"]


def convert(fmt: str, source: Path, out_dir: Path, *, today: dt.date | None = None) -> ConversionReport:
    """Convert ``source`` (a file or a directory) of format ``fmt`` into interchange CSVs in ``out_dir``.

    ``today`` is the day after which source dates count as in the future (default: the
    system date); such dates are dropped and reported, as the validator would refuse them.
    Raises :class:`ConversionError` for an unknown format or a source that cannot be read.
    """
    if fmt not in _CONVERTERS:
        raise ConversionError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    source = Path(source)
    if not source.exists():
        raise ConversionError(f"{source}: no such file or directory")
    report = ConversionReport(fmt=fmt, source=source, out_dir=Path(out_dir))
    writer = InterchangeWriter(report)
    _CONVERTERS[fmt](source, writer, today or dt.date.today())
    writer.write(Path(out_dir))
    return report
