"""The one server process: create_app() builds the ASGI app from the settings, with the gateway and the
shared state (error catalog, session checks, route figures, rate limiters) both faces use, the REST API
(api.install) at /api and the staff UI (admin_ui.mount) at /staff. `app` is the module-level instance
(uvicorn server.main:app). Neither face imports the other; this module is the only one that sees both.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import admin_ui
import api
from api.errors import responses
from api.middleware import RequestMiddleware, configure_logging
from datalayer.errors import ErrorCatalog
from datalayer.gateway import Gateway
from services import metrics
from services.accounts import SessionCheck
from services.imports.runner import ImportQueue, ImportSettings
from services.ratelimit import SlidingWindowLimiter
from services.settings import Settings, get_settings

log = logging.getLogger("ils.api")

DESCRIPTION = """Integrated library system API. Every business rule runs in the database (PL/SQL packages);
this API authenticates, checks the route's permission, makes one package call per request and maps the
result. Errors: `{"error": {"code", "db_code", "message"}}` with the status of the error catalog.
Authenticate with `POST /api/auth/login` and send `Authorization: Bearer <token>`."""

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
            app.state.imports.shutdown()
            await gw.aclose()
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
    app.state.imports = ImportQueue(gw, ImportSettings.from_env())  # bulk imports: a thread of this process
    window = settings.login_rate_window_s
    app.state.limiters = {"login_ip": SlidingWindowLimiter(settings.login_rate_per_ip, window),
                          "login_user": SlidingWindowLimiter(settings.login_rate_per_user, window),
                          "register_ip": SlidingWindowLimiter(settings.login_rate_per_ip, window),
                          "register_email": SlidingWindowLimiter(settings.login_rate_per_user, window)}
    api.install(app)
    admin_ui.mount(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
    app.add_middleware(RequestMiddleware, route_stats=app.state.route_stats, recent_errors=app.state.recent_errors,
                       access_log_enabled=settings.access_log, metrics_enabled=settings.metrics_enabled)
    return app


def __getattr__(name: str):  # `app` is built on first access, so importing server.main needs no settings
    if name == "app":
        value = create_app()
        globals()["app"] = value
        return value
    raise AttributeError(name)
