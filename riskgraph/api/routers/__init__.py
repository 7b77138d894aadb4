"""The API's routes, one module per group; :func:`riskgraph.api.app.create_app` includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from riskgraph.api.routers import (
    admin,
    alerts,
    analysis,
    firms,
    months,
    network,
    ownership,
    persons,
    plans,
    ratings,
    service,
)

ROUTERS: tuple[APIRouter, ...] = (service.router, firms.router, network.router, ownership.router, persons.router,
                                  ratings.router, months.router, analysis.router, plans.router, alerts.router,
                                  admin.router)
