"""Overriding a refused renewal (issue 13) through lib_circulation.renew_desk, as checkout is overridden: the
overridable reasons (app_errors.overridable) named, a note, CIRC_OVERRIDE, audited; RENEWAL_TOO_SOON never."""
from datetime import datetime, timedelta

import pytest

from datalayer.errors import reasons_of
from datalayer.session import DbError, Out
from tests.db.test_renewal import Desk
from tests.factories import today


class OverrideDesk(Desk):
    def renew_desk(self, loan=None, barcode=None, override=None, codes=None, note=None):
        """(loan_id, due_at, renewals, overridden)"""
        if override == "Y" and note is None:
            note = "checked at the desk"
        return self.db.call("lib_circulation.renew_desk", loan, barcode, override, codes, note,
                            Out(int), Out(datetime), Out(int), Out(str))

    def loan(self, loan_id) -> dict:
        return self.db.one("SELECT due_at, renewals FROM loans WHERE loan_id = :l", {"l": loan_id})

    def refused_leaving_loans(self, code, **kw):
        self.refused(code, lambda: self.renew_desk(**kw))


def _reasons(db, call):
    with pytest.raises(DbError) as err:
        with db.savepoint():
            call()
    return err.value.code, reasons_of(err.value)


def _at_the_limit(role="BRANCH_MANAGER", **policy):
    """A desk whose policy allows no renewal (RENEWAL_LIMIT_REACHED, overridable) and a loan due in two days."""
    return lambda db: OverrideDesk(db, role=role, max_renewals=0, **policy)


def test_a_manager_overrides_the_renewal_limit_naming_it_with_a_note_and_it_is_audited(db):
    desk = _at_the_limit()(db)
    loan_id = desk.lend()
    before = desk.loan(loan_id)
    renewed, due_at, renewals, overridden = desk.renew_desk(loan_id, override="Y", codes="RENEWAL_LIMIT_REACHED",
                                                            note="exam week, one more time")
    assert (renewed, renewals, overridden) == (loan_id, 1, "RENEWAL_LIMIT_REACHED")
    assert due_at > before["due_at"] and desk.loan(loan_id) == {"due_at": due_at, "renewals": 1}
    audit = db.one("SELECT actor_user_id, new_values FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                   "AND action = 'OVERRIDE'", {"l": loan_id})
    assert audit["actor_user_id"] == desk.user
    assert "codes=RENEWAL_LIMIT_REACHED" in audit["new_values"]
    assert "exam week, one more time" in audit["new_values"]


def test_the_refusal_marks_the_renewal_limit_and_a_hold_overridable_and_too_soon_not(db):
    desk = _at_the_limit()(db)
    material = desk.f.material()
    loan_id = desk.lend(material=material)
    desk.place_hold(desk.patron(), material)
    code, reasons = _reasons(db, lambda: desk.renew_desk(loan_id))
    assert code == -20109
    assert reasons == [{"code": "RENEWAL_LIMIT_REACHED", "overridable": True},
                       {"code": "RENEWAL_BLOCKED_BY_HOLD", "overridable": True}]
    far = desk.lend()
    desk.set_due(far, today() + timedelta(days=60))
    assert _reasons(db, lambda: desk.renew_desk(far))[1][-1] == {"code": "RENEWAL_TOO_SOON", "overridable": False}


def test_an_override_passes_a_hold_waiting_for_the_title_and_the_hold_keeps_waiting(db):
    desk = OverrideDesk(db, role="BRANCH_MANAGER")
    material = desk.f.material()
    loan_id = desk.lend(material=material)
    hold_id = desk.place_hold(desk.patron(), material)
    assert desk.renew_desk(loan_id, override="Y", codes="RENEWAL_BLOCKED_BY_HOLD")[3] == "RENEWAL_BLOCKED_BY_HOLD"
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold_id}) == "PENDING"


def test_an_override_by_barcode_passes_an_expired_card_too(db):
    desk = _at_the_limit()(db)
    loan_id = desk.lend(patron=desk.patron(expires_on=today() + timedelta(days=30)))
    db.execute("UPDATE patrons SET expires_on = :d WHERE patron_id = (SELECT patron_id FROM loans WHERE loan_id = :l)",
               {"d": today() - timedelta(days=1), "l": loan_id})
    barcode = db.scalar("SELECT c.barcode FROM copies c JOIN loans l ON l.copy_id = c.copy_id WHERE l.loan_id = :l",
                        {"l": loan_id})
    renewed, _, renewals, overridden = desk.renew_desk(barcode=barcode, override="Y",
                                                       codes="PATRON_EXPIRED,RENEWAL_LIMIT_REACHED")
    assert (renewed, renewals, overridden) == (loan_id, 1, "PATRON_EXPIRED,RENEWAL_LIMIT_REACHED")


def test_a_renewal_that_would_not_move_the_due_date_is_never_overridden(db):
    desk = _at_the_limit()(db)
    loan_id = desk.lend()
    desk.set_due(loan_id, today() + timedelta(days=60))
    desk.refused_leaving_loans(-20109, loan=loan_id, override="Y", codes="RENEWAL_LIMIT_REACHED,RENEWAL_TOO_SOON")
    assert desk.loan(loan_id)["renewals"] == 0


def test_an_override_that_does_not_name_every_failing_reason_passes_nothing(db):
    desk = _at_the_limit()(db)
    material = desk.f.material()
    loan_id = desk.lend(material=material)
    desk.place_hold(desk.patron(), material)
    desk.refused_leaving_loans(-20109, loan=loan_id, override="Y", codes="RENEWAL_LIMIT_REACHED")
    desk.refused_leaving_loans(-20109, loan=loan_id, override="Y", codes=None)


def test_an_override_never_passes_a_suspended_patron(db):
    desk = _at_the_limit()(db)
    loan_id = desk.lend()
    db.execute("UPDATE patrons SET status = 'SUSPENDED' WHERE patron_id = (SELECT patron_id FROM loans "
               "WHERE loan_id = :l)", {"l": loan_id})
    desk.refused_leaving_loans(-20402, loan=loan_id, override="Y", codes="PATRON_SUSPENDED,RENEWAL_LIMIT_REACHED")


def test_an_override_needs_a_note(db):
    desk = _at_the_limit()(db)
    loan_id = desk.lend()
    for note in ("", "   "):
        desk.refused_leaving_loans(-20150, loan=loan_id, override="Y", codes="RENEWAL_LIMIT_REACHED", note=note)


def test_an_override_needs_circ_override(db):
    desk = _at_the_limit(role="LIBRARIAN")(db)
    loan_id = desk.lend()
    desk.refused_leaving_loans(-20113, loan=loan_id, override="Y", codes="RENEWAL_LIMIT_REACHED")


def test_an_override_asked_when_nothing_fails_is_a_plain_renewal_and_not_audited(db):
    desk = OverrideDesk(db, role="BRANCH_MANAGER")
    loan_id = desk.lend()
    assert desk.renew_desk(loan_id, override="Y", codes="RENEWAL_LIMIT_REACHED")[2:] == (1, None)
    assert db.scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                     "AND action = 'OVERRIDE'", {"l": loan_id}) == 0


def test_renew_desk_takes_a_loan_or_a_barcode(db):
    desk = OverrideDesk(db)
    loan_id = desk.lend()
    desk.refused_leaving_loans(-20903, loan=loan_id, barcode="X")
    desk.refused_leaving_loans(-20101)
    desk.refused_leaving_loans(-20102, barcode="NO-SUCH-COPY")
    desk.refused_leaving_loans(-20903, loan=loan_id, override="X")


def test_a_patrons_own_renewal_lists_no_reason_as_overridable(db):
    desk = _at_the_limit()(db)
    loan_id = desk.lend()
    patron = db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan_id})
    _, reasons = _reasons(db, lambda: db.call("lib_circulation.renew_own", patron, loan_id, Out(datetime), Out(int)))
    assert reasons == [{"code": "RENEWAL_LIMIT_REACHED", "overridable": False}]


# ---- renew all with an override ----------------------------------------------------------------------

def _renew_all(desk, patron, override=None, codes=None, note=None) -> dict:
    """lib_circulation.renew_all: {loan_id: the entry's other fields}."""
    if override == "Y" and note is None:
        note = "checked at the desk"
    _, results = desk.db.call("lib_circulation.renew_all", patron, None, override, codes, note, Out(int), Out(str))
    return {int(line.split("|")[0]): line.split("|")[1:] for line in results.split(";")}


def test_renew_all_answers_the_overridable_reasons_of_each_refused_loan(db):
    desk = _at_the_limit()(db)
    patron = desk.patron()
    limit = desk.lend(patron=patron)
    too_soon = desk.lend(patron=patron)
    desk.set_due(too_soon, today() + timedelta(days=60))
    lines = _renew_all(desk, patron)
    assert lines[limit] == ["RENEWAL_LIMIT_REACHED", "RENEWAL_LIMIT_REACHED", "RENEWAL_LIMIT_REACHED"]
    assert lines[too_soon] == ["RENEWAL_LIMIT_REACHED", "RENEWAL_LIMIT_REACHED,RENEWAL_TOO_SOON",
                               "RENEWAL_LIMIT_REACHED"]


def test_renew_all_with_an_override_renews_the_loans_whose_reasons_it_names_and_audits_each(db):
    desk = _at_the_limit()(db)
    patron = desk.patron()
    material = desk.f.material()
    limit = desk.lend(patron=patron)
    held = desk.lend(patron=patron, material=material)
    desk.place_hold(desk.patron(), material)  # RENEWAL_BLOCKED_BY_HOLD as well: not named below
    too_soon = desk.lend(patron=patron)
    desk.set_due(too_soon, today() + timedelta(days=60))
    lines = _renew_all(desk, patron, "Y", "RENEWAL_LIMIT_REACHED,RENEWAL_TOO_SOON", "exam week")
    assert lines[limit][0] == "OK" and lines[limit][2:] == ["1", "RENEWAL_LIMIT_REACHED"]
    assert lines[held][0] == "RENEWAL_LIMIT_REACHED"  # a reason not named refuses that loan only
    assert lines[too_soon][0] == "RENEWAL_LIMIT_REACHED"  # RENEWAL_TOO_SOON is never overridden
    assert [desk.loan(x)["renewals"] for x in (limit, held, too_soon)] == [1, 0, 0]
    audit = db.rows("SELECT row_id, actor_user_id, new_values FROM audit_log WHERE table_name = 'loans' "
                    "AND action = 'OVERRIDE' AND row_id IN (:a, :b, :c)", {"a": limit, "b": held, "c": too_soon})
    assert [(a["row_id"], a["actor_user_id"]) for a in audit] == [(limit, desk.user)]
    assert "codes=RENEWAL_LIMIT_REACHED" in audit[0]["new_values"] and "exam week" in audit[0]["new_values"]


def test_renew_all_with_an_override_needs_a_note_and_circ_override(db):
    desk = _at_the_limit()(db)
    patron = desk.patron()
    loan_id = desk.lend(patron=patron)
    for note in ("", "  "):
        refused = _reasons(db, lambda: _renew_all(desk, patron, "Y", "RENEWAL_LIMIT_REACHED", note))
        assert refused[0] == -20150
    assert _reasons(db, lambda: _renew_all(desk, desk.patron(), "Y", None, ""))[0] == -20150  # no loan: still
    librarian = _at_the_limit(role="LIBRARIAN")(db)
    other = librarian.patron()
    librarian.lend(patron=other)
    assert _reasons(db, lambda: _renew_all(librarian, other, "Y", "RENEWAL_LIMIT_REACHED"))[0] == -20113
    assert desk.loan(loan_id)["renewals"] == 0
