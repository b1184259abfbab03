"""Request dependencies: the gateway, the caller, and each route's access declaration.

Every route declares who may call it, once, as a dependency in its decorator:

    @router.post("/{fine_id}/waive", dependencies=[Depends(require("FINE_WAIVE"))])
    @router.get("/search", dependencies=[Depends(public())])
    @router.get("/loans", dependencies=[Depends(patron_self())])
    @router.get("/me", dependencies=[Depends(authenticated())])

The declaration object stays on the route (route.dependant), so access_of(route) reads it back; the
permission-matrix test uses that to check every route against every role, and fails a route that
declares nothing.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.errors import forbidden, not_authenticated
from api.security import TokenCache, TokenError
from datalayer.gateway import Gateway
from services.accounts import SignedIn

_tokens = TokenCache()

_bearer = HTTPBearer(auto_error=False, description="JWT from POST /api/auth/login")


async def get_gateway(request: Request) -> Gateway:
    return request.app.state.gateway


Db = Annotated[Gateway, Depends(get_gateway)]


async def get_current_user(request: Request,
                           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> SignedIn:
    """The caller from the bearer token, whose session must still be live (not ended by a logout, a
    password or role change or a deactivation, not expired); 401 NOT_AUTHENTICATED otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise not_authenticated()
    try:
        user = _tokens.read(credentials.credentials, request.app.state.settings.jwt_secret)
    except TokenError:
        raise not_authenticated("The token is invalid or expired: log in again.") from None
    checks = request.app.state.session_checks
    live = checks.cached(user)
    if live is None:
        live = await run_in_threadpool(checks.is_live, request.app.state.gateway, user)
    if not live:
        raise not_authenticated("The session has ended: log in again.")
    request.state.user_id = user.user_id
    return user


CurrentUser = Annotated[SignedIn, Depends(get_current_user)]


class Access:
    """An access declaration: kind is 'public', 'authenticated', 'patron_self' or 'permission'."""

    kind: str = ""
    permission: str | None = None

    def __repr__(self) -> str:
        return f"{self.kind}({self.permission or ''})"

    def allows(self, roles_permissions: frozenset[str], is_patron: bool) -> bool:
        """Whether a caller with these permissions (and patron record or not) passes this declaration."""
        if self.kind in ("public", "authenticated"):
            return True
        if self.kind == "patron_self":
            return is_patron
        return self.permission in roles_permissions


class _Public(Access):
    kind = "public"

    async def __call__(self) -> None:
        return None


class _Authenticated(Access):
    kind = "authenticated"

    async def __call__(self, user: CurrentUser) -> SignedIn:
        return user


class _PatronSelf(Access):
    kind = "patron_self"

    async def __call__(self, user: CurrentUser) -> SignedIn:
        if user.patron_id is None:
            raise forbidden("Only a patron can use their own account pages.")
        return user


class _Permission(Access):
    kind = "permission"

    def __init__(self, permission: str):
        self.permission = permission

    async def __call__(self, user: CurrentUser) -> SignedIn:
        if not user.has(self.permission):
            raise forbidden(f"This action needs the {self.permission} permission.")
        return user


_PUBLIC, _AUTHENTICATED, _PATRON_SELF = _Public(), _Authenticated(), _PatronSelf()
_PERMISSIONS: dict[str, _Permission] = {}


def public() -> Access:
    """Anyone, without a token."""
    return _PUBLIC


def authenticated() -> Access:
    """Any caller with a valid token."""
    return _AUTHENTICATED


def patron_self() -> Access:
    """A caller whose account is linked to a patron record; the route serves that patron's own data."""
    return _PATRON_SELF


def require(permission: str) -> Access:
    """A caller whose token holds `permission`."""
    if permission not in _PERMISSIONS:
        _PERMISSIONS[permission] = _Permission(permission)
    return _PERMISSIONS[permission]


def access_of(route: APIRoute) -> list[Access]:
    """The access declarations of a route (exactly one is expected)."""
    found: list[Access] = []

    def walk(dep: Any) -> None:
        for sub in dep.dependencies:
            if isinstance(sub.call, Access) and sub.call not in found:
                found.append(sub.call)
            walk(sub)

    walk(route.dependant)
    return found


def api_routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path, route) of every API route of the app, through included routers."""
    from fastapi.routing import iter_route_contexts

    out = []
    for ctx in iter_route_contexts(app.routes):
        if isinstance(ctx.original_route, APIRoute):
            for method in sorted(ctx.methods or ()):
                out.append((method, ctx.path, ctx))
    return out
