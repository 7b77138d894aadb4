"""Reading a model file: YAML → a validated :class:`ModelConfig`, bound to the computations that exist.

Kept apart from ``config.py`` (which only says what a model is) because checking that every
indicator names a known computation needs the registry in ``indicators.py``, which itself
reads the config's types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from riskgraph.errors import ConfigError
from riskgraph.model_files import read_model_file, validate_model_file
from riskgraph.scoring.config import DEFAULT_MODEL_PATH, ModelConfig
from riskgraph.scoring.indicators import COMPUTE


def parse_model_config(data: Any, source: str, content_hash: str = "") -> ModelConfig:
    config = validate_model_file(ModelConfig, data, source, "scoring model", content_hash)
    for i, ind in enumerate(config.indicators):
        if ind.compute.fn not in COMPUTE:
            raise ConfigError(f"{source}: invalid scoring model; fix these fields:\n  indicators.{i}.compute.fn: "
                              f"indicator {ind.id}: unknown compute fn {ind.compute.fn!r}; known: {sorted(COMPUTE)}")
    return config


def load_model_config(path: Path | None = None) -> ModelConfig:
    """Read and validate a model file (the packaged ``indicators.yaml`` by default)."""
    p = path or DEFAULT_MODEL_PATH
    data, content_hash = read_model_file(p, "scoring model")
    return parse_model_config(data, str(p), content_hash)
