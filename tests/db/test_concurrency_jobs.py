"""The nightly jobs and the desk at the same moment: no lost update, no double action, no deadlock.

The pattern of tests/db/test_concurrency.py: one session holds the rows it changed (uncommitted), the
other runs in a Background thread and must stay blocked for BLOCKED_FOR; then the first commits and
the second is joined. Jobs COMMIT their own batches, so they run from an autocommit session
(lib_jobs.run_job, as tests/db/test_jobs.py does) and absorb whatever earlier tests left for them.
Every test leaves its committed rows settled (no overdue ACTIVE loan, no READY or PENDING hold).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out
from tests.db.test_concurrency import BLOCKED_FOR, Background, _arrange, _checkin, _checkout, _desk
from tests.factories import today

LOAN_NOT_ACTIVE = -20108
PAYMENT_EXCEEDS_BALANCE = -20203
HOLD_ALREADY_EXISTS = -20302
HOLD_NOT_ACTIVE = -20306


def _job_session(new_session):
    s = new_session()
    s.raw.autocommit = True  # the job ends its own transactions
    return s


def _run_job(s, job: str):
    return s.call("lib_jobs.run_job", job, None, Out(int))[0]


def _job_run(s, run_id: int) -> dict:
    row = s.one("SELECT status, error_text FROM job_runs WHERE run_id = :r", {"r": run_id})
    s.rollback()
    return row


def _fresh(s, sql: str, binds: dict):
    s.rollback()
    value = s.scalar(sql, binds)
    s.rollback()
    return value


def _place(s, patron, material, branch):
    return s.call("lib_holds.place", patron, material, branch, Out(int), Out(int))[0]


def _lock_copy_as_checkout_does(desk, copy):
    """The first statement of lib_circulation.checkout: the desk now holds the copy, not yet the hold."""
    assert desk.scalar("SELECT copy_id FROM copies WHERE copy_id = :c FOR UPDATE", {"c": copy}) == copy


# ---- MARK_LOST against the desk ---------------------------------------------------------------------

def _long_overdue_loan(new_session, days_overdue: int = 40, **policy):
    """A committed ACTIVE loan due `days_overdue` days ago under lost_after_days 30."""
    s, d = _arrange(new_session, patrons=1, lost_after_days=30, **policy)
    s.set_actor(d["librarian"])
    loan, _ = _checkout(s, d["patrons"][0], d["copies"][0])
    due = today() - timedelta(days=days_overdue) + timedelta(hours=12)
    s.execute("UPDATE loans SET checkout_at = :c, due_at = :d WHERE loan_id = :l",
              {"c": due - timedelta(days=14), "d": due, "l": loan})
    s.commit()
    return s, d, loan


def _settle(new_session, d, copy):
    """Check the copy in when a loan is still open on it (no overdue ACTIVE loan left behind)."""
    desk = _desk(new_session, d["librarian"])
    if desk.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c AND status IN ('ACTIVE', 'LOST')", {"c": copy}):
        _checkin(desk, copy, d["branch"])
    desk.commit()


def test_a_return_committed_while_mark_lost_waits_is_not_marked_lost_and_the_job_succeeds(new_session):
    s, d, loan = _long_overdue_loan(new_session)
    copy = d["copies"][0]
    desk = _desk(new_session, d["librarian"])
    try:
        _checkin(desk, copy, d["branch"])                              # holds the copy and the loan
        job = Background(_job_session(new_session), _run_job, "MARK_LOST")
        job.thread.join(BLOCKED_FOR)
        assert job.thread.is_alive(), "MARK_LOST should wait for the copy the desk is checking in"
        desk.commit()
        job.join()

        assert job.error is None, job.error                           # not JOB_FAILED over LOAN_NOT_ACTIVE
        assert _job_run(s, job.result)["status"] == "SUCCEEDED"
        assert _fresh(s, "SELECT status FROM loans WHERE loan_id = :l", {"l": loan}) == "RETURNED"
        assert _fresh(s, "SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"
        assert _fresh(s, "SELECT COUNT(*) FROM fines WHERE loan_id = :l AND fine_type = 'LOST'", {"l": loan}) == 0
    finally:
        desk.rollback()
        _settle(new_session, d, copy)


def test_a_renewal_committed_while_mark_lost_waits_is_not_marked_lost(new_session):
    s, d, loan = _long_overdue_loan(new_session, max_fine=Decimal("50"), fine_block_threshold=Decimal("100"))
    copy = d["copies"][0]
    desk = _desk(new_session, d["librarian"])
    try:
        new_due, _ = desk.call("lib_circulation.renew", loan, Out(datetime), Out(int))   # holds the loan
        assert new_due > datetime.utcnow()
        job = Background(_job_session(new_session), _run_job, "MARK_LOST")
        job.thread.join(BLOCKED_FOR)
        assert job.thread.is_alive(), "MARK_LOST should wait for the loan the desk is renewing"
        desk.commit()
        job.join()

        assert job.error is None, job.error
        # renewed to a due date in the future: not lost, no replacement charge, the copy still on loan
        row = s.one("SELECT status, due_at, renewals FROM loans WHERE loan_id = :l", {"l": loan})
        s.rollback()
        assert (row["status"], row["renewals"]) == ("ACTIVE", 1)
        assert _fresh(s, "SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"
        assert _fresh(s, "SELECT COUNT(*) FROM fines WHERE loan_id = :l AND fine_type = 'LOST'", {"l": loan}) == 0
    finally:
        desk.rollback()
        _settle(new_session, d, copy)


# ---- hold-shelf copy: EXPIRE_HOLDS and cancel against the checkout of it -----------------------------

def _ready_hold_with_queue(new_session):
    """A committed title with one copy on the hold shelf for hold A, hold B next in the queue."""
    s, d = _arrange(new_session, patrons=2)
    s.set_actor(d["librarian"])
    holder, next_in_line = d["patrons"]
    copy = d["copies"][0]
    hold_a = _place(s, holder, d["material"], d["branch"])
    hold_b = _place(s, next_in_line, d["material"], d["branch"])
    (trapped,) = s.call("lib_holds.trap_copy", copy, d["branch"], Out(int))
    assert trapped == hold_a
    s.commit()
    return s, d, hold_a, hold_b


def _settle_holds(new_session, d, *holds):
    """Cancel what is still open of the test's holds, then check the copy in (no queue work left)."""
    desk = _desk(new_session, d["librarian"])
    for hold in holds:
        if desk.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold}) in ("PENDING", "SUSPENDED", "READY"):
            desk.call("lib_holds.cancel", hold, "test cleanup")
    desk.commit()
    _settle(new_session, d, d["copies"][0])


def _hold(s, hold: int) -> dict:
    row = s.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": hold})
    s.rollback()
    return row


def test_expire_holds_and_the_checkout_of_the_hold_shelf_copy_do_not_deadlock(new_session):
    s, d, hold_a, hold_b = _ready_hold_with_queue(new_session)
    copy = d["copies"][0]
    s.execute("UPDATE holds SET expires_at = :t WHERE hold_id = :h", {"t": today() - timedelta(seconds=1), "h": hold_a})
    s.commit()
    desk = _desk(new_session, d["librarian"])
    try:
        _lock_copy_as_checkout_does(desk, copy)    # the patron is at the desk with the copy
        job = Background(_job_session(new_session), _run_job, "EXPIRE_HOLDS")
        job.join()                                 # skips the copy the desk holds: never waits for a desk
        assert job.error is None, job.error
        assert _job_run(s, job.result)["status"] == "SUCCEEDED"
        assert _hold(s, hold_a) == {"status": "READY", "copy_id": copy}
        try:
            loan, _ = _checkout(desk, d["patrons"][0], copy)
        except DbError as exc:
            pytest.fail(f"the checkout of the hold-shelf copy failed beside EXPIRE_HOLDS: {exc!r}")
        desk.commit()

        assert _hold(s, hold_a) == {"status": "FULFILLED", "copy_id": copy}
        assert _hold(s, hold_b) == {"status": "PENDING", "copy_id": None}   # not trapped for a copy on loan
        assert _fresh(s, "SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"
        assert _fresh(s, "SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan}) == d["patrons"][0]
    finally:
        desk.rollback()
        _settle_holds(new_session, d, hold_a, hold_b)


def test_a_hold_skipped_while_a_desk_held_its_copy_expires_on_the_next_run(new_session):
    s, d, hold_a, hold_b = _ready_hold_with_queue(new_session)
    copy = d["copies"][0]
    s.execute("UPDATE holds SET expires_at = :t WHERE hold_id = :h", {"t": today() - timedelta(seconds=1), "h": hold_a})
    s.commit()
    desk = _desk(new_session, d["librarian"])
    try:
        _lock_copy_as_checkout_does(desk, copy)
        _run_job(_job_session(new_session), "EXPIRE_HOLDS")
        assert _hold(s, hold_a) == {"status": "READY", "copy_id": copy}
        desk.rollback()                            # the desk let the copy go without lending it

        _run_job(_job_session(new_session), "EXPIRE_HOLDS")
        assert _hold(s, hold_a)["status"] == "EXPIRED"
        assert _hold(s, hold_b) == {"status": "READY", "copy_id": copy}   # the copy went to the next in line
    finally:
        desk.rollback()
        _settle_holds(new_session, d, hold_a, hold_b)


def test_cancelling_a_ready_hold_while_its_copy_is_checked_out_to_the_holder_does_not_deadlock(new_session):
    s, d, hold_a, hold_b = _ready_hold_with_queue(new_session)
    copy = d["copies"][0]
    desk = _desk(new_session, d["librarian"])
    try:
        _lock_copy_as_checkout_does(desk, copy)
        cancel = Background(_desk(new_session, d["librarian"]), lambda c: c.call("lib_holds.cancel", hold_a, "phoned"))
        cancel.thread.join(BLOCKED_FOR)
        assert cancel.thread.is_alive(), "the cancel should wait for the copy the desk is lending"
        try:
            _checkout(desk, d["patrons"][0], copy)
        except DbError as exc:
            pytest.fail(f"the checkout of the hold-shelf copy failed beside the cancel: {exc!r}")
        desk.commit()
        cancel.join()

        # the checkout fulfilled the hold first: there is nothing left to cancel, and nothing passed on
        assert cancel.error is not None and cancel.error.code == HOLD_NOT_ACTIVE, cancel.error
        assert _hold(s, hold_a) == {"status": "FULFILLED", "copy_id": copy}
        assert _hold(s, hold_b) == {"status": "PENDING", "copy_id": None}
        assert _fresh(s, "SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"
    finally:
        desk.rollback()
        _settle_holds(new_session, d, hold_a, hold_b)


def test_cancelling_a_hold_trapped_meanwhile_never_deadlocks_with_the_holders_checkout(new_session):
    """The cancel waits for the hold while a return traps a copy for it; the holder's checkout of that
    copy waits for the copy. When the return commits, the cancel holds the hold and must not wait for the
    copy (the checkout holds it and wants the hold): it takes it at once or fails as a retryable conflict."""
    s, d = _arrange(new_session, patrons=2)
    holder, borrower = d["patrons"]
    copy = d["copies"][0]
    s.set_actor(d["librarian"])
    _checkout(s, borrower, copy)
    hold = _place(s, holder, d["material"], d["branch"])
    s.commit()
    returning = _desk(new_session, d["librarian"])
    try:
        assert _checkin(returning, copy, d["branch"])[3] == hold      # trapped, uncommitted: copy and hold held
        cancel = Background(_desk(new_session, d["librarian"]), lambda c: c.call("lib_holds.cancel", hold, "phoned"))
        cancel.thread.join(BLOCKED_FOR)
        collect = Background(_desk(new_session, d["librarian"]), _checkout, holder, copy)
        collect.thread.join(BLOCKED_FOR)
        assert cancel.thread.is_alive() and collect.thread.is_alive()
        returning.commit()
        cancel.join()
        collect.join()

        assert collect.error is None, collect.error                  # the patron at the desk gets the copy
        assert cancel.error is None or cancel.error.sqlstate in ("55P03", "ORA-00054"), cancel.error
        assert _fresh(s, "SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"
    finally:
        returning.rollback()
        _settle_holds(new_session, d, hold)


# ---- candidates without a race: guards -------------------------------------------------------------

def test_two_payments_that_together_exceed_a_fine_leave_it_paid_once(new_session):
    s, d = _arrange(new_session, patrons=1)
    s.set_actor(d["librarian"])
    (fine,) = s.call("lib_fines.add_charge", d["patrons"][0], None, "MANUAL", Decimal("5.00"), "test", Out(int))
    s.commit()
    first, second = _desk(new_session, d["librarian"]), _desk(new_session, d["librarian"])
    first.call("lib_fines.pay", fine, Decimal("3.00"), "CASH", None, Out(int), Out(Decimal), Out(Decimal),
               Out(str))  # holds the fine
    other = Background(second, lambda c: c.call("lib_fines.pay", fine, Decimal("3.00"), "CARD", None,
                                                 Out(int), Out(Decimal), Out(Decimal), Out(str)))
    other.thread.join(BLOCKED_FOR)
    assert other.thread.is_alive(), "the second payment should wait for the fine row"
    first.commit()
    other.join()

    assert other.error is not None and other.error.code == PAYMENT_EXCEEDS_BALANCE, other.error
    row = s.one("SELECT amount_paid, status FROM fines WHERE fine_id = :f", {"f": fine})
    s.rollback()
    assert (row["amount_paid"], row["status"]) == (Decimal("3.00"), "OPEN")
    assert _fresh(s, "SELECT COUNT(*) FROM payments WHERE fine_id = :f", {"f": fine}) == 1


def test_two_desks_placing_one_patrons_hold_on_one_title_make_one_hold(new_session):
    s, d = _arrange(new_session, patrons=1)
    patron = d["patrons"][0]
    first, second = _desk(new_session, d["librarian"]), _desk(new_session, d["librarian"])
    hold = _place(first, patron, d["material"], d["branch"])          # holds the patron row
    other = Background(second, _place, patron, d["material"], d["branch"])
    other.thread.join(BLOCKED_FOR)
    assert other.thread.is_alive(), "the second placement should wait for the patron row"
    first.commit()
    other.join()
    try:
        assert other.error is not None and other.error.code == HOLD_ALREADY_EXISTS, other.error
        assert _fresh(s, "SELECT COUNT(*) FROM holds WHERE patron_id = :p", {"p": patron}) == 1
    finally:
        _settle_holds(new_session, d, hold)
