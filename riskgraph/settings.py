"""Runtime configuration: one typed object read from ``RISKGRAPH_*`` environment variables.

Connection details, file locations, the salt for personal identifiers and the key that
authenticates stored ratings live here;
model parameters (weights, decays, thresholds) live in versioned YAML files under
``riskgraph/scoring/`` and are validated there.

The secrets (:data:`SECRETS`) have public defaults only so that a settings object can be built
anywhere; :func:`require_secrets` refuses them at the door of every job that uses them (ingest,
scoring, the service). ``riskgraph demo`` generates its own once into :data:`DEMO_SECRETS_FILE`,
a dotenv file every settings object reads; ``./.env`` and the process environment win over it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from riskgraph.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "RISKGRAPH_"
# Written by ``riskgraph demo`` (file mode 0600), read by every later command of the same checkout.
DEMO_SECRETS_FILE = PROJECT_ROOT / "var" / "secrets.env"


@dataclass(frozen=True)
class Secret:
    """A setting that must not keep its public default: that default, and what a known value gives away."""

    default: str
    guards: str


SECRETS = {
    "neo4j_password": Secret("riskgraph-dev-password", "the database: anyone who can reach Bolt reads and writes it"),
    "person_salt": Secret("change-me-in-production",
                          "person keys: with a known salt an ID number is found from its key by brute force"),
    "rating_key": Secret("dev-rating-key-change-me-in-production",
                         "stored ratings: with a known key anyone with database access forges intact ones"),
    "audit_key": Secret("dev-audit-key-change-me-in-production",
                        "the audit trail: with a known key entries can be rewritten and the chain re-signed"),
}


def env_name(setting: str) -> str:
    """The environment variable of a setting: ``person_salt`` → ``RISKGRAPH_PERSON_SALT``."""
    return ENV_PREFIX + setting.upper()


class Settings(BaseSettings):
    """Everything a deployment may change without touching code."""

    # Later dotenv files win over earlier ones, the environment over both.
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=(DEMO_SECRETS_FILE, ".env"), extra="ignore")

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(SECRETS["neo4j_password"].default)
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
    person_salt: SecretStr = SecretStr(SECRETS["person_salt"].default)

    # Stored ratings carry an HMAC-SHA256 keyed by this secret, which never enters the database:
    # write access to Neo4j alone cannot make an edited rating pass as intact.
    rating_key: SecretStr = SecretStr(SECRETS["rating_key"].default)
    # How long (seconds) the service trusts its last full check of a month's ratings before it
    # checks all of them again; 0 checks on every request. The run's seal is checked every time.
    verify_interval_s: float = Field(default=300.0, ge=0)

    # The audit trail (riskgraph.audit): an append-only file of hash-chained entries, and the secret
    # that keys their HMACs and signs the trail's head. Keep both out of the database's reach.
    audit_path: Path = PROJECT_ROOT / "var" / "audit" / "audit.jsonl"
    audit_key: SecretStr = SecretStr(SECRETS["audit_key"].default)

    # Who may call the service (riskgraph.auth): users with a role and an API key each, kept hashed (argon2)
    # in this file, managed by ``riskgraph users``. Keys expire after ``api_key_days`` unless given otherwise.
    users_path: Path = PROJECT_ROOT / "var" / "auth" / "users.json"
    api_key_days: int = Field(default=90, ge=1)

    ingest_batch_size: int = 10_000
    ingest_writers: int = 2  # write transactions in flight at once during a load

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Worker processes of ``riskgraph serve``, each with its own interpreter, Neo4j driver and listening
    # socket: the routes are CPU-bound Python, so one process uses one core. Default: the CPUs this
    # process may run on (bench/api.py on 2 cores: 2 workers sustain about twice what 1 does).
    api_workers: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)

    # The service under load and bad input (riskgraph.api.limits): past these bounds a request is
    # answered at once — 413, 429 or 503 with Retry-After — instead of being parsed or queued.
    api_max_body_bytes: int = Field(default=1 << 20, ge=1)  # a request body larger than this is refused unread (413)
    # Per client (its address; its API key once there is authentication): a token bucket of
    # ``api_rate_burst`` requests, refilled at ``api_rate_per_s``; an empty bucket answers 429. 0 turns it off.
    api_rate_per_s: float = Field(default=100.0, ge=0)
    api_rate_burst: int = Field(default=200, ge=1)
    api_rate_clients: int = Field(default=10_000, ge=1)  # buckets remembered; the least recently seen are forgotten
    # Requests served at once, and how many more may wait for a place; beyond both, 503 at once. Few: the
    # routes are CPU-bound Python sharing one interpreter lock with the event loop, and more threads in
    # flight starve the loop that reads (and refuses) new requests (bench/api.py on 2 cores).
    api_max_in_flight: int = Field(default=4, ge=1)
    api_queue: int = Field(default=8, ge=0)
    api_retry_after_s: int = Field(default=1, ge=1)  # what a 503 tells the client to wait
    # Every query the service sends to Neo4j runs in a transaction with this time limit (seconds);
    # one that runs out is answered 504.
    api_query_timeout_s: float = Field(default=10.0, gt=0)


def default_secrets(settings: Settings) -> list[str]:
    """The secrets of ``settings`` still at their public default (or empty), in :data:`SECRETS` order."""
    values = {name: getattr(settings, name).get_secret_value() for name in SECRETS}
    return [name for name, secret in SECRETS.items() if values[name] in ("", secret.default)]


def require_secrets(settings: Settings) -> None:
    """Refuse to go on while a secret has its public default: the one check, at the door of every job using them.

    Raises :class:`~riskgraph.errors.ConfigError` naming each such setting, its environment variable
    and what a known value gives away, and saying how to set them.
    """
    found = default_secrets(settings)
    if not found:
        return
    lines = [f"  {name} ({env_name(name)}) guards {SECRETS[name].guards}" for name in found]
    example = env_name(found[0])
    raise ConfigError(
        f"refusing to start: {len(found)} secret(s) still have their public default (or are empty):\n"
        + "\n".join(lines)
        + f"\nSet each to a long random value in the environment or in ./.env, e.g. "
        f"{example}=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))'). "
        f"The Neo4j password must be the server's (riskgraph neo4j start sets it when it creates an instance); "
        f"a new person salt needs the data loaded again, a new rating key the months scored again. "
        f"`make demo` (riskgraph demo) generates its own into {DEMO_SECRETS_FILE}.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
