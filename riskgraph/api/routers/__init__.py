"""The API's routes, one module per group; :func:`riskgraph.api.app.create_app` includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from riskgraph.api.routers import admin, firms, months, network, persons, plans, ratings, service

ROUTERS: tuple[APIRouter, ...] = (service.router, firms.router, network.router, persons.router, ratings.router,
                                  months.router, plans.router, admin.router)
