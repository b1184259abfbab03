"""Condition inspection at check-in (lib_inspections through lib_circulation): the grade as data, the
copy's history, repair instead of the shelf or a hold, the damage charge by policy."""
from datetime import datetime
from decimal import Decimal

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.db.desk import CirculationDesk

CONDITION_GRADE_NOT_FOUND = -20174
COPY_NOT_AVAILABLE = -20104


class Desk(CirculationDesk):
    def lend(self, patron=None, copy=None):
        copy = copy or self.copy()
        return self.checkout(patron or self.patron(), copy)[0], copy

    def checkin_desk(self, barcode, condition=None, note=None):
        return self.db.call("lib_circulation.checkin_desk", None, None, barcode, None, None, condition,
                            Out(int), Out(int), Out(datetime), Out(int), Out(Decimal), Out(int), Out(int), Out(str),
                            Out(int), Out(str), note)

    def history(self, copy):
        return self.db.rows("SELECT loan_id, grade, note, inspected_by, fine_id FROM copy_inspections "
                            "WHERE copy_id = :c ORDER BY inspection_id", {"c": copy})

    def status(self, copy):
        return self.db.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy})


def test_a_good_grade_is_kept_in_the_history_and_the_copy_goes_back_on_the_shelf(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.checkin_desk(desk.f.barcode(copy), "good", "clean")
    assert desk.history(copy) == [{"loan_id": loan_id, "grade": "GOOD", "note": "clean", "inspected_by": desk.user,
                                   "fine_id": None}]
    assert desk.status(copy) == "AVAILABLE"
    assert db.one("SELECT return_condition FROM loans WHERE loan_id = :l", {"l": loan_id}) == {"return_condition": "clean"}
    assert db.scalar("SELECT condition_note FROM copies WHERE copy_id = :c", {"c": copy}) == "clean"


def test_an_unknown_grade_is_refused_and_nothing_changes(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    refused_leaving(db, CONDITION_GRADE_NOT_FOUND, lambda: desk.checkin_desk(desk.f.barcode(copy), "coffee stain"),
                    "SELECT status, returned_at FROM loans ORDER BY loan_id", "SELECT COUNT(*) FROM copy_inspections")


def test_no_grade_records_no_inspection_but_keeps_the_note(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.checkin_desk(desk.f.barcode(copy), None, "Coffee stain on cover")
    assert desk.history(copy) == []
    assert db.scalar("SELECT condition_note FROM copies WHERE copy_id = :c", {"c": copy}) == "Coffee stain on cover"


def test_damaged_goes_to_repair_with_the_policy_damage_fee(db):
    desk = Desk(db, damage_fee=Decimal("7.50"))
    patron = desk.patron()
    loan_id, copy = desk.lend(patron)
    out = desk.checkin_desk(desk.f.barcode(copy), "DAMAGED", "spine broken")
    assert out[5] is None  # no hold
    assert desk.status(copy) == "IN_REPAIR"
    fine = desk.fines(loan_id)["DAMAGE"]
    assert (fine["amount"], fine["patron_id"], fine["status"]) == (Decimal("7.50"), patron, "OPEN")
    assert desk.history(copy)[0]["fine_id"] == fine["fine_id"]
    refused_leaving(db, COPY_NOT_AVAILABLE, lambda: desk.checkout(desk.patron(), copy))


def test_the_damage_fee_can_be_a_share_of_the_replacement_cost(db):
    desk = Desk(db, damage_fee_share=Decimal("0.25"))
    loan_id, copy = desk.lend(copy=desk.copy(desk.f.material(replacement_cost=30)))
    desk.checkin_desk(desk.f.barcode(copy), "DAMAGED")
    assert desk.fines(loan_id)["DAMAGE"]["amount"] == Decimal("7.50")


def test_no_damage_fee_in_the_policy_charges_nothing(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.checkin_desk(desk.f.barcode(copy), "DAMAGED")
    assert "DAMAGE" not in desk.fines(loan_id)
    assert desk.status(copy) == "IN_REPAIR"


def test_a_damaged_copy_is_not_trapped_for_a_waiting_hold(db):
    desk = Desk(db, damage_fee=Decimal("1.00"))
    material = desk.f.material()
    loan_id, copy = desk.lend(copy=desk.copy(material))
    hold = desk.place_hold(desk.patron(), material)
    out = desk.checkin_desk(desk.f.barcode(copy), "damaged")
    assert out[5] is None
    assert desk.status(copy) == "IN_REPAIR"
    assert db.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": hold}) == \
        {"status": "PENDING", "copy_id": None}


def test_a_worn_copy_fills_the_waiting_hold(db):
    desk = Desk(db)
    material = desk.f.material()
    loan_id, copy = desk.lend(copy=desk.copy(material))
    hold = desk.place_hold(desk.patron(), material)
    assert desk.checkin_desk(desk.f.barcode(copy), "WORN")[5] == hold


def test_the_inspection_is_audited(db):
    desk = Desk(db)
    loan_id, copy = desk.lend()
    desk.checkin_desk(desk.f.barcode(copy), "MISSING_PARTS", "disc 2 missing")
    assert desk.status(copy) == "IN_REPAIR"
    row = db.one("SELECT action, actor_user_id FROM audit_log WHERE table_name = 'COPY_INSPECTIONS' OR table_name = 'copy_inspections' ORDER BY audit_id DESC")
    assert row == {"action": "INSERT", "actor_user_id": desk.user}


def test_the_grades_are_data_with_their_flags(db):
    rows = db.rows("SELECT code, sends_to_repair, charges_damage FROM condition_grades ORDER BY sort_order")
    assert rows == [{"code": "GOOD", "sends_to_repair": "N", "charges_damage": "N"},
                    {"code": "WORN", "sends_to_repair": "N", "charges_damage": "N"},
                    {"code": "DAMAGED", "sends_to_repair": "Y", "charges_damage": "Y"},
                    {"code": "MISSING_PARTS", "sends_to_repair": "Y", "charges_damage": "N"}]
    assert db.one("SELECT is_available, is_hold_trap FROM copy_statuses WHERE code = 'IN_REPAIR'") == \
        {"is_available": "N", "is_hold_trap": "N"}
