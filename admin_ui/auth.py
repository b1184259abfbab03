"""Staff login and the signed-in user kept in the session cookie.

A login follows the same database account rules as POST /api/auth/login: lib_auth.check_can_login
returns the stored hash (or refuses a locked or inactive account), the password is verified with argon2
(api.security), and lib_auth.login_succeeded / login_failed keep the count in the database, committed
before the answer. Like the API's token, the session then carries the user's permissions, so pages
keep working (the health page above all) when the database does not answer. Every few minutes
(ILS_SESSION_REVALIDATE_S, default 300) a page re-reads the account: a deactivated or locked account is signed out, changed roles
take effect. When the database is down the session is kept as it is.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request

from api.accounts import load_principal
from api.db.gateway import Gateway
from api.db.session import DbError, Out
from api.security import DUMMY_HASH, verify_password


@dataclass(frozen=True)
class StaffUser:
    user_id: int
    username: str
    full_name: str
    roles: tuple[str, ...]
    permissions: frozenset[str]

    def has(self, *permissions: str) -> bool:
        """True when the user holds any of the permissions."""
        return any(p in self.permissions for p in permissions)

    @property
    def is_staff(self) -> bool:
        """Staff = at least one permission; a PATRON-only account has none."""
        return bool(self.permissions)


class LoginRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def authenticate(gw: Gateway, username: str, password: str) -> StaffUser:
    """Check a username and password against the database's account rules; raises LoginRefused."""
    user_id = None
    try:
        with gw.autonomous() as s:
            user_id, stored_hash = s.call("lib_auth.check_can_login", username, Out(int), Out(str))
    except DbError as exc:
        if exc.code == -20407:
            raise LoginRefused("ACCOUNT_LOCKED", "This account is locked after too many failed logins. "
                                                 "An IT administrator can unlock it.") from None
        if exc.code == -20408:
            raise LoginRefused("ACCOUNT_INACTIVE", "This account is deactivated.") from None
        if exc.code != -20406:
            raise
        stored_hash = DUMMY_HASH  # unknown user: spend the time of a wrong password
    if user_id is not None and verify_password(stored_hash, password):
        with gw.transaction(actor=user_id) as s:
            s.call("lib_auth.login_succeeded", user_id)
            principal = load_principal(s, user_id)
            full_name = s.scalar("SELECT full_name FROM users WHERE user_id = :u", {"u": user_id})
        return StaffUser(user_id=user_id, username=principal.username, full_name=full_name or principal.username,
                         roles=tuple(principal.roles), permissions=frozenset(principal.permissions))
    if user_id is None:
        verify_password(stored_hash, password)
    with gw.autonomous() as s:  # committed before the refusal is shown
        (locked,) = s.call("lib_auth.login_failed", username, Out(int))
    if locked:
        raise LoginRefused("ACCOUNT_LOCKED", "This account is now locked after too many failed logins.")
    raise LoginRefused("INVALID_CREDENTIALS", "Wrong username or password.")


# ---- the session ---------------------------------------------------------------------------------

def start_session(request: Request, user: StaffUser) -> None:
    """A fresh session (new CSRF token) for a user who just logged in: no fixation of an old one."""
    request.session.clear()
    request.session.update({"uid": user.user_id, "un": user.username, "fn": user.full_name,
                            "roles": list(user.roles), "perms": sorted(user.permissions),
                            "csrf": secrets.token_urlsafe(32), "at": int(time.time())})


def current_user(request: Request) -> StaffUser | None:
    """The signed-in user, or None (no session, or one past its maximum age)."""
    s = request.session
    if "uid" not in s:
        return None
    max_age = request.app.state.ui_settings.session_max_age_s
    if int(s.get("at", 0)) + max_age < time.time():
        s.clear()
        return None
    try:
        return StaffUser(user_id=int(s["uid"]), username=str(s["un"]), full_name=str(s.get("fn") or s["un"]),
                         roles=tuple(s.get("roles") or ()), permissions=frozenset(s.get("perms") or ()))
    except (KeyError, TypeError, ValueError):
        s.clear()
        return None


def revalidate(request: Request, user: StaffUser) -> StaffUser | None:
    """Re-read the account when the session's copy is older than the revalidation period (blocking: call in a
    worker thread). None = the account may no longer sign in: the session is cleared."""
    s = request.session
    now = int(time.time())
    if now - int(s.get("chk", s.get("at", 0))) < request.app.state.ui_settings.session_revalidate_s:
        return user
    s["chk"] = now  # also after a failure: do not retry on every request while the database is down
    try:
        with request.app.state.gateway.read() as db:
            row = db.one("SELECT full_name, is_active, account_locked FROM users WHERE user_id = :u", {"u": user.user_id})
            principal = load_principal(db, user.user_id) if row else None
    except Exception:
        return user
    if row is None or principal is None or row["is_active"] != "Y" or row["account_locked"] == "Y":
        s.clear()
        return None
    s.update({"perms": sorted(principal.permissions), "roles": list(principal.roles), "fn": row["full_name"]})
    return StaffUser(user.user_id, user.username, row["full_name"], tuple(principal.roles),
                     frozenset(principal.permissions))


def csrf_token(request: Request) -> str:
    """The session's CSRF token (an anonymous session gets one for the login form)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token
