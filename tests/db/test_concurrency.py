"""Real parallel sessions: row locks keep one copy on one loan, a patron under the loan limit and one
copy per hold. Data is committed (unique barcodes and cards, a branch of its own) and left in place:
it touches nothing other tests look at.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import DbError, Out
from tests.factories import Factory, today

BLOCKED_FOR = 0.5   # seconds a second session must stay blocked on a lock held by the first
JOIN_TIMEOUT = 20


def _arrange(new_session, copies: int = 1, patrons: int = 2, **policy):
    """Committed branch, policy, librarian, patrons and copies of one title."""
    s = new_session()
    f = Factory(s)
    branch = f.branch()
    f.policy(branch_id=branch, **policy)
    librarian = f.user(roles=("LIBRARIAN",))
    material = f.material()
    data = {"branch": branch, "librarian": librarian, "material": material,
            "patrons": [f.patron(branch_id=branch) for _ in range(patrons)],
            "copies": [f.copy(material_id=material, branch_id=branch) for _ in range(copies)]}
    s.commit()
    return s, data


def _desk(new_session, librarian):
    s = new_session()
    s.set_actor(librarian)
    s.commit()
    return s


def _checkout(s, patron, copy):
    return s.call("lib_circulation.checkout", patron, copy, None, None, None, None, Out(int), Out(datetime))


def _checkin(s, copy, branch):
    return s.call("lib_circulation.checkin", copy, branch, None, None, Out(int), Out(int), Out(Decimal), Out(int))


class Background:
    """Run one call in another thread on its own session; commit on success, roll back on refusal."""

    def __init__(self, session, fn, *args):
        self.session, self.result, self.error = session, None, None
        self.thread = threading.Thread(target=self._run, args=(fn, *args), daemon=True)
        self.thread.start()

    def _run(self, fn, *args):
        try:
            self.result = fn(self.session, *args)
            self.session.commit()
        except DbError as exc:
            self.error = exc
            self.session.rollback()

    def join(self):
        self.thread.join(JOIN_TIMEOUT)
        assert not self.thread.is_alive(), "the second session never finished (deadlock?)"
        return self


def test_two_desks_lending_one_copy_make_exactly_one_loan(new_session):
    s, d = _arrange(new_session)
    copy = d["copies"][0]
    first, second = _desk(new_session, d["librarian"]), _desk(new_session, d["librarian"])

    loan_id, _ = _checkout(first, d["patrons"][0], copy)          # holds the copy row
    other = Background(second, _checkout, d["patrons"][1], copy)
    other.thread.join(BLOCKED_FOR)
    assert other.thread.is_alive(), "the second desk should wait for the copy lock"
    first.commit()
    other.join()

    assert other.result is None
    assert other.error.code in (-20103, -20104), other.error
    assert s.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c AND status = 'ACTIVE'", {"c": copy}) == 1
    assert s.scalar("SELECT patron_id FROM loans WHERE copy_id = :c", {"c": copy}) == d["patrons"][0]


def test_many_desks_racing_for_one_copy_make_exactly_one_loan_without_deadlock(new_session):
    racers = 6
    s, d = _arrange(new_session, patrons=racers)
    copy = d["copies"][0]
    sessions = [_desk(new_session, d["librarian"]) for _ in range(racers)]
    start = threading.Barrier(racers)
    outcomes: list = [None] * racers

    def race(i):
        start.wait()
        try:
            _checkout(sessions[i], d["patrons"][i], copy)
            sessions[i].commit()
            outcomes[i] = "loan"
        except DbError as exc:
            sessions[i].rollback()
            outcomes[i] = exc.code

    threads = [threading.Thread(target=race, args=(i,), daemon=True) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads)
    assert outcomes.count("loan") == 1
    assert all(o in ("loan", -20103, -20104) for o in outcomes), outcomes
    assert s.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c", {"c": copy}) == 1


def test_two_desks_lending_to_one_patron_at_the_loan_limit_make_one_loan(new_session):
    s, d = _arrange(new_session, copies=2, patrons=1, loan_limit=1)
    patron = d["patrons"][0]
    first, second = _desk(new_session, d["librarian"]), _desk(new_session, d["librarian"])

    _checkout(first, patron, d["copies"][0])                       # holds the patron row
    other = Background(second, _checkout, patron, d["copies"][1])
    other.thread.join(BLOCKED_FOR)
    assert other.thread.is_alive(), "the second desk should wait for the patron lock"
    first.commit()
    other.join()

    assert other.error is not None and other.error.code == -20107, other.error
    assert s.scalar("SELECT COUNT(*) FROM loans WHERE patron_id = :p AND status = 'ACTIVE'", {"p": patron}) == 1


def test_two_returns_of_one_title_trap_each_hold_at_most_once(new_session):
    s, d = _arrange(new_session, copies=2, patrons=4)
    lib = d["librarian"]
    borrower_a, borrower_b, holder_1, holder_2 = d["patrons"]
    copy_a, copy_b = d["copies"]
    s.set_actor(lib)
    _checkout(s, borrower_a, copy_a)
    _checkout(s, borrower_b, copy_b)
    hold_1 = s.call("lib_holds.place", holder_1, d["material"], d["branch"], Out(int), Out(int))[0]
    hold_2 = s.call("lib_holds.place", holder_2, d["material"], d["branch"], Out(int), Out(int))[0]
    s.commit()

    first, second = _desk(new_session, lib), _desk(new_session, lib)
    trapped_first = _checkin(first, copy_a, d["branch"])[3]            # traps hold 1, keeps it locked
    other = Background(second, _checkin, copy_b, d["branch"])
    other.thread.join(BLOCKED_FOR)
    first.commit()
    other.join()

    assert other.error is None, other.error
    trapped_second = other.result[3]
    assert {trapped_first, trapped_second} == {hold_1, hold_2}
    rows = s.rows("SELECT hold_id, status, copy_id FROM holds WHERE hold_id IN (:a, :b) ORDER BY hold_id",
                  {"a": hold_1, "b": hold_2})
    assert [r["status"] for r in rows] == ["READY", "READY"]
    assert {r["copy_id"] for r in rows} == {copy_a, copy_b}


def test_concurrent_returns_racing_for_one_hold_trap_it_once(new_session):
    racers = 4
    s, d = _arrange(new_session, copies=racers, patrons=racers + 1)
    lib = d["librarian"]
    s.set_actor(lib)
    for i in range(racers):
        _checkout(s, d["patrons"][i], d["copies"][i])
    hold = s.call("lib_holds.place", d["patrons"][-1], d["material"], d["branch"], Out(int), Out(int))[0]
    s.commit()

    sessions = [_desk(new_session, lib) for _ in range(racers)]
    start = threading.Barrier(racers)
    trapped: list = [None] * racers

    def race(i):
        start.wait()
        try:
            trapped[i] = _checkin(sessions[i], d["copies"][i], d["branch"])[3]
            sessions[i].commit()
        except DbError as exc:
            sessions[i].rollback()
            trapped[i] = exc

    threads = [threading.Thread(target=race, args=(i,), daemon=True) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads)
    assert not any(isinstance(t, DbError) for t in trapped), trapped
    assert trapped.count(hold) == 1
    assert trapped.count(None) == racers - 1
    statuses = s.rows("SELECT status FROM copies WHERE material_id = :m", {"m": d["material"]})
    assert sorted(r["status"] for r in statuses) == ["AVAILABLE"] * (racers - 1) + ["ON_HOLD_SHELF"]


# ---- the nightly accrual against the desk -----------------------------------------------------------

def _accrue(s, as_of):
    return s.call("lib_fines_core.accrue_overdue", as_of, Out(int))[0]


def _committed_overdue_fine(new_session, days_overdue: int):
    """A committed loan due `days_overdue` days ago (0.50 a day) whose fine was accrued two nights ago."""
    s, d = _arrange(new_session, patrons=1, daily_fine=Decimal("0.50"), max_fine=Decimal("50"))
    s.set_actor(d["librarian"])
    loan, _ = _checkout(s, d["patrons"][0], d["copies"][0])
    due = today() - timedelta(days=days_overdue) + timedelta(hours=23, minutes=59, seconds=59)
    s.execute("UPDATE loans SET checkout_at = :c, due_at = :d WHERE loan_id = :l",
              {"c": due - timedelta(days=14), "d": due, "l": loan})
    _accrue(s, today() - timedelta(days=2))
    s.commit()
    fine = s.scalar("SELECT fine_id FROM fines WHERE loan_id = :l AND fine_type = 'OVERDUE'", {"l": loan})
    return s, d, fine


def _last_nights_accrual_waits_for(desk, new_session) -> None:
    """Accrual for last night in another session: it must wait for the fine row the desk holds, then
    finish without error once the desk commits."""
    accrual = Background(new_session(), _accrue, today() - timedelta(days=1))
    accrual.thread.join(BLOCKED_FOR)
    assert accrual.thread.is_alive(), "the accrual should wait for the fine row"
    desk.commit()
    accrual.join()
    assert accrual.error is None, accrual.error


def test_a_waiver_committed_while_the_nightly_accrual_waits_stays_waived(new_session):
    s, d, fine = _committed_overdue_fine(new_session, days_overdue=10)
    manager = Factory(s).user(roles=("BRANCH_MANAGER",), home_branch_id=d["branch"])
    s.commit()
    desk = _desk(new_session, manager)
    try:
        desk.call("lib_fines.waive", fine, "notice never sent")           # holds the fine row
        _last_nights_accrual_waits_for(desk, new_session)
        row = s.one("SELECT status, amount, waive_reason FROM fines WHERE fine_id = :f", {"f": fine})
        assert (row["status"], row["waive_reason"]) == ("WAIVED", "notice never sent")
        assert row["amount"] == Decimal("4.00")                             # 8 days, as it was waived
    finally:
        desk.rollback()
        _checkin(_desk(new_session, d["librarian"]), d["copies"][0], d["branch"])  # no overdue loan left behind
        s.commit()


def test_a_return_committed_while_the_nightly_accrual_waits_keeps_the_fine_it_charged(new_session):
    s, d, fine = _committed_overdue_fine(new_session, days_overdue=10)
    desk = _desk(new_session, d["librarian"])
    _, fine_id, charged, _ = _checkin(desk, d["copies"][0], d["branch"])   # 10 days, holds the fine row
    assert (fine_id, charged) == (fine, Decimal("5.00"))
    _last_nights_accrual_waits_for(desk, new_session)                      # last night: 9 days
    row = s.one("SELECT status, amount, accrued_through FROM fines WHERE fine_id = :f", {"f": fine})
    assert (row["status"], row["amount"], row["accrued_through"]) == ("OPEN", Decimal("5.00"), today())


def test_a_back_dated_return_committed_while_the_nightly_accrual_waits_keeps_its_lower_fine(new_session):
    s, d, fine = _committed_overdue_fine(new_session, days_overdue=10)      # accrued through 8 days: 4.00
    desk = _desk(new_session, d["librarian"])
    returned = today() - timedelta(days=4) + timedelta(hours=12)            # the book drop, 4 days ago
    _, fine_id, charged, _ = desk.call("lib_circulation.checkin", d["copies"][0], d["branch"], returned, None,
                                       Out(int), Out(int), Out(Decimal), Out(int))
    assert (fine_id, charged) == (fine, Decimal("3.00"))                    # 6 days
    _last_nights_accrual_waits_for(desk, new_session)
    row = s.one("SELECT amount, accrued_through FROM fines WHERE fine_id = :f", {"f": fine})
    assert row == {"amount": Decimal("3.00"), "accrued_through": today() - timedelta(days=4)}
