"""Login, patron self-registration and the caller's own account: /api/auth."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.accounts import load_principal
from api.db.session import DbError, Out
from api.deps import CurrentUser, Db, authenticated, public
from api.errors import ApiError, responses
from api.models.auth import LoginIn, MeOut, RegisteredOut, RegisterIn, TokenOut
from api.ratelimit import retry_after
from api.security import DUMMY_HASH, hash_password, issue_token, verify_password

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


@router.post("/login", response_model=TokenOut, dependencies=[Depends(public())],
             responses=responses(401, 403, 422, 423, 429))
def login(body: LoginIn, request: Request, db: Db) -> TokenOut:
    """Exchange username and password for a bearer token (the database keeps the failure count)."""
    _rate_limit(request, ("login_ip", _client_ip(request)), ("login_user", body.username.strip().lower()))
    user_id = None
    try:
        with db.autonomous() as s:
            user_id, stored_hash = s.call("lib_auth.check_can_login", body.username, Out(int), Out(str))
    except DbError as exc:
        if exc.code != -20406:  # ACCOUNT_LOCKED, ACCOUNT_INACTIVE: refused before any password check
            raise
        stored_hash = DUMMY_HASH  # unknown user: spend the same time as a wrong password
    if user_id is not None and verify_password(stored_hash, body.password):
        with db.transaction(actor=user_id) as s:
            s.call("lib_auth.login_succeeded", user_id)
            principal = load_principal(s, user_id)
        settings = request.app.state.settings
        token, expires_in = issue_token(principal, settings.jwt_secret, settings.jwt_expire_minutes)
        return TokenOut(access_token=token, expires_in=expires_in)
    if user_id is None:
        verify_password(stored_hash, body.password)
    with db.autonomous() as s:  # committed before the refusal is answered
        (locked,) = s.call("lib_auth.login_failed", body.username, Out(int))
    if locked:
        raise ApiError(423, "ACCOUNT_LOCKED", "The account is locked after too many failed logins.", db_code=-20407)
    raise ApiError(401, "INVALID_CREDENTIALS", "Wrong username or password.", db_code=-20406)


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
        user_id, patron_id = s.call("lib_auth.register_patron_account", body.username, password_hash,
                                    body.full_name, body.email, Out(int), Out(int))
    return RegisteredOut(user_id=user_id, patron_id=patron_id, username=body.username)


@router.get("/me", response_model=MeOut, dependencies=[Depends(authenticated())], responses=responses(401))
async def read_me(user: CurrentUser) -> MeOut:
    """The caller as the token says: id, roles, permissions, patron record."""
    return MeOut(user_id=user.user_id, username=user.username, roles=list(user.roles),
                 permissions=sorted(user.permissions), patron_id=user.patron_id)
