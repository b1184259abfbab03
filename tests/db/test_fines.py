"""lib_fines: nightly accrual, payments, waivers, manual and lost charges, the balance."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.db.desk import CirculationDesk
from tests.factories import today

D = Decimal


class Desk(CirculationDesk):
    def lend(self, patron=None, replacement_cost=30) -> int:
        copy = self.copy(self.f.material(replacement_cost=replacement_cost))
        return self.checkout(patron or self.patron(), copy)[0]

    def overdue_loan(self, days: int, patron=None) -> int:
        loan_id = self.lend(patron)
        self.due_days_ago(loan_id, days)
        return loan_id

    def refused(self, code, call):
        refused_leaving(self.db, code, call,
                        "SELECT fine_id, amount, amount_paid, status FROM fines ORDER BY fine_id",
                        "SELECT COUNT(*) FROM payments")


def _accrue(db, as_of):
    return db.call("lib_fines_core.accrue_overdue", as_of, Out(int))[0]


def _overdue_fine(db, loan_id):
    return db.one("SELECT * FROM fines WHERE loan_id = :l AND fine_type = 'OVERDUE'", {"l": loan_id})


def _balance(db, patron):
    return db.fn("lib_fines.balance", patron, returns=D)


# ---- balance ---------------------------------------------------------------------------------------

def test_balance_is_what_is_still_owed_on_open_fines(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    patron = desk.patron()
    assert _balance(db, patron) == 0
    a = desk.charge(patron, "5.00")
    desk.charge(patron, "2.50")
    waived = desk.charge(patron, "9.00")
    desk.pay(a, "1.25")
    db.call("lib_fines.waive", waived, "goodwill")
    assert _balance(db, patron) == D("6.25")


# ---- nightly accrual -------------------------------------------------------------------------------

def test_accrual_charges_every_overdue_loan_through_the_day(db):
    desk = Desk(db)
    loan_id = desk.overdue_loan(4)
    assert _accrue(db, datetime.utcnow()) >= 1
    fine = _overdue_fine(db, loan_id)
    assert (fine["amount"], fine["status"], fine["accrued_through"]) == (D("2.00"), "OPEN", today())
    assert fine["patron_id"] == db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan_id})


def test_accrual_skips_loans_not_yet_overdue_and_returned_loans(db):
    desk = Desk(db)
    on_time = desk.lend()
    returned = desk.overdue_loan(3)
    db.call("lib_circulation.checkin_loan", returned, None, today() - timedelta(days=3) + timedelta(hours=9),
            None, Out(int), Out(D), Out(int))
    _accrue(db, datetime.utcnow())
    assert _overdue_fine(db, on_time) is None
    assert _overdue_fine(db, returned) is None


def test_accrual_run_twice_for_the_same_day_changes_nothing(db):
    desk = Desk(db)
    loan_id = desk.overdue_loan(6)
    _accrue(db, datetime.utcnow())
    first = _overdue_fine(db, loan_id)
    _accrue(db, datetime.utcnow())
    assert _overdue_fine(db, loan_id) == first
    assert db.scalar("SELECT COUNT(*) FROM fines WHERE loan_id = :l", {"l": loan_id}) == 1


def test_accrual_on_the_next_day_grows_the_same_fine(db):
    desk = Desk(db)
    loan_id = desk.overdue_loan(2)
    _accrue(db, datetime.utcnow())
    _accrue(db, datetime.utcnow() + timedelta(days=1))
    fine = _overdue_fine(db, loan_id)
    assert (fine["amount"], fine["accrued_through"]) == (D("1.50"), today() + timedelta(days=1))
    assert db.scalar("SELECT COUNT(*) FROM fines WHERE loan_id = :l", {"l": loan_id}) == 1


def test_accrual_subtracts_grace_days_and_closed_days_and_caps_at_max_fine(db):
    desk = Desk(db, daily_fine=D("1.00"), grace_days=1, max_fine=D("100"))
    loan_id = desk.overdue_loan(6)
    desk.f.closed_day(today() - timedelta(days=2), desk.branch)
    desk.f.closed_day(today() - timedelta(days=1))
    capped = Desk(db, daily_fine=D("1.00"), max_fine=D("3.00")).overdue_loan(30)
    _accrue(db, datetime.utcnow())
    assert _overdue_fine(db, loan_id)["amount"] == D("3.00")
    assert _overdue_fine(db, capped)["amount"] == D("3.00")


def test_accrual_within_grace_days_creates_no_fine(db):
    desk = Desk(db, grace_days=3)
    loan_id = desk.overdue_loan(3)
    _accrue(db, datetime.utcnow())
    assert _overdue_fine(db, loan_id) is None


def test_accrual_leaves_a_waived_overdue_fine_alone(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    loan_id = desk.overdue_loan(2)
    _accrue(db, datetime.utcnow())
    fine_id = _overdue_fine(db, loan_id)["fine_id"]
    db.call("lib_fines.waive", fine_id, "first offence")
    _accrue(db, datetime.utcnow() + timedelta(days=3))
    fine = _overdue_fine(db, loan_id)
    assert (fine["status"], fine["amount"]) == ("WAIVED", D("1.00"))


def test_accrual_reopens_a_paid_overdue_fine_that_grows(db):
    desk = Desk(db)
    loan_id = desk.overdue_loan(2)
    _accrue(db, datetime.utcnow())
    fine_id = _overdue_fine(db, loan_id)["fine_id"]
    desk.pay(fine_id, "1.00")
    assert _overdue_fine(db, loan_id)["status"] == "PAID"
    _accrue(db, datetime.utcnow() + timedelta(days=1))
    fine = _overdue_fine(db, loan_id)
    assert (fine["status"], fine["amount"], fine["amount_paid"], fine["closed_at"]) == \
        ("OPEN", D("1.50"), D("1.00"), None)


def test_overdue_charge_previews_the_fine_of_a_return_at_a_time(db):
    desk = Desk(db)
    loan_id = desk.overdue_loan(4)
    assert db.fn("lib_fines.overdue_charge", loan_id, datetime.utcnow(), returns=D) == D("2.00")
    assert db.fn("lib_fines.overdue_charge", loan_id, today() - timedelta(days=2), returns=D) == D("1.00")
    assert _overdue_fine(db, loan_id) is None


# ---- payments --------------------------------------------------------------------------------------

def test_pay_part_of_a_fine_records_a_payment_and_keeps_it_open(db):
    desk = Desk(db)
    patron = desk.patron()
    fine_id = desk.charge(patron, "5.00")
    payment_id, left = desk.pay(fine_id, "2.00", "CARD", "receipt 42")
    assert left == D("3.00")
    payment = db.one("SELECT * FROM payments WHERE payment_id = :p", {"p": payment_id})
    assert (payment["fine_id"], payment["patron_id"], payment["amount"], payment["method"], payment["note"],
            payment["received_by"]) == (fine_id, patron, D("2.00"), "CARD", "receipt 42", desk.user)
    fine = db.one("SELECT amount_paid, status FROM fines WHERE fine_id = :f", {"f": fine_id})
    assert fine == {"amount_paid": D("2.00"), "status": "OPEN"}


def test_pay_the_rest_of_a_fine_marks_it_paid(db):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.pay(fine_id, "2.00")
    assert desk.pay(fine_id, "3.00")[1] == 0
    fine = db.one("SELECT amount_paid, status, closed_at FROM fines WHERE fine_id = :f", {"f": fine_id})
    assert (fine["amount_paid"], fine["status"]) == (D("5.00"), "PAID")
    assert fine["closed_at"] is not None
    assert db.scalar("SELECT COUNT(*) FROM payments WHERE fine_id = :f", {"f": fine_id}) == 2


def test_pay_refused_when_the_payment_exceeds_what_is_owed(db):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.pay(fine_id, "4.00")
    desk.refused(-20203, lambda: desk.pay(fine_id, "1.01"))


@pytest.mark.parametrize("amount", ["0", "-1.00", "1.005"])
def test_pay_refused_for_an_invalid_amount(db, amount):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.refused(-20204, lambda: desk.pay(fine_id, amount))


@pytest.mark.parametrize("method", ["BITCOIN", "REFUND", None])
def test_pay_refused_for_an_invalid_method(db, method):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.refused(-20205, lambda: desk.pay(fine_id, "1.00", method))


def test_pay_refused_for_an_unknown_fine(db):
    desk = Desk(db)
    desk.refused(-20201, lambda: desk.pay(-1, "1.00"))


def test_pay_refused_for_a_fine_no_longer_open(db):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "1.00")
    desk.pay(fine_id, "1.00")
    desk.refused(-20202, lambda: desk.pay(fine_id, "1.00"))


def test_pay_refused_without_fine_collect_permission(db):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "5.00")
    db.set_actor(desk.f.user(roles=("CATALOGER",)))
    desk.refused(-20411, lambda: desk.pay(fine_id, "1.00"))


def test_pay_all_settles_the_oldest_fines_first(db):
    desk = Desk(db)
    patron = desk.patron()
    older = desk.charge(patron, "2.00")
    db.execute("UPDATE fines SET assessed_at = assessed_at - 1 WHERE fine_id = :f", {"f": older})
    newer = desk.charge(patron, "3.00")
    payments, left = db.call("lib_fines.pay_all", patron, D("3.50"), "CASH", None, Out(int), Out(D))
    assert (payments, left) == (2, D("1.50"))
    assert db.one("SELECT status, amount_paid FROM fines WHERE fine_id = :f", {"f": older}) == \
        {"status": "PAID", "amount_paid": D("2.00")}
    assert db.one("SELECT status, amount_paid FROM fines WHERE fine_id = :f", {"f": newer}) == \
        {"status": "OPEN", "amount_paid": D("1.50")}


def test_pay_all_refused_when_the_payment_exceeds_the_balance(db):
    desk = Desk(db)
    patron = desk.patron()
    desk.charge(patron, "2.00")
    desk.refused(-20203, lambda: db.call("lib_fines.pay_all", patron, D("2.01"), "CASH", None, Out(int), Out(D)))


# ---- waivers ---------------------------------------------------------------------------------------

def test_waive_closes_the_fine_with_the_reason_and_the_waiver(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    fine_id = desk.charge(desk.patron(), "5.00")
    db.call("lib_fines.waive", fine_id, "  Returned during amnesty week ")
    fine = db.one("SELECT status, waived_by, waive_reason, closed_at FROM fines WHERE fine_id = :f", {"f": fine_id})
    assert (fine["status"], fine["waived_by"], fine["waive_reason"]) == \
        ("WAIVED", desk.user, "Returned during amnesty week")
    assert fine["closed_at"] is not None


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_waive_refused_without_a_reason(db, reason):
    desk = Desk(db, role="BRANCH_MANAGER")
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.refused(-20206, lambda: db.call("lib_fines.waive", fine_id, reason))


def test_waive_refused_without_fine_waive_permission(db):
    desk = Desk(db)  # a librarian collects fines but does not waive them
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.refused(-20411, lambda: db.call("lib_fines.waive", fine_id, "because"))


def test_waive_refused_for_a_fine_no_longer_open(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.pay(fine_id, "5.00")
    desk.refused(-20202, lambda: db.call("lib_fines.waive", fine_id, "because"))


def test_waive_refused_for_an_unknown_fine(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    desk.refused(-20201, lambda: db.call("lib_fines.waive", -1, "because"))


# ---- manual charges --------------------------------------------------------------------------------

def test_add_charge_creates_an_open_fine_tied_to_the_patrons_loan(db):
    desk = Desk(db)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    fine_id = db.call("lib_fines.add_charge", patron, loan_id, "DAMAGE", D("7.50"), "torn pages", Out(int))[0]
    fine = db.one("SELECT * FROM fines WHERE fine_id = :f", {"f": fine_id})
    assert (fine["fine_type"], fine["amount"], fine["status"], fine["loan_id"], fine["description"]) == \
        ("DAMAGE", D("7.50"), "OPEN", loan_id, "torn pages")


@pytest.mark.parametrize("fine_type, amount, code", [("OVERDUE", "1.00", -20903), ("LOST", "1.00", -20903),
                                                     ("MANUAL", "0", -20207), ("MANUAL", "1.001", -20207)])
def test_add_charge_refused_for_invalid_type_or_amount(db, fine_type, amount, code):
    desk = Desk(db)
    patron = desk.patron()
    desk.refused(code, lambda: db.call("lib_fines.add_charge", patron, None, fine_type, D(amount), "x", Out(int)))


def test_add_charge_refused_for_another_patrons_loan(db):
    desk = Desk(db)
    loan_id = desk.lend()
    patron = desk.patron()
    desk.refused(-20101, lambda: db.call("lib_fines.add_charge", patron, loan_id, "DAMAGE", D("1.00"), "x",
                                         Out(int)))


# ---- lost ------------------------------------------------------------------------------------------

def test_mark_lost_bills_the_replacement_cost_and_keeps_the_overdue_fine(db):
    desk = Desk(db)
    loan_id = desk.overdue_loan(4)
    db.execute("UPDATE materials SET replacement_cost = 42.50 WHERE material_id = (SELECT c.material_id "
               "FROM copies c JOIN loans l ON l.copy_id = c.copy_id WHERE l.loan_id = :l)", {"l": loan_id})
    db.call("lib_circulation.mark_lost", loan_id)
    assert db.scalar("SELECT status FROM loans WHERE loan_id = :l", {"l": loan_id}) == "LOST"
    assert db.scalar("SELECT c.status FROM copies c JOIN loans l ON l.copy_id = c.copy_id WHERE l.loan_id = :l",
                     {"l": loan_id}) == "LOST"
    fines = {r["fine_type"]: r["amount"] for r in db.rows(
        "SELECT fine_type, amount FROM fines WHERE loan_id = :l AND status = 'OPEN'", {"l": loan_id})}
    assert fines == {"LOST": D("42.50"), "OVERDUE": D("2.00")}


def test_mark_lost_refused_for_a_loan_already_lost(db):
    desk = Desk(db)
    loan_id = desk.lend()
    db.call("lib_circulation.mark_lost", loan_id)
    desk.refused(-20115, lambda: db.call("lib_circulation.mark_lost", loan_id))
    assert db.scalar("SELECT COUNT(*) FROM fines WHERE loan_id = :l AND fine_type = 'LOST'", {"l": loan_id}) == 1


def test_mark_lost_refused_for_a_returned_or_unknown_loan(db):
    desk = Desk(db)
    loan_id = desk.lend()
    db.call("lib_circulation.checkin_loan", loan_id, None, None, None, Out(int), Out(D), Out(int))
    desk.refused(-20108, lambda: db.call("lib_circulation.mark_lost", loan_id))
    desk.refused(-20101, lambda: db.call("lib_circulation.mark_lost", -1))


def test_mark_lost_by_the_nightly_job_needs_no_actor(db):
    desk = Desk(db)
    loan_id = desk.lend()
    db.set_actor(None)
    db.call("lib_circulation.mark_lost", loan_id)
    assert db.scalar("SELECT status FROM loans WHERE loan_id = :l", {"l": loan_id}) == "LOST"
