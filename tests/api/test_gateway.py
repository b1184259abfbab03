"""The gateway's transaction discipline on a one-connection pool: the actor is set first and cleared at
the end, a failed call rolls everything back, reads see no actor."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from datalayer.gateway import Gateway
from datalayer.session import DbError, Out


@pytest.fixture
def gw(installed_db):
    g = Gateway(installed_db, min_size=1, max_size=1, timeout=5).open(wait=True)
    try:
        yield g
    finally:
        g.close()


def _actor(s):
    return s.fn("lib_session.actor")


def test_actor_is_set_inside_and_cleared_after(gw, people):
    acct = people.make("LIBRARIAN")
    with gw.transaction(acct.actor) as s:
        assert _actor(s) == acct.user_id
    with gw.read() as s:
        assert _actor(s) is None
    with gw.statements() as s:
        assert _actor(s) is None
    assert gw.stats().size == 1 and gw.stats().in_use == 0


def test_failed_call_rolls_back_and_clears_actor(gw, people, arrange):
    acct = people.make("LIBRARIAN")
    patron = people.make("PATRON")
    copy = arrange.copy()
    with pytest.raises(DbError) as err:
        with gw.transaction(acct.actor) as s:
            s.call("lib_circulation.checkout", patron.patron_id, copy, None, "N", None, None, Out(int), Out(int))
            s.call("lib_circulation.checkout", patron.patron_id, copy, None, "N", None, None, Out(int), Out(int))
    assert err.value.code == -20103  # COPY_ALREADY_ON_LOAN
    with gw.read() as s:
        assert _actor(s) is None
        assert s.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c", {"c": copy}) == 0


def test_committed_work_is_visible_and_audited_as_the_actor(gw, people, arrange):
    acct = people.make("LIBRARIAN")
    patron = people.make("PATRON")
    copy = arrange.copy()
    with gw.transaction(acct.actor) as s:
        loan_id, _ = s.call("lib_circulation.checkout", patron.patron_id, copy, None, "N", None, None, Out(int), Out(int))
    with gw.statements() as s:
        assert s.scalar("SELECT checkout_by FROM loans WHERE loan_id = :l", {"l": loan_id}) == acct.user_id
        actors = s.rows("SELECT DISTINCT actor_user_id FROM audit_log WHERE table_name = 'loans' AND row_id = :l",
                        {"l": loan_id})
        assert [r["actor_user_id"] for r in actors] == [acct.user_id]


CHECKOUT_OUT = (Out(int), Out(int), Out(int), Out(datetime), Out(str))


def _seen(arrange, acct):
    return arrange.scalar("SELECT last_seen_at FROM user_sessions WHERE user_id = :u", {"u": acct.user_id})


def test_one_round_trip_call_commits_as_the_actor_and_clears_it(gw, people, arrange):
    acct = people.make("LIBRARIAN")
    patron = people.make("PATRON")
    copy = arrange.copy()
    loan_id, patron_id, copy_id, due_at, _ = gw.call(acct.actor, "lib_circulation.checkout_desk", patron.patron_id,
                                                     None, copy, None, None, "N", None, None, *CHECKOUT_OUT)
    with gw.statements() as s:
        assert _actor(s) is None
        row = s.one("SELECT patron_id, copy_id, due_at, checkout_by FROM loans WHERE loan_id = :l", {"l": loan_id})
    assert row == {"patron_id": patron_id, "copy_id": copy_id, "due_at": due_at, "checkout_by": acct.user_id}
    assert gw.stats().size == 1 and gw.stats().in_use == 0


def test_a_refused_one_round_trip_call_writes_nothing_and_the_connection_serves_the_next(gw, people, arrange):
    """BEGIN, set_actor, the call, clear_actor and COMMIT go in one pipeline: set_actor writes (last_seen_at
    of a session unseen for an hour), the call then fails; the write is rolled back, nothing is committed,
    and the pool's one connection works for the next call."""
    acct = people.make("LIBRARIAN")
    patron = people.make("PATRON")
    copy = arrange.copy()
    hour_ago = datetime.utcnow().replace(microsecond=0) - timedelta(hours=1)
    arrange.execute("UPDATE user_sessions SET last_seen_at = :t WHERE user_id = :u", {"t": hour_ago, "u": acct.user_id})
    arrange.execute("UPDATE copies SET status = 'ON_LOAN' WHERE copy_id = :c", {"c": copy})
    with pytest.raises(DbError) as err:
        gw.call(acct.actor, "lib_circulation.checkout_desk", patron.patron_id, None, copy, None, None, "N", None, None,
                *CHECKOUT_OUT)
    assert err.value.code == -20103  # COPY_ALREADY_ON_LOAN
    assert _seen(arrange, acct) == hour_ago  # set_actor's write went with the refused call
    with gw.statements() as s:
        assert _actor(s) is None
        assert s.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c", {"c": copy}) == 0
    arrange.execute("UPDATE copies SET status = 'AVAILABLE' WHERE copy_id = :c", {"c": copy})
    loan_id = gw.call(acct.actor, "lib_circulation.checkout_desk", patron.patron_id, None, copy, None, None, "N", None, None,
                      *CHECKOUT_OUT)[0]
    assert arrange.scalar("SELECT copy_id FROM loans WHERE loan_id = :l", {"l": loan_id}) == copy
    assert _seen(arrange, acct) > hour_ago
    assert gw.stats().size == 1 and gw.stats().in_use == 0


def test_autonomous_commits_on_its_own(gw, people):
    acct = people.make("LIBRARIAN")
    with gw.autonomous() as s:
        s.call("lib_auth.login_failed", acct.username, Out(int))
    with gw.read() as s:
        assert s.scalar("SELECT failed_logins FROM users WHERE user_id = :u", {"u": acct.user_id}) == 1


@pytest.mark.oracle_only
def test_recompiled_package_body_is_run_again_with_the_actor_set_again(gw, people, new_session):
    """Oracle discards the pooled session's state of lib_session when another session recompiles its body
    (ORA-04068 at the next call): the gateway runs the call once more, after setting the actor again."""
    acct = people.make("LIBRARIAN")
    dba = new_session()
    with gw.transaction(acct.actor) as s:
        assert _actor(s) == acct.user_id
        dba.execute("ALTER PACKAGE lib_session COMPILE BODY")
        assert _actor(s) == acct.user_id
    with gw.read() as s:
        assert _actor(s) is None
