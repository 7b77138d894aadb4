"""Reading a model file: YAML → a validated :class:`ModelConfig`, bound to the computations that exist.

Kept apart from ``config.py`` (which only says what a model is) because checking that every
indicator names a known computation needs the registry in ``indicators.py``, which itself
reads the config's types.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from riskgraph.errors import ConfigError
from riskgraph.scoring.config import DEFAULT_MODEL_PATH, ModelConfig, format_validation
from riskgraph.scoring.indicators import COMPUTE


def parse_model_config(data: Any, source: str, content_hash: str = "") -> ModelConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        config = ModelConfig.model_validate({**data, "content_hash": content_hash})
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid scoring model; fix these fields:\n{format_validation(exc)}") from exc
    for i, ind in enumerate(config.indicators):
        if ind.compute.fn not in COMPUTE:
            raise ConfigError(f"{source}: invalid scoring model; fix these fields:\n  indicators.{i}.compute.fn: "
                              f"indicator {ind.id}: unknown compute fn {ind.compute.fn!r}; known: {sorted(COMPUTE)}")
    return config


def load_model_config(path: Path | None = None) -> ModelConfig:
    """Read and validate a model file (the packaged ``indicators.yaml`` by default)."""
    p = path or DEFAULT_MODEL_PATH
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read scoring model {p}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: not valid YAML: {exc}") from exc
    return parse_model_config(data, str(p), hashlib.sha256(raw).hexdigest())
