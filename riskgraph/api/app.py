"""FastAPI application: assembles the routers, the error handler, the readers and the web page.

The routes live in :mod:`riskgraph.api.routers` (one module per group), their models in
:mod:`riskgraph.api.schemas`; domain errors become HTTP answers in :mod:`riskgraph.api.http_errors`;
the bounds that keep the service answering under load and bad input are in :mod:`riskgraph.api.limits`,
the security headers in :mod:`riskgraph.api.security`; who may use which route in
:mod:`riskgraph.api.access`. Persons are shown by an opaque key and a masked name; a masked ID
number only to callers cleared for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as PathLib
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from riskgraph import __version__
from riskgraph.api.access import authorise, declare_security, require_rules
from riskgraph.api.http_errors import error_responses, install_error_handler
from riskgraph.api.limits import AdmissionGate, BodyLimit, BoundedConcurrency, QueryTimeLimit, RateLimit, TokenBuckets
from riskgraph.api.routers import ROUTERS
from riskgraph.api.security import SecurityHeaders
from riskgraph.auth.users import UserStore
from riskgraph.errors import Forbidden, NotFound, Overloaded, QueryTimeout, TooManyRequests, Unauthenticated
from riskgraph.graph import db
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.reads import GraphReader
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings, get_settings, require_secrets


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        require_secrets(settings)
        driver = db.connect(settings)
        app.state.driver = driver
        app.state.settings = settings
        app.state.reader = GraphReader(driver, settings)
        app.state.ratings = RatingReader(driver, settings)
        app.state.model = load_model_config()
        app.state.users = UserStore(settings.users_path)
        app.state.argon2_slots = asyncio.Semaphore(ARGON2_AT_ONCE)
        yield
        driver.close()

    app = RiskgraphApp(title="riskgraph", version=__version__, lifespan=lifespan,
                       description="Enterprise credit-risk classes (A–D) with related-party reasons.")
    install_error_handler(app)
    for router in ROUTERS:
        # Any route may be refused for load; a route under /api/v1 needs a key and runs queries, which have a
        # time limit. Every route passes the access table (riskgraph.api.access).
        refusals = (TooManyRequests, Overloaded,
                    *((Unauthenticated, Forbidden, QueryTimeout) if router.prefix == API_PREFIX else ()))
        app.include_router(router, responses=error_responses(*refusals), dependencies=[Depends(authorise)])
    mount_web_page(app)
    require_rules(app)
    install_limits(app, settings)
    return app


API_PREFIX = "/api/v1"
ARGON2_AT_ONCE = 2  # first checks of a key (argon2, ~50 ms of CPU each) running at once; the rest wait


class RiskgraphApp(FastAPI):
    """FastAPI with the security headers outermost, so that they are on every answer, a 500 included."""

    def openapi(self) -> dict[str, Any]:
        """FastAPI's description with the access table's security declared (riskgraph.api.access)."""
        if self.openapi_schema is None:
            self.openapi_schema = declare_security(super().openapi())
        return self.openapi_schema

    def build_middleware_stack(self) -> ASGIApp:
        docs = frozenset(p for p in (self.docs_url, self.redoc_url, self.swagger_ui_oauth2_redirect_url) if p)
        return SecurityHeaders(super().build_middleware_stack(), docs_paths=docs)


def install_limits(app: FastAPI, settings: Settings) -> None:
    """The bounds of :mod:`riskgraph.api.limits`, outermost first: rate, body size, concurrency, query time.

    A request is refused as early and as cheaply as possible: an over-rate client before its body
    is read, an oversized body before it takes a place among the requests in flight. The
    admission gate is kept on ``app.state.admission``.
    """
    gate = AdmissionGate(settings.api_max_in_flight, settings.api_queue)
    app.state.admission = gate
    buckets = (TokenBuckets(settings.api_rate_per_s, settings.api_rate_burst, settings.api_rate_clients)
               if settings.api_rate_per_s > 0 else None)
    # add_middleware puts each one outside the ones added before it.
    app.add_middleware(QueryTimeLimit, timeout_s=settings.api_query_timeout_s)
    app.add_middleware(BoundedConcurrency, gate=gate, retry_after_s=settings.api_retry_after_s)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(RateLimit, buckets=buckets)


WEB_DIR = PathLib(__file__).resolve().parent / "web"
VENDOR = {"cytoscape.min.js": WEB_DIR / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"}


def mount_web_page(app: FastAPI) -> None:
    """The investigators' and analysts' page at ``/``; browser libraries come from npm (``make setup``)."""

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/web/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> FileResponse:
        path = VENDOR.get(name)
        if path is None or not path.is_file():
            raise NotFound(f"{name} is not installed; run: make setup (npm ci in {WEB_DIR})")
        return FileResponse(path, media_type="text/javascript")

    app.mount("/web", StaticFiles(directory=WEB_DIR, html=False), name="web")
