"""Recording to and checking the audit trail: the one place jobs, the CLI and the API append entries."""

from __future__ import annotations

import getpass
from typing import Any

from riskgraph.audit.trail import AuditTrail, Problem
from riskgraph.settings import Settings


def trail(settings: Settings) -> AuditTrail:
    return AuditTrail(settings.audit_path, settings.audit_key.get_secret_value())


def command_line_actor() -> str:
    """Who runs a CLI job: the operating-system account (``cli:<user>``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def record(settings: Settings, action: str, actor: str | None = None, **details: Any) -> dict[str, Any]:
    """Append one entry: ``actor`` (default the CLI's account) did ``action``, with ``details``."""
    return trail(settings).append(actor or command_line_actor(), action, **details)


def verify(settings: Settings) -> tuple[int, list[Problem]]:
    """Entries read and the problems found (none: the trail is whole)."""
    return trail(settings).verify()


def record_read(settings: Settings, actor: str, route: str, entities: list[str], results: int,
                **details: Any) -> dict[str, Any]:
    """Append a read of entity data: who, which route, which entities, how many results (and e.g. from where).

    Not flushed to disk before the answer goes out (see :meth:`AuditTrail.append`): reads are many.
    """
    return trail(settings).append(actor, "read", durable=False, route=route, entities=entities, results=results,
                                  **details)


def latest(settings: Settings, n: int) -> list[dict[str, Any]]:
    """The latest ``n`` entries, newest first (unchecked)."""
    return trail(settings).last(n)
