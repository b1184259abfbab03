"""The nightly jobs of lib_jobs: what each changes, idempotence for a day, run history, failure.

Jobs COMMIT, so these tests cannot use the rolled-back `db` fixture: each builds its own rows with
unique keys in a committed session, runs the job from an autocommit session, and asserts on its own
rows (a job works over the whole database; the first run of each test also absorbs whatever earlier
tests left for it, so the second run of the same day must change nothing at all).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from datalayer.session import DbError, Out, Session, connect
from scripts import jobs as jobs_cli
from tests.factories import Factory, today

JOB_FAILED = -20905
JOB_NOT_FOUND = -20904


@pytest.fixture
def run(installed_db):
    """run(job, as_of=None) -> the job_runs row of that run; raises DbError when the job raised."""
    s = connect(installed_db)
    s.raw.autocommit = True  # the job ends its own transactions

    def _run(job: str, as_of: datetime | None = None) -> dict:
        (run_id,) = s.call("lib_jobs.run_job", job, as_of, Out(int))
        return run_row(s, run_id)

    yield _run
    s.close()


def run_row(s: Session, run_id: int) -> dict:
    row = s.one("SELECT * FROM job_runs WHERE run_id = :r", {"r": run_id})
    if not s.raw.autocommit:
        s.rollback()
    return row


def last_run(s: Session, job: str) -> dict:
    row = s.one("SELECT * FROM job_runs WHERE job_name = :j ORDER BY run_id DESC FETCH FIRST 1 ROWS ONLY", {"j": job})
    s.rollback()
    return row


def fresh(s: Session, sql: str, binds: dict | None = None):
    """A read in a new transaction (the job committed in another session)."""
    s.rollback()
    value = s.scalar(sql, binds)
    s.rollback()
    return value


class Library:
    """Committed arrange steps on a branch of the test's own."""

    def __init__(self, s: Session, lost_after_days: int = 30):
        self.s, self.f = s, Factory(s)
        s.set_actor(None)
        self.branch = self.f.branch("Jobs test branch")
        self.policy = self.f.policy(branch_id=self.branch, lost_after_days=lost_after_days, daily_fine=0.50,
                                    grace_days=0, max_fine=10)

    def loan(self, due_at: datetime, patron_id: int | None = None, replacement_cost: float = 30) -> int:
        patron_id = patron_id or self.f.patron(branch_id=self.branch)
        copy_id = self.f.copy(material_id=self.f.material(replacement_cost=replacement_cost), branch_id=self.branch,
                              status="ON_LOAN")
        return self.s.insert("loans", {"copy_id": copy_id, "patron_id": patron_id, "branch_id": self.branch,
                                       "policy_id": self.policy, "status": "ACTIVE",
                                       "checkout_at": due_at - timedelta(days=21), "due_at": due_at}, "loan_id")

    def ready_hold_with_queue(self) -> tuple[int, int, int]:
        """A title with one copy on the hold shelf for hold A, hold B next in the queue: (A, B, copy)."""
        material = self.f.material()
        copy_id = self.f.copy(material_id=material, branch_id=self.branch)
        hold_a = self.s.call("lib_holds.place", self.f.patron(branch_id=self.branch), material, self.branch,
                             Out(int), Out(int))[0]
        hold_b = self.s.call("lib_holds.place", self.f.patron(branch_id=self.branch), material, self.branch,
                             Out(int), Out(int))[0]
        (trapped,) = self.s.call("lib_holds.trap_copy", copy_id, self.branch, Out(int))
        assert trapped == hold_a
        return hold_a, hold_b, copy_id

    def commit(self) -> None:
        self.s.commit()


def test_run_job_with_unknown_name_raises_job_not_found(run):
    with pytest.raises(DbError) as err:
        run("NO_SUCH_JOB")
    assert err.value.code == JOB_NOT_FOUND


def test_expire_patrons_expires_cards_past_their_date_once(committed, run):
    lib = Library(committed)
    expired = lib.f.patron(branch_id=lib.branch, expires_on=today() - timedelta(days=1))
    valid_today = lib.f.patron(branch_id=lib.branch, expires_on=today())
    lib.commit()

    first = run("EXPIRE_PATRONS")
    second = run("EXPIRE_PATRONS")

    status = "SELECT status FROM patrons WHERE patron_id = :p"
    assert fresh(committed, status, {"p": expired}) == "EXPIRED"
    assert fresh(committed, status, {"p": valid_today}) == "ACTIVE"
    assert first["status"] == "SUCCEEDED" and first["rows_affected"] >= 1 and first["batches"] == 1
    assert first["as_of_day"] == today() and first["finished_at"] >= first["started_at"]
    assert second["status"] == "SUCCEEDED" and second["rows_affected"] == 0


def test_expire_holds_expires_unclaimed_hold_and_promotes_the_next_in_queue(committed, run):
    lib = Library(committed)
    hold_a, hold_b, copy_id = lib.ready_hold_with_queue()
    committed.execute("UPDATE holds SET expires_at = :t WHERE hold_id = :h",
                      {"t": today() - timedelta(days=1), "h": hold_a})
    lib.commit()

    first = run("EXPIRE_HOLDS")
    second = run("EXPIRE_HOLDS")

    hold = "SELECT status FROM holds WHERE hold_id = :h"
    assert fresh(committed, hold, {"h": hold_a}) == "EXPIRED"
    assert fresh(committed, hold, {"h": hold_b}) == "READY"
    assert fresh(committed, "SELECT copy_id FROM holds WHERE hold_id = :h", {"h": hold_b}) == copy_id
    assert fresh(committed, "SELECT status FROM copies WHERE copy_id = :c", {"c": copy_id}) == "ON_HOLD_SHELF"
    assert first["rows_affected"] >= 1
    assert second["status"] == "SUCCEEDED" and second["rows_affected"] == 0


def test_accrue_fines_charges_overdue_loans_through_yesterday_once(committed, run):
    lib = Library(committed)
    overdue = lib.loan(due_at=today() - timedelta(days=5) + timedelta(hours=20))
    not_due = lib.loan(due_at=today() + timedelta(days=3))
    lib.commit()

    first = run("ACCRUE_FINES")
    second = run("ACCRUE_FINES")

    yesterday = today() - timedelta(days=1)
    fine = committed.one("SELECT amount, accrued_through, status FROM fines WHERE loan_id = :l AND fine_type = 'OVERDUE'",
                         {"l": overdue})
    committed.rollback()
    assert first["as_of_day"] == yesterday
    assert fine["accrued_through"] == yesterday and fine["status"] == "OPEN"
    assert float(fine["amount"]) == pytest.approx(0.50 * 4)  # due 5 days ago, charged through yesterday
    assert fresh(committed, "SELECT COUNT(*) FROM fines WHERE loan_id = :l", {"l": not_due}) == 0
    assert first["rows_affected"] >= 1
    assert second["rows_affected"] == 0
    assert fresh(committed, "SELECT amount FROM fines WHERE loan_id = :l AND fine_type = 'OVERDUE'",
                 {"l": overdue}) == fine["amount"]


def test_accrue_fines_for_a_given_day_records_that_day(committed, run):
    lib = Library(committed)
    overdue = lib.loan(due_at=today() - timedelta(days=10))
    lib.commit()

    result = run("ACCRUE_FINES", today() - timedelta(days=3) + timedelta(hours=13))

    assert result["as_of_day"] == today() - timedelta(days=3)
    assert float(fresh(committed, "SELECT amount FROM fines WHERE loan_id = :l AND fine_type = 'OVERDUE'",
                       {"l": overdue})) == pytest.approx(0.50 * 7)


def test_mark_lost_marks_loans_past_the_policy_threshold_with_the_lost_charge(committed, run):
    lib = Library(committed, lost_after_days=30)
    long_overdue = lib.loan(due_at=today() - timedelta(days=31), replacement_cost=42)
    at_threshold = lib.loan(due_at=today() - timedelta(days=30))
    lib.commit()

    first = run("MARK_LOST")
    second = run("MARK_LOST")

    status = "SELECT status FROM loans WHERE loan_id = :l"
    assert fresh(committed, status, {"l": long_overdue}) == "LOST"
    assert fresh(committed, status, {"l": at_threshold}) == "ACTIVE"
    assert fresh(committed, "SELECT c.status FROM copies c JOIN loans l ON l.copy_id = c.copy_id "
                            "WHERE l.loan_id = :l", {"l": long_overdue}) == "LOST"
    assert fresh(committed, "SELECT amount FROM fines WHERE loan_id = :l AND fine_type = 'LOST'",
                 {"l": long_overdue}) == 42
    assert first["rows_affected"] >= 1
    assert second["status"] == "SUCCEEDED" and second["rows_affected"] == 0


def test_failing_batch_is_rolled_back_whole_and_the_run_recorded_failed(committed, run):
    lib = Library(committed, lost_after_days=30)
    good = lib.loan(due_at=today() - timedelta(days=45))   # first in the batch (oldest due date)
    bad = lib.loan(due_at=today() - timedelta(days=40))
    lib.commit()
    # a constraint the second loan of the batch cannot meet: works alike on both engines
    committed.execute(f"ALTER TABLE loans ADD CONSTRAINT loans_jobs_test_ck CHECK ((status <> 'LOST' OR loan_id <> {bad}))")
    committed.commit()
    try:
        with pytest.raises(DbError) as err:
            run("MARK_LOST")
        failed = last_run(committed, "MARK_LOST")
    finally:
        committed.rollback()
        committed.execute("ALTER TABLE loans DROP CONSTRAINT loans_jobs_test_ck")
        committed.commit()

    assert err.value.code == JOB_FAILED
    assert failed["status"] == "FAILED" and failed["finished_at"] is not None
    assert "loans_jobs_test_ck" in failed["error_text"].lower()
    assert failed["rows_affected"] == 0 and failed["batches"] == 0
    # no partial batch: the loan marked lost before the failure is back as it was
    assert fresh(committed, "SELECT status FROM loans WHERE loan_id = :l", {"l": good}) == "ACTIVE"
    assert fresh(committed, "SELECT COUNT(*) FROM fines WHERE loan_id = :l", {"l": good}) == 0
    assert fresh(committed, "SELECT c.status FROM copies c JOIN loans l ON l.copy_id = c.copy_id "
                            "WHERE l.loan_id = :l", {"l": good}) == "ON_LOAN"
    # running it again the same day finishes the work
    again = run("MARK_LOST")
    assert again["status"] == "SUCCEEDED" and again["rows_affected"] >= 2
    assert fresh(committed, "SELECT COUNT(*) FROM loans WHERE (loan_id = :a OR loan_id = :b) AND status = 'LOST'",
                 {"a": good, "b": bad}) == 2


def digest_items(s: Session, patron_id: int) -> list[dict]:
    """The loan digests of a patron with their lines, oldest first."""
    rows = s.rows("SELECT n.notice_id, n.notice_day, n.run_id, n.loan_id, n.status, i.loan_id AS item_loan, "
                  "i.item_type, i.overdue_level FROM notices n JOIN notice_items i ON i.notice_id = n.notice_id "
                  "WHERE n.subject_id = :p AND n.notice_type = 'LOAN_DIGEST' ORDER BY n.notice_day, i.loan_id",
                  {"p": patron_id})
    s.rollback()
    return rows


def test_generate_notices_writes_one_digest_per_patron_and_day(committed, run):
    lib = Library(committed)
    due_days = int(committed.scalar("SELECT value FROM app_settings WHERE name = 'NOTICE_DUE_DAYS'"))
    patron = lib.f.patron(branch_id=lib.branch)
    due_soon = lib.loan(due_at=today() + timedelta(days=due_days, hours=18), patron_id=patron)
    due_later = lib.loan(due_at=today() + timedelta(days=due_days + 1, hours=18), patron_id=patron)
    overdue = lib.loan(due_at=today() - timedelta(days=2), patron_id=patron)
    hold_a, _, _ = lib.ready_hold_with_queue()
    committed.execute("DELETE FROM notices WHERE subject_id = :h AND notice_type = 'HOLD_READY'", {"h": hold_a})
    lib.commit()

    first = run("GENERATE_NOTICES")
    second = run("GENERATE_NOTICES")

    items = digest_items(committed, patron)
    assert len({i["notice_id"] for i in items}) == 1, "one digest for the patron, not one mail per loan"
    assert [(i["item_loan"], i["item_type"], i["overdue_level"]) for i in items] == \
        sorted([(due_soon, "DUE_SOON", None), (overdue, "OVERDUE", 1)])
    assert items[0]["notice_day"] == today() and items[0]["run_id"] == first["run_id"]
    assert items[0]["loan_id"] is None and items[0]["status"] == "PENDING"
    [ready] = committed.rows("SELECT hold_id, loan_id FROM notices WHERE subject_id = :h AND notice_type = 'HOLD_READY'",
                             {"h": hold_a})
    committed.rollback()
    assert ready["hold_id"] == hold_a and ready["loan_id"] is None
    assert first["batches"] == 3 and first["rows_affected"] >= 3
    assert second["rows_affected"] == 0
    # the next day: the due-later loan enters the window in a new digest, nothing is repeated
    next_day = run("GENERATE_NOTICES", today() + timedelta(days=1))
    items = digest_items(committed, patron)
    assert [(i["notice_day"], i["item_loan"]) for i in items if i["notice_day"] != today()] == \
        [(today() + timedelta(days=1), due_later)]
    assert next_day["status"] == "SUCCEEDED"


def test_overdue_notices_come_at_the_three_levels(committed, run):
    lib = Library(committed)
    level = {n: int(committed.scalar("SELECT value FROM app_settings WHERE name = :n", {"n": f"OVERDUE_NOTICE_{n}_DAYS"}))
             for n in (1, 2, 3)}
    patron = lib.f.patron(branch_id=lib.branch)
    overdue = lib.loan(due_at=today() - timedelta(days=level[1]) + timedelta(hours=12), patron_id=patron)
    late = lib.loan(due_at=today() - timedelta(days=level[3] + 5) + timedelta(hours=12), patron_id=patron)
    lib.commit()

    for d in range(0, level[3] - level[1] + 2):
        run("GENERATE_NOTICES", today() + timedelta(days=d))

    got = [(i["notice_day"], i["item_loan"], i["overdue_level"]) for i in digest_items(committed, patron)]
    assert got == sorted([(today(), overdue, 1), (today(), late, 3),
                          (today() + timedelta(days=level[2] - level[1]), overdue, 2),
                          (today() + timedelta(days=level[3] - level[1]), overdue, 3)])


def test_notices_unique_key_refuses_a_second_notice_for_the_same_day(committed):
    lib = Library(committed)
    loan = lib.loan(due_at=today() - timedelta(days=1))
    patron = committed.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan})
    row = {"notice_type": "OVERDUE", "patron_id": patron, "loan_id": loan, "subject_id": loan, "notice_day": today()}
    committed.insert("notices", row, "notice_id")
    with pytest.raises(DbError):
        committed.insert("notices", row, "notice_id")


# ---- the CLI ----------------------------------------------------------------------------------------

def test_cli_run_history_and_check(installed_db, monkeypatch, capsys):
    monkeypatch.setenv("ILS_DATABASE_URL", installed_db)
    for job in ("EXPIRE_PATRONS", "EXPIRE_HOLDS", "ACCRUE_FINES", "MARK_LOST", "GENERATE_NOTICES"):
        assert jobs_cli.main(["run", job.lower(), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "ACCRUE_FINES run" in out and "SUCCEEDED" in out

    assert jobs_cli.main(["history", "--job", "ACCRUE_FINES", "--limit", "2"]) == 0
    assert capsys.readouterr().out.count("ACCRUE_FINES") == 2

    assert jobs_cli.main(["check"]) == 0
    assert capsys.readouterr().out.count("OK ") == 5


def test_cli_usage_errors_exit_2(installed_db, monkeypatch):
    monkeypatch.setenv("ILS_DATABASE_URL", installed_db)
    assert jobs_cli.main(["run", "NO_SUCH_JOB"]) == 2
    with pytest.raises(SystemExit) as exc:
        jobs_cli.main(["run", "ACCRUE_FINES", "--as-of", "2026-02-30"])
    assert exc.value.code == 2


def test_check_verdicts():
    now = datetime(2026, 11, 24, 6, 0)
    jobs = [{"job_name": "A"}, {"job_name": "B"}]

    def done(status, hours_ago, error=None):
        t = now - timedelta(hours=hours_ago)
        return {"run_id": 1, "status": status, "as_of_day": t, "started_at": t, "finished_at": t,
                "rows_affected": 0, "error_text": error}

    ok = {"A": {"last_done": done("SUCCEEDED", 5)}, "B": {"last_done": done("SUCCEEDED", 25)}}
    assert jobs_cli.evaluate(jobs, ok, now, 26)[0] == 0
    assert jobs_cli.evaluate(jobs, {**ok, "B": {"last_done": done("SUCCEEDED", 27)}}, now, 26)[0] == 3
    assert jobs_cli.evaluate(jobs, {"A": ok["A"]}, now, 26)[0] == 3
    code, lines = jobs_cli.evaluate(jobs, {**ok, "B": {"last_done": done("FAILED", 1, "boom")}}, now, 26)
    assert code == 1 and any(line.startswith("FAILED B") and "boom" in line for line in lines)
