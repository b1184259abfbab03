"""The staff UI: server-rendered pages for the circulation desk, patrons, holds, fines, the dashboard and
the health monitor, plus starlette-admin table screens for the catalog and the settings, all under /staff.

    from admin_ui import mount
    mount(app)          # app: the API's FastAPI app (server.main.create_app calls this)

The UI runs in the API's process and uses its gateway (app.state.gateway): every business action is one
package call in one transaction acting as the signed-in user; reads are plain SQL.
"""
from __future__ import annotations

from typing import Any


def mount(app: Any, path: str = "/staff") -> None:
    """Mount the staff UI on the API app at /staff."""
    from admin_ui.app import build
    app.mount(path, build(app))  # unnamed: the admin screens resolve their own route names ("admin:...")
