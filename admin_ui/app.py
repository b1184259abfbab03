"""Builds the staff UI as a Starlette app mounted inside the API process."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from admin_ui import web
from admin_ui.auth import current_user
from admin_ui.config import UiSettings
from admin_ui.middleware import CsrfMiddleware, PageMiddleware, QueryGuard

log = logging.getLogger("ils.staff")
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


def _static_url_maker() -> Any:
    versions = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10] for p in STATIC.iterdir() if p.is_file()}

    def static_url(name: str) -> str:
        return f"{web.PREFIX}/static/{name}?v={versions.get(name, '0')}"
    return static_url


def _deny(request: Request, status: int, message: str, fields: list[tuple[str, str]] | None = None) -> Response:
    title = "Form refused" if status == 403 else "Request refused"
    user = current_user(request)
    if fields is not None:  # a stale or missing token: what was entered is kept for a second send
        return web.resume_page(request, status, title, message, fields, user)
    return web.error_page(request, status, title, message, user)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    titles = {404: ("Not found", "There is no such page."), 405: ("Not allowed", "This address does not take that request.")}
    title, message = titles.get(status, ("Error", str(getattr(exc, "detail", "")) or "The request failed."))
    return web.error_page(request, status, title, message, current_user(request))


def build(api_app: Any) -> Starlette:
    """The staff app, sharing the API's gateway, error catalog and metrics."""
    from admin_ui import pages  # noqa: F401  (registers the page routes)
    from admin_ui.pages import health

    settings = api_app.state.settings
    ui_settings = UiSettings.from_env(settings.jwt_secret)
    routes = [*web.ROUTES, Mount("/static", app=StaticFiles(directory=STATIC), name="static")]
    middleware = [
        Middleware(PageMiddleware),
        Middleware(SessionMiddleware, secret_key=ui_settings.session_secret, session_cookie="ils_staff",
                   max_age=ui_settings.session_max_age_s, path=web.PREFIX, same_site="strict",
                   https_only=ui_settings.session_secure),
        Middleware(QueryGuard, deny=_deny),
        Middleware(CsrfMiddleware, deny=_deny, max_body=2 * ui_settings.cover_max_bytes + 1024 * 1024),
    ]
    ui = Starlette(routes=routes, middleware=middleware,
                   exception_handlers={HTTPException: _http_error})
    ui.state.api_app = api_app
    ui.state.gateway = api_app.state.gateway
    ui.state.error_catalog = api_app.state.error_catalog
    ui.state.recent_errors = getattr(api_app.state, "recent_errors", None)
    ui.state.limiters = getattr(api_app.state, "limiters", None)
    ui.state.session_checks = api_app.state.session_checks
    ui.state.settings = settings
    ui.state.ui_settings = ui_settings
    ui.state.static_url = _static_url_maker()
    health.init_state(ui.state, api_app, ui_settings.health_sample_s)
    try:
        from admin_ui.tables import attach
        attach(ui, api_app)
    except Exception:  # the desk must stay up even if the table screens cannot be built
        log.exception("staff table screens (/staff/admin) not mounted")
    return ui
