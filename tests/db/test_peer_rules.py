"""The peers' circulation rules (lib_policy, lib_calendar, lib_fines_core, lib_patrons.standing): each a
circ_policies column or a setting, matched like the rest of the policy matrix."""
from datetime import timedelta
from decimal import Decimal

from tests.db.conftest import refused_leaving
from tests.db.desk import END_OF_DAY, CirculationDesk
from tests.factories import today

PATRON_BORROWING_SUSPENDED = -20170
RENEWAL_TOO_EARLY = -20171
RENEWAL_BLOCKED_BY_OVERDUE = -20172
PATRON_OVERDUE_LIMIT = -20173


class Desk(CirculationDesk):
    def lend(self, patron=None, material=None) -> int:
        """A loan lent some days ago, due in two days: a renewal moves its due date (not RENEWAL_TOO_SOON)."""
        loan_id = self.checkout(patron or self.patron(), self.copy(material))[0]
        self.set_due(loan_id, today() + timedelta(days=2) + END_OF_DAY)
        return loan_id

    def setting(self, name, value) -> None:
        self.db.execute("UPDATE app_settings SET value = :v WHERE name = :n", {"v": str(value), "n": name})

    def closed_weekday(self, iso_weekday, branch=None) -> None:
        self.db.insert("closed_weekdays", {"branch_id": branch or self.branch, "iso_weekday": iso_weekday,
                                           "reason": "test"}, "closed_weekday_id")

    def suspended_until(self, patron):
        return self.db.scalar("SELECT suspended_until FROM patrons WHERE patron_id = :p", {"p": patron})


# ---- cap_fine_to_price -----------------------------------------------------------------------------

def test_the_overdue_fine_stops_at_the_replacement_cost_when_the_policy_caps_it(db):
    desk = Desk(db, daily_fine=Decimal("1.00"), max_fine=100, fine_block_threshold=1000, cap_fine_to_price="Y")
    loan_id = desk.lend(material=desk.f.material(replacement_cost=12))
    desk.due_days_ago(loan_id, 30)
    assert desk.checkin_loan(loan_id)[1] == Decimal("12.00")


def test_the_nightly_accrual_caps_at_the_replacement_cost_too(db):
    desk = Desk(db, daily_fine=Decimal("1.00"), max_fine=100, fine_block_threshold=1000, cap_fine_to_price="Y")
    loan_id = desk.lend(material=desk.f.material(replacement_cost=12))
    desk.due_days_ago(loan_id, 30)
    desk.accrue()
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == Decimal("12.00")


def test_without_the_cap_only_max_fine_caps(db):
    desk = Desk(db, daily_fine=Decimal("1.00"), max_fine=100, fine_block_threshold=1000)
    loan_id = desk.lend(material=desk.f.material(replacement_cost=12))
    desk.due_days_ago(loan_id, 30)
    assert desk.checkin_loan(loan_id)[1] == Decimal("30.00")


# ---- suspension days per day late ------------------------------------------------------------------

def test_a_late_return_suspends_borrowing_per_day_late(db):
    desk = Desk(db, suspension_days_per_day=2)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    desk.due_days_ago(loan_id, 3)
    desk.checkin_loan(loan_id)
    # 3 days late x 2 = 6 days from today: today is the first, today + 5 the last
    assert desk.suspended_until(patron) == today() + timedelta(days=5)
    refused_leaving(db, PATRON_BORROWING_SUSPENDED, lambda: desk.checkout(patron, desk.copy()),
                    "SELECT COUNT(*) FROM loans")


def test_the_suspension_is_capped_by_max_suspension_days(db):
    desk = Desk(db, suspension_days_per_day=5, max_suspension_days=7)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    desk.due_days_ago(loan_id, 10)
    desk.checkin_loan(loan_id)
    assert desk.suspended_until(patron) == today() + timedelta(days=6)


def test_grace_days_and_closed_days_give_no_suspension(db):
    desk = Desk(db, suspension_days_per_day=3, grace_days=2)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    desk.due_days_ago(loan_id, 2)
    desk.checkin_loan(loan_id)
    assert desk.suspended_until(patron) is None


def test_a_suspension_that_ran_out_no_longer_refuses_and_a_manager_lifts_one(db):
    desk = Desk(db, suspension_days_per_day=1)
    patron = desk.patron()
    db.execute("UPDATE patrons SET suspended_until = :d WHERE patron_id = :p",
               {"d": today() - timedelta(days=1), "p": patron})
    assert db.scalar("SELECT lib_patrons.standing(:p, NULL) FROM dual", {"p": patron}) is None
    db.execute("UPDATE patrons SET suspended_until = :d WHERE patron_id = :p",
               {"d": today() + timedelta(days=3), "p": patron})
    assert db.scalar("SELECT lib_patrons.standing(:p, NULL) FROM dual", {"p": patron}) == "PATRON_BORROWING_SUSPENDED"
    manager = desk.f.user(roles=("BRANCH_MANAGER",), home_branch_id=desk.branch)
    db.set_actor(manager)
    db.call("lib_patrons.reinstate", patron, "talked to the patron")
    assert desk.suspended_until(patron) is None
    assert db.scalar("SELECT status FROM patrons WHERE patron_id = :p", {"p": patron}) == "ACTIVE"


def test_an_on_time_return_gives_no_suspension(db):
    desk = Desk(db, suspension_days_per_day=3)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    desk.checkin_loan(loan_id)
    assert desk.suspended_until(patron) is None


# ---- no renewal before N days ----------------------------------------------------------------------

def test_no_renewal_earlier_than_the_policy_days_before_due(db):
    desk = Desk(db, loan_days=14, no_renewal_before_days=3)
    loan_id = desk.lend()
    desk.set_due(loan_id, today() + timedelta(days=5) + END_OF_DAY)
    refused_leaving(db, RENEWAL_TOO_EARLY, lambda: desk.renew(loan_id),
                    "SELECT due_at, renewals FROM loans ORDER BY loan_id")
    desk.set_due(loan_id, today() + timedelta(days=3) + END_OF_DAY)
    assert desk.renew(loan_id)[1] == 1


# ---- overdue loans block renewal (setting) ---------------------------------------------------------

def test_overdue_blocks_renewal_of_the_overdue_loan_with_setting_1(db):
    desk = Desk(db, fine_block_threshold=1000)
    patron = desk.patron()
    overdue, other = desk.lend(patron), desk.lend(patron)
    desk.due_days_ago(overdue, 2)
    desk.setting("OVERDUE_BLOCKS_RENEWAL", 1)
    refused_leaving(db, RENEWAL_BLOCKED_BY_OVERDUE, lambda: desk.renew(overdue),
                    "SELECT due_at, renewals FROM loans ORDER BY loan_id", "SELECT COUNT(*) FROM fines")
    assert desk.renew(other)[1] == 1


def test_overdue_blocks_every_renewal_of_the_patron_with_setting_2(db):
    desk = Desk(db, fine_block_threshold=1000)
    patron = desk.patron()
    overdue, other = desk.lend(patron), desk.lend(patron)
    desk.due_days_ago(overdue, 2)
    desk.setting("OVERDUE_BLOCKS_RENEWAL", 2)
    refused_leaving(db, RENEWAL_BLOCKED_BY_OVERDUE, lambda: desk.renew(other),
                    "SELECT due_at, renewals FROM loans ORDER BY loan_id")


def test_with_setting_0_an_overdue_loan_renews(db):
    desk = Desk(db, fine_block_threshold=1000)
    loan_id = desk.lend()
    desk.due_days_ago(loan_id, 2)
    assert desk.renew(loan_id)[1] == 1


# ---- card expiry caps the due date -----------------------------------------------------------------

def test_card_expiry_caps_the_due_date_on_the_open_day_before(db):
    desk = Desk(db, loan_days=14)
    expires = today() + timedelta(days=5)
    patron = desk.patron()
    db.execute("UPDATE patrons SET expires_on = :d WHERE patron_id = :p", {"d": expires, "p": patron})
    desk.setting("DUE_DATE_BEFORE_EXPIRY", 1)
    desk.f.closed_day(expires, desk.branch)
    due_at = desk.checkout(patron, desk.copy())[1]
    assert due_at == expires - timedelta(days=1) + END_OF_DAY


def test_without_the_setting_expiry_does_not_cap(db):
    desk = Desk(db, loan_days=14)
    patron = desk.patron()
    db.execute("UPDATE patrons SET expires_on = :d WHERE patron_id = :p",
               {"d": today() + timedelta(days=5), "p": patron})
    assert desk.checkout(patron, desk.copy())[1] == today() + timedelta(days=14) + END_OF_DAY


def test_expiry_caps_a_renewal_too_but_never_below_the_old_due_date(db):
    desk = Desk(db, loan_days=14)
    patron = desk.patron()
    loan_id = desk.lend(patron)
    desk.set_due(loan_id, today() + timedelta(days=2) + END_OF_DAY)
    db.execute("UPDATE patrons SET expires_on = :d WHERE patron_id = :p",
               {"d": today() + timedelta(days=6), "p": patron})
    desk.setting("DUE_DATE_BEFORE_EXPIRY", 1)
    assert desk.renew(loan_id)[0] == today() + timedelta(days=6) + END_OF_DAY


# ---- weekly closures -------------------------------------------------------------------------------

def weekday(day) -> int:
    return day.isoweekday()


def test_a_due_date_on_a_weekly_closure_moves_to_the_next_open_day(db):
    desk = Desk(db, loan_days=14)
    due_day = today() + timedelta(days=14)
    desk.closed_weekday(weekday(due_day))
    assert desk.checkout(desk.patron(), desk.copy())[1] == due_day + timedelta(days=1) + END_OF_DAY
    assert db.scalar("SELECT lib_calendar.is_closed(:b, :d) FROM dual", {"b": desk.branch, "d": due_day}) == 1
    other = desk.f.branch()
    assert db.scalar("SELECT lib_calendar.is_closed(:b, :d) FROM dual", {"b": other, "d": due_day}) == 0


def test_weekly_closures_are_not_charged_and_a_closed_day_on_one_counts_once(db):
    desk = Desk(db, daily_fine=Decimal("1.00"), max_fine=100, fine_block_threshold=1000)
    loan_id = desk.lend()
    desk.due_days_ago(loan_id, 14)  # 14 days late: every weekday twice
    sunday_like = weekday(today() - timedelta(days=3))
    desk.closed_weekday(sunday_like)
    desk.f.closed_day(today() - timedelta(days=3), desk.branch)  # on the weekly closure: not twice
    desk.f.closed_day(today() - timedelta(days=2), desk.branch)
    assert db.scalar("SELECT lib_calendar.closed_days_between(:b, :f, :t) FROM dual",
                     {"b": desk.branch, "f": today() - timedelta(days=14), "t": today()}) == 3
    desk.accrue()
    assert desk.fines(loan_id)["OVERDUE"]["amount"] == Decimal("11.00")
    assert desk.checkin_loan(loan_id)[1] == Decimal("11.00")


def test_iso_weekday_is_monday_1_to_sunday_7(db):
    for offset in range(7):
        day = today() + timedelta(days=offset)
        assert db.scalar("SELECT lib_calendar.iso_weekday(:d) FROM dual", {"d": day}) == day.isoweekday()


# ---- overdue-count penalty -------------------------------------------------------------------------

def test_n_overdue_loans_refuse_checkout_and_an_override_passes(db):
    desk = Desk(db, max_overdue_loans=2, fine_block_threshold=1000)
    patron = desk.patron()
    first, second = desk.lend(patron), desk.lend(patron)
    desk.due_days_ago(first, 1)
    assert desk.lend(patron)  # one overdue: lends
    desk.due_days_ago(second, 1)
    copy = desk.copy()
    refused_leaving(db, PATRON_OVERDUE_LIMIT, lambda: desk.checkout(patron, copy), "SELECT COUNT(*) FROM loans")
    assert db.scalar("SELECT lib_circulation.checkout_permit(:p, :c) FROM dual",
                     {"p": patron, "c": copy}) == "PATRON_OVERDUE_LIMIT"
    manager = desk.f.user(roles=("BRANCH_MANAGER",), home_branch_id=desk.branch)
    db.set_actor(manager)
    assert desk.checkout(patron, copy, override="Y", codes="PATRON_OVERDUE_LIMIT")[0]
