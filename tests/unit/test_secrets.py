"""No public default secret is accepted; the demo makes its own once, privately, and reuses them."""

from __future__ import annotations

import shutil
import stat
from functools import lru_cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from riskgraph.api.app import create_app
from riskgraph.errors import ConfigError
from riskgraph.jobs.demo import ensure_demo_secrets
from riskgraph.settings import DEMO_SECRETS_FILE, SECRETS, Settings, env_name, require_secrets

OWN = {name: f"own-{name}-value" for name in SECRETS}


def _settings(**secrets: str) -> Settings:
    """Settings with the given secrets and our own for the rest, no dotenv file read."""
    return Settings(_env_file=None, **{**OWN, **secrets})  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(SECRETS))
def test_each_default_secret_is_refused_naming_it(name: str) -> None:
    with pytest.raises(ConfigError) as refused:
        require_secrets(_settings(**{name: SECRETS[name].default}))
    message = str(refused.value)
    assert f"{name} ({env_name(name)})" in message
    assert all(other not in message for other in SECRETS if other != name)
    assert "token_urlsafe" in message and str(DEMO_SECRETS_FILE) in message  # how to set one, and the demo's


def test_an_empty_secret_is_refused_and_all_defaults_are_named_at_once() -> None:
    with pytest.raises(ConfigError, match="RISKGRAPH_RATING_KEY"):
        require_secrets(_settings(rating_key=""))
    with pytest.raises(ConfigError) as refused:
        require_secrets(Settings(_env_file=None))
    assert all(env_name(name) in str(refused.value) for name in SECRETS)


def test_own_secrets_pass() -> None:
    require_secrets(_settings())


def test_the_demo_secrets_file_is_private_random_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secrets.env"
    assert ensure_demo_secrets(path) == list(SECRETS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text(encoding="utf-8")
    read = Settings(_env_file=path)
    values = [getattr(read, name).get_secret_value() for name in SECRETS]
    assert len(set(values)) == len(values) and all(len(v) >= 40 for v in values)
    require_secrets(read)

    assert ensure_demo_secrets(path) == []  # a second run keeps them
    assert path.read_text(encoding="utf-8") == first

    other = tmp_path / "other.env"
    ensure_demo_secrets(other)
    again = Settings(_env_file=other)
    assert all(getattr(again, n).get_secret_value() != getattr(read, n).get_secret_value() for n in SECRETS)


def test_a_missing_secret_is_added_and_a_loose_mode_tightened(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text(f"{env_name('person_salt')}=kept-salt\n", encoding="utf-8")
    path.chmod(0o644)
    assert ensure_demo_secrets(path) == [n for n in SECRETS if n != "person_salt"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(_env_file=path).person_salt.get_secret_value() == "kept-salt"


def test_settings_read_the_demo_file_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.model_config["env_file"] == (DEMO_SECRETS_FILE, ".env")  # ./.env wins over the demo's
    path = tmp_path / "secrets.env"
    ensure_demo_secrets(path)
    monkeypatch.setenv(env_name("rating_key"), "from-the-environment")
    assert Settings(_env_file=path).rating_key.get_secret_value() == "from-the-environment"


def test_the_demo_makes_its_secrets_once_and_refuses_an_instance_made_with_the_defaults(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import riskgraph.jobs.demo as demo

    for name in SECRETS:
        monkeypatch.delenv(env_name(name), raising=False)
    secrets_file, instance = tmp_path / "var" / "secrets.env", tmp_path / "neo4j"
    (instance / "data" / "databases" / "system").mkdir(parents=True)  # what a started instance holds
    monkeypatch.setattr(demo, "DEMO_SECRETS_FILE", secrets_file)
    monkeypatch.setattr(demo, "get_settings", lru_cache(lambda: Settings(
        _env_file=secrets_file, neo4j_instance_dir=instance, audit_path=tmp_path / "audit" / "audit.jsonl")))
    with pytest.raises(ConfigError, match=f"rm -rf {instance}"):
        demo.demo_settings(say=print)
    assert not secrets_file.exists()  # so the next run says the same until the instance is gone

    shutil.rmtree(instance)
    said: list[str] = []
    first = demo.demo_settings(say=said.append)
    require_secrets(first)
    assert len(said) == 1 and all(env_name(name) in said[0] for name in SECRETS)
    again = demo.demo_settings(say=said.append)
    assert len(said) == 1 and again.person_salt == first.person_salt and again.rating_key == first.rating_key


@pytest.mark.parametrize(("module", "args"), [("serve", ["serve"]), ("ingest", ["ingest", "."]),
                                              ("score", ["score", "--month", "2026-06"])])
def test_the_commands_refuse_default_secrets(module: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from riskgraph.cli import app

    monkeypatch.setattr(importlib.import_module(f"riskgraph.cli.{module}"), "get_settings",
                        lambda: _settings(person_salt=SECRETS["person_salt"].default))
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1
    assert "person_salt (RISKGRAPH_PERSON_SALT)" in refused.output
    assert "Traceback" not in refused.output


def test_the_service_refuses_to_start_with_a_default_secret() -> None:
    app = create_app(_settings(audit_key=SECRETS["audit_key"].default))
    with pytest.raises(ConfigError, match="RISKGRAPH_AUDIT_KEY"), TestClient(app):
        pass
