"""Versioned model files (scoring, analysis, inspection): YAML read once, hashed, validated with clear errors.

Each file's settings are recorded with the results they produced as ``version+hash``, so the hash is
of the bytes read, and a problem names the file and every field at fault.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from riskgraph.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def read_model_file(path: Path, what: str) -> tuple[Any, str]:
    """The parsed YAML of ``path`` and the SHA-256 of its bytes; ConfigError when unreadable or not YAML."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from exc
    try:
        return yaml.safe_load(raw), hashlib.sha256(raw).hexdigest()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


def version_label(version: str, content_hash: str) -> str:
    """What results record of the file they came from: its version and the first 8 hex digits of its hash."""
    return f"{version}+{content_hash[:8]}" if content_hash else version


def format_validation(exc: ValidationError) -> str:
    """A pydantic error as one indented line per field: ``  weights.3.value: Input should be …``."""
    return "\n".join(f"  {'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
                     for err in exc.errors())


def validate_model_file(model: type[M], data: Any, source: str, what: str, content_hash: str = "") -> M:
    """``data`` (a file's top-level mapping) as ``model``, with ``content_hash``; ConfigError naming each field."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return model.model_validate({**data, "content_hash": content_hash})
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid {what}; fix these fields:\n{format_validation(exc)}") from exc
