"""Sign-in sessions in the database: lib_session.set_actor refuses a made-up, ended, expired or foreign
session, also to the application role; password, deactivation, roles and logout end sessions; the lockout
ends by itself with a growing backoff; a branch manager waives the fines of their branch only."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out
from services.accounts import key_hash
from tests.db.conftest import refused
from tests.factories import unique

SESSION_INVALID, SESSION_ENDED, SESSION_EXPIRED, OUTSIDE_HOME_BRANCH = -20450, -20451, -20452, -20453
PERMISSION_DENIED, ACCOUNT_LOCKED, OWN_ROLES_CHANGE = -20411, -20407, -20430


@pytest.fixture
def as_app(db, engine):
    """Switch the test's transaction to the application role, after the arrange steps (the role may not
    write a table). PostgreSQL: SET LOCAL ROLE ils_app, undone with the transaction. Oracle: the test user
    (what a definer-rights package sees of its caller does not change what it refuses)."""
    def switch() -> None:
        if engine == "postgresql":
            db.execute("SET LOCAL ROLE ils_app")
    return switch


def actor(db):
    return db.fn("lib_session.actor")


def sessions(db, user_id):
    return db.rows("SELECT * FROM user_sessions WHERE user_id = :u ORDER BY session_id", {"u": user_id})


def open_session(db, user_id, kind="API", lifetime_s=3600):
    """A session as a login opens it (lib_auth.login_succeeded): (key, session_id)."""
    key = secrets.token_urlsafe(32)
    (session_id,) = db.call("lib_auth.login_succeeded", user_id, key, kind, None, lifetime_s, Out(int))
    db.call("lib_session.clear_actor")
    return key, session_id


# ---- set_actor: only the user's own live session -------------------------------------------------

def test_set_actor_acts_as_the_user_of_a_live_session(db, f, as_app):
    user = f.user(("LIBRARIAN",))
    key = f.session(user)
    as_app()
    db.set_actor(user, key)
    assert actor(db) == user


@pytest.mark.parametrize("key", ["made-up-" + "k" * 40, "", None, "x" * 101])
def test_set_actor_refuses_a_made_up_session_to_the_application_role(db, f, as_app, key):
    victim = f.user(("IT_ADMIN",))
    f.session(victim)
    as_app()
    refused(db, SESSION_INVALID, "lib_session.set_actor", victim, key)
    assert actor(db) is None


def test_set_actor_refuses_the_stored_hash_in_place_of_the_key(db, f, as_app):
    """user_sessions is readable, the hash in it opens nothing."""
    victim = f.user(("IT_ADMIN",))
    key = f.session(victim)
    as_app()
    stored = db.scalar("SELECT key_hash FROM user_sessions WHERE user_id = :u", {"u": victim})
    assert stored == key_hash(key) and key not in stored
    refused(db, SESSION_INVALID, "lib_session.set_actor", victim, stored)


def test_set_actor_refuses_another_users_session(db, f, as_app):
    mine, victim = f.user(("PATRON",)), f.user(("IT_ADMIN",))
    my_key = f.session(mine)
    as_app()
    refused(db, SESSION_INVALID, "lib_session.set_actor", victim, my_key)
    assert actor(db) is None


@pytest.mark.parametrize("reason", ["LOGOUT", "PASSWORD", "ROLES", "DEACTIVATED", "ENDED"])
def test_set_actor_refuses_an_ended_session(db, f, as_app, reason):
    user = f.user(("LIBRARIAN",))
    key = f.session(user, ended=reason)
    as_app()
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_set_actor_refuses_an_expired_session(db, f, as_app):
    user = f.user(("LIBRARIAN",))
    key = f.session(user, lifetime_s=-1)
    as_app()
    refused(db, SESSION_EXPIRED, "lib_session.set_actor", user, key)


def test_set_actor_refuses_the_session_of_a_deactivated_account(db, f, as_app):
    user = f.user(("LIBRARIAN",))
    key = f.session(user)
    db.execute("UPDATE users SET is_active = 'N' WHERE user_id = :u", {"u": user})  # behind lib_auth's back
    as_app()
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_a_refused_set_actor_never_acts_as_the_user_it_named(db, f, as_app):
    """Oracle: the refusal clears the package state first. PostgreSQL: the refused call's transaction (here
    its savepoint) is rolled back, the setting with it."""
    user, victim = f.user(("LIBRARIAN",)), f.user(("IT_ADMIN",))
    key = f.session(user)
    as_app()
    db.set_actor(user, key)
    refused(db, SESSION_INVALID, "lib_session.set_actor", victim, key)
    assert actor(db) != victim


def test_set_actor_with_no_user_is_system_work(db, f):
    db.set_actor(None, None)
    assert actor(db) is None


@pytest.mark.postgres_only
def test_forging_the_package_state_on_postgresql_names_nobody(db, f, as_app):
    """On PostgreSQL the package state lives in a temporary table of the schema owner's (compat.sql), never in
    a setting of the session: the application role may set lib_session's variables with pg_catalog.set_config
    (the old actor variable, a session key's hash, a made-up key, even a live key) and is acting as nobody,
    and the compat layer's writer is not its to call."""
    user, victim = f.user(("PATRON",)), f.user(("IT_ADMIN",))
    f.session(user)
    victim_key = f.session(victim)
    as_app()
    for name, value in (("lib_session.g_actor_id", str(victim)), ("lib_session.g_session_key", key_hash(victim_key)),
                        ("lib_session.g_session_key", "made-up-" + "k" * 40),
                        ("lib_session.g_session_key", victim_key)):
        db.scalar("SELECT pg_catalog.set_config(:n, :v, false)", {"n": name, "v": value})
        assert actor(db) is None
    with pytest.raises(DbError):
        with db.savepoint():
            db.scalar("SELECT ora_compat.set_config('lib_session.g_session_key'::text, :k::text, false)",
                      {"k": victim_key})
    db.call("lib_session.clear_actor")


def test_set_actor_notes_when_the_session_was_last_seen_every_five_minutes(db, f):
    user = f.user(("LIBRARIAN",))
    key = f.session(user)
    long_ago = datetime.utcnow().replace(microsecond=0) - timedelta(hours=1)
    db.execute("UPDATE user_sessions SET created_at = :t, last_seen_at = :t WHERE user_id = :u",
               {"t": long_ago, "u": user})
    db.set_actor(user, key)
    seen = db.scalar("SELECT last_seen_at FROM user_sessions WHERE user_id = :u", {"u": user})
    assert seen > long_ago + timedelta(minutes=50)
    db.execute("UPDATE user_sessions SET last_seen_at = :t WHERE user_id = :u",
               {"t": seen - timedelta(minutes=2), "u": user})
    db.set_actor(user, key)
    assert db.scalar("SELECT last_seen_at FROM user_sessions WHERE user_id = :u", {"u": user}) == \
        seen - timedelta(minutes=2)


# ---- ending sessions ------------------------------------------------------------------------------

def test_a_password_change_ends_every_session_of_the_account_the_acting_one_too(db, f):
    user = f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    other, _ = open_session(db, user, "STAFF")
    db.set_actor(user, key)
    db.call("lib_auth.set_password", user, "new-hash")
    assert {(s["revoked_reason"]) for s in sessions(db, user)} == {"PASSWORD"}
    [audit] = db.rows("SELECT actor_user_id FROM audit_log WHERE table_name = 'users' AND row_id = :u "
                      "AND action = 'UPDATE'", {"u": user})
    assert audit["actor_user_id"] == user  # the rest of the transaction still acts as the user
    db.call("lib_session.clear_actor")
    for k in (key, other):
        refused(db, SESSION_ENDED, "lib_session.set_actor", user, k)


def test_an_administrator_setting_a_password_ends_the_users_sessions(db, f):
    user = f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.set_password", user, "reset-hash")
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_deactivation_ends_every_session(db, f):
    user = f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.deactivate_user", user)
    assert [s["revoked_reason"] for s in sessions(db, user)] == ["DEACTIVATED"]
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_a_change_of_roles_ends_every_session_and_the_same_roles_end_none(db, f):
    user = f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.set_roles", user, "LIBRARIAN")
    assert [s["revoked_at"] for s in sessions(db, user)] == [None]
    # a role that waits for a second administrator (FINE_WAIVE) grants nothing yet: nothing ends
    db.call("lib_auth.set_roles", user, "LIBRARIAN,BRANCH_MANAGER")
    assert [s["revoked_at"] for s in sessions(db, user)] == [None]
    db.call("lib_auth.set_roles", user, "LIBRARIAN,BRANCH_MANAGER,CATALOGER")
    assert [s["revoked_reason"] for s in sessions(db, user)] == ["ROLES"]
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_an_approved_role_request_ends_the_grantees_sessions(db, f):
    user = f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.set_roles", user, "LIBRARIAN,BRANCH_MANAGER")
    request_id = db.scalar("SELECT request_id FROM role_requests WHERE user_id = :u AND status = 'PENDING'",
                           {"u": user})
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.approve_role_request", request_id)
    assert [s["revoked_reason"] for s in sessions(db, user)] == ["ROLES"]
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_an_administrator_cannot_change_their_own_home_branch(db, f):
    admin = f.user(("IT_ADMIN",))
    db.set_actor(admin)
    db.call("lib_auth.set_home_branch", admin, f.main_branch())  # the same branch again changes nothing
    refused(db, OWN_ROLES_CHANGE, "lib_auth.set_home_branch", admin, f.branch())
    assert db.scalar("SELECT home_branch_id FROM users WHERE user_id = :u", {"u": admin}) == f.main_branch()


def test_a_change_of_home_branch_ends_every_session(db, f):
    user = f.user(("BRANCH_MANAGER",))
    key, _ = open_session(db, user)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.set_home_branch", user, f.main_branch())  # already there: nothing ends
    assert [s["revoked_at"] for s in sessions(db, user)] == [None]
    db.call("lib_auth.set_home_branch", user, f.branch())
    assert [s["revoked_reason"] for s in sessions(db, user)] == ["ROLES"]
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)


def test_set_home_branch_needs_user_admin_and_a_branch(db, f):
    user = f.user(("BRANCH_MANAGER",))
    db.set_actor(f.user(("BRANCH_MANAGER",)))
    refused(db, PERMISSION_DENIED, "lib_auth.set_home_branch", user, f.branch())
    db.set_actor(f.user(("IT_ADMIN",)))
    refused(db, -20505, "lib_auth.set_home_branch", user, -1)


def test_logout_ends_only_the_acting_session(db, f):
    user = f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    other, _ = open_session(db, user)
    db.set_actor(user, key)
    db.call("lib_session.end_session")
    db.call("lib_session.clear_actor")
    assert [s["revoked_reason"] for s in sessions(db, user)] == ["LOGOUT", None]
    refused(db, SESSION_ENDED, "lib_session.set_actor", user, key)
    db.set_actor(user, other)
    assert actor(db) == user


def test_sign_out_everywhere_is_ones_own_or_a_user_admins(db, f):
    user, someone = f.user(("LIBRARIAN",)), f.user(("LIBRARIAN",))
    key, _ = open_session(db, user)
    open_session(db, user, "STAFF")
    db.set_actor(someone)
    refused(db, PERMISSION_DENIED, "lib_auth.end_sessions", user)
    db.set_actor(user, key)
    db.call("lib_auth.end_sessions", user)
    assert {s["revoked_reason"] for s in sessions(db, user)} == {"ENDED"}


def test_login_removes_the_users_sessions_that_expired_over_a_week_ago(db, f):
    user = f.user(("LIBRARIAN",))
    f.session(user, lifetime_s=-8 * 86400)
    f.session(user, lifetime_s=-6 * 86400)
    open_session(db, user)
    assert len(sessions(db, user)) == 2


@pytest.mark.parametrize("key, kind, lifetime", [("short", "API", 3600), (None, "API", 3600),
                                                 ("k" * 43, "WEB", 3600), ("k" * 43, "API", 30),
                                                 ("k" * 43, "STAFF", 8 * 86400)])
def test_login_succeeded_refuses_a_weak_key_an_unknown_kind_or_a_lifetime_out_of_range(db, f, key, kind, lifetime):
    user = f.user(("LIBRARIAN",))
    refused(db, -20903, "lib_auth.login_succeeded", user, key, kind, None, lifetime, Out(int))
    assert sessions(db, user) == []


# ---- the lockout: temporary, doubling, the right password works once it ends --------------------

def _fail(db, name, times=1):
    return [db.call("lib_auth.login_failed", name, Out(int))[0] for _ in range(times)]


def _lock(db, user_id):
    return db.one("SELECT account_locked, failed_logins, lockouts, locked_at, locked_until FROM users "
                  "WHERE user_id = :u", {"u": user_id})


def _end_the_lock(db, user_id):
    """Let the lock run out: its end moves to a second ago."""
    db.execute("UPDATE users SET locked_until = :t WHERE user_id = :u",
               {"t": datetime.utcnow().replace(microsecond=0) - timedelta(seconds=1), "u": user_id})


def _minutes(lock) -> float:
    return (lock["locked_until"] - lock["locked_at"]).total_seconds() / 60


def test_a_lock_lasts_lockout_minutes_and_failures_during_it_change_nothing(db, f):
    name = unique("lock")
    user = f.user(("LIBRARIAN",), username=name)
    assert _fail(db, name, 5) == [0, 0, 0, 0, 1]
    first = _lock(db, user)
    assert (first["account_locked"], first["failed_logins"], first["lockouts"], _minutes(first)) == ("Y", 5, 1, 1)
    assert _fail(db, name, 3) == [1, 1, 1]
    assert _lock(db, user) == first  # guessing on neither counts nor makes the lock longer
    refused(db, ACCOUNT_LOCKED, "lib_auth.login_succeeded", user, secrets.token_urlsafe(32), "API", None, 60, Out(int))


def test_the_right_password_works_once_the_lock_has_ended(db, f):
    name = unique("wait")
    user = f.user(("LIBRARIAN",), username=name)
    _fail(db, name, 5)
    _end_the_lock(db, user)
    open_session(db, user)
    lock = _lock(db, user)
    assert (lock["account_locked"], lock["failed_logins"], lock["lockouts"], lock["locked_until"]) == ("N", 0, 0, None)


def test_after_a_lock_ends_one_more_failure_locks_again_twice_as_long_up_to_the_maximum(db, f):
    db.execute("UPDATE app_settings SET value = '5' WHERE name = 'LOCKOUT_MAX_MINUTES'")
    name = unique("backoff")
    user = f.user(("LIBRARIAN",), username=name)
    _fail(db, name, 5)
    lengths = [_minutes(_lock(db, user))]
    for _ in range(3):
        _end_the_lock(db, user)
        assert _fail(db, name) == [1]
        lengths.append(_minutes(_lock(db, user)))
    assert lengths == [1, 2, 4, 5]
    assert _lock(db, user)["lockouts"] == 4


def test_the_lock_follows_the_lockout_minutes_setting(db, f):
    db.execute("UPDATE app_settings SET value = '3' WHERE name = 'MAX_FAILED_LOGINS'")
    db.execute("UPDATE app_settings SET value = '15' WHERE name = 'LOCKOUT_MINUTES'")
    name = unique("fifteen")
    user = f.user(("LIBRARIAN",), username=name)
    assert _fail(db, name, 3) == [0, 0, 1]
    assert _minutes(_lock(db, user)) == 15


def test_an_it_admin_still_unlocks_at_once(db, f):
    name = unique("unlock")
    user = f.user(("LIBRARIAN",), username=name)
    _fail(db, name, 5)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.unlock_account", user)
    db.call("lib_session.clear_actor")
    assert open_session(db, user)[1] is not None


def test_a_lock_without_an_end_stays_until_unlocked(db, f):
    """A lock set by an earlier version (or a DBA) has no end."""
    user = f.user(("LIBRARIAN",))
    db.execute("UPDATE users SET account_locked = 'Y', locked_at = :t WHERE user_id = :u",
               {"t": datetime.utcnow().replace(microsecond=0) - timedelta(days=30), "u": user})
    refused(db, ACCOUNT_LOCKED, "lib_auth.login_succeeded", user, secrets.token_urlsafe(32), "API", None, 60, Out(int))


# ---- branch scope: a manager waives their branch's fines ----------------------------------------

def _loan_fine(db, f, branch):
    """An OPEN overdue-style fine of a loan made at `branch` (the loan through the package, then moved)."""
    patron = f.patron(branch)
    copy = f.copy(branch_id=branch)
    db.set_actor(None)
    loan, _ = db.call("lib_circulation.checkout", patron, copy, None, None, None, None, Out(int), Out(datetime))
    (fine,) = db.call("lib_fines.add_charge", patron, loan, "DAMAGE", Decimal("3.00"), "torn page", Out(int))
    return fine


def _manual_fine(db, f, home_branch):
    db.set_actor(None)
    (fine,) = db.call("lib_fines.add_charge", f.patron(home_branch), None, "MANUAL", Decimal("2.00"), "card",
                      Out(int))
    return fine


def _status(db, fine):
    return db.scalar("SELECT status FROM fines WHERE fine_id = :f", {"f": fine})


def test_a_branch_manager_waives_the_fines_of_loans_made_at_their_branch(db, f):
    here, there = f.branch(), f.branch()
    ours, theirs = _loan_fine(db, f, here), _loan_fine(db, f, there)
    db.set_actor(f.user(("BRANCH_MANAGER",), home_branch_id=here))
    db.call("lib_fines.waive", ours, "goodwill")
    assert _status(db, ours) == "WAIVED"
    refused(db, OUTSIDE_HOME_BRANCH, "lib_fines.waive", theirs, "goodwill")
    assert _status(db, theirs) == "OPEN"


def test_a_fine_without_a_loan_belongs_to_the_patrons_home_branch(db, f):
    here, there = f.branch(), f.branch()
    ours, theirs = _manual_fine(db, f, here), _manual_fine(db, f, there)
    db.set_actor(f.user(("BRANCH_MANAGER",), home_branch_id=here))
    db.call("lib_fines.waive", ours, "goodwill")
    refused(db, OUTSIDE_HOME_BRANCH, "lib_fines.waive", theirs, "goodwill")
    assert (_status(db, ours), _status(db, theirs)) == ("WAIVED", "OPEN")


def test_a_branch_manager_without_a_home_branch_waives_nothing(db, f):
    fine = _manual_fine(db, f, f.main_branch())
    db.set_actor(f.user(("BRANCH_MANAGER",), home_branch_id=None))
    refused(db, OUTSIDE_HOME_BRANCH, "lib_fines.waive", fine, "goodwill")


def test_a_role_granting_fine_waive_library_wide_waives_at_every_branch(db, f):
    db.execute("INSERT INTO roles (code, name) VALUES ('TEST_WAIVER', 'Waives anywhere')")
    db.execute("""INSERT INTO role_permissions (role_id, permission_id, branch_only)
                  SELECT r.role_id, p.permission_id, 'N' FROM roles r, permissions p
                   WHERE r.code = 'TEST_WAIVER' AND p.code = 'FINE_WAIVE'""")
    fine = _loan_fine(db, f, f.branch())
    db.set_actor(f.user(("BRANCH_MANAGER", "TEST_WAIVER"), home_branch_id=f.main_branch()))
    db.call("lib_fines.waive", fine, "goodwill")
    assert _status(db, fine) == "WAIVED"


def test_has_permission_at_tells_branch_only_grants_from_library_wide_ones(db, f):
    here, there = f.branch(), f.branch()
    manager = f.user(("BRANCH_MANAGER",), home_branch_id=here)
    for code, at_here, at_there in (("FINE_WAIVE", 1, 0), ("RPT_FINANCIAL", 1, 0), ("CIRC_OVERRIDE", 1, 1),
                                    ("USER_ADMIN", 0, 0)):
        assert (db.fn("lib_auth.has_permission_at", manager, code, here),
                db.fn("lib_auth.has_permission_at", manager, code, there)) == (at_here, at_there), code


def test_a_non_manager_is_refused_a_waiver_as_before(db, f):
    fine = _manual_fine(db, f, f.main_branch())
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_fines.waive", fine, "goodwill")


def test_the_money_report_of_a_branch_counts_the_fines_and_payments_of_that_branch_only(db, f):
    """The staff UI's fines-and-payments report for a branch manager (RPT_FINANCIAL is theirs for their home
    branch only): the branch of a fine as lib_fines.waive counts it."""
    from datetime import date

    from datalayer.reads.reports import financial
    here, there = f.branch(), f.branch()
    ours = [_loan_fine(db, f, here), _manual_fine(db, f, here)]
    theirs = _loan_fine(db, f, there)
    db.call("lib_fines.pay", ours[0], Decimal("1.00"), "CASH", None, Out(int), Out(Decimal), Out(Decimal), Out(str))
    db.call("lib_fines.pay", theirs, Decimal("3.00"), "CARD", None, Out(int), Out(Decimal), Out(Decimal), Out(str))
    today = date.today()
    mine = financial(db, today, today, here)
    assert mine["assessed_total"] == Decimal("5.00") and mine["collected"] == Decimal("1.00")
    assert mine["owed_now"] == Decimal("4.00")
    assert financial(db, today, today, -1)["assessed_total"] == 0  # no home branch: nothing
    everything = financial(db, today, today)
    assert everything["assessed_total"] >= Decimal("8.00") and everything["collected"] >= Decimal("4.00")
