"""Reads about accounts: who a user is, their roles, permissions and patron record (for tokens and /me)."""
from __future__ import annotations

from api.db.session import Session
from api.security import Principal

_ROLES = """SELECT r.code FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id
             WHERE ur.user_id = :u ORDER BY r.code"""
_PERMISSIONS = """SELECT DISTINCT p.code FROM user_roles ur
                    JOIN role_permissions rp ON rp.role_id = ur.role_id
                    JOIN permissions p ON p.permission_id = rp.permission_id
                   WHERE ur.user_id = :u"""
_ACCOUNT = """SELECT u.username, p.patron_id FROM users u LEFT JOIN patrons p ON p.user_id = u.user_id
               WHERE u.user_id = :u"""


def load_principal(s: Session, user_id: int) -> Principal | None:
    """The principal a token is issued for, read in the login's transaction; None for an unknown id."""
    account = s.one(_ACCOUNT, {"u": user_id})
    if account is None:
        return None
    roles = tuple(r["code"] for r in s.rows(_ROLES, {"u": user_id}))
    perms = frozenset(r["code"] for r in s.rows(_PERMISSIONS, {"u": user_id}))
    return Principal(user_id=user_id, username=account["username"], roles=roles, permissions=perms,
                     patron_id=account["patron_id"])
