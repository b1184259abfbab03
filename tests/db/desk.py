"""The circulation desk the rule tests work at: a test's own branch, policy and staff user, and the
package calls of lending, returning, renewing, holds and fines.

Each test module subclasses CirculationDesk with what only it needs (its `lend`, its `refused`).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import Out
from tests.factories import Factory, today

END_OF_DAY = timedelta(hours=23, minutes=59, seconds=59)


class CirculationDesk:
    """A test's own branch, policy and staff user; the most specific policy is the test's own
    (the factory's terms, 0.50 a day, no grace, cap 10, unless the test names others)."""

    def __init__(self, db, role: str = "LIBRARIAN", **policy):
        self.db = db
        self.f = Factory(db)
        self.branch = self.f.branch()
        policy.setdefault("daily_fine", Decimal("0.50"))
        self.policy = self.f.policy(branch_id=self.branch, **policy)
        self.user = self.f.user(roles=(role,), home_branch_id=self.branch)  # the desk's staff work here
        db.set_actor(self.user)

    # ---- arrange ---------------------------------------------------------------------------------

    def patron(self, **kw) -> int:
        return self.f.patron(branch_id=self.branch, **kw)

    def copy(self, material_id=None, **kw) -> int:
        return self.f.copy(material_id=material_id, branch_id=self.branch, **kw)

    def due_days_ago(self, loan_id: int, days: int) -> datetime:
        """Move a loan back in time: due `days` days ago at 23:59:59, lent 14 days before that."""
        due = today() - timedelta(days=days) + END_OF_DAY
        self.db.execute("UPDATE loans SET checkout_at = :c, due_at = :d WHERE loan_id = :l",
                        {"c": due - timedelta(days=14), "d": due, "l": loan_id})
        return due

    def set_due(self, loan_id: int, due: datetime) -> None:
        self.db.execute("UPDATE loans SET checkout_at = :c, due_at = :d WHERE loan_id = :l",
                        {"c": min(due, datetime.utcnow()) - timedelta(days=14), "d": due, "l": loan_id})

    def shift_back(self, loan_id: int, days: int) -> None:
        """Let `days` days pass for a loan: every stored time of the loan and its fines moves back."""
        self.db.execute("UPDATE loans SET checkout_at = checkout_at - :d, due_at = due_at - :d, "
                        "last_renewed_at = last_renewed_at - :d WHERE loan_id = :l", {"d": days, "l": loan_id})
        self.db.execute("UPDATE fines SET assessed_at = assessed_at - :d, accrued_through = accrued_through - :d "
                        "WHERE loan_id = :l", {"d": days, "l": loan_id})

    def fines(self, loan_id) -> dict:
        """The loan's fines by fine_type."""
        return {r["fine_type"]: r for r in self.db.rows("SELECT * FROM fines WHERE loan_id = :l", {"l": loan_id})}

    # ---- the packages ----------------------------------------------------------------------------

    def checkout(self, patron, copy, due=None, override=None, codes=None, note=None):
        """(loan_id, due_at); an override names the reasons it passes (codes) and says why (note: a default one)"""
        if override == "Y" and note is None:
            note = "checked at the desk"
        return self.db.call("lib_circulation.checkout", patron, copy, due, override, codes, note, Out(int),
                            Out(datetime))

    def checkin(self, copy, branch=None, returned_at=None, condition=None, note=None):
        """(loan_id, fine_id, fine_amount, hold_id); condition: a condition grade, note: the condition note"""
        return self.db.call("lib_circulation.checkin", copy, branch, returned_at, condition,
                            Out(int), Out(int), Out(Decimal), Out(int), note)

    def checkin_loan(self, loan_id, branch=None, returned_at=None, condition=None):
        """(fine_id, fine_amount, hold_id)"""
        return self.db.call("lib_circulation.checkin_loan", loan_id, branch, returned_at, condition,
                            Out(int), Out(Decimal), Out(int))

    def renew(self, loan_id):
        """(due_at, renewals)"""
        return self.db.call("lib_circulation.renew", loan_id, Out(datetime), Out(int))

    def place_hold(self, patron, material, pickup=None) -> int:
        return self.db.call("lib_holds.place", patron, material, pickup or self.branch, Out(int), Out(int))[0]

    def accrue(self, as_of=None) -> int:
        return self.db.call("lib_fines_core.accrue_overdue", as_of or datetime.utcnow(), Out(int))[0]

    def charge(self, patron, amount, fine_type="MANUAL") -> int:
        return self.db.call("lib_fines.add_charge", patron, None, fine_type, Decimal(amount), "test", Out(int))[0]

    def pay(self, fine_id, amount, method="CASH", note=None):
        """(payment_id, balance of the fine)"""
        return self.db.call("lib_fines.pay", fine_id, Decimal(amount), method, note, Out(int), Out(Decimal),
                            Out(Decimal), Out(str))[:2]
