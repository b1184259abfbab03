"""lib_circulation.checkout_desk and checkin_desk: either side by id or by barcode, resolved by the package,
and the OUT parameters are the whole answer: they equal the rows the call wrote (the API and the staff desk
read nothing after the call)."""
from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.db.desk import CirculationDesk
from tests.factories import today

CHECKOUT_OUT = (Out(int), Out(int), Out(int), Out(datetime), Out(str))
CHECKIN_OUT = (Out(int), Out(int), Out(datetime), Out(int), Out(Decimal), Out(int), Out(int), Out(str), Out(int), Out(str))


class Desk(CirculationDesk):
    def checkout_desk(self, patron=None, card=None, copy=None, barcode=None, due=None, override=None, codes=None,
                      note=None):
        """(loan_id, patron_id, copy_id, due_at, overridden)"""
        if override == "Y" and note is None:
            note = "checked at the desk"
        return self.db.call("lib_circulation.checkout_desk", patron, card, copy, barcode, due, override, codes, note,
                            *CHECKOUT_OUT)

    def checkin_desk(self, loan=None, copy=None, barcode=None, branch=None, returned_at=None, condition=None):
        """(loan_id, copy_id, returned_at, fine_id, fine_amount, hold_id, hold_patron_id, hold_status, transit_to,
        copy_status)"""
        return self.db.call("lib_circulation.checkin_desk", loan, copy, barcode, branch, returned_at, condition,
                            *CHECKIN_OUT)

    def card(self, patron_id):
        return self.db.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron_id})


def _loan(db, loan_id):
    return db.one("SELECT patron_id, copy_id, due_at, overridden, status, returned_at FROM loans "
                  "WHERE loan_id = :l", {"l": loan_id})


def test_checkout_answers_what_it_wrote_for_every_way_of_naming_the_two_sides(db):
    desk = Desk(db)
    for by_card in (False, True):
        for by_barcode in (False, True):
            patron, copy = desk.patron(), desk.copy()
            loan_id, patron_id, copy_id, due_at, overridden = desk.checkout_desk(
                patron=None if by_card else patron, card=desk.card(patron) if by_card else None,
                copy=None if by_barcode else copy, barcode=desk.f.barcode(copy) if by_barcode else None)
            row = _loan(db, loan_id)
            assert (patron_id, copy_id) == (patron, copy) == (row["patron_id"], row["copy_id"])
            assert due_at == row["due_at"] and row["status"] == "ACTIVE"
            assert overridden is None and row["overridden"] == "N"


def test_an_override_answers_the_reasons_it_passed(db):
    desk = Desk(db, role="BRANCH_MANAGER")
    patron = desk.patron(expires_on=today() - timedelta(days=1))
    loan_id, _, _, _, overridden = desk.checkout_desk(patron=patron, copy=desk.copy(), override="Y",
                                                      codes="PATRON_EXPIRED")
    assert overridden == "PATRON_EXPIRED"
    assert _loan(db, loan_id)["overridden"] == "Y"
    # nothing to override: a plain checkout, nothing passed
    assert desk.checkout_desk(patron=desk.patron(), copy=desk.copy(), override="Y")[4] is None


def test_checkout_resolves_barcodes_in_the_package_and_refuses_unknown_or_doubled_sides(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    loans = "SELECT loan_id FROM loans ORDER BY loan_id"
    desk_refused = lambda code, **kw: refused_leaving(db, code, lambda: desk.checkout_desk(**kw), loans)  # noqa: E731
    desk_refused(-20401, card="NO-SUCH-CARD", copy=copy)                        # PATRON_NOT_FOUND
    desk_refused(-20102, patron=patron, barcode="NO-SUCH-BARCODE")               # COPY_NOT_FOUND
    desk_refused(-20401, copy=copy)                                              # no patron given
    desk_refused(-20102, patron=patron)                                          # no copy given
    desk_refused(-20903, patron=patron, card=desk.card(patron), copy=copy)       # INVALID_ARGUMENT: both
    desk_refused(-20903, patron=patron, copy=copy, barcode=desk.f.barcode(copy))


def test_checkin_answers_what_it_wrote_with_the_fine(db):
    desk = Desk(db)
    patron, copy = desk.patron(), desk.copy()
    loan_id = desk.checkout_desk(patron=patron, copy=copy)[0]
    desk.due_days_ago(loan_id, 3)
    closed, copy_id, returned_at, fine_id, amount, hold_id, hold_patron, hold_status, transit_to, status = \
        desk.checkin_desk(barcode=desk.f.barcode(copy), condition="worn")
    row = _loan(db, loan_id)
    assert (closed, copy_id) == (loan_id, copy) and row["status"] == "RETURNED"
    assert returned_at == row["returned_at"]
    fine = db.one("SELECT fine_id, amount, fine_type FROM fines WHERE loan_id = :l", {"l": loan_id})
    assert (fine_id, amount) == (fine["fine_id"], fine["amount"]) and fine["fine_type"] == "OVERDUE" and amount > 0
    assert (hold_id, hold_patron, hold_status) == (None, None, None)


def test_checkin_by_loan_or_copy_id_answers_the_hold_it_trapped(db):
    desk = Desk(db)
    material = desk.f.material()
    for by in ("loan", "copy"):
        copy = desk.copy(material)
        loan_id = desk.checkout_desk(patron=desk.patron(), copy=copy)[0]
        waiting = desk.patron()
        hold = desk.place_hold(waiting, material)
        answer = desk.checkin_desk(loan=loan_id) if by == "loan" else desk.checkin_desk(copy=copy)
        closed, copy_id, returned_at, fine_id, amount, hold_id, hold_patron, hold_status, _, _ = answer
        assert (closed, copy_id, fine_id, amount) == (loan_id, copy, None, 0)
        assert returned_at == _loan(db, loan_id)["returned_at"]
        row = db.one("SELECT patron_id, status, copy_id FROM holds WHERE hold_id = :h", {"h": hold})
        assert (hold_id, hold_patron, hold_status) == (hold, row["patron_id"], row["status"]) == \
            (hold, waiting, "READY")
        assert row["copy_id"] == copy


def test_checkin_refuses_two_ways_of_naming_the_copy(db):
    desk = Desk(db)
    copy = desk.copy()
    loan_id = desk.checkout_desk(patron=desk.patron(), copy=copy)[0]
    watched = "SELECT loan_id, status, returned_at FROM loans ORDER BY loan_id"
    refused_leaving(db, -20903, lambda: desk.checkin_desk(loan=loan_id, copy=copy), watched)
    refused_leaving(db, -20903, lambda: desk.checkin_desk(copy=copy, barcode=desk.f.barcode(copy)), watched)
    refused_leaving(db, -20102, lambda: desk.checkin_desk(), watched)
    refused_leaving(db, -20102, lambda: desk.checkin_desk(barcode="NO-SUCH-BARCODE"), watched)
