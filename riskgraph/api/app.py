"""FastAPI application: assembles the routers, the error handler, the readers and the web page.

The routes live in :mod:`riskgraph.api.routers` (one module per group), their models in
:mod:`riskgraph.api.schemas`; domain errors become HTTP answers in :mod:`riskgraph.api.http_errors`.
Resident ID numbers are never returned (only masked forms); person names are masked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as PathLib

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from riskgraph import __version__
from riskgraph.api.http_errors import install_error_handler
from riskgraph.api.routers import ROUTERS
from riskgraph.errors import NotFound
from riskgraph.graph import db
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.reads import GraphReader
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = db.connect(settings)
        app.state.driver = driver
        app.state.settings = settings
        app.state.reader = GraphReader(driver, settings)
        app.state.ratings = RatingReader(driver, settings)
        app.state.model = load_model_config()
        yield
        driver.close()

    app = FastAPI(title="riskgraph", version=__version__, lifespan=lifespan,
                  description="Enterprise credit-risk classes (A–D) with related-party reasons.")
    install_error_handler(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_web_page(app)
    return app


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
