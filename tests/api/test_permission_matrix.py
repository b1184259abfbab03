"""Every route declares its access once; for every route and every role of the contract, access is
granted exactly when the role holds the route's permission (403 FORBIDDEN otherwise)."""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, FastAPI

from api.deps import access_of, api_routes, require
from datalayer.session import connect
from tests.api.conftest import ROLES, error_code

# API_CONTRACT.md "Roles and permissions"
LIBRARIAN = {"CIRC_CHECKOUT", "CIRC_RETURN", "CIRC_RENEW", "HOLD_MANAGE", "PATRON_VIEW", "PATRON_MANAGE",
             "FINE_COLLECT", "RPT_CIRCULATION"}
CONTRACT = {
    "PATRON": set(),
    "LIBRARIAN": LIBRARIAN,
    "BRANCH_MANAGER": LIBRARIAN | {"CIRC_OVERRIDE", "PATRON_SUSPEND", "FINE_WAIVE", "RPT_FINANCIAL"},
    "CATALOGER": {"CATALOG_EDIT", "CATALOG_IMPORT"},
    "IT_ADMIN": {"USER_ADMIN", "SYS_HEALTH", "AUDIT_VIEW", "SYS_CONFIG", "CATALOG_IMPORT"},
    "LIBRARY_DIRECTOR": {"RPT_CIRCULATION", "RPT_FINANCIAL", "AUDIT_VIEW"},
}
UNKNOWN_ID = "987654321098"


def undeclared(app) -> list[str]:
    """Routes with no access declaration, or more than one."""
    return [f"{m} {p}" for m, p, r in api_routes(app) if len(access_of(r)) != 1]


def test_every_route_declares_exactly_one_access(app):
    assert api_routes(app), "no routes found"
    assert undeclared(app) == []


def test_a_route_without_declaration_is_reported():
    router = APIRouter(prefix="/x")

    @router.get("/open")
    def open_route():
        return {}

    @router.get("/closed", dependencies=[Depends(require("AUDIT_VIEW"))])
    def closed_route():
        return {}

    probe = FastAPI()
    probe.include_router(router)
    assert undeclared(probe) == ["GET /x/open"]


def test_seeded_role_permissions_match_the_contract(installed_db):
    s = connect(installed_db)
    try:
        for role, perms in CONTRACT.items():
            rows = s.rows("""SELECT p.code FROM roles r JOIN role_permissions rp ON rp.role_id = r.role_id
                               JOIN permissions p ON p.permission_id = rp.permission_id WHERE r.code = :r""", {"r": role})
            assert {r["code"] for r in rows} == perms, role
    finally:
        s.rollback()
        s.close()


def _cases(app_routes):
    return [(m, p, role) for m, p, _ in app_routes for role in ROLES]


def _request(client, method, path, headers):
    url = re.sub(r"\{[^}]+\}", UNKNOWN_ID, path)
    kwargs = {"headers": headers}
    if method in ("POST", "PUT"):
        kwargs["json"] = {}
    return client.request(method, url, **kwargs)


def test_matrix_for_every_route_and_role(app, client, people):
    staff = {role: people.make(role) for role in ROLES}  # its own: the logout route ends their sessions
    problems = []
    checked = 0
    # logout last: it ends the session of the token that asks (the next requests of the role would be 401s)
    for method, path, route in sorted(api_routes(app), key=lambda r: r[1] == "/api/auth/logout"):
        (access,) = access_of(route)
        for role in ROLES:
            acct = staff[role]
            expected = access.allows(frozenset(CONTRACT[role]), acct.patron_id is not None)
            r = _request(client, method, path, acct.headers)
            forbidden = r.status_code == 403 and error_code(r) == "FORBIDDEN"
            checked += 1
            if r.status_code >= 500:
                problems.append(f"{method} {path} as {role}: {r.status_code} {r.text[:200]}")
            elif forbidden == expected:
                problems.append(f"{method} {path} as {role}: expected {'access' if expected else '403'}, "
                                f"got {r.status_code} {r.text[:120]}")
    assert checked >= 6 * 30
    assert problems == []


def test_every_non_public_route_needs_a_token(app, client):
    for method, path, route in api_routes(app):
        (access,) = access_of(route)
        if access.kind == "public":
            continue
        r = _request(client, method, path, {})
        assert r.status_code == 401 and error_code(r) == "NOT_AUTHENTICATED", f"{method} {path}: {r.status_code}"
