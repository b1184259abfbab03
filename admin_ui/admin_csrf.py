"""starlette-admin's CSRF token, bound to the staff session.

starlette-admin (starlette_admin/security/csrf.py) guards its forms with a signed double submit: a random value
in the cookie `starlette_admin_csrftoken`, the same value signed in the form field `csrftoken` (or the
X-CSRFToken header). Its signing key is one for the whole app, so a cookie and token taken from one session
were accepted in any other: whoever can plant a cookie (a sibling subdomain, plain HTTP) could post as anyone.
Here the signing key also holds the staff session's own secret (its CSRF token, new at every login), so a pair
made for another session, or before this login, fails its signature: 403 on a POST, a fresh cookie on a GET.
"""
from __future__ import annotations

import secrets
from contextvars import ContextVar
from typing import Any

from itsdangerous import URLSafeSerializer
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.security.csrf import CSRFMiddleware

SALT = "ils-admin-csrf-session"
_SESSION_SECRET: ContextVar[str] = ContextVar("ils_admin_csrf_session_secret", default="")


def session_secret(request: Request) -> str:
    """The session's CSRF secret; a session without one gets a throwaway key, so nothing it posts validates."""
    session = request.scope.get("session") or {}
    return str(session.get("csrf") or "") or secrets.token_urlsafe(32)


class SessionBoundCsrf(CSRFMiddleware):
    """starlette-admin's middleware with its signer keyed per request by the session's secret."""

    def __init__(self, app: Any, secret_key: str) -> None:
        self._secret_key = secret_key
        super().__init__(app, secret_key)

    @property
    def _signer(self) -> URLSafeSerializer:  # read by the base class for every sign and check
        return URLSafeSerializer(f"{self._secret_key}:{_SESSION_SECRET.get()}", salt=SALT)

    @_signer.setter
    def _signer(self, app_wide: URLSafeSerializer) -> None:  # the base class's one key for all: not used
        pass

    async def dispatch(self, request: Request, call_next: Any) -> Response:
        bound = _SESSION_SECRET.set(session_secret(request))
        try:
            return await super().dispatch(request, call_next)
        finally:
            _SESSION_SECRET.reset(bound)


def bind_csrf_to_session(admin: Any) -> None:
    """Replace the admin's CSRF middleware by the session-bound one (before the admin is mounted)."""
    for i, m in enumerate(admin.middlewares):
        if getattr(m, "cls", None) is CSRFMiddleware:
            admin.middlewares[i] = Middleware(SessionBoundCsrf, *m.args, **m.kwargs)
            return
    raise RuntimeError("starlette-admin's CSRF middleware is missing: the table screens would have no CSRF check")
