"""lib_clock: one UTC clock for every package whatever the session's time zone, the library's calendar
days (LIBRARY_TIME_ZONE) at every day boundary, and money as the same text on both engines."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from datalayer.session import DbError, Out, connect
from tests.db.conftest import refused
from tests.db.desk import END_OF_DAY, CirculationDesk
from tests.factories import today

PATRON_EXPIRED = -20403
PAYMENT_EXCEEDS_BALANCE = -20203
# UTC+14 and UTC-12: at any hour one of them is on another calendar day than UTC
FAR_ZONES = ("Pacific/Kiritimati", "Etc/GMT+12")
SLACK = timedelta(seconds=2)  # times are stored to the second


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def other_day_zone() -> str:
    """The far zone whose calendar day differs from UTC's right now (Kiritimati from 10:00 UTC to
    midnight, Etc/GMT+12 from midnight to 12:00 UTC: the one with the longer margin is chosen)."""
    now = datetime.now(timezone.utc)
    return FAR_ZONES[0] if now.hour >= 11 else FAR_ZONES[1]


def library_zone(db, zone: str) -> ZoneInfo:
    """Set LIBRARY_TIME_ZONE in the test's transaction (rolled back after it)."""
    db.execute("UPDATE app_settings SET value = :z WHERE name = 'LIBRARY_TIME_ZONE'", {"z": zone})
    return ZoneInfo(zone)


def local_today(tz: ZoneInfo) -> date:
    return datetime.now(timezone.utc).astimezone(tz).date()


def utc_of(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant (naive, as the database returns it) of a wall-clock time of the library."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time())


END = time(23, 59, 59)


@pytest.fixture
def tz(db) -> ZoneInfo:
    zone = library_zone(db, other_day_zone())
    assert local_today(zone) != utcnow().date()
    return zone


# ---- the clock -------------------------------------------------------------------------------------

def session_time_zone(db, zone: str) -> None:
    """The session's time zone for the rest of the test (PostgreSQL: this transaction; Oracle: this
    session, which the fixture closes)."""
    if db.engine == "oracle":
        db.execute(f"ALTER SESSION SET TIME_ZONE = '{zone}'")
    else:
        db.execute(f"SET LOCAL TIME ZONE '{zone}'")


def test_checkout_times_are_utc_whatever_the_session_time_zone(db):
    desk = CirculationDesk(db, loan_days=14)
    patron, copy = desk.patron(), desk.copy()
    session_time_zone(db, "Asia/Tokyo")
    before = utcnow()
    loan_id, due_at = desk.checkout(patron, copy)
    after = utcnow()
    loan = db.one("SELECT checkout_at, due_at FROM loans WHERE loan_id = :l", {"l": loan_id})
    assert before - SLACK <= loan["checkout_at"] <= after + SLACK
    assert due_at == loan["due_at"] == today() + timedelta(days=14) + END_OF_DAY
    [audit] = db.rows("SELECT occurred_at FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                      "AND action = 'INSERT'", {"l": loan_id})
    assert before - SLACK <= audit["occurred_at"] <= after + SLACK


def test_the_clock_is_utc_whatever_the_session_time_zone(db):
    for zone in ("Asia/Tokyo", "America/Los_Angeles"):
        session_time_zone(db, zone)
        now = db.fn("lib_clock.now_utc", returns=datetime)
        assert abs(now - utcnow()) <= SLACK
        assert db.fn("lib_clock.today", returns=datetime) == today()


# ---- the library's days ------------------------------------------------------------------------------

def test_due_date_is_the_end_of_a_library_day(db, tz):
    desk = CirculationDesk(db, loan_days=14)
    _, due_at = desk.checkout(desk.patron(), desk.copy())
    assert due_at == utc_of(local_today(tz) + timedelta(days=14), END, tz)


def test_a_closed_day_is_a_day_of_the_library_calendar(db, tz):
    desk = CirculationDesk(db, loan_days=14)
    day = local_today(tz) + timedelta(days=14)
    desk.f.closed_day(midnight(day), desk.branch)
    _, due_at = desk.checkout(desk.patron(), desk.copy())
    assert due_at == utc_of(day + timedelta(days=1), END, tz)


def test_a_due_date_given_as_a_day_ends_with_that_library_day(db, tz):
    desk = CirculationDesk(db)
    day = local_today(tz) + timedelta(days=3)
    _, due_at = desk.checkout(desk.patron(), desk.copy(), due=midnight(day))
    assert due_at == utc_of(day, END, tz)


def test_card_expiry_is_checked_against_the_library_day(db, tz):
    desk = CirculationDesk(db)
    last_day = local_today(tz)
    valid = desk.patron(expires_on=midnight(last_day))
    expired = desk.patron(expires_on=midnight(last_day - timedelta(days=1)))
    refused(db, PATRON_EXPIRED, "lib_circulation.checkout", expired, desk.copy(), None, None, None, None, Out(int),
            Out(datetime))
    desk.checkout(valid, desk.copy())


def test_fine_days_are_library_days(db, tz):
    desk = CirculationDesk(db, daily_fine=Decimal("1.00"), grace_days=0, max_fine=100)
    loan_id, _ = desk.checkout(desk.patron(), desk.copy())
    # due three library days ago, at an hour that falls on the same date in UTC: counted in UTC days
    # the loan would be two or four days late
    due_day = local_today(tz) - timedelta(days=3)
    due = next(utc_of(due_day, time(h), tz) for h in range(24)
               if utc_of(due_day, time(h), tz).date() == due_day)
    desk.set_due(loan_id, due)
    assert db.fn("lib_fines.overdue_charge", loan_id, utcnow(), returns=Decimal) == Decimal("3.00")
    desk.accrue(utcnow())
    fine = desk.fines(loan_id)["OVERDUE"]
    assert (fine["amount"], fine["accrued_through"]) == (Decimal("3.00"), midnight(local_today(tz)))


def test_hold_pickup_deadline_is_the_end_of_a_library_day(db, tz):
    desk = CirculationDesk(db, hold_pickup_days=7)
    material = desk.f.material()
    copy = desk.copy(material)
    hold_id = desk.place_hold(desk.patron(), material)
    (trapped,) = db.call("lib_holds.trap_copy", copy, desk.branch, Out(int))
    assert trapped == hold_id
    expires_at = db.scalar("SELECT expires_at FROM holds WHERE hold_id = :h", {"h": hold_id})
    assert expires_at == utc_of(local_today(tz) + timedelta(days=7), END, tz)


def test_a_job_works_for_the_library_day(committed, installed_db):
    """A job run without a day works for the library's today (the setting is committed for the job's
    session and put back after)."""
    zone = other_day_zone()
    job = connect(installed_db)
    job.raw.autocommit = True
    try:
        committed.execute("UPDATE app_settings SET value = :z WHERE name = 'LIBRARY_TIME_ZONE'", {"z": zone})
        committed.commit()
        (run_id,) = job.call("lib_jobs.run_job", "GENERATE_NOTICES", None, Out(int))
        as_of_day = job.scalar("SELECT as_of_day FROM job_runs WHERE run_id = :r", {"r": run_id})
    finally:
        committed.execute("UPDATE app_settings SET value = 'UTC' WHERE name = 'LIBRARY_TIME_ZONE'")
        committed.commit()
        job.close()
    assert as_of_day == midnight(local_today(ZoneInfo(zone)))


# ---- money as text -------------------------------------------------------------------------------------

def test_money_text_has_two_decimals_and_a_leading_zero(db):
    def text(amount):
        return db.fn("lib_fines.money_text", amount, returns=str)
    assert [text(Decimal(a)) for a in ("10", "0.25", "-3.1", "1234567.5", "0")] == \
        ["10.00", "0.25", "-3.10", "1234567.50", "0.00"]
    assert text(Decimal("0.001")) == "0.001"  # a refused input keeps its decimals
    assert text(None) is None


def test_audit_values_of_money_columns_have_two_decimals(db):
    desk = CirculationDesk(db, role="BRANCH_MANAGER")
    patron = desk.patron()
    ten, quarter = desk.charge(patron, "10"), desk.charge(patron, "0.25")
    (payment_id, _) = desk.pay(quarter, "0.25")

    def new_values(table, row_id):
        text = db.scalar("SELECT new_values FROM audit_log WHERE table_name = :t AND row_id = :r "
                         "AND action = 'INSERT'", {"t": table, "r": row_id})
        return dict(p.split("=", 1) for p in text.split(";"))

    assert (new_values("fines", ten)["amount"], new_values("fines", ten)["amount_paid"]) == ("10.00", "0.00")
    assert new_values("fines", quarter)["amount"] == "0.25"
    assert new_values("payments", payment_id)["amount"] == "0.25"
    paid = db.scalar("SELECT new_values FROM audit_log WHERE table_name = 'fines' AND row_id = :r "
                     "AND action = 'UPDATE'", {"r": quarter})
    assert "amount_paid=0.25" in paid.split(";")


def test_a_refused_payment_names_the_amount_owed_in_money_text(db):
    desk = CirculationDesk(db, role="BRANCH_MANAGER")
    fine = desk.charge(desk.patron(), "10")
    with pytest.raises(DbError) as err:
        with db.savepoint():
            desk.pay(fine, "10.50")
    assert err.value.code == PAYMENT_EXCEEDS_BALANCE
    assert "owed 10.00" in err.value.message  # the text is what this test is about
