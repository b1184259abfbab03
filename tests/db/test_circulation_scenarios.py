"""Whole stories across checkout, renewal, accrual, check-in, holds and lost copies."""
from datetime import timedelta
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out
from tests.db.desk import END_OF_DAY, CirculationDesk
from tests.factories import today

D = Decimal


class Desk(CirculationDesk):
    """The stories are told at a branch manager's desk unless a test says otherwise."""

    def __init__(self, db, role: str = "BRANCH_MANAGER", **policy):
        super().__init__(db, role, **policy)

    def checkout(self, patron, copy, override=None) -> int:
        return super().checkout(patron, copy, override=override)[0]


# ---- a back-dated return after a renewal -----------------------------------------------------------

def test_back_dated_return_after_renewal_never_charges_days_before_the_renewed_due_date(db):
    desk = Desk(db, loan_days=14)
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)
    desk.shift_back(loan_id, 10)                      # due in 4 days
    desk.renew(loan_id)                               # due in 14 days
    desk.shift_back(loan_id, 7)                       # the first due date passed 3 days ago
    desk.accrue()
    assert desk.fines(loan_id) == {}
    _, fine_id, amount, _ = desk.checkin(copy, returned_at=today() - timedelta(days=1) + timedelta(hours=11))
    assert (fine_id, amount) == (None, 0)
    assert desk.fines(loan_id) == {}


def test_back_dated_return_after_an_overdue_renewal_keeps_only_the_fine_charged_at_renewal(db):
    desk = Desk(db, loan_days=14)
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)
    desk.shift_back(loan_id, 18)                      # 4 days overdue
    desk.accrue()
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == D("2.00")
    due_at, renewals = desk.renew(loan_id)            # overdue fine up to now stays
    assert (due_at, renewals) == (today() + timedelta(days=14) + END_OF_DAY, 1)
    desk.shift_back(loan_id, 2)
    _, fine_id, amount, _ = desk.checkin(copy, returned_at=today() - timedelta(days=1))
    assert amount == D("2.00")
    assert desk.fines(loan_id)["OVERDUE"]["fine_id"] == fine_id
    assert len(desk.fines(loan_id)) == 1


def test_renewed_loan_overdue_again_adds_the_new_period_to_the_same_fine(db):
    desk = Desk(db, loan_days=14, max_fine=D("100"))
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)
    desk.shift_back(loan_id, 18)                      # 4 days overdue: 2.00
    desk.accrue()
    desk.renew(loan_id)
    desk.shift_back(loan_id, 17)                      # the renewed due date passed 3 days ago: + 1.50
    desk.accrue()
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == D("3.50")
    desk.accrue()
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == D("3.50")
    _, fine_id, amount, _ = desk.checkin(copy)
    assert amount == D("3.50")
    assert len(desk.fines(loan_id)) == 1


def test_renewed_loan_overdue_again_is_capped_at_max_fine_in_total(db):
    desk = Desk(db, loan_days=14, max_fine=D("3.00"))
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)
    desk.shift_back(loan_id, 18)
    desk.renew(loan_id)                               # 2.00 charged at renewal
    desk.shift_back(loan_id, 17)
    assert desk.checkin(copy)[2] == D("3.00")


# ---- lost, then found --------------------------------------------------------------------------------

def test_lost_copy_found_refunds_what_was_paid_and_charges_the_overdue_fine(db):
    desk = Desk(db)
    copy = desk.f.copy(material_id=desk.f.material(replacement_cost=30), branch_id=desk.branch)
    patron = desk.patron()
    loan_id = desk.checkout(patron, copy)
    desk.shift_back(loan_id, 17)                      # 3 days overdue
    db.call("lib_circulation.mark_lost", loan_id)
    lost = desk.fines(loan_id)["LOST"]
    assert lost["amount"] == D("30.00")
    db.call("lib_fines.pay", lost["fine_id"], D("10.00"), "CASH", None, Out(int), Out(D), Out(D), Out(str))

    closed, fine_id, amount, hold_id = desk.checkin(copy)
    assert closed == loan_id
    assert db.scalar("SELECT status FROM loans WHERE loan_id = :l", {"l": loan_id}) == "RETURNED"
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"
    fines = desk.fines(loan_id)
    assert fines["LOST"]["status"] == "REFUNDED"
    assert db.scalar("SELECT SUM(amount) FROM payments WHERE fine_id = :f AND method = 'REFUND'",
                     {"f": lost["fine_id"]}) == D("10.00")
    assert (fines["OVERDUE"]["fine_id"], fines["OVERDUE"]["amount"], amount) == (fine_id, D("1.50"), D("1.50"))
    assert db.fn("lib_fines.balance", patron, returns=D) == D("1.50")


def test_lost_copy_found_cancels_an_unpaid_lost_charge(db):
    desk = Desk(db)
    copy = desk.copy()
    patron = desk.patron()
    loan_id = desk.checkout(patron, copy)
    db.call("lib_circulation.mark_lost", loan_id)
    desk.checkin(copy)
    lost = desk.fines(loan_id)["LOST"]
    assert (lost["status"], lost["amount_paid"]) == ("WAIVED", 0)
    assert lost["waive_reason"]
    assert db.fn("lib_fines.balance", patron, returns=D) == 0


def test_lost_copy_found_keeps_the_lost_charge_when_the_policy_gives_no_refund(db):
    desk = Desk(db, lost_refund="N")
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)
    db.call("lib_circulation.mark_lost", loan_id)
    desk.checkin(copy)
    assert desk.fines(loan_id)["LOST"]["status"] == "OPEN"
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"


# ---- the nightly accrual run twice -------------------------------------------------------------------

def test_accrual_run_twice_for_a_day_charges_each_loan_once(db):
    desk = Desk(db, daily_fine=D("0.25"))
    other = Desk(db, daily_fine=D("1.00"), grace_days=1)
    loans = [desk.checkout(desk.patron(), desk.copy()) for _ in range(3)]
    loans.append(other.checkout(other.patron(), other.copy()))
    for days, loan_id in zip((15, 16, 20, 18), loans):
        desk.shift_back(loan_id, days)
    desk.accrue()
    first = {loan_id: desk.fines(loan_id)["OVERDUE"]["amount"] for loan_id in loans}
    assert first == {loans[0]: D("0.25"), loans[1]: D("0.50"), loans[2]: D("1.50"), loans[3]: D("3.00")}
    desk.accrue()
    assert {loan_id: desk.fines(loan_id)["OVERDUE"]["amount"] for loan_id in loans} == first
    assert db.scalar("SELECT COUNT(*) FROM fines WHERE loan_id IN (:a, :b, :c, :d)",
                     dict(zip("abcd", loans))) == 4


# ---- a hold picked up at another branch --------------------------------------------------------------

def test_hold_filled_by_a_copy_returned_at_another_branch_travels_to_the_pickup_branch(db):
    desk = Desk(db)
    material = desk.f.material()
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    pickup = desk.f.branch()
    holder = desk.patron()
    hold_id = desk.place_hold(holder, material, pickup)

    _, _, _, trapped = desk.checkin(copy, branch=desk.branch)        # returned at home, hold is elsewhere
    assert trapped == hold_id
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "IN_TRANSIT"
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold_id}) == "PENDING"

    assert desk.checkin(copy, branch=pickup) == (None, None, 0, hold_id)   # arrival
    assert db.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": hold_id}) == \
        {"status": "READY", "copy_id": copy}
    assert db.one("SELECT status, branch_id FROM copies WHERE copy_id = :c", {"c": copy}) == \
        {"status": "ON_HOLD_SHELF", "branch_id": desk.branch}

    loan_id = desk.checkout(holder, copy)
    assert db.one("SELECT status, loan_id FROM holds WHERE hold_id = :h", {"h": hold_id}) == \
        {"status": "FULFILLED", "loan_id": loan_id}


# ---- the last copy, wanted by a hold and by a walk-in ------------------------------------------------

def test_last_copy_trapped_for_a_hold_is_refused_to_a_walk_in_and_lent_to_the_holder(db):
    desk = Desk(db, role="LIBRARIAN")
    material = desk.f.material()
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    holder, walk_in = desk.patron(), desk.patron()
    hold_id = desk.place_hold(holder, material)
    assert desk.checkin(copy)[3] == hold_id

    assert db.fn("lib_circulation.checkout_permit", walk_in, copy, returns=str) == "COPY_ON_HOLD_FOR_OTHER"
    with pytest.raises(DbError) as err:
        with db.savepoint():
            desk.checkout(walk_in, copy)
    assert err.value.code == -20105
    with pytest.raises(DbError) as err:              # a librarian cannot override it
        with db.savepoint():
            desk.checkout(walk_in, copy, override="Y")
    assert err.value.code == -20113

    assert db.fn("lib_circulation.checkout_permit", holder, copy, returns=str) is None
    loan_id = desk.checkout(holder, copy)
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold_id}) == "FULFILLED"
    assert db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan_id}) == holder


def test_last_copy_still_on_the_shelf_goes_to_the_walk_in_whose_renewal_the_hold_then_blocks(db):
    desk = Desk(db, role="LIBRARIAN")
    material = desk.f.material()
    copy = desk.copy(material)
    holder, walk_in = desk.patron(), desk.patron()
    hold_id = desk.place_hold(holder, material)       # the copy is not pulled from the shelf yet
    loan_id = desk.checkout(walk_in, copy)
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold_id}) == "PENDING"
    with pytest.raises(DbError) as err:
        with db.savepoint():
            desk.renew(loan_id)
    assert err.value.code == -20110
    assert desk.checkin(copy)[3] == hold_id
