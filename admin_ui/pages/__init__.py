"""The staff pages; importing this package registers their routes (admin_ui.web.ROUTES)."""
from admin_ui.pages import account, covers, dashboard, desk, fines, health, holds, imports, notices, patrons, reports, session  # noqa: F401
