"""Signing in, written once for both faces: the signed-in user, login, password change, logout, and
whether a session is still live.

The API (JWT bearer tokens) and the staff UI (a signed cookie) both call these functions and both
carry a `SignedIn`; they differ only in how the session key travels and in `kind` (API or STAFF).
This module imports only the gateway (datalayer) and the password hasher (services.passwords), no web
framework, so it moves unchanged with them to the shared data layer a later issue creates.

Login (lib_auth's rules, see plsql/lib_auth.pks): the stored hash is fetched whatever the account's
state, exactly one argon2 verify runs (against a dummy hash for an unknown username), then either
lib_auth.login_succeeded opens a session or lib_auth.login_failed counts the failure, committed before
the refusal is answered. Unknown user, wrong password, deactivated account and a locked account with a
wrong password all end in the same INVALID_CREDENTIALS after the same work; ACCOUNT_LOCKED is said only
after the right password.

Sessions: a login makes a random key (32 bytes, URL-safe base64); the token or cookie carries it and
user_sessions its SHA-256. Every transaction acting as the user starts with lib_session.set_actor(user,
key), which refuses an ended, expired or foreign session. Requests that only read ask `SessionCheck`,
which reads user_sessions at most every ILS_SESSION_CHECK_S seconds per session and process.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from datalayer.session import DbError, Out, Session
from services.passwords import DUMMY_HASH, hash_password, verify_password

INVALID_CREDENTIALS, ACCOUNT_LOCKED, ACCOUNT_INACTIVE = -20406, -20407, -20408
KINDS = ("API", "STAFF")


@dataclass(frozen=True)
class SignedIn:
    """A signed-in user as their login found them: the one user type of the API and the staff UI.
    Roles, permissions and the home branch hold for the whole session: a change of any of them ends it."""
    user_id: int
    username: str
    full_name: str = ""
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()
    patron_id: int | None = None
    home_branch_id: int | None = None
    branch_only: frozenset[str] = frozenset()  # permissions held for the home branch only
    session_key: str = field(default="", repr=False)
    session_id: int | None = None
    expires_at: int = 0  # epoch seconds

    def has(self, *permissions: str) -> bool:
        """True when the user holds any of the permissions."""
        return any(p in self.permissions for p in permissions)

    @property
    def is_staff(self) -> bool:
        """Staff = at least one permission; a PATRON-only account has none."""
        return bool(self.permissions)

    def branch_scope(self, permission: str) -> int | None:
        """The branch a read under `permission` is limited to: None when held library-wide, else the home
        branch (-1, which matches no branch, when the user has none)."""
        if permission not in self.branch_only:
            return None
        return self.home_branch_id if self.home_branch_id is not None else -1


class AccountRefusal(Exception):
    """A login or password change refused: HTTP status, symbolic code, message, catalog code."""

    def __init__(self, status: int, code: str, message: str, db_code: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.db_code = status, code, message, db_code


def _wrong() -> AccountRefusal:
    return AccountRefusal(401, "INVALID_CREDENTIALS", "Wrong username or password.", INVALID_CREDENTIALS)


def new_session_key() -> str:
    return secrets.token_urlsafe(32)


def key_hash(session_key: str) -> str:
    """user_sessions.key_hash of a key (lib_session.key_hash: SHA-256, upper-case hex)."""
    return hashlib.sha256(session_key.encode("utf-8")).hexdigest().upper()


# ---- reading a user ---------------------------------------------------------------------------------

_ACCOUNT = """SELECT u.username, u.full_name, u.home_branch_id, p.patron_id
                FROM users u LEFT JOIN patrons p ON p.user_id = u.user_id
               WHERE u.user_id = :u"""
_ROLES = """SELECT r.code FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id
             WHERE ur.user_id = :u ORDER BY r.code"""
# a permission is branch-bound when every role granting it grants it branch_only ('N' < 'Y')
_PERMISSIONS = """SELECT p.code, MIN(rp.branch_only) AS branch_only
                    FROM user_roles ur
                    JOIN role_permissions rp ON rp.role_id = ur.role_id
                    JOIN permissions p ON p.permission_id = rp.permission_id
                   WHERE ur.user_id = :u
                   GROUP BY p.code"""


def load_user(s: Session, user_id: int, session_key: str = "", session_id: int | None = None,
              expires_at: int = 0) -> SignedIn | None:
    """The user a session is opened for, read in the login's transaction; None for an unknown id."""
    account = s.one(_ACCOUNT, {"u": user_id})
    if account is None:
        return None
    roles = tuple(r["code"] for r in s.rows(_ROLES, {"u": user_id}))
    grants = s.rows(_PERMISSIONS, {"u": user_id})
    return SignedIn(user_id=user_id, username=account["username"], full_name=account["full_name"] or "",
                    roles=roles, permissions=frozenset(g["code"] for g in grants),
                    patron_id=account["patron_id"], home_branch_id=account["home_branch_id"],
                    branch_only=frozenset(g["code"] for g in grants if g["branch_only"] == "Y"),
                    session_key=session_key, session_id=session_id, expires_at=expires_at)


def _open(s: Session, user_id: int, kind: str, lifetime_s: int, client: str | None) -> SignedIn:
    """lib_auth.login_succeeded in the caller's transaction: a new session, and the user under it."""
    key = new_session_key()
    (session_id,) = s.call("lib_auth.login_succeeded", user_id, key, kind, client, int(lifetime_s), Out(int))
    user = load_user(s, user_id, key, session_id, int(time.time()) + int(lifetime_s))
    assert user is not None  # login_succeeded refused an unknown id
    return user


# ---- the use cases ----------------------------------------------------------------------------------

def login(gw: Any, username: str, password: str, *, kind: str, lifetime_s: int,
          client: str | None = None) -> SignedIn:
    """Check a username and password and open a session of `kind` lasting `lifetime_s` seconds.
    Raises AccountRefusal: 401 INVALID_CREDENTIALS, or 423 ACCOUNT_LOCKED after the right password."""
    user_id = None
    try:
        with gw.autonomous() as s:
            user_id, stored_hash = s.call("lib_auth.check_can_login", username, Out(int), Out(str))
    except DbError as exc:
        if exc.code != INVALID_CREDENTIALS:
            raise
        stored_hash = DUMMY_HASH  # unknown user: the same argon2 work as a wrong password
    right = verify_password(stored_hash, password)
    refusal = _wrong()
    if user_id is not None and right:
        try:
            with gw.transaction(None) as s:
                return _open(s, user_id, kind, lifetime_s, client)
        except DbError as exc:
            if exc.code == ACCOUNT_LOCKED:
                refusal = AccountRefusal(423, "ACCOUNT_LOCKED", "The account is locked after too many failed "
                                         "logins: try again later, or ask an IT administrator to unlock it.",
                                         ACCOUNT_LOCKED)
            elif exc.code != ACCOUNT_INACTIVE:  # a deactivated account is answered as a wrong password
                raise
    with gw.autonomous() as s:  # counted (or, while locked, only audited) before the refusal is answered
        s.call("lib_auth.login_failed", username, Out(int))
    raise refusal


def change_password(gw: Any, user: SignedIn, current: str, new: str, *, min_length: int, kind: str,
                    lifetime_s: int, client: str | None = None, checks: "SessionCheck | None" = None) -> SignedIn:
    """The signed-in user's own password: the current one is checked and counted like a login; the new
    one ends every session of the account (this one included) and a new session is opened for the caller.
    Raises AccountRefusal (422 VALIDATION_ERROR, 401 INVALID_CREDENTIALS, 423 ACCOUNT_LOCKED)."""
    if len(new) < min_length:
        raise AccountRefusal(422, "VALIDATION_ERROR", f"The new password needs at least {min_length} characters.")
    if new == current:
        raise AccountRefusal(422, "VALIDATION_ERROR", "The new password must differ from the current one.")
    with gw.autonomous() as s:
        _, stored_hash = s.call("lib_auth.check_can_login", user.username, Out(int), Out(str))
    if not verify_password(stored_hash, current):
        with gw.autonomous() as s:
            s.call("lib_auth.login_failed", user.username, Out(int))
        raise _wrong()
    new_hash = hash_password(new)
    try:
        with gw.transaction(user) as s:
            s.call("lib_auth.set_password", user.user_id, new_hash)
            fresh = _open(s, user.user_id, kind, lifetime_s, client)
    except DbError as exc:
        if exc.code == ACCOUNT_LOCKED:
            raise AccountRefusal(423, "ACCOUNT_LOCKED", "The account is locked after too many failed logins.",
                                 ACCOUNT_LOCKED) from None
        raise
    if checks is not None:
        checks.forget_user(user.user_id)
    return fresh


def logout(gw: Any, user: SignedIn, *, everywhere: bool = False, checks: "SessionCheck | None" = None) -> None:
    """End this session (lib_session.end_session), or every session of the user."""
    with gw.transaction(user) as s:
        if everywhere:
            s.call("lib_auth.end_sessions", user.user_id)
        else:
            s.call("lib_session.end_session")
    if checks is not None:
        checks.forget_user(user.user_id) if everywhere else checks.forget(user.session_key)


def sessions_of(s: Session, user: SignedIn) -> list[dict]:
    """The user's sessions that have not expired, newest first (ended ones too, with why); `current` marks
    the session of `user` itself."""
    rows = s.rows("""SELECT session_id, key_hash, kind, client_addr, created_at, last_seen_at, expires_at, revoked_at,
                            revoked_reason
                       FROM user_sessions
                      WHERE user_id = :u AND expires_at > :t
                      ORDER BY created_at DESC, session_id DESC""", {"u": user.user_id, "t": _utcnow()})
    mine = key_hash(user.session_key) if user.session_key else None
    for r in rows:
        r["current"] = r.pop("key_hash") == mine
    return rows


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


# ---- is the session still live ----------------------------------------------------------------------

_LIVE = """SELECT s.session_id FROM user_sessions s JOIN users u ON u.user_id = s.user_id
            WHERE s.key_hash = :h AND s.user_id = :u AND s.revoked_at IS NULL AND s.expires_at > :t
              AND u.is_active = 'Y'"""


class SessionCheck:
    """Whether a session is still live (not ended, not expired, its account active), read from the database
    at most every `ttl` seconds per session in this process. A session this process ended is forgotten at
    once; one ended by another worker is seen within `ttl`. Writes do not wait for it: their transaction's
    lib_session.set_actor refuses an ended session at once. When the database cannot be asked, a session is
    taken as live: nothing it could do needs less than the database that is down."""

    def __init__(self, ttl: float = 5.0, size: int = 8192):
        self.ttl, self.size = ttl, size
        self._seen: dict[str, tuple[float, bool, int]] = {}  # key -> (checked at, live, user_id)
        self._lock = threading.Lock()

    def cached(self, user: SignedIn) -> bool | None:
        """The answer of the last check when younger than ttl, else None (ask the database)."""
        hit = self._seen.get(user.session_key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl and hit[2] == user.user_id:
            return hit[1]
        return None

    def is_live(self, gw: Any, user: SignedIn) -> bool:
        known = self.cached(user)
        if known is not None:
            return known
        if not user.session_key:
            return False
        try:
            with gw.statements() as s:
                live = s.one(_LIVE, {"h": key_hash(user.session_key), "u": user.user_id, "t": _utcnow()}) is not None
        except Exception as exc:
            if _unreachable(exc):  # see the class comment
                return True
            raise
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()  # crude but bounded: at worst every session is read once more
            self._seen[user.session_key] = (time.monotonic(), live, user.user_id)
        return live

    def forget(self, session_key: str) -> None:
        with self._lock:
            self._seen.pop(session_key, None)

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            for key in [k for k, v in self._seen.items() if v[2] == user_id]:
                del self._seen[key]


# connection lost or refused: PostgreSQL class 08 and admin shutdown (57P01-57P03), Oracle's lost and
# refused connections; a driver error without a state (a dead socket) too
_UNREACHABLE = ("57P01", "57P02", "57P03", "ORA-03113", "ORA-03114", "ORA-03135", "ORA-12514", "ORA-12541",
                "ORA-12170", "ORA-12537", "DPY-4011")


def _unreachable(exc: Exception) -> bool:
    from datalayer.gateway import DbUnavailable
    if isinstance(exc, DbUnavailable):
        return True
    if not isinstance(exc, DbError) or exc.code is not None:
        return False
    state = exc.sqlstate or ""
    return not state or state.startswith("08") or state in _UNREACHABLE
