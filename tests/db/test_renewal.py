"""lib_circulation.renew / renew_own / renew_by_barcode: limits, holds, blocked patrons, new due dates."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.db.desk import END_OF_DAY, CirculationDesk
from tests.factories import today


class Desk(CirculationDesk):
    def lend(self, patron=None, material=None) -> int:
        """A loan lent some days ago, due in two days: a renewal moves its due date."""
        copy = self.copy(material)
        loan_id = self.checkout(patron or self.patron(), copy)[0]
        self.set_due(loan_id, today() + timedelta(days=2) + END_OF_DAY)
        return loan_id

    def refused(self, code, call):
        refused_leaving(self.db, code, call,
                        "SELECT loan_id, due_at, renewals, last_renewed_at FROM loans ORDER BY loan_id")


def test_renew_sets_a_new_due_date_loan_days_from_today(db):
    desk = Desk(db, loan_days=14)
    loan_id = desk.lend()
    desk.set_due(loan_id, today() + timedelta(days=2) + END_OF_DAY)
    due_at, renewals = desk.renew(loan_id)
    assert (due_at, renewals) == (today() + timedelta(days=14) + END_OF_DAY, 1)
    loan = db.one("SELECT due_at, renewals, last_renewed_at FROM loans WHERE loan_id = :l", {"l": loan_id})
    assert (loan["due_at"], loan["renewals"]) == (due_at, 1)
    assert loan["last_renewed_at"] is not None


def test_renew_from_the_due_date_when_the_policy_says_so(db):
    desk = Desk(db, loan_days=14, renew_from_due="Y")
    loan_id = desk.lend()
    desk.set_due(loan_id, today() + timedelta(days=5) + END_OF_DAY)
    assert desk.renew(loan_id)[0] == today() + timedelta(days=19) + END_OF_DAY


def test_renew_from_the_due_date_of_an_overdue_loan_counts_from_today(db):
    desk = Desk(db, loan_days=14, renew_from_due="Y")
    loan_id = desk.lend()
    desk.set_due(loan_id, today() - timedelta(days=30) + END_OF_DAY)
    assert desk.renew(loan_id)[0] == today() + timedelta(days=14) + END_OF_DAY


def test_renew_that_would_not_move_the_due_date_is_refused_and_not_counted(db):
    """Never shortens the loan, and spends no renewal on nothing (issue 13: RENEWAL_TOO_SOON)."""
    desk = Desk(db, loan_days=7)
    loan_id = desk.lend()
    far = today() + timedelta(days=20) + END_OF_DAY
    desk.set_due(loan_id, far)
    desk.refused(-20151, lambda: desk.renew(loan_id))


def test_renew_on_the_day_of_checkout_is_refused_too_soon(db):
    desk = Desk(db, loan_days=14)
    loan_id = desk.checkout(desk.patron(), desk.copy())[0]
    desk.refused(-20151, lambda: desk.renew(loan_id))
    assert db.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": loan_id}) == 0


def test_renew_due_date_moves_past_closed_days(db):
    desk = Desk(db, loan_days=14)
    loan_id = desk.lend()
    desk.set_due(loan_id, today() + END_OF_DAY)
    desk.f.closed_day(today() + timedelta(days=14), desk.branch)
    assert desk.renew(loan_id)[0] == today() + timedelta(days=15) + END_OF_DAY


def test_renew_counts_renewals_up_to_the_limit(db):
    desk = Desk(db, max_renewals=2)
    loan_id = desk.lend()
    assert desk.renew(loan_id)[1] == 1
    desk.set_due(loan_id, today() + END_OF_DAY)
    assert desk.renew(loan_id)[1] == 2
    desk.set_due(loan_id, today() + END_OF_DAY)
    desk.refused(-20109, lambda: desk.renew(loan_id))


def test_renew_refused_when_the_policy_allows_no_renewal(db):
    desk = Desk(db, max_renewals=0)
    loan_id = desk.lend()
    desk.refused(-20109, lambda: desk.renew(loan_id))


def test_renew_refused_when_another_patron_waits_for_the_title(db):
    desk = Desk(db)
    material = desk.f.material()
    loan_id = desk.lend(material=material)
    db.call("lib_holds.place", desk.patron(), material, desk.branch, Out(int), Out(int))
    desk.refused(-20110, lambda: desk.renew(loan_id))


def test_renew_allowed_when_another_copy_can_fill_the_waiting_hold(db):
    desk = Desk(db)
    material = desk.f.material()
    loan_id = desk.lend(material=material)
    desk.f.copy(material_id=material, branch_id=desk.branch)
    db.call("lib_holds.place", desk.patron(), material, desk.branch, Out(int), Out(int))
    assert desk.renew(loan_id)[1] == 1


@pytest.mark.parametrize("status, code", [("SUSPENDED", -20402), ("DELETED", -20404), ("EXPIRED", -20403)])
def test_renew_refused_for_blocked_patron_status(db, status, code):
    desk = Desk(db)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    db.execute("UPDATE patrons SET status = :s WHERE patron_id = :p", {"s": status, "p": patron})
    desk.refused(code, lambda: desk.renew(loan_id))


def test_renew_refused_when_the_card_has_expired(db):
    desk = Desk(db)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    db.execute("UPDATE patrons SET expires_on = :d WHERE patron_id = :p",
               {"d": today() - timedelta(days=1), "p": patron})
    desk.refused(-20403, lambda: desk.renew(loan_id))


def test_renew_refused_when_fines_reach_the_block_threshold(db):
    desk = Desk(db, fine_block_threshold=3)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    db.call("lib_fines.add_charge", patron, None, "MANUAL", Decimal("3.00"), "test", Out(int))
    desk.refused(-20405, lambda: desk.renew(loan_id))


def test_renew_refused_for_a_returned_loan(db):
    desk = Desk(db)
    loan_id = desk.lend()
    db.call("lib_circulation.checkin_loan", loan_id, None, None, None, Out(int), Out(Decimal), Out(int))
    desk.refused(-20108, lambda: desk.renew(loan_id))


def test_renew_refused_for_a_lost_loan(db):
    desk = Desk(db)
    loan_id = desk.lend()
    db.call("lib_circulation.mark_lost", loan_id)
    desk.refused(-20115, lambda: desk.renew(loan_id))


def test_renew_refused_for_an_unknown_loan(db):
    desk = Desk(db)
    desk.refused(-20101, lambda: desk.renew(-1))


def test_renew_refused_without_circ_renew_permission(db):
    desk = Desk(db)
    loan_id = desk.lend()
    db.set_actor(desk.f.user(roles=("CATALOGER",)))
    desk.refused(-20411, lambda: desk.renew(loan_id))


def test_renew_of_an_overdue_loan_charges_the_fine_up_to_now_and_keeps_it(db):
    desk = Desk(db, daily_fine=Decimal("0.50"), loan_days=14)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    desk.set_due(loan_id, today() - timedelta(days=4) + END_OF_DAY)
    due_at, _ = desk.renew(loan_id)
    assert due_at == today() + timedelta(days=14) + END_OF_DAY
    fine = db.one("SELECT amount, status, fine_type FROM fines WHERE loan_id = :l", {"l": loan_id})
    assert fine == {"amount": Decimal("2.00"), "status": "OPEN", "fine_type": "OVERDUE"}


def test_renew_by_barcode_renews_the_active_loan_of_the_copy(db):
    desk = Desk(db)
    loan_id = desk.lend()
    barcode = db.scalar("SELECT c.barcode FROM copies c JOIN loans l ON l.copy_id = c.copy_id "
                        "WHERE l.loan_id = :l", {"l": loan_id})
    renewed, due_at, renewals = db.call("lib_circulation.renew_by_barcode", barcode, Out(int), Out(datetime),
                                        Out(int))
    assert (renewed, renewals) == (loan_id, 1)


def test_renew_by_barcode_refused_when_the_copy_is_not_on_loan(db):
    desk = Desk(db)
    barcode = desk.f.barcode(desk.f.copy(branch_id=desk.branch))
    desk.refused(-20108, lambda: db.call("lib_circulation.renew_by_barcode", barcode, Out(int), Out(datetime),
                                         Out(int)))


# ---- patron self-renewal ---------------------------------------------------------------------------

def _patron_login(desk):
    user = desk.f.user(roles=("PATRON",))
    return user, desk.patron(user_id=user)


def test_renew_own_lets_the_patron_renew_without_staff_permission(db):
    desk = Desk(db)
    user, patron = _patron_login(desk)
    loan_id = desk.lend(patron)
    db.set_actor(user)
    due_at, renewals = db.call("lib_circulation.renew_own", patron, loan_id, Out(datetime), Out(int))
    assert renewals == 1


def test_renew_own_refused_for_another_patrons_loan(db):
    desk = Desk(db)
    user, patron = _patron_login(desk)
    loan_id = desk.lend()
    db.set_actor(user)
    desk.refused(-20101, lambda: db.call("lib_circulation.renew_own", patron, loan_id, Out(datetime), Out(int)))


def test_renew_own_refused_when_the_actor_is_not_the_patron_nor_staff(db):
    desk = Desk(db)
    _, patron = _patron_login(desk)
    loan_id = desk.lend(patron)
    intruder, _ = _patron_login(desk)
    db.set_actor(intruder)
    desk.refused(-20411, lambda: db.call("lib_circulation.renew_own", patron, loan_id, Out(datetime), Out(int)))


def test_renew_own_applies_the_same_rules_as_the_desk(db):
    desk = Desk(db, max_renewals=0)
    user, patron = _patron_login(desk)
    loan_id = desk.lend(patron)
    db.set_actor(user)
    desk.refused(-20109, lambda: db.call("lib_circulation.renew_own", patron, loan_id, Out(datetime), Out(int)))
