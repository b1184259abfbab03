"""Administration: health dashboard data, audit trail, user roles, role approvals, home branch and deactivation:
/api/admin."""
from __future__ import annotations

from typing import Annotated, Callable, Literal

from fastapi import APIRouter, Depends, Query, Request

from api.deps import CurrentUser, Db, require
from api.errors import not_found, responses
from api.models.admin import (
    AuditOut,
    HealthOut,
    HomeBranchIn,
    HomeBranchOut,
    RoleRequestOut,
    RoleRequestStatus,
    RolesIn,
    UserOut,
    UserRolesOut,
)
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, PathId, QueryId
from datalayer.packages import lib_auth
from datalayer.reads import admin as q
from datalayer.reads import page_offset
from datalayer.session import Session
from services import health

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=responses(401, 403))

AuditAction = Literal["INSERT", "UPDATE", "DELETE", "OVERRIDE", "LOGIN", "LOGIN_FAILED"]


@router.get("/health", response_model=HealthOut, dependencies=[Depends(require("SYS_HEALTH"))])
def read_health(request: Request, db: Db) -> HealthOut:
    """Live database round trip, pool, per-endpoint latency and errors, last nightly job runs."""
    state = request.app.state
    return HealthOut(**health.read_health(db, state.route_stats, state.recent_errors))


@router.get("/audit-logs", response_model=Page[AuditOut], dependencies=[Depends(require("AUDIT_VIEW"))],
            responses=responses(422))
async def list_audit_logs(db: Db, user_id: Annotated[QueryId | None, Query(description="acting user")] = None,
                    action: Annotated[AuditAction | None, Query()] = None,
                    table_name: Annotated[str | None, Query(max_length=30, pattern=r"^[a-z_]+$")] = None,
                    page: PageNo = 1,
                    page_size: PageSize = PAGE_SIZE) -> Page[AuditOut]:
    """The audit trail, newest first, by acting user, action and table."""
    rows, total = await db.query(lambda s: q.audit(s, user_id, action, table_name, page_size, page_offset(page, page_size)))
    return Page[AuditOut](items=rows, total=total, page=page, page_size=page_size)


@router.post("/users/{user_id}/roles", response_model=UserRolesOut, dependencies=[Depends(require("USER_ADMIN"))],
             responses=responses(404, 422))
async def set_user_roles(user_id: PathId, body: RolesIn, user: CurrentUser, db: Db, request: Request) -> UserRolesOut:
    """Replace a user's roles with the given ones. A role carrying CIRC_OVERRIDE, FINE_WAIVE or USER_ADMIN
    waits in pending_roles for a second administrator; an administrator's own roles are changed by another
    one (403 OWN_ROLES_CHANGE). A change of the granted roles ends the user's sessions: their tokens and
    staff cookies stop working, the next login carries the new roles."""
    roles = ",".join(r.strip().upper() for r in body.roles if r.strip()) or None

    def work(s: Session) -> dict:
        lib_auth.set_roles(s, user_id, roles)
        return q.user_roles(s, user_id)
    out = UserRolesOut(**await db.transact(user, work))
    request.app.state.session_checks.forget_user(user_id)
    return out


@router.delete("/users/{user_id}", response_model=UserOut, dependencies=[Depends(require("USER_ADMIN"))],
               responses=responses(404, 422))
async def deactivate_user(user_id: PathId, user: CurrentUser, db: Db, request: Request) -> UserOut:
    """Deactivate an account (rows are never deleted); its sessions end at once (tokens and staff cookies)."""
    def work(s: Session) -> dict:
        lib_auth.deactivate_user(s, user_id)
        return q.user_roles(s, user_id)
    row = await db.transact(user, work)
    request.app.state.session_checks.forget_user(user_id)
    return UserOut(user_id=row["user_id"], username=row["username"], is_active=row["is_active"] == "Y")


@router.get("/role-requests", response_model=Page[RoleRequestOut], dependencies=[Depends(require("USER_ADMIN"))],
            responses=responses(422))
async def list_role_requests(db: Db, status: Annotated[RoleRequestStatus | None, Query()] = "PENDING",
                             page: PageNo = 1,
                             page_size: PageSize = PAGE_SIZE) -> Page[RoleRequestOut]:
    """Role grants waiting for a second user administrator (or, by status, those decided), newest first."""
    rows, total = await db.query(lambda s: q.role_requests(s, status, page_size, page_offset(page, page_size)))
    return Page[RoleRequestOut](items=rows, total=total, page=page, page_size=page_size)


async def _decide(request_id: int, decide: Callable[[Session, int], None], user: CurrentUser, db: Db,
                  request: Request) -> RoleRequestOut:
    def work(s: Session) -> dict | None:
        decide(s, request_id)
        return q.role_request(s, request_id)
    row = await db.transact(user, work)
    if row is None:  # the package refuses an unknown request first; kept for a row gone meanwhile
        raise not_found("No such role request.", "ROLE_REQUEST_NOT_FOUND", -20431)
    request.app.state.session_checks.forget_user(row["user_id"])  # an approval ends the grantee's sessions
    return RoleRequestOut(**row)


@router.post("/role-requests/{request_id}/approve", response_model=RoleRequestOut,
             dependencies=[Depends(require("USER_ADMIN"))], responses=responses(404, 409))
async def approve_role_request(request_id: PathId, user: CurrentUser, db: Db, request: Request) -> RoleRequestOut:
    """Grant a pending role as the second administrator: neither the requester nor the grantee
    (403 SECOND_APPROVER_REQUIRED). The grantee's sessions end: the next login carries the role."""
    return await _decide(request_id, lib_auth.approve_role_request, user, db, request)


@router.post("/role-requests/{request_id}/reject", response_model=RoleRequestOut,
             dependencies=[Depends(require("USER_ADMIN"))], responses=responses(404, 409))
async def reject_role_request(request_id: PathId, user: CurrentUser, db: Db, request: Request) -> RoleRequestOut:
    """Refuse a pending role grant (its requester may withdraw it so)."""
    return await _decide(request_id, lib_auth.reject_role_request, user, db, request)


@router.post("/users/{user_id}/home-branch", response_model=HomeBranchOut, dependencies=[Depends(require("USER_ADMIN"))],
             responses=responses(404, 422))
async def set_home_branch(user_id: PathId, body: HomeBranchIn, user: CurrentUser, db: Db,
                          request: Request) -> HomeBranchOut:
    """Set the branch a staff user works for: permissions their roles grant for the home branch only (a branch
    manager's waivers and money reports) act there. A change ends the user's sessions; an administrator's own home
    branch is changed by another one (403 OWN_ROLES_CHANGE)."""
    def work(s: Session) -> dict:
        lib_auth.set_home_branch(s, user_id, body.branch_id)
        return s.one("SELECT user_id, username, home_branch_id FROM users WHERE user_id = :u", {"u": user_id})
    out = HomeBranchOut(**await db.transact(user, work))
    request.app.state.session_checks.forget_user(user_id)
    return out
