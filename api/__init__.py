"""The REST face: install(app) adds the API's routes (/api/...) and its error answers to the server's app
(server.main builds the app and its shared state)."""
from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    from api.errors import install_handlers
    from api.routers import ROUTERS
    install_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
