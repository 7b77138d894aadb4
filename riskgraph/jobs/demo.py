"""The demo as one job: secrets of its own, start Neo4j, generate (or reuse) a data set, load it, score every month.

The demo needs no configuration, yet no command accepts the public default secrets
(:func:`riskgraph.settings.require_secrets`): so the demo generates random ones once into
:data:`~riskgraph.settings.DEMO_SECRETS_FILE` (mode 0600), which every later command of this
checkout reads — ``riskgraph serve``, ``score``, ``ingest`` run with them after ``make demo``.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable
from pathlib import Path

from dotenv import dotenv_values

from riskgraph.errors import ConfigError
from riskgraph.files import PRIVATE_MODE, write_private
from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.server import Neo4jServer
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs.loading import load_recorded
from riskgraph.jobs.scoring import MonthRun, score_month
from riskgraph.jobs.users import demo_keys
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import (
    DEMO_SECRETS_FILE,
    PROJECT_ROOT,
    SECRETS,
    Settings,
    default_secrets,
    env_name,
    get_settings,
    require_secrets,
)
from riskgraph.synth.generator import generate_dataset

Say = Callable[[str], None]
# The demo's users, one per role, and their keys in the clear (mode 0600): the demo alone keeps keys readable.
DEMO_KEYS_FILE = PROJECT_ROOT / "var" / "demo-keys.json"
SECRET_BYTES = 32  # random bytes per generated secret (43 URL-safe characters)
SECRETS_HEADER = ("# Secrets of the demo, generated once by `riskgraph demo` and read by every riskgraph command of\n"
                  "# this checkout. Keep the file private (mode 0600). The environment and ./.env win over it.\n")


def ensure_demo_secrets(path: Path = DEMO_SECRETS_FILE) -> list[str]:
    """Give every secret of :data:`~riskgraph.settings.SECRETS` a random value in the dotenv file ``path``,
    once: values already there are kept. Returns the settings generated now (none on a later run).

    The file is written whole to a temporary file of mode 0600 and then put in place, so a crash
    never leaves half of it; a file found with a looser mode is tightened.
    """
    present = dotenv_values(path) if path.is_file() else {}
    missing = [name for name in SECRETS if not present.get(env_name(name))]
    if missing:
        kept = path.read_text(encoding="utf-8") if path.is_file() else SECRETS_HEADER
        kept += "" if kept.endswith("\n") else "\n"
        fresh = "".join(f"{env_name(name)}={secrets.token_urlsafe(SECRET_BYTES)}\n" for name in missing)
        write_private(path, (kept + fresh).encode("utf-8"))
    path.chmod(PRIVATE_MODE)
    return missing


def demo_settings(say: Say) -> Settings:
    """The settings the demo runs with: the usual ones, with its own secrets (generated on first use).

    Refused (ConfigError) when this checkout already holds a Neo4j instance or audit trail made with
    the public defaults before the demo had secrets of its own: new secrets would not open them.
    """
    if not DEMO_SECRETS_FILE.is_file():
        _refuse_made_with_defaults(get_settings())
    made = ensure_demo_secrets(DEMO_SECRETS_FILE)
    if made:
        say(f"generated {', '.join(env_name(n) for n in made)} into {DEMO_SECRETS_FILE} (mode 0600); "
            "later riskgraph commands of this checkout use them")
    get_settings.cache_clear()  # re-read, with the file; ``serve`` at the end reads the same
    settings = get_settings()
    require_secrets(settings)  # one set empty in the environment or ./.env still wins over the file
    return settings


def _refuse_made_with_defaults(settings: Settings) -> None:
    at_default = set(default_secrets(settings))
    made = []
    if (settings.neo4j_instance_dir / "data" / "databases" / "system").is_dir() and (
            at_default & {"neo4j_password", "person_salt"}):
        made.append(settings.neo4j_instance_dir)
    if settings.audit_path.is_file() and "audit_key" in at_default:
        made.append(settings.audit_path.parent)
    if made:
        raise ConfigError(
            f"{' and '.join(map(str, made))} were made with the public default secrets, before the demo had "
            f"secrets of its own ({DEMO_SECRETS_FILE}); the new ones would not open them. Remove them and run "
            f"the demo again: .venv/bin/riskgraph neo4j stop && rm -rf {' '.join(map(str, made))}")


def run_demo(settings: Settings, data: Path, firms: int, months: int, seed: int, say: Say) -> list[MonthRun]:
    """Bring the demo up to date; returns the months scored.

    Re-running is cheap: a data set already in ``data`` is reused, files loaded before are
    skipped, and each month's scoring replaces that month's previous run.
    """
    server = Neo4jServer(settings)
    say("Neo4j: " + ("started" if server.start() else "already running") + f" — {server.status()}")
    if not (data / "firms.csv").is_file():
        say(f"generating {firms:,} firms (seed {seed}, {months} monthly deltas) into {data}")
        generate_dataset(firms, seed, data, months=months)
    model = load_model_config()
    hubs_file = data / "exempt_hubs.yaml"
    hubs = load_exempt_hubs(hubs_file if hubs_file.is_file() else None)
    runs: list[MonthRun] = []
    with db.connect(settings) as driver:
        apply_schema(driver, settings)
        for directory in [data, *delta_directories(data)]:
            summary = load_recorded(directory, driver, settings, show_progress=True, skip_if_loaded=True)
            say("\n".join(summary.lines()))
        for month in demo_months(data):
            say(f"scoring {month}")
            runs.append(score_month(driver, settings, month, model, hubs))
    return runs


def demo_months(data: Path) -> list[str]:
    """The base month (from the newest date in the base events) and each delta month."""
    months = [p.name for p in delta_directories(data)]
    base = _base_month(data)
    return ([base] if base else []) + months


def _base_month(data: Path) -> str | None:
    newest = ""
    events = data / "events.csv"
    if events.is_file():
        with open(events, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                newest = max(newest, row["date"])
    return newest[:7] or None


def demo_logins(settings: Settings, keys_file: Path = DEMO_KEYS_FILE) -> dict[str, str]:
    """A link per role that opens the page signed in (the key travels in the URL fragment, which the
    browser never sends to the server); the demo users are made, or their keys renewed, on the way."""
    base = f"http://{settings.api_host}:{settings.api_port}/"
    return {role: f"{base}#key={key}" for role, key in demo_keys(settings, keys_file).items()}
