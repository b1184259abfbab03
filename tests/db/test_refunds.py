"""lib_fines.refund: money paid on a fine paid back, the bounds of the amount, what the fine owes after it,
the lost copy returned after a refund, and two refunds at once."""
from __future__ import annotations

from decimal import Decimal

import pytest

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.db.desk import CirculationDesk
from tests.db.test_concurrency import BLOCKED_FOR, Background
from tests.factories import Factory

D = Decimal


class Desk(CirculationDesk):
    def __init__(self, db, role: str = "BRANCH_MANAGER", **policy):
        super().__init__(db, role=role, **policy)

    def paid_fine(self, amount="5.00", paid=None, patron=None) -> int:
        fine_id = self.charge(patron or self.patron(), amount)
        self.pay(fine_id, paid or amount)
        return fine_id

    def refund(self, fine_id, amount, method="CASH", reason="charged twice"):
        """(refund_id, refunded, refundable, balance, status)"""
        return refund(self.db, fine_id, amount, method, reason)

    def refused(self, code, call):
        refused_leaving(self.db, code, call,
                        "SELECT fine_id, amount, amount_paid, status, closed_at FROM fines ORDER BY fine_id",
                        "SELECT payment_id, amount, method FROM payments ORDER BY payment_id")


def refund(s, fine_id, amount, method="CASH", reason="charged twice"):
    return s.call("lib_fines.refund", fine_id, None if amount is None else D(amount), method, reason,
                  Out(int), Out(D), Out(D), Out(D), Out(str))


def _fine(db, fine_id):
    return db.one("SELECT amount, amount_paid, status, closed_at FROM fines WHERE fine_id = :f", {"f": fine_id})


def _balance(db, patron):
    return db.fn("lib_fines.balance", patron, returns=D)


# ---- what a refund writes --------------------------------------------------------------------------

def test_full_refund_of_a_paid_fine_records_a_refund_row_and_marks_the_fine_refunded(db):
    desk = Desk(db)
    patron = desk.patron()
    fine_id = desk.paid_fine("5.00", patron=patron)
    refund_id, refunded, refundable, balance, status = desk.refund(fine_id, "5.00", "CARD", "  charged twice ")
    assert (refunded, refundable, balance, status) == (D("5.00"), D("0.00"), D("0.00"), "REFUNDED")
    row = db.one("SELECT * FROM payments WHERE payment_id = :p", {"p": refund_id})
    assert (row["fine_id"], row["patron_id"], row["amount"], row["method"], row["refund_method"], row["note"],
            row["received_by"]) == (fine_id, patron, D("5.00"), "REFUND", "CARD", "charged twice", desk.user)
    fine = _fine(db, fine_id)
    assert (fine["amount"], fine["amount_paid"], fine["status"]) == (D("5.00"), D("5.00"), "REFUNDED")
    assert fine["closed_at"] is not None
    assert _balance(db, patron) == 0


def test_refund_is_audited_with_its_actor(db):
    desk = Desk(db)
    refund_id = desk.refund(desk.paid_fine(), "1.00")[0]
    rows = db.rows("SELECT actor_user_id, new_values FROM audit_log WHERE table_name = 'payments' AND row_id = :p "
                   "AND action = 'INSERT'", {"p": refund_id})
    assert len(rows) == 1 and rows[0]["actor_user_id"] == desk.user
    assert "REFUND" in rows[0]["new_values"] and "CASH" in rows[0]["new_values"]


def test_partial_refunds_of_a_paid_fine_keep_it_paid_until_all_is_refunded(db):
    desk = Desk(db)
    patron = desk.patron()
    fine_id = desk.paid_fine("5.00", patron=patron)
    assert desk.refund(fine_id, "2.00")[1:] == (D("2.00"), D("3.00"), D("0.00"), "PAID")
    assert _fine(db, fine_id)["status"] == "PAID"
    assert _balance(db, patron) == 0                         # a refund is no new debt
    assert desk.refund(fine_id, "3.00")[1:] == (D("5.00"), D("0.00"), D("0.00"), "REFUNDED")
    assert db.scalar("SELECT COUNT(*) FROM payments WHERE fine_id = :f AND method = 'REFUND'", {"f": fine_id}) == 2


def test_refund_on_an_open_fine_leaves_what_is_owed_and_it_stays_open(db):
    desk = Desk(db)
    patron = desk.patron()
    fine_id = desk.paid_fine("10.00", paid="4.00", patron=patron)
    assert desk.refund(fine_id, "1.50")[1:] == (D("1.50"), D("2.50"), D("6.00"), "OPEN")
    assert desk.refund(fine_id, "2.50")[1:] == (D("4.00"), D("0.00"), D("6.00"), "OPEN")
    assert _balance(db, patron) == D("6.00")
    desk.refused(-20603, lambda: desk.refund(fine_id, "0.01"))
    desk.pay(fine_id, "6.00")                                 # the rest paid: refundable again
    assert _fine(db, fine_id)["status"] == "PAID"
    assert desk.refund(fine_id, "6.00")[1:] == (D("10.00"), D("0.00"), D("0.00"), "REFUNDED")


def test_refund_of_the_paid_part_of_a_waived_fine_marks_it_refunded(db):
    desk = Desk(db)
    patron = desk.patron()
    fine_id = desk.paid_fine("10.00", paid="4.00", patron=patron)
    db.call("lib_fines.waive", fine_id, "goodwill")
    assert desk.refund(fine_id, "4.00")[1:] == (D("4.00"), D("0.00"), D("0.00"), "REFUNDED")
    assert _balance(db, patron) == 0


def test_money_adds_up_to_the_cent(db):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "0.30")
    desk.pay(fine_id, "0.10")
    desk.pay(fine_id, "0.20")
    assert desk.refund(fine_id, "0.1")[1:3] == (D("0.10"), D("0.20"))
    assert desk.refund(fine_id, "0.15")[1:3] == (D("0.25"), D("0.05"))
    desk.refused(-20601, lambda: desk.refund(fine_id, "0.06"))
    assert desk.refund(fine_id, "0.05")[1:] == (D("0.30"), D("0.00"), D("0.00"), "REFUNDED")


def test_a_refunded_overdue_fine_is_final_for_the_nightly_accrual(db):
    desk = Desk(db)
    loan_id = desk.checkout(desk.patron(), desk.copy())[0]
    desk.due_days_ago(loan_id, 4)
    desk.accrue()
    fine = desk.fines(loan_id)["OVERDUE"]
    desk.pay(fine["fine_id"], str(fine["amount"]))
    desk.refund(fine["fine_id"], str(fine["amount"]))
    desk.due_days_ago(loan_id, 6)
    desk.accrue()
    assert desk.fines(loan_id)["OVERDUE"]["status"] == "REFUNDED"
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == fine["amount"]


def test_a_lost_copy_returned_pays_back_only_what_staff_have_not_refunded(db):
    desk = Desk(db)
    copy = desk.f.copy(material_id=desk.f.material(replacement_cost=30), branch_id=desk.branch)
    loan_id = desk.checkout(desk.patron(), copy)[0]
    db.call("lib_circulation.mark_lost", loan_id)
    lost = desk.fines(loan_id)["LOST"]["fine_id"]
    desk.pay(lost, "10.00")
    desk.refund(lost, "4.00")
    desk.checkin(copy)
    assert _fine(db, lost)["status"] == "REFUNDED"
    assert db.scalar("SELECT SUM(amount) FROM payments WHERE fine_id = :f AND method = 'REFUND'",
                     {"f": lost}) == D("10.00")
    desk.refused(-20603, lambda: desk.refund(lost, "1.00"))


# ---- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0", "-1.00", "1.005", None])
def test_refund_refused_for_an_invalid_amount(db, amount):
    desk = Desk(db)
    fine_id = desk.paid_fine()
    desk.refused(-20600, lambda: desk.refund(fine_id, amount))


def test_refund_refused_above_what_was_paid_and_not_yet_refunded(db):
    desk = Desk(db)
    fine_id = desk.paid_fine("10.00", paid="5.00")
    desk.refused(-20601, lambda: desk.refund(fine_id, "5.01"))
    desk.refund(fine_id, "3.00")
    desk.refused(-20601, lambda: desk.refund(fine_id, "2.01"))


def test_refund_refused_for_a_fine_nothing_was_paid_on(db):
    desk = Desk(db)
    fine_id = desk.charge(desk.patron(), "5.00")
    desk.refused(-20602, lambda: desk.refund(fine_id, "1.00"))


def test_refund_refused_for_a_fine_already_refunded(db):
    desk = Desk(db)
    fine_id = desk.paid_fine()
    desk.refund(fine_id, "5.00")
    desk.refused(-20603, lambda: desk.refund(fine_id, "1.00"))


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_refund_refused_without_a_reason(db, reason):
    desk = Desk(db)
    fine_id = desk.paid_fine()
    desk.refused(-20604, lambda: desk.refund(fine_id, "1.00", reason=reason))


@pytest.mark.parametrize("method", ["BITCOIN", "REFUND", None])
def test_refund_refused_for_a_method_no_patron_pays_with(db, method):
    desk = Desk(db)
    fine_id = desk.paid_fine()
    desk.refused(-20205, lambda: desk.refund(fine_id, "1.00", method))


def test_refund_refused_for_an_unknown_fine(db):
    desk = Desk(db)
    desk.refused(-20201, lambda: desk.refund(-1, "1.00"))


def test_refund_refused_without_fine_waive_permission(db):
    desk = Desk(db)
    fine_id = desk.paid_fine()
    db.set_actor(desk.f.user(roles=("LIBRARIAN",), home_branch_id=desk.branch))  # collects, does not refund
    desk.refused(-20411, lambda: desk.refund(fine_id, "1.00"))


def test_refund_refused_to_a_branch_manager_of_another_branch(db):
    desk = Desk(db)
    fine_id = desk.paid_fine()
    db.set_actor(desk.f.user(roles=("BRANCH_MANAGER",), home_branch_id=desk.f.branch()))
    desk.refused(-20453, lambda: desk.refund(fine_id, "1.00"))


# ---- two refunds at once -----------------------------------------------------------------------------

def test_two_refunds_racing_never_pay_back_more_than_was_paid(new_session):
    s = new_session()
    f = Factory(s)
    branch = f.branch()
    f.policy(branch_id=branch)
    manager = f.user(roles=("BRANCH_MANAGER",), home_branch_id=branch)
    s.set_actor(manager)
    fine_id = s.call("lib_fines.add_charge", f.patron(branch_id=branch), None, "MANUAL", D("5.00"), "race",
                     Out(int))[0]
    s.call("lib_fines.pay", fine_id, D("5.00"), "CASH", None, Out(int), Out(D), Out(D), Out(str))
    s.commit()
    first, second = new_session(), new_session()
    for desk in (first, second):
        desk.set_actor(manager)
        desk.commit()

    refund(first, fine_id, "3.00")                                   # holds the fine row
    other = Background(second, refund, fine_id, "3.00")
    other.thread.join(BLOCKED_FOR)
    assert other.thread.is_alive(), "the second refund should wait for the fine row"
    first.commit()
    other.join()

    assert other.result is None and other.error.code == -20601, other.error
    assert s.scalar("SELECT SUM(amount) FROM payments WHERE fine_id = :f AND method = 'REFUND'",
                    {"f": fine_id}) == D("3.00")
