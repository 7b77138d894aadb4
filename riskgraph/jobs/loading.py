"""Loading one interchange directory as a recorded job: the load itself, then its entry in the audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from neo4j import Driver

from riskgraph.ingest.load import LoadSummary, load_directory
from riskgraph.jobs import audit
from riskgraph.settings import Settings, require_secrets


def load_recorded(directory: Path, driver: Driver, settings: Settings, actor: str | None = None,
                  **options: Any) -> LoadSummary:
    """:func:`riskgraph.ingest.load.load_directory` with ``options``, recorded as ``ingest`` when it wrote.

    Refused (ConfigError) while a secret has its public default: persons would be keyed with a known salt.
    """
    require_secrets(settings)
    summary = load_directory(directory, driver, settings, **options)
    if not summary.skipped:
        audit.record(settings, "ingest", actor, source=str(directory), rows=summary.rows,
                     rejected=summary.rejected, resumed=summary.resumed)
    return summary
