"""Arrange helpers: rows a test needs, with unique keys, inside the test's own transaction.

Reference rows (branches, patrons, titles, copies, users) are inserted directly; anything that is a
business operation (loans, holds, fines, payments) goes through the packages in the tests themselves.
"""
from __future__ import annotations

import itertools
import secrets
import uuid
from datetime import datetime, timedelta

from datalayer.session import Session
from services.accounts import key_hash

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


def today() -> datetime:
    return datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)


class Factory:
    def __init__(self, db: Session):
        self.db = db

    def branch(self, name: str = "Test branch") -> int:
        return self.db.insert("branches", {"code": unique("B"), "name": name}, "branch_id")

    def main_branch(self) -> int:
        return self.db.scalar("SELECT branch_id FROM branches WHERE code = 'MAIN'")

    def user(self, roles: tuple[str, ...] = (), username: str | None = None, password_hash: str = "x",
             is_active: str = "Y", home_branch_id: int | None = -1) -> int:
        """A user with roles; staff (any role but PATRON) work at MAIN unless home_branch_id says otherwise."""
        if home_branch_id == -1:
            home_branch_id = self.main_branch() if set(roles) - {"PATRON"} else None
        user_id = self.db.insert("users", {"username": username or unique("u"), "password_hash": password_hash,
                                           "full_name": "Test User", "is_active": is_active,
                                           "home_branch_id": home_branch_id}, "user_id")
        for role in roles:
            self.db.execute("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles WHERE code = :r",
                            {"u": user_id, "r": role})
        return user_id

    def session(self, user_id: int, kind: str = "API", lifetime_s: int = 3600, ended: str | None = None) -> str:
        """A sign-in session of the user (as lib_auth.login_succeeded opens one), ended for `ended`'s reason
        when given; a negative lifetime makes it expired. Returns its key."""
        key = secrets.token_urlsafe(32)
        now = datetime.utcnow().replace(microsecond=0)
        created = min(now, now + timedelta(seconds=lifetime_s)) - timedelta(seconds=60)
        self.db.insert("user_sessions", {
            "user_id": user_id, "key_hash": key_hash(key), "kind": kind, "created_at": created,
            "last_seen_at": created, "expires_at": now + timedelta(seconds=lifetime_s),
            "revoked_at": now if ended else None, "revoked_reason": ended}, "session_id")
        return key

    def patron(self, branch_id: int | None = None, category: str = "ADULT", status: str = "ACTIVE",
               expires_on: datetime | None = None, user_id: int | None = None) -> int:
        return self.db.insert("patrons", {
            "card_number": unique("P"), "first_name": "Pat", "last_name": f"Patron{next(_seq)}",
            "email": f"{unique('p').lower()}@example.org", "category": category,
            "home_branch_id": branch_id or self.main_branch(), "status": status,
            "expires_on": expires_on or today() + timedelta(days=365), "user_id": user_id}, "patron_id")

    def material(self, material_type: str = "BOOK", title: str = "A Test Title", replacement_cost: float = 30) -> int:
        return self.db.insert("materials", {"title": title, "material_type": material_type,
                                            "replacement_cost": replacement_cost}, "material_id")

    def copy(self, material_id: int | None = None, branch_id: int | None = None, status: str = "AVAILABLE") -> int:
        return self.db.insert("copies", {"material_id": material_id or self.material(),
                                         "branch_id": branch_id or self.main_branch(),
                                         "barcode": unique("C"), "status": status}, "copy_id")

    def barcode(self, copy_id: int) -> str:
        return self.db.scalar("SELECT barcode FROM copies WHERE copy_id = :c", {"c": copy_id})

    def policy(self, branch_id: int | None = None, patron_category: str | None = None,
               material_type: str | None = None, **overrides) -> int:
        values = {"branch_id": branch_id, "patron_category": patron_category, "material_type": material_type,
                  "loan_days": 14, "max_renewals": 2, "renew_from_due": "N", "loan_limit": 10, "hold_limit": 5,
                  "daily_fine": 0.50, "grace_days": 0, "max_fine": 10, "fine_block_threshold": 10,
                  "hold_pickup_days": 7, "holdable": "Y", "lost_after_days": 30, "lost_refund": "Y"}
        values.update(overrides)
        return self.db.insert("circ_policies", values, "policy_id")

    def closed_day(self, day: datetime, branch_id: int | None = None) -> int:
        return self.db.insert("closed_days", {"branch_id": branch_id, "closed_on": day, "reason": "test"},
                              "closed_day_id")
