"""FastAPI application: firm profiles, events, search and networks under ``/api/v1``.

Routes stay thin: they validate input, call a reader or service function and shape the
response. Resident ID numbers are never returned (only masked forms); person names are masked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as PathLib
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from riskgraph import __version__
from riskgraph.api import ratings
from riskgraph.api.deps import FirmId
from riskgraph.graph import db
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.reads import GraphReader
from riskgraph.scoring.config import load_model_config
from riskgraph.settings import Settings, get_settings


class Health(BaseModel):
    status: str
    neo4j: str
    version: str


class SearchHit(BaseModel):
    fid: str
    name: str | None
    region: str | None = None
    industry: str | None = None
    status: str | None = None
    score: float


class NetworkNode(BaseModel):
    id: str
    type: str = Field(description="firm | person | address")
    label: str | None
    status: str | None = None
    region: str | None = None
    industry: str | None = None


class NetworkEdge(BaseModel):
    source: str
    target: str
    type: str
    ratio: float | None = None
    role: str | None = None
    since: str | None = None
    until: str | None = None


class Network(BaseModel):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool = Field(description="true when limits cut the neighbourhood short")


def _reader(request: Request) -> GraphReader:
    return request.app.state.reader  # type: ignore[no-any-return]


Reader = Annotated[GraphReader, Depends(_reader)]


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

    @app.get("/health", response_model=Health, tags=["service"])
    def health(request: Request) -> Health:
        try:
            request.app.state.driver.verify_connectivity()
            state = "up"
        except Exception as exc:
            state = f"down: {type(exc).__name__}"
        return Health(status="ok" if state == "up" else "degraded", neo4j=state, version=__version__)

    @app.get("/api/v1/search", response_model=list[SearchHit], tags=["firms"])
    def search(reader: Reader, q: Annotated[str, Query(min_length=1, max_length=100)],
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[dict[str, Any]]:
        """Firms by name (full text, Chinese) or by code."""
        return reader.search_firms(q, limit)

    @app.get("/api/v1/firms/{fid}", tags=["firms"])
    def firm(reader: Reader, fid: FirmId) -> dict[str, Any]:
        """A firm's profile: registration data, current address and legal representatives."""
        profile = reader.firm_profile(fid)
        if profile is None:
            raise HTTPException(status_code=404, detail=f"no firm with code {fid}")
        return profile

    @app.get("/api/v1/firms/{fid}/events", tags=["firms"])
    def events(reader: Reader, fid: FirmId,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
        """The firm's regulatory and social records, newest first."""
        if reader.firm_profile(fid) is None:
            raise HTTPException(status_code=404, detail=f"no firm with code {fid}")
        return reader.firm_events(fid, limit)

    @app.get("/api/v1/network/{key}", response_model=Network, tags=["network"])
    def network(reader: Reader, key: Annotated[str, Path(max_length=300)],
                depth: Annotated[int, Query(ge=1, le=3)] = 1,
                max_nodes: Annotated[int, Query(ge=1, le=500)] = 200) -> dict[str, Any]:
        """Neighbours of a firm (fid), person (pid) or address (aid), ready for a graph view."""
        result = reader.network(key, depth, max_nodes)
        if result is None:
            raise HTTPException(status_code=404, detail=f"no firm, person or address with key {key}")
        return result

    app.include_router(ratings.router)
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
            raise HTTPException(status_code=404, detail=f"{name} is not installed; run: make setup "
                                                        f"(npm ci in {WEB_DIR})")
        return FileResponse(path, media_type="text/javascript")

    app.mount("/web", StaticFiles(directory=WEB_DIR, html=False), name="web")
