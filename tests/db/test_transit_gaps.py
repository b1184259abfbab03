"""Issue 13's transit gaps, through lib_circulation, lib_holds_core and lib_catalog: a copy on a hold shelf
scanned at another branch, and transits left open on a copy declared lost or withdrawn."""
from datalayer.reads import transits as reads
from datalayer.session import Out
from tests.db.conftest import refused
from tests.db.test_transits import Desk


def _transit(db, copy) -> dict:
    """The copy's newest transit row."""
    return db.one("SELECT * FROM transits WHERE copy_id = :c ORDER BY transit_id DESC FETCH FIRST 1 ROWS ONLY",
                  {"c": copy})


def _hold(db, hold_id) -> dict:
    return db.one("SELECT status, copy_id, ready_at, expires_at FROM holds WHERE hold_id = :h", {"h": hold_id})


def _on_hold_shelf(desk: Desk):
    """A copy of the desk's branch trapped for a hold picked up at another branch and on that hold shelf:
    (copy, hold_id, pickup branch)."""
    pickup = desk.f.branch()
    material = desk.f.material()
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    hold_id = desk.place_hold(desk.patron(), material, pickup)
    desk.checkin_at(copy, desk.branch)  # trapped here, sent to the pickup branch
    assert desk.checkin_at(copy, pickup)[1:] == (hold_id, "READY", None, "ON_HOLD_SHELF")
    return copy, hold_id, pickup


def _in_transit_home(desk: Desk) -> int:
    """A copy returned away from home: IN_TRANSIT home, one open transit."""
    copy = desk.copy()
    desk.checkout(desk.patron(), copy)
    assert desk.checkin_at(copy, desk.f.branch())[4] == "IN_TRANSIT"
    return copy


def _lose(db, copy) -> None:
    """lib_circulation.mark_copy_lost by copy id."""
    assert db.call("lib_circulation.mark_copy_lost", copy, None, None, Out(int))[0] == copy


def _listed(db, copy) -> bool:
    """Whether the transits list (GET /api/circulation/transits's read) shows the copy at its home branch."""
    home = db.scalar("SELECT branch_id FROM copies WHERE copy_id = :c", {"c": copy})
    rows, _ = reads.open_transits(db, home, "both", 100, 0)
    return any(r["copy_id"] == copy for r in rows)


# ---- a copy on a hold shelf scanned at another branch -------------------------------------------------

def test_a_copy_on_the_hold_shelf_scanned_elsewhere_stays_trapped_and_travels_back_to_the_pickup_branch(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    elsewhere = desk.f.branch()
    closed, trapped, hold_status, transit_to, status = desk.checkin_at(copy, elsewhere)
    assert (closed, trapped, hold_status, transit_to, status) == (None, hold_id, "PENDING", pickup, "IN_TRANSIT")
    # still this hold's copy, off the shelf: no pickup deadline runs while it travels
    assert _hold(db, hold_id) == {"status": "PENDING", "copy_id": copy, "ready_at": None, "expires_at": None}
    assert desk.open_transits(copy) == [{"from_branch_id": elsewhere, "to_branch_id": pickup, "reason": "HOLD",
                                         "hold_id": hold_id}]


def test_the_copy_sent_back_is_on_the_hold_shelf_again_with_a_fresh_pickup_deadline_when_it_arrives(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    first = _hold(db, hold_id)
    desk.checkin_at(copy, desk.branch)
    # a day on the shelf went by before it was taken away: the new deadline counts from the arrival
    assert desk.checkin_at(copy, pickup) == (None, hold_id, "READY", None, "ON_HOLD_SHELF")
    again = _hold(db, hold_id)
    assert (again["status"], again["copy_id"]) == ("READY", copy)
    assert again["ready_at"] is not None and again["ready_at"] >= first["ready_at"]
    assert again["expires_at"] == first["expires_at"]  # the same day: the same deadline
    assert desk.open_transits(copy) == []
    assert _transit(db, copy)["received_branch_id"] == pickup


def test_a_copy_on_the_hold_shelf_scanned_at_its_pickup_branch_is_confirmed_and_nothing_changes(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    before = _hold(db, hold_id)
    notices = db.scalar("SELECT COUNT(*) FROM notices")
    assert desk.checkin_at(copy, pickup) == (None, hold_id, "READY", None, "ON_HOLD_SHELF")
    assert _hold(db, hold_id) == before
    assert desk.open_transits(copy) == []
    assert db.scalar("SELECT COUNT(*) FROM notices") == notices  # no second "ready" notice


def test_a_copy_sent_back_to_its_pickup_branch_is_still_lent_only_to_its_holds_patron(db):
    desk = Desk(db)
    copy, hold_id, _ = _on_hold_shelf(desk)
    desk.checkin_at(copy, desk.branch)
    refused(db, -20105, "lib_circulation.checkout", desk.patron(), copy, None, None, None, None, None, None)
    holder = db.scalar("SELECT patron_id FROM holds WHERE hold_id = :h", {"h": hold_id})
    desk.checkout(holder, copy)
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold_id}) == "FULFILLED"
    assert desk.open_transits(copy) == []


# ---- a copy on a hold shelf past its pickup deadline, scanned before the expiry job ran -------------------

def _past_deadline(db, hold_id) -> None:
    """The pickup deadline passed yesterday; the hold-expiry job has not run."""
    db.execute("UPDATE holds SET expires_at = expires_at - 30 WHERE hold_id = :h", {"h": hold_id})


def _notice_types(db, hold_id) -> list:
    return [r["notice_type"] for r in db.rows("SELECT notice_type FROM notices WHERE hold_id = :h "
                                               "ORDER BY notice_id", {"h": hold_id})]


def test_a_copy_scanned_elsewhere_after_the_pickup_deadline_expires_the_hold_and_goes_home(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    _past_deadline(db, hold_id)
    elsewhere = desk.f.branch()
    assert desk.checkin_at(copy, elsewhere) == (None, None, None, desk.branch, "IN_TRANSIT")
    hold = db.one("SELECT status, copy_id, close_reason FROM holds WHERE hold_id = :h", {"h": hold_id})
    assert (hold["status"], hold["copy_id"]) == ("EXPIRED", copy)  # as the expiry job leaves it
    assert hold["close_reason"] == "Not collected by the pickup deadline"
    assert _notice_types(db, hold_id) == ["HOLD_READY", "HOLD_EXPIRED"]
    assert desk.open_transits(copy) == [{"from_branch_id": elsewhere, "to_branch_id": desk.branch, "reason": "HOME",
                                         "hold_id": None}]


def test_a_copy_scanned_elsewhere_after_the_pickup_deadline_is_trapped_for_the_next_hold(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    _past_deadline(db, hold_id)
    elsewhere = desk.f.branch()
    material = db.scalar("SELECT material_id FROM copies WHERE copy_id = :c", {"c": copy})
    next_hold = desk.place_hold(desk.patron(), material, elsewhere)
    assert desk.checkin_at(copy, elsewhere) == (None, next_hold, "READY", None, "ON_HOLD_SHELF")
    assert _hold(db, hold_id)["status"] == "EXPIRED"
    assert desk.open_transits(copy) == []


def test_a_copy_scanned_at_its_pickup_branch_after_the_deadline_is_freed_as_the_expiry_job_would(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    _past_deadline(db, hold_id)
    assert desk.checkin_at(copy, pickup) == (None, None, None, desk.branch, "IN_TRANSIT")
    assert _hold(db, hold_id)["status"] == "EXPIRED"


def test_the_expiry_job_still_expires_a_hold_past_its_deadline_and_passes_the_copy_on(db):
    desk = Desk(db)
    copy, hold_id, pickup = _on_hold_shelf(desk)
    _past_deadline(db, hold_id)
    material = db.scalar("SELECT material_id FROM copies WHERE copy_id = :c", {"c": copy})
    next_hold = desk.place_hold(desk.patron(), material, pickup)
    db.set_actor(None)  # the nightly job
    assert db.call("lib_holds.expire_unclaimed", None, Out(int))[0] >= 1
    assert _hold(db, hold_id)["status"] == "EXPIRED"
    assert _notice_types(db, hold_id) == ["HOLD_READY", "HOLD_EXPIRED"]
    assert _hold(db, next_hold)["status"] == "READY" and _hold(db, next_hold)["copy_id"] == copy


# ---- transits left open on a copy declared lost or withdrawn ---------------------------------------------

def test_withdrawing_a_copy_in_transit_cancels_its_transit_and_records_who_and_why(db):
    desk = Desk(db)
    copy = _in_transit_home(desk)
    assert _listed(db, copy)
    cataloger = desk.f.user(roles=("CATALOGER",))
    db.set_actor(cataloger)
    db.call("lib_catalog.withdraw_copy", copy, "worn out")
    row = _transit(db, copy)
    assert (row["cancel_reason"], row["cancelled_by"], row["received_at"]) == ("WITHDRAWN", cataloger, None)
    assert row["cancelled_at"] is not None
    assert desk.open_transits(copy) == []
    assert not _listed(db, copy)
    assert db.scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = 'transits' AND row_id = :t "
                     "AND action = 'UPDATE'", {"t": row["transit_id"]}) == 1


def test_withdrawing_a_copy_in_transit_to_a_hold_cancels_the_transit_and_puts_the_hold_back_in_the_queue(db):
    desk = Desk(db)
    pickup = desk.f.branch()
    material = desk.f.material()
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    hold_id = desk.place_hold(desk.patron(), material, pickup)
    desk.checkin_at(copy, desk.branch)
    db.set_actor(desk.f.user(roles=("CATALOGER",)))
    db.call("lib_catalog.withdraw_copy", copy, None)
    assert _transit(db, copy)["cancel_reason"] == "WITHDRAWN"
    assert _hold(db, hold_id)["status"] == "PENDING" and _hold(db, hold_id)["copy_id"] is None


def test_a_copy_lost_in_transit_is_declared_lost_and_its_transit_cancelled(db):
    desk = Desk(db)
    copy = _in_transit_home(desk)
    _lose(db, copy)
    row = _transit(db, copy)
    assert (row["cancel_reason"], row["cancelled_by"]) == ("LOST", desk.user)
    assert desk.status(copy) == "LOST"
    assert not _listed(db, copy)
    assert db.scalar("SELECT COUNT(*) FROM fines f JOIN loans l ON l.loan_id = f.loan_id WHERE l.copy_id = :c "
                     "AND f.fine_type = 'LOST'", {"c": copy}) == 0  # nobody is charged for a copy not on loan


def test_the_reason_a_copy_is_declared_lost_is_kept_on_the_copy_and_in_its_audit_row(db):
    desk = Desk(db)
    copy = _in_transit_home(desk)
    db.call("lib_circulation.mark_copy_lost", copy, None, "  not in the van from East  ", Out(int))
    assert db.scalar("SELECT condition_note FROM copies WHERE copy_id = :c", {"c": copy}) == "not in the van from East"
    audit = db.one("SELECT actor_user_id, new_values FROM audit_log WHERE table_name = 'copies' AND row_id = :c "
                   "AND action = 'UPDATE' ORDER BY audit_id DESC FETCH FIRST 1 ROWS ONLY", {"c": copy})
    assert audit["actor_user_id"] == desk.user and "not in the van from East" in audit["new_values"]


def test_a_copy_lost_in_transit_that_comes_back_is_found_and_routed_as_any_copy(db):
    desk = Desk(db)
    copy = _in_transit_home(desk)
    _lose(db, copy)
    away = desk.f.branch()
    assert desk.checkin_at(copy, away) == (None, None, None, desk.branch, "IN_TRANSIT")
    assert desk.open_transits(copy) == [{"from_branch_id": away, "to_branch_id": desk.branch, "reason": "HOME",
                                         "hold_id": None}]
    assert desk.checkin_at(copy, desk.branch) == (None, None, None, None, "AVAILABLE")
    assert desk.open_transits(copy) == []
    # the cancelled transit stays cancelled, never received
    assert db.scalar("SELECT COUNT(*) FROM transits WHERE copy_id = :c AND cancel_reason = 'LOST' "
                     "AND received_at IS NULL", {"c": copy}) == 1


def test_a_lost_copy_found_at_home_is_trapped_for_a_waiting_hold(db):
    desk = Desk(db)
    material = desk.f.material()
    copy = desk.copy(material)
    _lose(db, copy)
    hold_id = desk.place_hold(desk.patron(), material)
    assert desk.checkin_at(copy, desk.branch) == (None, hold_id, "READY", None, "ON_HOLD_SHELF")


def test_declaring_a_loan_lost_cancels_a_transit_left_open_on_its_copy(db):
    desk = Desk(db)
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)[0]
    db.execute("INSERT INTO transits (copy_id, from_branch_id, to_branch_id, reason) VALUES (:c, :f, :t, 'HOME')",
               {"c": copy, "f": desk.f.branch(), "t": desk.branch})
    db.call("lib_circulation.mark_lost", loan_id)
    assert _transit(db, copy)["cancel_reason"] == "LOST"
    assert desk.open_transits(copy) == []


def test_a_copy_lost_with_its_loan_comes_back_and_resolves_as_before(db):
    desk = Desk(db)
    copy = desk.copy()
    loan_id = desk.checkout(desk.patron(), copy)[0]
    db.call("lib_circulation.mark_lost", loan_id)
    assert desk.checkin_at(copy, desk.branch) == (loan_id, None, None, None, "AVAILABLE")


def test_declaring_a_copy_lost_is_refused_when_it_is_on_loan_lost_withdrawn_or_unknown(db):
    desk = Desk(db)
    on_loan = desk.copy()
    desk.checkout(desk.patron(), on_loan)
    refused(db, -20103, "lib_circulation.mark_copy_lost", on_loan, None, None, Out(int))
    refused(db, -20106, "lib_circulation.mark_copy_lost", desk.copy(status="LOST"), None, None, Out(int))
    refused(db, -20106, "lib_circulation.mark_copy_lost", None, db.scalar(
        "SELECT barcode FROM copies WHERE copy_id = :c", {"c": desk.copy(status="WITHDRAWN")}), None, Out(int))
    refused(db, -20102, "lib_circulation.mark_copy_lost", -1, None, None, Out(int))
    refused(db, -20903, "lib_circulation.mark_copy_lost", on_loan, "X", None, Out(int))


def test_declaring_a_copy_lost_needs_circ_return(db):
    desk = Desk(db)
    copy = desk.copy()
    db.set_actor(desk.f.user(roles=("CATALOGER",)))
    refused(db, -20411, "lib_circulation.mark_copy_lost", copy, None, None, Out(int))
    assert desk.status(copy) == "AVAILABLE"
