"""``riskgraph users add|list|revoke|rotate|roles``: who may call the service (run by an administrator)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from riskgraph.auth.access import roles_markdown
from riskgraph.auth.roles import Role
from riskgraph.jobs import users
from riskgraph.settings import get_settings

app = typer.Typer(help="Users of the service: a role and an API key each (kept hashed).", no_args_is_help=True)

Days = Annotated[int | None, typer.Option(min=1, help="days the key is valid (default RISKGRAPH_API_KEY_DAYS)")]


def _show_key(name: str, key: str, expires: str) -> None:
    typer.echo(f"API key for {name} (shown once; send it as Authorization: Bearer <key>; valid until {expires}):",
               err=True)
    typer.echo(key)


@app.command()
def add(name: Annotated[str, typer.Argument(help="the user's name, e.g. an e-mail address or a system's name")],
        role: Annotated[Role, typer.Option(help="what the user may use (riskgraph users roles)")],
        days: Days = None,
        cleared: Annotated[bool, typer.Option(help="cleared for personal data: masked ID numbers, lookup by "
                                                   "ID number")] = False) -> None:
    """Add a user and print their new API key (only its argon2 hash is kept).

    Example: riskgraph users add wang.li@amr.example --role investigator --cleared
    """
    user, key = users.add_user(get_settings(), name, role, days, cleared)
    _show_key(user.name, key, user.expires)


@app.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False) -> None:
    """Every user: name, role, clearance, key id, expiry and state (active, expired, revoked).

    Example: riskgraph users list
    """
    found = users.list_users(get_settings())
    for u in found:
        if as_json:
            typer.echo(json.dumps(u, ensure_ascii=False))
        else:
            typer.echo(f"{u['name']:<32} {u['role']:<13} {'cleared' if u['cleared'] else '-':<8} {u['key_id']}  "
                       f"until {u['expires']}  {u['state']}")
    if not found and not as_json:
        typer.echo("no users yet: riskgraph users add NAME --role ROLE", err=True)


@app.command()
def revoke(name: Annotated[str, typer.Argument(help="the user whose key stops working now")]) -> None:
    """Revoke a user's key at once (riskgraph users rotate gives them a new one).

    Example: riskgraph users revoke wang.li@amr.example
    """
    user = users.revoke_user(get_settings(), name)
    typer.echo(f"revoked the key {user.key_id} of {user.name}")


@app.command()
def rotate(name: Annotated[str, typer.Argument(help="the user who gets a new key")], days: Days = None) -> None:
    """Give a user a new API key; the old one stops working at once.

    Example: riskgraph users rotate etl-system --days 30
    """
    user, key = users.rotate_key(get_settings(), name, days)
    _show_key(user.name, key, user.expires)


@app.command()
def roles() -> None:
    """Print which role may use which route (the access table, as the README shows it)."""
    typer.echo(roles_markdown())
