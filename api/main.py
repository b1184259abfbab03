"""The FastAPI application: create_app() builds it from the settings; `app` is the module-level instance
(uvicorn api.main:app). The staff UI (admin_ui) is mounted at /staff when the package is importable:
it provides admin_ui.mount(app) and uses app.state.gateway, api.deps and api.security.
"""
from __future__ import annotations

import importlib
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import metrics
from api.accounts import SessionCheck
from api.db.gateway import Gateway
from api.errors import ErrorCatalog, install_handlers, responses
from api.middleware import RequestMiddleware, configure_logging
from api.ratelimit import SlidingWindowLimiter
from api.routers import admin, auth, catalog, circulation, fines, holds, materials, patron, patrons, reports, system
from api.settings import Settings, get_settings

log = logging.getLogger("ils.api")

DESCRIPTION = """Integrated library system API. Every business rule runs in the database (PL/SQL packages);
this API authenticates, checks the route's permission, makes one package call per request and maps the
result. Errors: `{"error": {"code", "db_code", "message"}}` with the status of the error catalog.
Authenticate with `POST /api/auth/login` and send `Authorization: Bearer <token>`."""

ROUTERS = (system, auth, catalog, patron, circulation, holds, patrons, fines, materials, reports, admin)


def create_app(settings: Settings | None = None, gateway: Gateway | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    gw = gateway or Gateway(settings.database_url, min_size=settings.pool_min, max_size=settings.pool_max,
                            timeout=settings.pool_timeout_s, statement_timeout_ms=settings.statement_timeout_ms,
                            observer=metrics.observe_db_call if settings.metrics_enabled else None,
                            schema=settings.db_schema)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gw.open()
        try:
            app.state.error_catalog.load(gw)
        except Exception:  # the database may come up later: errors then map with their codes only
            log.exception("could not read the error catalog (app_errors) at start-up")
        updater = metrics.PoolGaugeUpdater(gw)
        updater.start()
        try:
            yield
        finally:
            updater.stop()
            gw.close()
            metrics.mark_process_dead()

    app = FastAPI(title="ILS API", version="1.0.0", description=DESCRIPTION, lifespan=lifespan,
                  responses=responses(503))
    app.state.settings = settings
    app.state.gateway = gw
    app.state.error_catalog = ErrorCatalog()
    app.state.route_stats = metrics.RouteStats()
    app.state.recent_errors = metrics.RecentErrors()
    app.state.session_checks = SessionCheck(settings.session_check_s)  # shared with the staff UI
    window = settings.login_rate_window_s
    app.state.limiters = {"login_ip": SlidingWindowLimiter(settings.login_rate_per_ip, window),
                          "login_user": SlidingWindowLimiter(settings.login_rate_per_user, window),
                          "register_ip": SlidingWindowLimiter(settings.login_rate_per_ip, window),
                          "register_email": SlidingWindowLimiter(settings.login_rate_per_user, window)}
    install_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
    _mount_staff_ui(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
    app.add_middleware(RequestMiddleware, route_stats=app.state.route_stats, recent_errors=app.state.recent_errors,
                       access_log_enabled=settings.access_log, metrics_enabled=settings.metrics_enabled)
    return app


def _mount_staff_ui(app: FastAPI) -> None:
    """Mount the staff UI when the admin_ui package provides mount(app)."""
    try:
        module = importlib.import_module("admin_ui")
    except ModuleNotFoundError as exc:
        if exc.name != "admin_ui":
            raise
        return
    mount = getattr(module, "mount", None)
    if callable(mount):
        mount(app)


def __getattr__(name: str):  # `app` is built on first access, so importing api.main needs no settings
    if name == "app":
        value = create_app()
        globals()["app"] = value
        return value
    raise AttributeError(name)
