"""The staff UI's side of signing in: the session cookie that carries a signed-in user and their session.

Login, password change and logout are services.accounts' use cases, the same as the API's (kind STAFF), and
the user is the same services.accounts.SignedIn. The cookie (signed by SessionMiddleware, SameSite=Strict)
holds the user as the login found them and the key of their database session; it is worth nothing once
that session ends: every page asks services.accounts.SessionCheck whether the session is still live (read from
user_sessions at most every ILS_SESSION_CHECK_S seconds), and every write runs under it
(lib_session.set_actor). So a cookie copied before a logout, a password change, a change of roles or a
deactivation is refused at once. When the database cannot be asked the cookie is kept as it is, so the
health page still shows while the database is down.
"""
from __future__ import annotations

import logging
import secrets
import time

from starlette.requests import Request

from services import accounts
from services.accounts import SignedIn

log = logging.getLogger("ils.staff")


def start_session(request: Request, user: SignedIn) -> None:
    """A fresh cookie (new CSRF token) for a user who just logged in: no fixation of an old one."""
    request.session.clear()
    request.session.update({"uid": user.user_id, "un": user.username, "fn": user.full_name or user.username,
                            "roles": list(user.roles), "perms": sorted(user.permissions),
                            "hb": user.home_branch_id, "bo": sorted(user.branch_only),
                            "sk": user.session_key, "sid": user.session_id, "exp": user.expires_at,
                            "csrf": secrets.token_urlsafe(32), "at": int(time.time())})


def current_user(request: Request) -> SignedIn | None:
    """The user the cookie names, or None (no cookie, one without a session, or one past its end). Whether
    the session is still live is revalidate()'s question."""
    s = request.session
    if "uid" not in s or not s.get("sk"):
        return None
    if int(s.get("exp") or 0) < time.time():
        s.clear()
        return None
    try:
        return SignedIn(user_id=int(s["uid"]), username=str(s["un"]), full_name=str(s.get("fn") or s["un"]),
                        roles=tuple(s.get("roles") or ()), permissions=frozenset(s.get("perms") or ()),
                        home_branch_id=int(s["hb"]) if s.get("hb") is not None else None,
                        branch_only=frozenset(s.get("bo") or ()), session_key=str(s["sk"]),
                        session_id=int(s["sid"]) if s.get("sid") is not None else None,
                        expires_at=int(s.get("exp") or 0))
    except (KeyError, TypeError, ValueError):
        s.clear()
        return None


def revalidate(request: Request, user: SignedIn) -> SignedIn | None:
    """The user while their session is live; None, with the cookie cleared, once it has ended (blocking:
    call in a worker thread)."""
    if request.app.state.session_checks.is_live(request.app.state.gateway, user):
        return user
    request.session.clear()
    return None


def sign_out(request: Request, everywhere: bool = False) -> None:
    """End the cookie's session in the database (or every session of the user), then clear the cookie
    (blocking: call in a worker thread). A session the database cannot end now ends at its expiry."""
    user = current_user(request)
    request.session.clear()
    if user is None:
        return
    try:
        accounts.logout(request.app.state.gateway, user, everywhere=everywhere,
                        checks=request.app.state.session_checks)
    except Exception as exc:  # already ended, or the database is down: the cookie is gone either way
        log.warning("staff logout of user %s: the session was not ended in the database (%s)", user.user_id,
                    getattr(exc, "message", exc))


def csrf_token(request: Request) -> str:
    """The session's CSRF token (an anonymous session gets one for the login form)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token
