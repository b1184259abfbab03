"""Transits, check in anything, renew all and lost copies that come back (issue 13), through lib_circulation."""
from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import Out
from tests.db.desk import END_OF_DAY, CirculationDesk
from tests.factories import today

CHECKIN_OUT = (Out(int), Out(int), Out(datetime), Out(int), Out(Decimal), Out(int), Out(int), Out(str), Out(int),
               Out(str))


class Desk(CirculationDesk):
    def checkin_at(self, copy, branch):
        """(loan_id, hold_id, hold_status, transit_to, copy_status)"""
        out = self.db.call("lib_circulation.checkin_desk", None, copy, None, branch, None, None, *CHECKIN_OUT)
        return out[0], out[5], out[7], out[8], out[9]

    def open_transits(self, copy):
        return self.db.rows("SELECT from_branch_id, to_branch_id, reason, hold_id FROM transits "
                            "WHERE copy_id = :c AND received_at IS NULL AND cancelled_at IS NULL", {"c": copy})

    def status(self, copy):
        return self.db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy})


# ---- transits --------------------------------------------------------------------------------------

def test_a_copy_returned_away_from_home_goes_in_transit_home_and_arrives(db):
    desk = Desk(db)
    away = desk.f.branch()
    copy = desk.copy()
    loan_id, _ = desk.checkout(desk.patron(), copy)
    closed, hold_id, _, transit_to, status = desk.checkin_at(copy, away)
    assert (closed, hold_id, transit_to, status) == (loan_id, None, desk.branch, "IN_TRANSIT")
    assert desk.open_transits(copy) == [{"from_branch_id": away, "to_branch_id": desk.branch, "reason": "HOME",
                                         "hold_id": None}]
    # the later check-in at home completes it: on the shelf, no loan closed
    closed, hold_id, _, transit_to, status = desk.checkin_at(copy, desk.branch)
    assert (closed, hold_id, transit_to, status) == (None, None, None, "AVAILABLE")
    assert desk.open_transits(copy) == []
    assert db.scalar("SELECT received_branch_id FROM transits WHERE copy_id = :c", {"c": copy}) == desk.branch


def test_a_copy_trapped_for_a_hold_elsewhere_travels_to_the_pickup_branch_and_is_then_ready(db):
    desk = Desk(db)
    pickup = desk.f.branch()
    material = desk.f.material()
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    hold_id = desk.place_hold(desk.patron(), material, pickup)
    _, trapped, hold_status, transit_to, status = desk.checkin_at(copy, desk.branch)
    assert (trapped, hold_status, transit_to, status) == (hold_id, "PENDING", pickup, "IN_TRANSIT")
    assert desk.open_transits(copy) == [{"from_branch_id": desk.branch, "to_branch_id": pickup, "reason": "HOLD",
                                         "hold_id": hold_id}]
    _, trapped, hold_status, transit_to, status = desk.checkin_at(copy, pickup)
    assert (trapped, hold_status, transit_to, status) == (hold_id, "READY", None, "ON_HOLD_SHELF")
    assert desk.open_transits(copy) == []


def test_a_copy_in_transit_scanned_at_a_third_branch_is_sent_on_again(db):
    desk = Desk(db)
    away, third = desk.f.branch(), desk.f.branch()
    copy = desk.copy()
    desk.checkout(desk.patron(), copy)
    desk.checkin_at(copy, away)
    _, _, _, transit_to, status = desk.checkin_at(copy, third)
    assert (transit_to, status) == (desk.branch, "IN_TRANSIT")
    assert desk.open_transits(copy) == [{"from_branch_id": third, "to_branch_id": desk.branch, "reason": "HOME",
                                         "hold_id": None}]


def test_lending_a_copy_in_transit_to_its_holds_patron_ends_the_transit(db):
    desk = Desk(db)
    pickup = desk.f.branch()
    material = desk.f.material()
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    holder = desk.patron()
    desk.place_hold(holder, material, pickup)
    desk.checkin_at(copy, desk.branch)
    desk.checkout(holder, copy)
    assert desk.open_transits(copy) == []


# ---- check in anything -----------------------------------------------------------------------------

def test_a_copy_on_the_shelf_checks_in_and_is_trapped_for_a_waiting_hold(db):
    desk = Desk(db)
    material = desk.f.material()
    copy = desk.copy(material)
    db.execute("UPDATE copies SET status = 'ON_LOAN' WHERE copy_id = :c", {"c": copy})  # so the hold waits
    hold_id = desk.place_hold(desk.patron(), material)
    db.execute("UPDATE copies SET status = 'AVAILABLE' WHERE copy_id = :c", {"c": copy})
    closed, trapped, hold_status, transit_to, status = desk.checkin_at(copy, desk.branch)
    assert (closed, trapped, hold_status, transit_to, status) == (None, hold_id, "READY", None, "ON_HOLD_SHELF")


def test_a_withdrawn_copy_checks_in_and_stays_as_it_is(db):
    desk = Desk(db)
    copy = desk.copy(status="WITHDRAWN")
    assert desk.checkin_at(copy, desk.f.branch()) == (None, None, None, None, "WITHDRAWN")
    assert desk.open_transits(copy) == []


# ---- renew all -------------------------------------------------------------------------------------

def test_renew_all_answers_per_loan_and_renews_the_ones_it_may(db):
    desk = Desk(db, max_renewals=1)
    patron = desk.patron()
    ok_loan = desk.checkout(patron, desk.copy())[0]
    desk.set_due(ok_loan, today() + timedelta(days=1) + END_OF_DAY)
    too_soon = desk.checkout(patron, desk.copy())[0]
    patron_id, results = db.call("lib_circulation.renew_all", patron, None, None, None, None, Out(int), Out(str))
    assert patron_id == patron
    lines = dict((int(x.split("|")[0]), x.split("|")[1:]) for x in results.split(";"))
    assert lines[ok_loan][0] == "OK" and lines[ok_loan][2] == "1"
    assert lines[too_soon] == ["RENEWAL_TOO_SOON", "RENEWAL_TOO_SOON", ""]
    assert db.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": too_soon}) == 0
    assert db.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": ok_loan}) == 1


# ---- lost copies that come back --------------------------------------------------------------------

def _lost_days_ago(desk, days_overdue, lost_days_ago):
    db = desk.db
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)[0]
    desk.due_days_ago(loan_id, days_overdue)
    db.call("lib_circulation.mark_lost", loan_id)
    db.execute("UPDATE loans SET lost_at = lost_at - :d WHERE loan_id = :l", {"d": lost_days_ago, "l": loan_id})
    db.execute("UPDATE fines SET accrued_through = accrued_through - :d WHERE loan_id = :l AND fine_type = 'OVERDUE'",
               {"d": lost_days_ago, "l": loan_id})
    return loan_id, copy


def test_the_overdue_fine_of_a_lost_copy_stops_at_the_day_it_was_declared_lost(db):
    """Koha bug 22877: 10 days overdue when declared lost 6 days ago = 4 days charged, not 10."""
    desk = Desk(db, daily_fine=Decimal("0.50"), max_fine=Decimal("100"))
    loan_id, copy = _lost_days_ago(desk, days_overdue=10, lost_days_ago=6)
    desk.checkin(copy)
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == Decimal("2.00")


def test_a_lost_charge_partly_paid_is_refunded_or_kept_as_the_setting_says(db):
    desk = Desk(db)
    loan_id, copy = _lost_days_ago(desk, days_overdue=0, lost_days_ago=0)
    lost = desk.fines(loan_id)["LOST"]
    desk.pay(lost["fine_id"], "5.00")
    db.execute("UPDATE app_settings SET value = '0' WHERE name = 'LOST_REFUND_PAID'")
    desk.checkin(copy)
    after = desk.fines(loan_id)["LOST"]
    assert (after["status"], after["amount"], after["amount_paid"]) == ("PAID", Decimal("5.00"), Decimal("5.00"))
    assert db.scalar("SELECT COUNT(*) FROM payments WHERE fine_id = :f AND method = 'REFUND'",
                     {"f": lost["fine_id"]}) == 0
