"""The navigation, built from the signed-in user's permissions: each entry shows only for those who may use it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.accounts import SignedIn

PREFIX = "/staff"


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    path: str
    permissions: tuple[str, ...]  # any one of them; () = every staff member
    group: str


ENTRIES: tuple[Entry, ...] = (
    Entry("dashboard", "Dashboard", "/", (), "Library"),
    Entry("reports", "Reports", "/reports", ("RPT_CIRCULATION", "RPT_FINANCIAL"), "Library"),
    Entry("checkout", "Check out", "/desk", ("CIRC_CHECKOUT",), "Circulation desk"),
    Entry("return", "Return", "/desk/return", ("CIRC_RETURN",), "Circulation desk"),
    Entry("renew", "Renew", "/desk/renew", ("CIRC_RENEW",), "Circulation desk"),
    Entry("transits", "Transits", "/desk/transits", ("CIRC_RETURN",), "Circulation desk"),
    Entry("items", "Find an item", "/desk/items",
          ("CIRC_CHECKOUT", "CIRC_RETURN", "CIRC_RENEW", "HOLD_MANAGE", "CATALOG_EDIT"), "Circulation desk"),
    Entry("history", "Loan history", "/desk/history", ("CIRC_CHECKOUT", "CIRC_RETURN", "PATRON_VIEW"),
          "Circulation desk"),
    Entry("patrons", "Patrons", "/patrons", ("PATRON_VIEW",), "People"),
    Entry("holds", "Holds", "/holds", ("HOLD_MANAGE",), "People"),
    Entry("fines", "Fines", "/fines", ("FINE_COLLECT",), "People"),
    Entry("catalog", "Catalog", "/admin/", ("CATALOG_EDIT",), "Catalog"),
    Entry("imports", "Imports", "/imports", ("CATALOG_IMPORT",), "Catalog"),
    Entry("settings", "Branches & policies", "/admin/", ("SYS_CONFIG",), "Administration"),
    Entry("notice_templates", "Notice templates", "/notices/templates", ("SYS_CONFIG",), "Administration"),
    Entry("users", "Users & roles", "/admin/user/list", ("USER_ADMIN",), "Administration"),
    Entry("audit", "Audit log", "/admin/audit-log/list", ("AUDIT_VIEW",), "Administration"),
    Entry("health", "Health", "/health", ("SYS_HEALTH",), "Administration"),
)


def visible(user: "SignedIn | None") -> list[Entry]:
    if user is None or not user.is_staff:
        return []
    out: list[Entry] = []
    seen_paths: set[str] = set()
    for e in ENTRIES:
        if e.permissions and not user.has(*e.permissions):
            continue
        if e.path in seen_paths:  # catalog and settings share the admin index
            continue
        seen_paths.add(e.path)
        out.append(e)
    return out


def build(user: "SignedIn | None", current_path: str) -> list[dict]:
    """Groups of links for the layout: [{group, items: [{label, href, current}]}]."""
    groups: list[dict] = []
    for e in visible(user):
        href = PREFIX + e.path
        here = current_path.rstrip("/") == href.rstrip("/") or (
            e.path not in ("/", "/desk") and current_path.startswith(href.rstrip("/") + "/"))
        if not groups or groups[-1]["group"] != e.group:
            groups.append({"group": e.group, "items": []})
        groups[-1]["items"].append({"key": e.key, "label": e.label, "href": href, "current": here})
    return groups
