"""The access table: which role may use which route of the service, read from ``access.yaml``.

The table is data, one rule per ``METHOD path``; the API applies it to every request
(:mod:`riskgraph.api.access`) and refuses to start while a route has no rule, and
``riskgraph users roles`` prints it as the README shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from riskgraph.auth.roles import ROLE_LABELS, Role
from riskgraph.auth.users import Principal
from riskgraph.errors import ConfigError

ACCESS_FILE = Path(__file__).with_name("access.yaml")
PUBLIC, ANY = "public", "any"
CLEARED = "+cleared"


@dataclass(frozen=True)
class Rule:
    """Who may use one route: nobody needs a key (public), any key, or the roles listed."""

    public: bool = False
    any_role: bool = False
    roles: frozenset[Role] = frozenset()
    cleared_roles: frozenset[Role] = frozenset()  # admitted only when cleared for personal data

    def admits(self, principal: Principal) -> bool:
        return (self.public or self.any_role or principal.role in self.roles
                or (principal.cleared and principal.role in self.cleared_roles))

    def describe(self) -> str:
        if self.public:
            return PUBLIC
        if self.any_role:
            return ANY
        return ", ".join([*(str(r) for r in Role if r in self.roles),
                          *(f"{r}{CLEARED}" for r in Role if r in self.cleared_roles)])


def parse_rule(value: Any, where: str) -> Rule:
    if value == PUBLIC:
        return Rule(public=True)
    if value == ANY:
        return Rule(any_role=True)
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: a rule is public, any, or a list of roles; got {value!r}")
    roles: set[Role] = set()
    cleared: set[Role] = set()
    for name in value:
        base, _, flag = str(name).partition("+")
        try:
            role = Role(base)
        except ValueError:
            raise ConfigError(f"{where}: unknown role {name!r} (roles: {', '.join(Role)})") from None
        if flag and f"+{flag}" != CLEARED:
            raise ConfigError(f"{where}: {name!r}: the only qualifier is {CLEARED}")
        (cleared if flag else roles).add(role)
    return Rule(roles=frozenset(roles), cleared_roles=frozenset(cleared))


@lru_cache(maxsize=4)
def access_table(path: Path = ACCESS_FILE) -> dict[tuple[str, str], Rule]:
    """``(METHOD, path) → Rule`` from the access file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    table: dict[tuple[str, str], Rule] = {}
    for entry, value in doc["routes"].items():
        method, _, route_path = entry.partition(" ")
        table[(method, route_path)] = parse_rule(value, f"{path.name}: {entry}")
    return table


def roles_markdown() -> str:
    """The access table as a Markdown table (route × role), as the README prints it."""
    roles = list(Role)
    head = "| route | " + " | ".join(f"{r} ({ROLE_LABELS[r][0]})" for r in roles) + " |"
    lines = [head, "|" + "---|" * (len(roles) + 1)]
    for (method, path), rule in access_table().items():
        if rule.public:
            cells = ["public"] * len(roles)
        else:
            cells = ["✓" if rule.any_role or r in rule.roles else ("cleared" if r in rule.cleared_roles else "")
                     for r in roles]
        lines.append(f"| `{method} {path}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
