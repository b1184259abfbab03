"""lib_holds: placement rules, the queue, trapping on check-in, fulfilment, cancel, suspend, expiry."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out
from tests.db.conftest import refused
from tests.factories import Factory, today

COPY_NOT_AVAILABLE = -20104
HOLD_NOT_FOUND = -20301
HOLD_ALREADY_EXISTS = -20302
HOLD_LIMIT_REACHED = -20303
HOLD_ON_LOANED_MATERIAL = -20304
MATERIAL_NOT_HOLDABLE = -20305
HOLD_NOT_ACTIVE = -20306
HOLD_NOT_SUSPENDED = -20307
PICKUP_BRANCH_INVALID = -20308
HOLD_ALREADY_TRAPPED = -20309
PATRON_NOT_FOUND = -20401
PATRON_SUSPENDED = -20402
PATRON_EXPIRED = -20403
PATRON_INACTIVE = -20404
PATRON_FINES_OVER_LIMIT = -20405
PERMISSION_DENIED = -20411
MATERIAL_NOT_FOUND = -20501
INVALID_ARGUMENT = -20903


def place(db, patron_id, material_id, pickup_branch_id=None):
    return db.call("lib_holds.place", patron_id, material_id, pickup_branch_id, Out(int), Out(int))


def hold(db, hold_id):
    return db.one("SELECT * FROM holds WHERE hold_id = :h", {"h": hold_id})


def copy_status(db, copy_id):
    return db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy_id})


def checkin(db, copy_id, branch_id):
    (hold_id,) = db.call("lib_holds_core.on_checkin", copy_id, branch_id, Out(int))
    return hold_id


def active_loan(db, f, patron_id, copy_id):
    """An ACTIVE loan written directly (arrange step): the copy is ON_LOAN."""
    policy_id = db.scalar("SELECT policy_id FROM circ_policies WHERE branch_id IS NULL AND patron_category IS NULL "
                          "AND material_type IS NULL")
    db.execute("UPDATE copies SET status = 'ON_LOAN' WHERE copy_id = :c", {"c": copy_id})
    return db.insert("loans", {"copy_id": copy_id, "patron_id": patron_id, "branch_id": f.main_branch(),
                               "policy_id": policy_id, "status": "ACTIVE", "checkout_at": today(),
                               "due_at": today() + timedelta(days=14)}, "loan_id")


def end_of_day(day):
    return day.replace(hour=23, minute=59, second=59)


def count_holds(db):
    return db.scalar("SELECT COUNT(*) FROM holds")


# ---- place ---------------------------------------------------------------------------------------

def test_place_queues_a_pending_hold_for_pickup_at_the_home_branch(db, f):
    branch_id = f.branch()
    patron_id = f.patron(branch_id=branch_id)
    material_id = f.material()
    hold_id, position = place(db, patron_id, material_id)
    h = hold(db, hold_id)
    assert (h["status"], h["pickup_branch_id"], h["copy_id"], position) == ("PENDING", branch_id, None, 1)


def test_place_gives_queue_positions_in_placement_order(db, f):
    material_id = f.material()
    positions = [place(db, f.patron(), material_id)[1] for _ in range(3)]
    assert positions == [1, 2, 3]


def test_place_leaves_an_available_copy_on_the_shelf(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    hold_id, _ = place(db, f.patron(), material_id)
    assert hold(db, hold_id)["status"] == "PENDING"
    assert copy_status(db, copy_id) == "AVAILABLE"


def test_place_uses_the_given_pickup_branch(db, f):
    branch_id = f.branch()
    hold_id, _ = place(db, f.patron(), f.material(), branch_id)
    assert hold(db, hold_id)["pickup_branch_id"] == branch_id


def test_place_refuses_an_unknown_patron(db, f):
    refused(db, PATRON_NOT_FOUND, "lib_holds.place", -1, f.material(), None, Out(int), Out(int))


def test_place_refuses_an_unknown_material(db, f):
    refused(db, MATERIAL_NOT_FOUND, "lib_holds.place", f.patron(), -1, None, Out(int), Out(int))


@pytest.mark.parametrize("status,expires_in,code", [
    ("SUSPENDED", 365, PATRON_SUSPENDED),
    ("EXPIRED", 365, PATRON_EXPIRED),
    ("ACTIVE", -1, PATRON_EXPIRED),
    ("DELETED", 365, PATRON_INACTIVE),
])
def test_place_refuses_a_patron_who_may_not_borrow(db, f, status, expires_in, code):
    patron_id = f.patron(status=status, expires_on=today() + timedelta(days=expires_in))
    before = count_holds(db)
    refused(db, code, "lib_holds.place", patron_id, f.material(), None, Out(int), Out(int))
    assert count_holds(db) == before


def test_place_refuses_a_patron_whose_fines_exceed_the_threshold(db, f):
    patron_id = f.patron()
    threshold = db.scalar("SELECT fine_block_threshold FROM circ_policies WHERE branch_id IS NULL "
                          "AND patron_category IS NULL AND material_type IS NULL")
    db.insert("fines", {"patron_id": patron_id, "fine_type": "MANUAL", "amount": threshold + Decimal("0.01")},
              "fine_id")
    refused(db, PATRON_FINES_OVER_LIMIT, "lib_holds.place", patron_id, f.material(), None, Out(int), Out(int))


def test_place_refuses_fines_at_the_threshold_as_checkout_does(db, f):
    patron_id = f.patron()
    threshold = db.scalar("SELECT fine_block_threshold FROM circ_policies WHERE branch_id IS NULL "
                          "AND patron_category IS NULL AND material_type IS NULL")
    db.insert("fines", {"patron_id": patron_id, "fine_type": "MANUAL", "amount": threshold}, "fine_id")
    refused(db, PATRON_FINES_OVER_LIMIT, "lib_holds.place", patron_id, f.material(), None, Out(int), Out(int))


def test_place_allows_fines_below_the_threshold(db, f):
    patron_id = f.patron()
    threshold = db.scalar("SELECT fine_block_threshold FROM circ_policies WHERE branch_id IS NULL "
                          "AND patron_category IS NULL AND material_type IS NULL")
    db.insert("fines", {"patron_id": patron_id, "fine_type": "MANUAL", "amount": threshold - Decimal("0.01")},
              "fine_id")
    assert place(db, patron_id, f.material())[1] == 1


def test_place_refuses_a_material_type_the_policy_makes_not_holdable(db, f):
    f.policy(material_type="MAP", holdable="N")
    refused(db, MATERIAL_NOT_HOLDABLE, "lib_holds.place", f.patron(), f.material(material_type="MAP"), None,
            Out(int), Out(int))


def test_place_takes_the_policy_of_the_pickup_branch(db, f):
    strict = f.branch()
    f.policy(branch_id=strict, holdable="N")
    material_id = f.material()
    refused(db, MATERIAL_NOT_HOLDABLE, "lib_holds.place", f.patron(), material_id, strict, Out(int), Out(int))
    assert place(db, f.patron(), material_id)[1] == 1


def test_place_refuses_a_material_the_patron_has_on_loan(db, f):
    patron_id = f.patron()
    material_id = f.material()
    active_loan(db, f, patron_id, f.copy(material_id=material_id))
    refused(db, HOLD_ON_LOANED_MATERIAL, "lib_holds.place", patron_id, material_id, None, Out(int), Out(int))


def test_place_refuses_a_second_open_hold_on_the_same_material(db, f):
    patron_id = f.patron()
    material_id = f.material()
    place(db, patron_id, material_id)
    refused(db, HOLD_ALREADY_EXISTS, "lib_holds.place", patron_id, material_id, None, Out(int), Out(int))
    assert db.scalar("SELECT COUNT(*) FROM holds WHERE patron_id = :p", {"p": patron_id}) == 1


def test_place_allows_a_new_hold_after_the_old_one_closed(db, f):
    patron_id = f.patron()
    material_id = f.material()
    hold_id, _ = place(db, patron_id, material_id)
    db.call("lib_holds.cancel", hold_id, None)
    assert place(db, patron_id, material_id)[1] == 1


def test_place_refuses_beyond_the_hold_limit(db, f):
    branch_id = f.branch()
    f.policy(branch_id=branch_id, hold_limit=2)
    patron_id = f.patron(branch_id=branch_id)
    first, _ = place(db, patron_id, f.material())
    place(db, patron_id, f.material())
    refused(db, HOLD_LIMIT_REACHED, "lib_holds.place", patron_id, f.material(), None, Out(int), Out(int))
    db.call("lib_holds.cancel", first, None)  # closed holds do not count
    place(db, patron_id, f.material())


def test_place_counts_suspended_holds_towards_the_limit(db, f):
    branch_id = f.branch()
    f.policy(branch_id=branch_id, hold_limit=1)
    patron_id = f.patron(branch_id=branch_id)
    hold_id, _ = place(db, patron_id, f.material())
    db.call("lib_holds.suspend", hold_id, today() + timedelta(days=30))
    refused(db, HOLD_LIMIT_REACHED, "lib_holds.place", patron_id, f.material(), None, Out(int), Out(int))


def test_place_refuses_an_unknown_pickup_branch(db, f):
    refused(db, PICKUP_BRANCH_INVALID, "lib_holds.place", f.patron(), f.material(), -1, Out(int), Out(int))


def test_place_refuses_an_inactive_pickup_branch(db, f):
    branch_id = f.branch()
    db.execute("UPDATE branches SET is_active = 'N' WHERE branch_id = :b", {"b": branch_id})
    refused(db, PICKUP_BRANCH_INVALID, "lib_holds.place", f.patron(), f.material(), branch_id, Out(int), Out(int))


def test_place_allowed_for_the_patron_themself(db, f):
    user_id = f.user(("PATRON",))
    patron_id = f.patron(user_id=user_id)
    db.set_actor(user_id)
    assert place(db, patron_id, f.material())[1] == 1


def test_place_refused_for_another_patron_without_hold_manage(db, f):
    db.set_actor(f.user(("PATRON",)))
    refused(db, PERMISSION_DENIED, "lib_holds.place", f.patron(), f.material(), None, Out(int), Out(int))


def test_place_allowed_for_staff_with_hold_manage(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    assert place(db, f.patron(), f.material())[1] == 1


# ---- trapping on check-in ------------------------------------------------------------------------

def test_checkin_at_the_pickup_branch_makes_the_first_hold_ready(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    first, _ = place(db, f.patron(), material_id)
    second, _ = place(db, f.patron(), material_id)
    assert checkin(db, copy_id, f.main_branch()) == first
    h = hold(db, first)
    pickup_days = db.scalar("SELECT hold_pickup_days FROM circ_policies WHERE branch_id IS NULL "
                            "AND patron_category IS NULL AND material_type IS NULL")
    assert (h["status"], h["copy_id"]) == ("READY", copy_id)
    assert h["ready_at"] is not None
    assert h["expires_at"] == end_of_day(today() + timedelta(days=pickup_days))
    assert copy_status(db, copy_id) == "ON_HOLD_SHELF"
    assert hold(db, second)["status"] == "PENDING"


def test_pickup_deadline_skips_closed_days_of_the_pickup_branch(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    hold_id, _ = place(db, f.patron(), material_id)
    pickup_days = db.scalar("SELECT hold_pickup_days FROM circ_policies WHERE branch_id IS NULL "
                            "AND patron_category IS NULL AND material_type IS NULL")
    deadline = today() + timedelta(days=pickup_days)
    f.closed_day(deadline, f.main_branch())
    f.closed_day(deadline + timedelta(days=1))
    checkin(db, copy_id, f.main_branch())
    assert hold(db, hold_id)["expires_at"] == end_of_day(deadline + timedelta(days=2))


def test_checkin_at_another_branch_sends_the_copy_in_transit(db, f):
    material_id = f.material()
    other = f.branch()
    copy_id = f.copy(material_id=material_id, branch_id=other)
    hold_id, _ = place(db, f.patron(), material_id)
    assert checkin(db, copy_id, other) == hold_id
    h = hold(db, hold_id)
    assert (h["status"], h["copy_id"], h["expires_at"]) == ("PENDING", copy_id, None)
    assert copy_status(db, copy_id) == "IN_TRANSIT"


def test_copy_in_transit_becomes_ready_when_it_arrives_at_the_pickup_branch(db, f):
    material_id = f.material()
    other = f.branch()
    copy_id = f.copy(material_id=material_id, branch_id=other)
    hold_id, _ = place(db, f.patron(), material_id)
    checkin(db, copy_id, other)
    assert checkin(db, copy_id, f.main_branch()) == hold_id
    assert hold(db, hold_id)["status"] == "READY"
    assert copy_status(db, copy_id) == "ON_HOLD_SHELF"


def test_checkin_without_holds_traps_nothing(db, f):
    copy_id = f.copy(status="ON_LOAN")
    assert checkin(db, copy_id, f.main_branch()) is None
    assert copy_status(db, copy_id) == "ON_LOAN"  # the caller makes it AVAILABLE


def test_checkin_skips_a_suspended_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    paused, _ = place(db, f.patron(), material_id)
    db.call("lib_holds.suspend", paused, today() + timedelta(days=10))
    waiting, _ = place(db, f.patron(), material_id)
    assert checkin(db, copy_id, f.main_branch()) == waiting
    assert hold(db, paused)["status"] == "SUSPENDED"


def test_checkin_takes_a_hold_whose_suspension_has_ended(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    paused, _ = place(db, f.patron(), material_id)
    db.call("lib_holds.suspend", paused, today() + timedelta(days=10))
    db.execute("UPDATE holds SET suspended_until = :d WHERE hold_id = :h",
               {"d": datetime.utcnow() - timedelta(hours=1), "h": paused})
    place(db, f.patron(), material_id)
    assert checkin(db, copy_id, f.main_branch()) == paused
    h = hold(db, paused)
    assert (h["status"], h["suspended_until"]) == ("READY", None)


@pytest.mark.parametrize("status,expires_in", [("SUSPENDED", 365), ("EXPIRED", 365), ("ACTIVE", -1)])
def test_checkin_skips_holds_of_patrons_who_may_not_borrow(db, f, status, expires_in):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    blocked_patron = f.patron()
    blocked, _ = place(db, blocked_patron, material_id)
    db.execute("UPDATE patrons SET status = :s, expires_on = :e WHERE patron_id = :p",
               {"s": status, "e": today() + timedelta(days=expires_in), "p": blocked_patron})
    waiting, _ = place(db, f.patron(), material_id)
    assert checkin(db, copy_id, f.main_branch()) == waiting
    assert hold(db, blocked)["status"] == "PENDING"


def test_two_returned_copies_fill_two_holds(db, f):
    material_id = f.material()
    first_copy, second_copy = f.copy(material_id=material_id), f.copy(material_id=material_id)
    first, _ = place(db, f.patron(), material_id)
    second, _ = place(db, f.patron(), material_id)
    assert checkin(db, first_copy, f.main_branch()) == first
    assert checkin(db, second_copy, f.main_branch()) == second


def test_a_hold_with_a_copy_in_transit_is_not_trapped_twice(db, f):
    material_id = f.material()
    other = f.branch()
    first_copy = f.copy(material_id=material_id, branch_id=other)
    second_copy = f.copy(material_id=material_id)
    first, _ = place(db, f.patron(), material_id)
    second, _ = place(db, f.patron(), material_id)
    checkin(db, first_copy, other)
    assert checkin(db, second_copy, f.main_branch()) == second
    assert hold(db, first)["copy_id"] == first_copy


def test_copy_reserved_for_names_the_patron_of_a_ready_or_in_transit_hold(db, f):
    material_id = f.material()
    other = f.branch()
    ready_copy = f.copy(material_id=material_id)
    transit_copy = f.copy(material_id=material_id, branch_id=other)
    free_copy = f.copy(material_id=material_id)
    first_patron, second_patron = f.patron(), f.patron()
    place(db, first_patron, material_id)
    place(db, second_patron, material_id)
    checkin(db, ready_copy, f.main_branch())
    checkin(db, transit_copy, other)
    assert db.fn("lib_holds.copy_reserved_for", ready_copy) == first_patron
    assert db.fn("lib_holds.copy_reserved_for", transit_copy) == second_patron
    assert db.fn("lib_holds.copy_reserved_for", free_copy) is None


def test_trap_copy_captures_a_shelf_copy_for_the_queue(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    hold_id, _ = place(db, f.patron(), material_id)
    db.set_actor(f.user(("LIBRARIAN",)))
    assert db.call("lib_holds.trap_copy", copy_id, f.main_branch(), Out(int)) == (hold_id,)
    assert hold(db, hold_id)["status"] == "READY"


def test_trap_copy_without_holds_leaves_the_copy_available(db, f):
    copy_id = f.copy()
    assert db.call("lib_holds.trap_copy", copy_id, None, Out(int)) == (None,)
    assert copy_status(db, copy_id) == "AVAILABLE"


def test_trap_copy_refuses_a_copy_that_is_not_available(db, f):
    refused(db, COPY_NOT_AVAILABLE, "lib_holds.trap_copy", f.copy(status="ON_LOAN"), None, Out(int))


def test_trap_copy_requires_hold_manage(db, f):
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_holds.trap_copy", f.copy(), None, Out(int))


# ---- fulfilment at checkout ----------------------------------------------------------------------

def test_checkout_of_the_trapped_copy_fulfils_the_ready_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    patron_id = f.patron()
    hold_id, _ = place(db, patron_id, material_id)
    checkin(db, copy_id, f.main_branch())
    loan_id = active_loan(db, f, patron_id, copy_id)
    db.call("lib_holds_core.on_checkout", patron_id, copy_id, loan_id)
    h = hold(db, hold_id)
    assert (h["status"], h["loan_id"]) == ("FULFILLED", loan_id)
    assert h["closed_at"] is not None


def test_checkout_by_a_walk_in_fulfils_their_pending_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    patron_id = f.patron()
    hold_id, _ = place(db, patron_id, material_id)
    other, _ = place(db, f.patron(), material_id)
    loan_id = active_loan(db, f, patron_id, copy_id)
    db.call("lib_holds_core.on_checkout", patron_id, copy_id, loan_id)
    assert hold(db, hold_id)["status"] == "FULFILLED"
    assert hold(db, other)["status"] == "PENDING"


def test_checkout_of_another_copy_passes_the_waiting_copy_to_the_next_hold(db, f):
    material_id = f.material()
    shelf_copy, other_copy = f.copy(material_id=material_id), f.copy(material_id=material_id)
    patron_id = f.patron()
    hold_id, _ = place(db, patron_id, material_id)
    next_id, _ = place(db, f.patron(), material_id)
    checkin(db, shelf_copy, f.main_branch())
    loan_id = active_loan(db, f, patron_id, other_copy)
    db.call("lib_holds_core.on_checkout", patron_id, other_copy, loan_id)
    assert hold(db, hold_id)["status"] == "FULFILLED"
    n = hold(db, next_id)
    assert (n["status"], n["copy_id"]) == ("READY", shelf_copy)


def test_checkout_of_another_copy_without_a_next_hold_frees_the_waiting_copy(db, f):
    material_id = f.material()
    shelf_copy, other_copy = f.copy(material_id=material_id), f.copy(material_id=material_id)
    patron_id = f.patron()
    place(db, patron_id, material_id)
    checkin(db, shelf_copy, f.main_branch())
    db.call("lib_holds_core.on_checkout", patron_id, other_copy, active_loan(db, f, patron_id, other_copy))
    assert copy_status(db, shelf_copy) == "AVAILABLE"


def test_checkout_without_a_hold_changes_no_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    patron_id = f.patron()
    other, _ = place(db, f.patron(), material_id)
    db.call("lib_holds_core.on_checkout", patron_id, copy_id, active_loan(db, f, patron_id, copy_id))
    assert hold(db, other)["status"] == "PENDING"


# ---- cancel --------------------------------------------------------------------------------------

def test_cancel_closes_a_pending_hold_with_the_reason(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.set_actor(f.user(("LIBRARIAN",)))
    db.call("lib_holds.cancel", hold_id, "Patron phoned")
    h = hold(db, hold_id)
    assert (h["status"], h["close_reason"]) == ("CANCELLED", "Patron phoned")
    assert h["closed_at"] is not None


def test_cancel_of_a_ready_hold_passes_the_copy_to_the_next_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    first, _ = place(db, f.patron(), material_id)
    second, _ = place(db, f.patron(), material_id)
    checkin(db, copy_id, f.main_branch())
    db.call("lib_holds.cancel", first, None)
    assert hold(db, second)["status"] == "READY"
    assert hold(db, second)["copy_id"] == copy_id


def test_cancel_of_a_ready_hold_sends_the_copy_to_the_next_pickup_branch(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    first, _ = place(db, f.patron(), material_id)
    second, _ = place(db, f.patron(), material_id, f.branch())
    checkin(db, copy_id, f.main_branch())
    db.call("lib_holds.cancel", first, None)
    assert (hold(db, second)["status"], hold(db, second)["copy_id"]) == ("PENDING", copy_id)
    assert copy_status(db, copy_id) == "IN_TRANSIT"


def test_cancel_of_the_last_ready_hold_makes_the_copy_available(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    hold_id, _ = place(db, f.patron(), material_id)
    checkin(db, copy_id, f.main_branch())
    db.call("lib_holds.cancel", hold_id, None)
    assert copy_status(db, copy_id) == "AVAILABLE"


def test_cancel_refuses_a_closed_hold(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.call("lib_holds.cancel", hold_id, None)
    refused(db, HOLD_NOT_ACTIVE, "lib_holds.cancel", hold_id, None)


def test_cancel_refuses_an_unknown_hold(db):
    refused(db, HOLD_NOT_FOUND, "lib_holds.cancel", -1, None)


def test_cancel_requires_hold_manage_or_ownership(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_holds.cancel", hold_id, None)
    assert hold(db, hold_id)["status"] == "PENDING"


def test_cancel_own_lets_a_patron_cancel_their_hold(db, f):
    user_id = f.user(("PATRON",))
    patron_id = f.patron(user_id=user_id)
    hold_id, _ = place(db, patron_id, f.material())
    db.set_actor(user_id)
    db.call("lib_holds.cancel_own", patron_id, hold_id)
    assert hold(db, hold_id)["status"] == "CANCELLED"


def test_cancel_own_answers_not_found_for_another_patrons_hold(db, f):
    user_id = f.user(("PATRON",))
    patron_id = f.patron(user_id=user_id)
    others, _ = place(db, f.patron(), f.material())
    db.set_actor(user_id)
    refused(db, HOLD_NOT_FOUND, "lib_holds.cancel_own", patron_id, others)
    assert hold(db, others)["status"] == "PENDING"


# ---- suspend and resume --------------------------------------------------------------------------

def test_suspend_pauses_a_hold_until_a_date_keeping_its_place(db, f):
    material_id = f.material()
    hold_id, _ = place(db, f.patron(), material_id)
    place(db, f.patron(), material_id)
    until = today() + timedelta(days=14)
    db.call("lib_holds.suspend", hold_id, until)
    h = hold(db, hold_id)
    assert (h["status"], h["suspended_until"]) == ("SUSPENDED", until)
    assert db.fn("lib_holds.queue_position", hold_id) == 1


def test_suspend_refuses_a_date_not_in_the_future(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    refused(db, INVALID_ARGUMENT, "lib_holds.suspend", hold_id, today() - timedelta(days=1))
    refused(db, INVALID_ARGUMENT, "lib_holds.suspend", hold_id, None)
    assert hold(db, hold_id)["status"] == "PENDING"


def test_suspend_refuses_a_hold_with_a_trapped_copy(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    hold_id, _ = place(db, f.patron(), material_id)
    checkin(db, copy_id, f.main_branch())
    refused(db, HOLD_ALREADY_TRAPPED, "lib_holds.suspend", hold_id, today() + timedelta(days=5))
    assert hold(db, hold_id)["status"] == "READY"


def test_suspend_refuses_a_closed_hold(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.call("lib_holds.cancel", hold_id, None)
    refused(db, HOLD_NOT_ACTIVE, "lib_holds.suspend", hold_id, today() + timedelta(days=5))


def test_suspend_by_another_patron_is_refused(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.set_actor(f.user(("PATRON",)))
    refused(db, PERMISSION_DENIED, "lib_holds.suspend", hold_id, today() + timedelta(days=5))


def test_resume_makes_a_suspended_hold_pending(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.call("lib_holds.suspend", hold_id, today() + timedelta(days=5))
    db.call("lib_holds.resume", hold_id)
    h = hold(db, hold_id)
    assert (h["status"], h["suspended_until"]) == ("PENDING", None)


def test_resume_refuses_a_hold_that_is_not_suspended(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    refused(db, HOLD_NOT_SUSPENDED, "lib_holds.resume", hold_id)


# ---- expiry of uncollected holds -----------------------------------------------------------------

def make_ready(db, f, material_id, patron_id=None):
    copy_id = f.copy(material_id=material_id)
    hold_id, _ = place(db, patron_id or f.patron(), material_id)
    checkin(db, copy_id, f.main_branch())
    return hold_id, copy_id


def test_expire_unclaimed_expires_ready_holds_past_their_deadline(db, f):
    material_id = f.material()
    hold_id, copy_id = make_ready(db, f, material_id)
    deadline = hold(db, hold_id)["expires_at"]
    (rows,) = db.call("lib_holds.expire_unclaimed", deadline + timedelta(seconds=1), Out(int))
    assert rows >= 1
    h = hold(db, hold_id)
    assert h["status"] == "EXPIRED" and h["closed_at"] is not None
    assert copy_status(db, copy_id) == "AVAILABLE"


def test_expire_unclaimed_passes_the_copy_to_the_next_hold(db, f):
    material_id = f.material()
    hold_id, copy_id = make_ready(db, f, material_id)
    next_id, _ = place(db, f.patron(), material_id)
    db.call("lib_holds.expire_unclaimed", hold(db, hold_id)["expires_at"] + timedelta(seconds=1), Out(int))
    n = hold(db, next_id)
    assert (n["status"], n["copy_id"]) == ("READY", copy_id)
    assert n["expires_at"] > datetime.utcnow()
    assert copy_status(db, copy_id) == "ON_HOLD_SHELF"


def test_expire_unclaimed_leaves_holds_within_their_deadline(db, f):
    hold_id, _ = make_ready(db, f, f.material())
    db.call("lib_holds.expire_unclaimed", hold(db, hold_id)["expires_at"], Out(int))
    assert hold(db, hold_id)["status"] == "READY"


def test_expire_unclaimed_requires_hold_manage_for_a_user(db, f):
    hold_id, _ = make_ready(db, f, f.material())
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_holds.expire_unclaimed", datetime(2999, 1, 1), Out(int))
    assert hold(db, hold_id)["status"] == "READY"


# ---- queue position ------------------------------------------------------------------------------

def test_queue_position_matches_the_hold_queue_view(db, f):
    material_id = f.material()
    ids = [place(db, f.patron(), material_id)[0] for _ in range(4)]
    db.call("lib_holds.cancel", ids[1], None)
    view = {r["hold_id"]: r["queue_position"] for r in db.rows(
        "SELECT hold_id, queue_position FROM hold_queue_v WHERE material_id = :m", {"m": material_id})}
    assert {h: db.fn("lib_holds.queue_position", h) for h in (ids[0], ids[2], ids[3])} == view == {
        ids[0]: 1, ids[2]: 2, ids[3]: 3}


def test_queue_position_of_a_closed_hold_is_null(db, f):
    hold_id, _ = place(db, f.patron(), f.material())
    db.call("lib_holds.cancel", hold_id, None)
    assert db.fn("lib_holds.queue_position", hold_id) is None


def test_queue_position_of_an_unknown_hold_is_refused(db):
    with pytest.raises(DbError) as err:
        with db.savepoint():
            db.fn("lib_holds.queue_position", -1)
    assert err.value.code == HOLD_NOT_FOUND


# ---- renewal blocking ----------------------------------------------------------------------------

def test_blocks_renewal_when_another_patron_waits_and_no_copy_is_available(db, f):
    material_id = f.material()
    borrower = f.patron()
    loan_id = active_loan(db, f, borrower, f.copy(material_id=material_id))
    place(db, f.patron(), material_id)
    assert db.fn("lib_holds.blocks_renewal", loan_id) == 1


def test_does_not_block_renewal_when_an_available_copy_can_fill_the_hold(db, f):
    material_id = f.material()
    loan_id = active_loan(db, f, f.patron(), f.copy(material_id=material_id))
    f.copy(material_id=material_id)
    place(db, f.patron(), material_id)
    assert db.fn("lib_holds.blocks_renewal", loan_id) == 0


def test_does_not_block_renewal_for_a_suspended_hold(db, f):
    material_id = f.material()
    loan_id = active_loan(db, f, f.patron(), f.copy(material_id=material_id))
    hold_id, _ = place(db, f.patron(), material_id)
    db.call("lib_holds.suspend", hold_id, today() + timedelta(days=5))
    assert db.fn("lib_holds.blocks_renewal", loan_id) == 0


def test_does_not_block_renewal_without_holds(db, f):
    loan_id = active_loan(db, f, f.patron(), f.copy())
    assert db.fn("lib_holds.blocks_renewal", loan_id) == 0


def test_does_not_block_renewal_for_a_hold_already_filled_by_a_copy(db, f):
    material_id = f.material()
    loan_id = active_loan(db, f, f.patron(), f.copy(material_id=material_id))
    make_ready(db, f, material_id)
    assert db.fn("lib_holds.blocks_renewal", loan_id) == 0


# ---- release of a copy leaving circulation -------------------------------------------------------

def test_release_copy_puts_the_hold_back_in_the_queue(db, f):
    hold_id, copy_id = make_ready(db, f, f.material())
    db.call("lib_holds_core.release_copy", copy_id)
    h = hold(db, hold_id)
    assert (h["status"], h["copy_id"], h["ready_at"], h["expires_at"]) == ("PENDING", None, None, None)
    assert db.fn("lib_holds.queue_position", hold_id) == 1


# ---- through lib_circulation ---------------------------------------------------------------------

def test_a_return_through_circulation_traps_the_copy_for_the_next_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    borrower = f.patron()
    loan_id, _ = db.call("lib_circulation.checkout", borrower, copy_id, None, None, None, None, Out(int), Out(datetime))
    hold_id, _ = place(db, f.patron(), material_id)
    result = db.call("lib_circulation.checkin", copy_id, f.main_branch(), None, None,
                     Out(int), Out(int), Out(Decimal), Out(int))
    assert result[0] == loan_id and result[3] == hold_id
    assert hold(db, hold_id)["status"] == "READY"
    assert copy_status(db, copy_id) == "ON_HOLD_SHELF"


def test_a_checkout_through_circulation_fulfils_the_ready_hold(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id)
    patron_id = f.patron()
    hold_id, _ = place(db, patron_id, material_id)
    checkin(db, copy_id, f.main_branch())
    loan_id, _ = db.call("lib_circulation.checkout", patron_id, copy_id, None, None, None, None, Out(int), Out(datetime))
    h = hold(db, hold_id)
    assert (h["status"], h["loan_id"]) == ("FULFILLED", loan_id)


# ---- concurrency ---------------------------------------------------------------------------------

def test_two_concurrent_returns_never_trap_two_copies_for_one_hold(new_session):
    """Session A traps the first hold and keeps it locked; session B, returning another copy of the same
    title at the same time, waits for that lock, sees the hold taken and traps the second hold."""
    import threading

    setup, a, b = new_session(), new_session(), new_session()
    f = Factory(setup)
    material_id = f.material()
    copies = [f.copy(material_id=material_id, status="ON_LOAN") for _ in range(2)]
    patrons = [f.patron() for _ in range(2)]
    holds = [place(setup, p, material_id)[0] for p in patrons]
    setup.commit()
    branch_id = f.main_branch()
    try:
        assert a.call("lib_holds_core.on_checkin", copies[0], branch_id, Out(int)) == (holds[0],)
        result = {}

        def return_second_copy():
            result["hold"] = b.call("lib_holds_core.on_checkin", copies[1], branch_id, Out(int))[0]

        worker = threading.Thread(target=return_second_copy)
        worker.start()
        worker.join(timeout=1)
        assert worker.is_alive(), "session B should wait for the hold session A has locked"
        a.commit()
        worker.join(timeout=10)
        b.commit()
        assert result["hold"] == holds[1]
        trapped = setup.rows("SELECT hold_id, copy_id FROM holds WHERE material_id = :m ORDER BY hold_id",
                             {"m": material_id})
        assert [(r["hold_id"], r["copy_id"]) for r in trapped] == list(zip(holds, copies))
    finally:
        for s in (a, b):
            s.rollback()
        setup.rollback()
        # the trapped holds wrote their HOLD_READY notices in the same transactions
        setup.execute("DELETE FROM notices WHERE hold_id IN (SELECT hold_id FROM holds WHERE material_id = :m)",
                      {"m": material_id})
        setup.execute("DELETE FROM holds WHERE material_id = :m", {"m": material_id})
        setup.execute("DELETE FROM copies WHERE material_id = :m", {"m": material_id})
        setup.execute("DELETE FROM materials WHERE material_id = :m", {"m": material_id})
        for p in patrons:
            setup.execute("DELETE FROM patrons WHERE patron_id = :p", {"p": p})
        setup.commit()
