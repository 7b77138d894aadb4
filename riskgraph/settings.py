"""Runtime configuration: one typed object read from ``RISKGRAPH_*`` environment variables.

Connection details, file locations and the salt for personal identifiers live here;
model parameters (weights, decays, thresholds) live in versioned YAML files under
``riskgraph/scoring/`` and are validated there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything a deployment may change without touching code."""

    model_config = SettingsConfigDict(env_prefix="RISKGRAPH_", env_file=".env", extra="ignore")

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("riskgraph-dev-password")
    neo4j_database: str = "neo4j"

    # The self-managed server (``riskgraph neo4j …``); ignored when pointing at an external server.
    neo4j_runtime_dir: Path = PROJECT_ROOT / "var" / "neo4j" / "runtime"  # jars from Maven Central
    neo4j_instance_dir: Path = PROJECT_ROOT / "var" / "neo4j" / "instance"  # conf, data, logs, pid
    neo4j_bolt_port: int = 7687
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "2g"
    java_home: Path = Path("/usr/lib/jvm/java-17-openjdk-amd64")
    neo4j_start_timeout_s: float = 120.0

    # Personal data: the resident ID number is never stored; its salted hash is the key.
    person_salt: SecretStr = SecretStr("change-me-in-production")

    ingest_batch_size: int = 10_000
    ingest_writers: int = 2  # write transactions in flight at once during a load

    api_host: str = "127.0.0.1"
    api_port: int = 8000



@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
