"""lib_circulation.checkin: closing loans, overdue fines as of the return time, holds, refusals."""
from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.db.desk import CirculationDesk
from tests.factories import today


class Desk(CirculationDesk):
    def lend(self, patron=None, copy=None) -> tuple[int, int]:
        """(loan_id, copy_id)"""
        copy = copy or self.copy()
        loan_id, _ = self.checkout(patron or self.patron(), copy)
        return loan_id, copy

    def refused(self, code, call):
        refused_leaving(self.db, code, call, "SELECT loan_id, status, returned_at FROM loans ORDER BY loan_id",
                        "SELECT fine_id, amount, status FROM fines ORDER BY fine_id")


def _fine(db, fine_id):
    return db.one("SELECT * FROM fines WHERE fine_id = :f", {"f": fine_id})


def _accrue(db, as_of):
    return db.call("lib_fines_core.accrue_overdue", as_of, Out(int))[0]


# ---- closing the loan ----------------------------------------------------------------------------

def test_checkin_closes_the_loan_and_makes_the_copy_available(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    closed, fine_id, amount, hold_id = desk.checkin(copy)
    assert closed == loan_id
    assert (fine_id, amount, hold_id) == (None, 0, None)
    loan = db.one("SELECT * FROM loans WHERE loan_id = :l", {"l": loan_id})
    assert loan["status"] == "RETURNED"
    assert loan["returned_at"] is not None and loan["returned_at"] >= loan["checkout_at"]
    assert loan["return_branch_id"] == desk.branch
    assert loan["return_by"] == desk.user
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"


def test_checkin_records_the_return_branch_and_the_condition(db):
    desk = Desk(db)
    other = desk.f.branch()
    loan_id, copy = desk.lend()
    desk.checkin(copy, branch=other, condition="WORN", note="Coffee stain on cover")
    loan = db.one("SELECT return_branch_id, return_condition FROM loans WHERE loan_id = :l", {"l": loan_id})
    assert loan == {"return_branch_id": other, "return_condition": "Coffee stain on cover"}
    copy_row = db.one("SELECT branch_id, condition_note, status FROM copies WHERE copy_id = :c", {"c": copy})
    # returned elsewhere: it keeps its home branch and travels back there (tests/db/test_transits.py)
    assert copy_row == {"branch_id": desk.branch, "condition_note": "Coffee stain on cover", "status": "IN_TRANSIT"}


def test_checkin_loan_closes_the_given_loan(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    assert desk.checkin_loan(loan_id) == (None, 0, None)
    assert db.scalar("SELECT status FROM loans WHERE loan_id = :l", {"l": loan_id}) == "RETURNED"


def test_checkin_by_barcode_closes_the_loan_of_the_scanned_copy(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    closed = db.call("lib_circulation.checkin_by_barcode", desk.f.barcode(copy), None, None, None,
                     Out(int), Out(int), Out(Decimal), Out(int))[0]
    assert closed == loan_id


# ---- overdue fine as of the return time ------------------------------------------------------------

def test_checkin_on_time_charges_nothing(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 0)
    assert desk.checkin(copy)[1:3] == (None, 0)
    assert db.scalar("SELECT COUNT(*) FROM fines WHERE loan_id = :l", {"l": loan_id}) == 0


def test_checkin_charges_the_daily_fine_for_each_day_overdue(db):
    desk = Desk(db, daily_fine=Decimal("0.50"))
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 5)
    _, fine_id, amount, _ = desk.checkin(copy)
    assert amount == Decimal("2.50")
    fine = _fine(db, fine_id)
    assert (fine["fine_type"], fine["status"], fine["amount"], fine["loan_id"]) == \
        ("OVERDUE", "OPEN", Decimal("2.50"), loan_id)


def test_checkin_does_not_charge_grace_days(db):
    desk = Desk(db, daily_fine=Decimal("0.50"), grace_days=2)
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 5)
    assert desk.checkin(copy)[2] == Decimal("1.50")


def test_checkin_within_grace_days_charges_nothing(db):
    desk = Desk(db, grace_days=3)
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 3)
    assert desk.checkin(copy)[1:3] == (None, 0)


def test_checkin_does_not_charge_closed_days(db):
    desk = Desk(db, daily_fine=Decimal("1.00"))
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 5)
    desk.f.closed_day(today() - timedelta(days=3), desk.branch)
    desk.f.closed_day(today() - timedelta(days=2))
    desk.f.closed_day(today() - timedelta(days=5), desk.branch)  # the due day itself is not charged anyway
    assert desk.checkin(copy)[2] == Decimal("3.00")


def test_checkin_caps_the_fine_at_max_fine(db):
    desk = Desk(db, daily_fine=Decimal("1.00"), max_fine=Decimal("4.00"))
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 30)
    assert desk.checkin(copy)[2] == Decimal("4.00")


def test_back_dated_checkin_charges_as_of_the_return_time(db):
    desk = Desk(db, daily_fine=Decimal("0.50"))
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 5)
    returned = today() - timedelta(days=2) + timedelta(hours=10)
    _, _, amount, _ = desk.checkin(copy, returned_at=returned)
    assert amount == Decimal("1.50")
    assert db.scalar("SELECT returned_at FROM loans WHERE loan_id = :l", {"l": loan_id}) == returned


def test_checkin_recomputes_the_accrued_fine_instead_of_adding_a_second_one(db):
    desk = Desk(db, daily_fine=Decimal("0.50"))
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 6)
    _accrue(db, datetime.utcnow())
    accrued = db.one("SELECT fine_id, amount FROM fines WHERE loan_id = :l", {"l": loan_id})
    assert accrued["amount"] == Decimal("3.00")
    _, fine_id, amount, _ = desk.checkin(copy, returned_at=today() - timedelta(days=4) + timedelta(hours=9))
    assert (fine_id, amount) == (accrued["fine_id"], Decimal("1.00"))
    assert db.scalar("SELECT COUNT(*) FROM fines WHERE loan_id = :l", {"l": loan_id}) == 1
    assert _fine(db, fine_id)["amount"] == Decimal("1.00")


def test_back_dated_checkin_before_the_due_date_cancels_the_accrued_fine(db):
    desk = Desk(db, daily_fine=Decimal("0.50"))
    loan_id, copy = desk.lend()
    due = desk.due_days_ago(loan_id, 4)
    _accrue(db, datetime.utcnow())
    fine_id = db.scalar("SELECT fine_id FROM fines WHERE loan_id = :l", {"l": loan_id})
    assert desk.checkin(copy, returned_at=due - timedelta(hours=2))[1:3] == (None, 0)
    fine = _fine(db, fine_id)
    assert (fine["status"], fine["amount"]) == ("WAIVED", 0)
    assert db.fn("lib_fines.balance", db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l",
                                                {"l": loan_id}), returns=Decimal) == 0


def test_checkin_never_lowers_a_fine_below_what_was_paid(db):
    desk = Desk(db, daily_fine=Decimal("1.00"))
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 5)
    _accrue(db, datetime.utcnow())
    fine_id = db.scalar("SELECT fine_id FROM fines WHERE loan_id = :l", {"l": loan_id})
    db.call("lib_fines.pay", fine_id, Decimal("4.00"), "CASH", None, Out(int), Out(Decimal), Out(Decimal), Out(str))
    _, fine_after, amount, _ = desk.checkin(copy, returned_at=today() - timedelta(days=3) + timedelta(hours=9))
    assert (fine_after, amount) == (fine_id, Decimal("4.00"))
    assert _fine(db, fine_id)["status"] == "PAID"


# ---- holds -----------------------------------------------------------------------------------------

def test_checkin_traps_the_copy_for_the_first_pending_hold(db):
    desk = Desk(db)
    material = desk.f.material()
    loan_id, copy = desk.lend(copy=desk.copy(material))
    first = db.call("lib_holds.place", desk.patron(), material, desk.branch, Out(int), Out(int))[0]
    db.call("lib_holds.place", desk.patron(), material, desk.branch, Out(int), Out(int))
    _, _, _, hold_id = desk.checkin(copy)
    assert hold_id == first
    assert db.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": first}) == \
        {"status": "READY", "copy_id": copy}
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_HOLD_SHELF"


def test_checkin_at_another_branch_sends_the_copy_in_transit_to_the_pickup_branch(db):
    desk = Desk(db)
    material = desk.f.material()
    loan_id, copy = desk.lend(copy=desk.copy(material))
    hold = db.call("lib_holds.place", desk.patron(), material, desk.branch, Out(int), Out(int))[0]
    _, _, _, hold_id = desk.checkin(copy, branch=desk.f.branch())
    assert hold_id == hold
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "IN_TRANSIT"


def test_checkin_of_a_copy_in_transit_without_loan_is_its_arrival(db):
    desk = Desk(db)
    material = desk.f.material()
    loan_id, copy = desk.lend(copy=desk.copy(material))
    hold = db.call("lib_holds.place", desk.patron(), material, desk.branch, Out(int), Out(int))[0]
    desk.checkin(copy, branch=desk.f.branch())
    closed, fine_id, amount, hold_id = desk.checkin(copy, branch=desk.branch)
    assert (closed, fine_id, amount, hold_id) == (None, None, 0, hold)
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold}) == "READY"
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_HOLD_SHELF"


def test_checkin_of_a_copy_in_transit_for_no_hold_makes_it_available(db):
    desk = Desk(db)
    copy = desk.copy(status="IN_TRANSIT")
    assert desk.checkin(copy) == (None, None, 0, None)
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"


# ---- refusals --------------------------------------------------------------------------------------

def test_checkin_of_a_copy_not_on_loan_is_not_refused(db):
    """Check in anything (issue 13): no LOAN_NOT_ACTIVE for a copy scanned at return."""
    desk = Desk(db)
    copy = desk.copy()
    assert desk.checkin(copy) == (None, None, 0, None)
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"


def test_checkin_refused_when_copy_not_found(db):
    desk = Desk(db)
    desk.refused(-20102, lambda: desk.checkin(-1))


def test_checkin_loan_refused_when_loan_not_found(db):
    desk = Desk(db)
    desk.refused(-20101, lambda: desk.checkin_loan(-1))


def test_checkin_loan_refused_when_loan_already_returned(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.checkin(copy)
    desk.refused(-20108, lambda: desk.checkin_loan(loan_id))


def test_checkin_refused_when_return_time_is_in_the_future(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.refused(-20112, lambda: desk.checkin(copy, returned_at=datetime.utcnow() + timedelta(hours=1)))


def test_checkin_refused_when_return_time_is_before_the_checkout(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.due_days_ago(loan_id, 1)
    checkout_at = db.scalar("SELECT checkout_at FROM loans WHERE loan_id = :l", {"l": loan_id})
    desk.refused(-20112, lambda: desk.checkin(copy, returned_at=checkout_at - timedelta(minutes=1)))


def test_checkin_refused_for_an_unknown_branch(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.refused(-20505, lambda: desk.checkin(copy, branch=-1))


def test_checkin_refused_without_circ_return_permission(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    db.set_actor(desk.f.user(roles=("CATALOGER",)))
    desk.refused(-20411, lambda: desk.checkin(copy))
