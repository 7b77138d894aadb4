"""Who may use which route: the check every API route runs, against the access table.

The table is data (:mod:`riskgraph.auth.access`, ``access.yaml``), one rule per ``METHOD path``.
:func:`authorise` is a dependency of every router and looks the matched route up in it, so a
route cannot be reached without a rule, and :func:`require_rules` refuses to start a service
with a route the table does not name. The caller is told apart by the API key in
``Authorization: Bearer …`` (:mod:`riskgraph.auth.users`); the principal is left on
``request.state.principal`` for the audit trail and the routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Mount

from riskgraph.auth.access import ACCESS_FILE, access_table
from riskgraph.auth.users import Principal, UserStore
from riskgraph.errors import ConfigError, Forbidden, Unauthenticated


def route_entries(routes: Sequence[BaseRoute]) -> list[tuple[str, str]]:
    """Every ``(METHOD, path)`` an app answers, included routers' routes with their prefix (HEAD goes with GET;
    a mount counts as GET of its path)."""
    found: list[tuple[str, str]] = []
    for context in iter_route_contexts(routes):
        if isinstance(context.original_route, Mount):
            found.append(("GET", str(context.path)))
        else:
            found += [(m, str(context.path)) for m in sorted(context.methods or ()) if m != "HEAD"]
    return found


def require_rules(app: FastAPI) -> None:
    """Refuse to start while a route has no rule in the access table."""
    table = access_table()
    missing = [f"{m} {p}" for m, p in route_entries(app.routes) if (m, p) not in table]
    if missing:
        raise ConfigError(f"routes without an access rule in {ACCESS_FILE}: {', '.join(missing)}")


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


async def authorise(request: Request) -> Principal | None:
    """The route's rule applied to the caller: 401 without a valid key, 403 for a role the rule does not admit."""
    route = request.scope["route"]
    method = "GET" if request.method == "HEAD" else request.method
    rule = access_table().get((method, route.path))
    if rule is None:  # require_rules keeps this from happening; refuse rather than guess
        raise Forbidden(f"{method} {route.path} has no access rule")
    if rule.public:
        return None
    key = bearer_key(request)
    if key is None:
        raise Unauthenticated("this route needs an API key: send Authorization: Bearer <key>")
    store: UserStore = request.app.state.users
    # The first check of a key runs argon2 (slow on purpose): off the event loop, and few at a time.
    if store.needs_argon2(key):
        async with request.app.state.argon2_slots:
            principal = await run_in_threadpool(store.authenticate, key)
    else:
        principal = store.authenticate(key)
    if not rule.admits(principal):
        raise Forbidden(f"the role {principal.role} may not use {method} {route.path} (allowed: {rule.describe()})")
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(authorise)]


BEARER_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "rg_<key id>_<secret>",
                 "description": "an API key from `riskgraph users add`"}


def declare_security(openapi: dict[str, Any]) -> dict[str, Any]:
    """The access table in the OpenAPI description: the bearer scheme, required on every operation whose rule
    is not public, with the roles admitted in the operation's description."""
    openapi.setdefault("components", {}).setdefault("securitySchemes", {})["apiKey"] = BEARER_SCHEME
    table = access_table()
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            rule = table.get((method.upper(), path))
            if rule is None or rule.public:
                continue
            operation["security"] = [{"apiKey": []}]
            operation["description"] = (operation.get("description", "") + f"\n\nRoles: {rule.describe()}.").strip()
    return openapi
