"""lib_calendar: closed days of a branch and library-wide closures."""
from datetime import datetime, timedelta

from tests.factories import Factory, today


def _day(offset: int) -> datetime:
    return today() + timedelta(days=offset)


def test_next_open_day_is_the_day_itself_when_open(db):
    b = Factory(db).branch()
    assert db.fn("lib_calendar.next_open_day", b, _day(3) + timedelta(hours=15), returns=datetime) == _day(3)


def test_next_open_day_skips_consecutive_closed_days_of_the_branch(db):
    f = Factory(db)
    b = f.branch()
    f.closed_day(_day(3), b)
    f.closed_day(_day(4), b)
    assert db.fn("lib_calendar.next_open_day", b, _day(3), returns=datetime) == _day(5)


def test_next_open_day_skips_library_wide_closed_days(db):
    f = Factory(db)
    b = f.branch()
    f.closed_day(_day(40))
    assert db.fn("lib_calendar.next_open_day", b, _day(40), returns=datetime) == _day(41)


def test_next_open_day_ignores_closures_of_other_branches(db):
    f = Factory(db)
    b = f.branch()
    f.closed_day(_day(3), f.branch())
    assert db.fn("lib_calendar.next_open_day", b, _day(3), returns=datetime) == _day(3)


def test_is_closed_reports_branch_and_library_wide_closures(db):
    f = Factory(db)
    b = f.branch()
    f.closed_day(_day(2), b)
    f.closed_day(_day(41))
    assert db.fn("lib_calendar.is_closed", b, _day(2) + timedelta(hours=9)) == 1
    assert db.fn("lib_calendar.is_closed", b, _day(41)) == 1
    assert db.fn("lib_calendar.is_closed", b, _day(1)) == 0


def test_closed_days_between_excludes_the_start_and_includes_the_end(db):
    f = Factory(db)
    b = f.branch()
    for offset in (1, 3, 5):
        f.closed_day(_day(offset), b)
    assert db.fn("lib_calendar.closed_days_between", b, _day(1), _day(5) + timedelta(hours=10)) == 2
    assert db.fn("lib_calendar.closed_days_between", b, _day(0), _day(4)) == 2
    assert db.fn("lib_calendar.closed_days_between", b, _day(5), _day(1)) == 0


def test_closed_days_between_counts_a_day_closed_twice_once(db):
    f = Factory(db)
    b = f.branch()
    f.closed_day(_day(42), b)
    f.closed_day(_day(42))
    assert db.fn("lib_calendar.closed_days_between", b, _day(41), _day(43)) == 1


def test_due_at_is_the_end_of_the_first_open_day_after_the_period(db):
    f = Factory(db)
    b = f.branch()
    f.closed_day(_day(14), b)
    due = db.fn("lib_calendar.due_at", b, datetime.utcnow(), 14, returns=datetime)
    assert due == _day(15) + timedelta(hours=23, minutes=59, seconds=59)


def test_end_of_day_is_one_second_before_midnight(db):
    assert db.fn("lib_calendar.end_of_day", _day(1) + timedelta(hours=8), returns=datetime) == \
        _day(1) + timedelta(hours=23, minutes=59, seconds=59)
