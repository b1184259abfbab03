"""lib_circulation.checkout: every rule of lending a copy, each refusal by its code, nothing changed after it."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.errors import reasons_of
from datalayer.session import DbError, Out
from tests.db.conftest import refused_leaving
from tests.db.desk import END_OF_DAY, CirculationDesk
from tests.factories import today


class Desk(CirculationDesk):
    def refused(self, code, patron, copy, due=None, override=None, codes=None, note=None):
        """The checkout is refused with `code` and leaves no loan and the copy as it was."""
        refused_leaving(self.db, code, lambda: self.checkout(patron, copy, due, override, codes, note),
                        ("SELECT status, status_changed_at FROM copies WHERE copy_id = :c", {"c": copy}),
                        "SELECT COUNT(*) FROM loans")


def _permit(db, patron, copy):
    return db.fn("lib_circulation.checkout_permit", patron, copy, returns=str)


def _charge(db, patron, amount):
    return db.call("lib_fines.add_charge", patron, None, "MANUAL", Decimal(amount), "test charge", Out(int))[0]


# ---- the loan ------------------------------------------------------------------------------------

def test_checkout_creates_an_active_loan_under_the_most_specific_policy(db):
    desk = Desk(db, loan_days=14)
    patron, copy = desk.patron(), desk.copy()
    loan_id, due_at = desk.checkout(patron, copy)
    loan = db.one("SELECT * FROM loans WHERE loan_id = :l", {"l": loan_id})
    assert loan["status"] == "ACTIVE"
    assert (loan["patron_id"], loan["copy_id"], loan["branch_id"]) == (patron, copy, desk.branch)
    assert loan["policy_id"] == desk.policy
    assert loan["checkout_by"] == desk.user
    assert loan["overridden"] == "N"
    assert loan["due_at"] == due_at
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"


def test_checkout_due_date_is_loan_days_ahead_at_the_end_of_the_day(db):
    desk = Desk(db, loan_days=14)
    _, due_at = desk.checkout(desk.patron(), desk.copy())
    assert due_at == today() + timedelta(days=14) + END_OF_DAY


def test_checkout_due_date_moves_past_closed_days_of_the_branch(db):
    desk = Desk(db, loan_days=14)
    desk.f.closed_day(today() + timedelta(days=14), desk.branch)
    desk.f.closed_day(today() + timedelta(days=15), desk.branch)
    _, due_at = desk.checkout(desk.patron(), desk.copy())
    assert due_at == today() + timedelta(days=16) + END_OF_DAY


def test_checkout_due_date_moves_past_library_wide_closed_days(db):
    desk = Desk(db, loan_days=10)
    desk.f.closed_day(today() + timedelta(days=10))
    _, due_at = desk.checkout(desk.patron(), desk.copy())
    assert due_at == today() + timedelta(days=11) + END_OF_DAY


def test_checkout_accepts_a_due_date_chosen_at_the_desk(db):
    desk = Desk(db)
    wanted = today() + timedelta(days=3, hours=17)
    _, due_at = desk.checkout(desk.patron(), desk.copy(), due=wanted)
    assert due_at == wanted


def test_checkout_due_date_without_time_means_the_end_of_that_day(db):
    desk = Desk(db)
    _, due_at = desk.checkout(desk.patron(), desk.copy(), due=today() + timedelta(days=2))
    assert due_at == today() + timedelta(days=2) + END_OF_DAY


def test_checkout_refused_when_due_date_is_not_in_the_future(db):
    desk = Desk(db)
    desk.refused(-20111, desk.patron(), desk.copy(), due=datetime.utcnow() - timedelta(hours=1))


def test_checkout_refused_when_due_date_is_more_than_a_year_ahead(db):
    desk = Desk(db)
    desk.refused(-20111, desk.patron(), desk.copy(), due=today() + timedelta(days=367))


def test_checkout_accepts_a_due_date_a_year_ahead(db):
    desk = Desk(db)
    _, due_at = desk.checkout(desk.patron(), desk.copy(), due=today() + timedelta(days=365))
    assert due_at == today() + timedelta(days=365) + END_OF_DAY


def test_checkout_by_barcode_lends_the_scanned_copy_to_the_card_holder(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    card = db.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron})
    loan_id, due_at = db.call("lib_circulation.checkout_by_barcode", card, desk.f.barcode(copy), None, None, None, None,
                              Out(int), Out(datetime))
    assert db.one("SELECT patron_id, copy_id FROM loans WHERE loan_id = :l", {"l": loan_id}) == \
        {"patron_id": patron, "copy_id": copy}


def test_checkout_by_barcode_refused_for_unknown_card_and_unknown_barcode(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    card = db.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron})
    for args, code in (((card + "X", desk.f.barcode(copy)), -20401), ((card, "NO-SUCH-BARCODE"), -20102)):
        with pytest.raises(DbError) as err:
            with db.savepoint():
                db.call("lib_circulation.checkout_by_barcode", *args, None, None, None, None, Out(int), Out(datetime))
        assert err.value.code == code


# ---- refusals: the patron ------------------------------------------------------------------------

def test_checkout_refused_when_patron_not_found(db):
    desk = Desk(db)
    desk.refused(-20401, -1, desk.copy())


def test_checkout_refused_when_patron_suspended(db):
    desk = Desk(db)
    desk.refused(-20402, desk.patron(status="SUSPENDED"), desk.copy())


def test_checkout_refused_when_patron_record_deleted(db):
    desk = Desk(db)
    desk.refused(-20404, desk.patron(status="DELETED"), desk.copy())


def test_checkout_refused_when_patron_card_expired(db):
    desk = Desk(db)
    desk.refused(-20403, desk.patron(expires_on=today() - timedelta(days=1)), desk.copy())


def test_checkout_refused_when_patron_status_expired(db):
    desk = Desk(db)
    desk.refused(-20403, desk.patron(status="EXPIRED"), desk.copy())


def test_checkout_allowed_on_the_last_day_of_the_card(db):
    desk = Desk(db)
    loan_id, _ = desk.checkout(desk.patron(expires_on=today()), desk.copy())
    assert loan_id


def test_checkout_refused_when_fines_reach_the_block_threshold(db):
    desk = Desk(db, fine_block_threshold=5)
    patron = desk.patron()
    _charge(db, patron, "5.00")
    desk.refused(-20405, patron, desk.copy())


def test_checkout_allowed_when_fines_stay_below_the_block_threshold(db):
    desk = Desk(db, fine_block_threshold=5)
    patron = desk.patron()
    _charge(db, patron, "4.99")
    loan_id, _ = desk.checkout(patron, desk.copy())
    assert loan_id


def test_checkout_refused_when_loan_limit_reached(db):
    desk = Desk(db, loan_limit=2)
    patron = desk.patron()
    desk.checkout(patron, desk.copy())
    desk.checkout(patron, desk.copy())
    desk.refused(-20107, patron, desk.copy())


def test_checkout_refused_when_no_policy_applies(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    # without the test's own policy, and with the library default confined to another branch
    db.execute("DELETE FROM circ_policies WHERE policy_id = :p", {"p": desk.policy})
    db.execute("UPDATE circ_policies SET branch_id = :o WHERE branch_id IS NULL AND patron_category IS NULL "
               "AND material_type IS NULL", {"o": desk.f.branch()})
    desk.refused(-20114, patron, copy)


def test_checkout_refused_without_circ_checkout_permission(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    db.set_actor(desk.f.user(roles=("CATALOGER",)))
    desk.refused(-20411, patron, copy)


# ---- refusals: the copy --------------------------------------------------------------------------

def test_checkout_refused_when_copy_not_found(db):
    desk = Desk(db)
    with pytest.raises(DbError) as err:
        with db.savepoint():
            desk.checkout(desk.patron(), -1)
    assert err.value.code == -20102


def test_checkout_refused_when_copy_already_on_loan(db):
    desk = Desk(db)
    copy = desk.copy()
    desk.checkout(desk.patron(), copy)
    desk.refused(-20103, desk.patron(), copy)


def test_checkout_refused_when_copy_lost(db):
    desk = Desk(db)
    desk.refused(-20106, desk.patron(), desk.copy(status="LOST"))


def test_checkout_refused_when_copy_withdrawn(db):
    desk = Desk(db)
    desk.refused(-20106, desk.patron(), desk.copy(status="WITHDRAWN"))


def test_checkout_refused_when_copy_damaged(db):
    desk = Desk(db)
    desk.refused(-20104, desk.patron(), desk.copy(status="DAMAGED"))


def test_checkout_refused_when_copy_in_transit_for_no_hold(db):
    desk = Desk(db)
    desk.refused(-20104, desk.patron(), desk.copy(status="IN_TRANSIT"))


def _trap_for_hold(desk, material, copy, holder):
    """Lend `copy` to someone, place a hold for `holder`, return the copy: it is trapped for the hold."""
    db = desk.db
    desk.checkout(desk.patron(), copy)
    hold_id = db.call("lib_holds.place", holder, material, desk.branch, Out(int), Out(int))[0]
    _, _, _, trapped = db.call("lib_circulation.checkin", copy, desk.branch, None, None,
                               Out(int), Out(int), Out(Decimal), Out(int))
    assert trapped == hold_id
    return hold_id


def test_checkout_refused_when_copy_on_hold_shelf_for_another_patron(db):
    desk = Desk(db)
    material = desk.f.material()
    copy = desk.copy(material)
    _trap_for_hold(desk, material, copy, desk.patron())
    desk.refused(-20105, desk.patron(), copy)


def test_checkout_of_copy_on_hold_shelf_to_its_holder_fulfils_the_hold(db):
    desk = Desk(db)
    material = desk.f.material()
    copy = desk.copy(material)
    holder = desk.patron()
    hold_id = _trap_for_hold(desk, material, copy, holder)
    loan_id, _ = desk.checkout(holder, copy)
    assert db.one("SELECT status, loan_id FROM holds WHERE hold_id = :h", {"h": hold_id}) == \
        {"status": "FULFILLED", "loan_id": loan_id}
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"


def test_checkout_fulfils_the_patrons_pending_hold_on_the_title(db):
    desk = Desk(db)
    material = desk.f.material()
    desk.checkout(desk.patron(), desk.copy(material))
    patron = desk.patron()
    hold_id = db.call("lib_holds.place", patron, material, desk.branch, Out(int), Out(int))[0]
    loan_id, _ = desk.checkout(patron, desk.copy(material))
    assert db.one("SELECT status, loan_id FROM holds WHERE hold_id = :h", {"h": hold_id}) == \
        {"status": "FULFILLED", "loan_id": loan_id}


# ---- the permit: every failing reason --------------------------------------------------------------

def test_checkout_permit_is_null_when_the_checkout_is_allowed(db):
    desk = Desk(db)
    assert _permit(db, desk.patron(), desk.copy()) is None


def test_checkout_permit_lists_every_failing_reason(db):
    desk = Desk(db, loan_limit=1, fine_block_threshold=1)
    patron = desk.patron()
    desk.checkout(patron, desk.copy())
    _charge(db, patron, "2.00")
    db.execute("UPDATE patrons SET expires_on = :d WHERE patron_id = :p",
               {"d": today() - timedelta(days=1), "p": patron})
    assert _permit(db, patron, desk.copy()) == "PATRON_EXPIRED,PATRON_FINES_OVER_LIMIT,LOAN_LIMIT_REACHED"


def test_checkout_permit_puts_never_overridable_reasons_first(db):
    desk = Desk(db)
    patron = desk.patron(status="SUSPENDED", expires_on=today() - timedelta(days=1))
    assert _permit(db, patron, desk.copy(status="LOST")) == \
        "PATRON_SUSPENDED,COPY_LOST_OR_WITHDRAWN,PATRON_EXPIRED"
    assert _permit(db, -1, -1) == "PATRON_NOT_FOUND,COPY_NOT_FOUND"


def test_checkout_permit_changes_nothing(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    _permit(db, patron, copy)
    assert db.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c", {"c": copy}) == 0
    assert db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"


def test_checkout_raises_the_first_failing_reason(db):
    desk = Desk(db, loan_limit=0)
    desk.refused(-20403, desk.patron(expires_on=today() - timedelta(days=1)), desk.copy())


# ---- override --------------------------------------------------------------------------------------

def test_override_by_a_manager_passes_the_loan_limit_and_is_audited(db):
    desk = Desk(db, role="BRANCH_MANAGER", loan_limit=1)
    patron = desk.patron()
    desk.checkout(patron, desk.copy())
    loan_id, _ = desk.checkout(patron, desk.copy(), override="Y", codes="LOAN_LIMIT_REACHED",
                               note="regular reader, limit raised next week")
    assert db.scalar("SELECT overridden FROM loans WHERE loan_id = :l", {"l": loan_id}) == "Y"
    audit = db.one("SELECT actor_user_id, new_values FROM audit_log WHERE table_name = 'loans' "
                   "AND row_id = :l AND action = 'OVERRIDE'", {"l": loan_id})
    assert audit["actor_user_id"] == desk.user
    assert "codes=LOAN_LIMIT_REACHED" in audit["new_values"]
    assert "regular reader, limit raised next week" in audit["new_values"]


def test_override_passes_expired_card_and_fines_over_threshold(db):
    desk = Desk(db, role="BRANCH_MANAGER", fine_block_threshold=1)
    patron = desk.patron(expires_on=today() - timedelta(days=3))
    _charge(db, patron, "3.00")
    loan_id, _ = desk.checkout(patron, desk.copy(), override="Y", codes="PATRON_EXPIRED, PATRON_FINES_OVER_LIMIT")
    assert db.scalar("SELECT overridden FROM loans WHERE loan_id = :l", {"l": loan_id}) == "Y"


def test_override_of_copy_on_hold_for_another_patron_puts_the_hold_back_in_the_queue(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    material = desk.f.material()
    copy = desk.copy(material)
    hold_id = _trap_for_hold(desk, material, copy, desk.patron())
    walk_in = desk.patron()
    loan_id, _ = desk.checkout(walk_in, copy, override="Y", codes="COPY_ON_HOLD_FOR_OTHER")
    assert db.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": hold_id}) == \
        {"status": "PENDING", "copy_id": None}
    assert db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan_id}) == walk_in


def test_override_without_circ_override_permission_is_refused(db):
    desk = Desk(db, loan_limit=0)
    desk.refused(-20113, desk.patron(), desk.copy(), override="Y")


@pytest.mark.parametrize("case, code", [("copy_on_loan", -20103), ("copy_lost", -20106),
                                        ("patron_deleted", -20404), ("patron_missing", -20401)])
def test_override_never_passes_hard_refusals(db, case, code):
    desk = Desk(db, role="BRANCH_MANAGER")
    patron, copy = desk.patron(), desk.copy()
    if case == "copy_on_loan":
        desk.checkout(desk.patron(), copy)
    elif case == "copy_lost":
        copy = desk.copy(status="LOST")
    elif case == "patron_deleted":
        patron = desk.patron(status="DELETED")
    else:
        patron = -1
    desk.refused(code, patron, copy, override="Y")


def test_override_asked_when_nothing_fails_is_a_normal_checkout(db):
    desk = Desk(db)
    loan_id, _ = desk.checkout(desk.patron(), desk.copy(), override="Y")
    assert db.scalar("SELECT overridden FROM loans WHERE loan_id = :l", {"l": loan_id}) == "N"


def test_checkout_refused_when_override_flag_is_not_y_or_n(db):
    desk = Desk(db)
    desk.refused(-20903, desk.patron(), desk.copy(), override="X")


# ---- every reason, and overrides that name what they pass (issue 13) --------------------------------

def _reasons(db, call):
    with pytest.raises(DbError) as err:
        with db.savepoint():
            call()
    return err.value.code, reasons_of(err.value)


def test_refusal_lists_every_failing_reason_first_one_raised(db):
    desk = Desk(db, loan_limit=0)
    patron = desk.patron(expires_on=today() - timedelta(days=1))
    code, reasons = _reasons(db, lambda: desk.checkout(patron, desk.copy()))
    assert code == -20403
    assert reasons == [{"code": "PATRON_EXPIRED", "overridable": True},
                       {"code": "LOAN_LIMIT_REACHED", "overridable": True}]


def test_refusal_lists_hard_reasons_first_and_marks_them_not_overridable(db):
    desk = Desk(db, loan_limit=0)
    code, reasons = _reasons(db, lambda: desk.checkout(desk.patron(), desk.copy(status="LOST")))
    assert code == -20106
    assert reasons == [{"code": "COPY_LOST_OR_WITHDRAWN", "overridable": False},
                       {"code": "LOAN_LIMIT_REACHED", "overridable": True}]


def test_override_of_the_expired_card_does_not_give_away_a_copy_held_for_another(db):
    """The defect: an override that named only the expired card also passed COPY_ON_HOLD_FOR_OTHER."""
    desk = Desk(db, role="BRANCH_MANAGER")
    material = desk.f.material()
    copy = desk.copy(material)
    hold_id = _trap_for_hold(desk, material, copy, desk.patron())
    expired = desk.patron(expires_on=today() - timedelta(days=1))
    desk.refused(-20403, expired, copy, override="Y", codes="PATRON_EXPIRED")
    assert db.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": hold_id}) == \
        {"status": "READY", "copy_id": copy}
    code, reasons = _reasons(db, lambda: desk.checkout(expired, copy, override="Y", codes="PATRON_EXPIRED"))
    assert [r["code"] for r in reasons] == ["PATRON_EXPIRED", "COPY_ON_HOLD_FOR_OTHER"]


def test_override_without_a_note_is_refused(db):
    desk = Desk(db, role="BRANCH_MANAGER", loan_limit=0)
    for note in ("", "   "):
        desk.refused(-20150, desk.patron(), desk.copy(), override="Y", codes="LOAN_LIMIT_REACHED", note=note)


def test_override_naming_no_code_passes_nothing(db):
    desk = Desk(db, role="BRANCH_MANAGER", loan_limit=0)
    desk.refused(-20107, desk.patron(), desk.copy(), override="Y", codes=None)


def test_override_answers_only_the_reasons_it_passed(db):
    desk = Desk(db, role="BRANCH_MANAGER", loan_limit=0)
    out = db.call("lib_circulation.checkout_desk", desk.patron(), None, desk.copy(), None, None, "Y",
                  "LOAN_LIMIT_REACHED,PATRON_EXPIRED", "ok", Out(int), Out(int), Out(int), Out(datetime), Out(str))
    assert out[4] == "LOAN_LIMIT_REACHED"

