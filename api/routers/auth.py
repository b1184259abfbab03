"""Login, logout, password change, patron self-registration and the caller's own account: /api/auth."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import CurrentUser, Db, authenticated, public
from api.errors import ApiError, responses
from api.models.auth import LoginIn, LogoutIn, MeOut, PasswordIn, RegisteredOut, RegisterIn, SessionOut, TokenOut
from api.security import issue_token
from datalayer.packages import lib_patrons
from services import accounts
from services.passwords import hash_password
from services.ratelimit import retry_after

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _rate_limit(request: Request, *keys: tuple[str, str]) -> None:
    limiters = request.app.state.limiters
    for kind, key in keys:
        wait = limiters[kind].hit(key)
        if wait:
            raise ApiError(429, "RATE_LIMITED", "Too many attempts: wait before trying again.",
                           {"Retry-After": retry_after(wait)})


def _refused(exc: accounts.AccountRefusal) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message, db_code=exc.db_code)


def _token(request: Request, user: accounts.SignedIn) -> TokenOut:
    settings = request.app.state.settings
    token, expires_in = issue_token(user, settings.jwt_secret, settings.jwt_expire_minutes)
    return TokenOut(access_token=token, expires_in=expires_in)


@router.post("/login", response_model=TokenOut, dependencies=[Depends(public())], responses=responses(401, 422, 423, 429))
def login(body: LoginIn, request: Request, db: Db) -> TokenOut:
    """Exchange username and password for a bearer token of a new session. Unknown user, wrong password and
    deactivated account are the same 401; 423 only after the right password of a locked account."""
    _rate_limit(request, ("login_ip", _client_ip(request)), ("login_user", body.username.strip().lower()))
    settings = request.app.state.settings
    try:
        user = accounts.login(db, body.username, body.password, kind="API",
                              lifetime_s=settings.jwt_expire_minutes * 60, client=_client_ip(request))
    except accounts.AccountRefusal as exc:
        raise _refused(exc) from None
    return _token(request, user)


@router.post("/logout", status_code=204, dependencies=[Depends(authenticated())], responses=responses(401))
async def logout(user: CurrentUser, request: Request, db: Db,
                 body: Annotated[LogoutIn | None, Body()] = None) -> Response:
    """End this token's session (its token is refused from now on), or with everywhere=true every session
    of the account, staff UI cookies included."""
    everywhere = bool(body and body.everywhere)
    await run_in_threadpool(accounts.logout, db, user, everywhere=everywhere,
                            checks=request.app.state.session_checks)
    return Response(status_code=204)


@router.post("/password", response_model=TokenOut, dependencies=[Depends(authenticated())],
             responses=responses(401, 422, 423, 429))
def change_password(body: PasswordIn, user: CurrentUser, request: Request, db: Db) -> TokenOut:
    """Change the caller's password. The current one is checked and counted like a login (401 when wrong).
    Every earlier token and staff cookie of the account stops working; the answer is a token of a new session."""
    _rate_limit(request, ("login_ip", _client_ip(request)), ("login_user", user.username.lower()))
    settings = request.app.state.settings
    try:
        fresh = accounts.change_password(db, user, body.current_password, body.new_password,
                                         min_length=settings.password_min_length, kind="API",
                                         lifetime_s=settings.jwt_expire_minutes * 60, client=_client_ip(request),
                                         checks=request.app.state.session_checks)
    except accounts.AccountRefusal as exc:
        raise _refused(exc) from None
    return _token(request, fresh)


@router.get("/sessions", response_model=list[SessionOut], dependencies=[Depends(authenticated())],
            responses=responses(401))
async def list_sessions(user: CurrentUser, db: Db) -> list[SessionOut]:
    """The caller's sessions that have not expired (ended ones say why), newest first."""
    rows = await db.query(lambda s: accounts.sessions_of(s, user))
    return [SessionOut(**r) for r in rows]


@router.post("/register", response_model=RegisteredOut, status_code=201, dependencies=[Depends(public())],
             responses=responses(409, 422, 429))
def register(body: RegisterIn, request: Request, db: Db) -> RegisteredOut:
    """Create a patron account (role PATRON) with a linked patron record. An e-mail already on file is no
    refusal (only usernames are unique), so the answer never tells whether an address is registered."""
    _rate_limit(request, ("register_ip", _client_ip(request)), ("register_email", body.email.strip().lower()))
    min_length = request.app.state.settings.password_min_length
    if len(body.password) < min_length:
        raise ApiError(422, "VALIDATION_ERROR", f"password: the password needs at least {min_length} characters")
    password_hash = hash_password(body.password)
    with db.transaction(actor=None) as s:
        user_id, patron_id = lib_patrons.register_account(s, body.username, password_hash, body.full_name,
                                                          body.email)
    return RegisteredOut(user_id=user_id, patron_id=patron_id, username=body.username)


@router.get("/me", response_model=MeOut, dependencies=[Depends(authenticated())], responses=responses(401))
async def read_me(user: CurrentUser) -> MeOut:
    """The caller as the token says: id, roles, permissions, patron record."""
    return MeOut(user_id=user.user_id, username=user.username, roles=list(user.roles),
                 permissions=sorted(user.permissions), patron_id=user.patron_id, home_branch_id=user.home_branch_id)
