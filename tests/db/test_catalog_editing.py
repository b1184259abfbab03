"""lib_catalog's cataloging rules (issue 14): copies edited where the rules allow, call numbers and their sort
key, hiding and deleting titles only when they never circulated, duplicate ISBNs by the setting, covers."""
from decimal import Decimal

import pytest

from datalayer.reads import holds as holds_reads
from datalayer.session import Out
from tests.db.conftest import refused
from tests.db.desk import CirculationDesk
from tests.factories import unique

COPY_NOT_FOUND = -20102
PERMISSION_DENIED = -20411
MATERIAL_NOT_FOUND = -20501
BRANCH_NOT_FOUND = -20505
INVALID_MATERIAL_DATA = -20506
DUPLICATE_ISBN = -20580
MATERIAL_IN_CIRCULATION = -20581
MATERIAL_HAS_HISTORY = -20582
COPY_BRANCH_LOCKED = -20583
COPY_WITHDRAWN = -20584


def key(db, call_number):
    return db.fn("lib_catalog.call_number_key", call_number, returns=str)


def copy_row(db, copy_id):
    return db.one("SELECT * FROM copies WHERE copy_id = :c", {"c": copy_id})


def add_title(db, isbn=None, title="Dune"):
    (material_id,) = db.call("lib_catalog.add_material", title, None, isbn, None, None, None, None, None, None,
                             None, None, Out(int))
    return material_id


def set_duplicate_isbn(db, mode):
    db.execute("UPDATE app_settings SET value = :v WHERE name = 'DUPLICATE_ISBN'", {"v": mode})


# ---- call numbers --------------------------------------------------------------------------------

def test_call_number_key_folds_case_and_pads_numbers_before_the_decimal_point(db):
    assert key(db, " 823.912 aus ") == "000000823.912 AUS"
    assert key(db, "QA76.73.P98 2005") == "QA000000076.73.P98 000002005"
    assert key(db, "FIC  Austen-J") == "FIC AUSTEN J"
    assert key(db, None) is None
    assert key(db, "   ") is None


@pytest.mark.parametrize("shelf", [
    ["B 9", "B 10", "B 100"],                                   # numbers as numbers, not as text
    ["005.133 PYT", "005.2 ABC", "005.73 KNU", "010 BIB"],      # Dewey: decimals after the point
    ["QA9 .A1", "QA76.73 .P98", "QA100 .B2", "QB1 .C3"],        # LC class numbers
    ["PR6019.O9 U4 1922", "PR6019.O9 U4 1986"],                 # editions by year
])
def test_call_number_keys_sort_as_the_shelves_stand(db, shelf):
    keys = [key(db, c) for c in reversed(shelf)]
    assert [c for _, c in sorted(zip(keys, reversed(shelf)))] == shelf


# ---- copy editing --------------------------------------------------------------------------------

def test_update_copy_changes_call_number_shelf_price_and_branch_and_computes_the_sort_key(db, f):
    copy_id = f.copy()
    other = f.branch()
    db.call("lib_catalog.update_copy", copy_id, other, " 823.7 aus ", " Fiction A ", Decimal("12.50"))
    row = copy_row(db, copy_id)
    assert (row["branch_id"], row["call_number"], row["call_number_sort"], row["shelf_location"], row["price"]) == \
        (other, "823.7 aus", "000000823.7 AUS", "Fiction A", Decimal("12.50"))
    db.call("lib_catalog.update_copy", copy_id, other, "  ", None, None)
    row = copy_row(db, copy_id)
    assert (row["call_number"], row["call_number_sort"], row["shelf_location"], row["price"]) == (None, None, None, None)


def test_a_copy_on_loan_keeps_its_branch_but_its_call_number_may_change(db):
    desk = CirculationDesk(db, role="CATALOGER")
    copy_id = desk.copy()
    db.set_actor(None)
    desk.checkout(desk.patron(), copy_id)
    db.set_actor(desk.user)
    refused(db, COPY_BRANCH_LOCKED, "lib_catalog.update_copy", copy_id, desk.f.main_branch(), None, None, None)
    db.call("lib_catalog.update_copy", copy_id, desk.branch, "B 9", None, None)
    assert copy_row(db, copy_id)["call_number"] == "B 9"


def test_a_copy_kept_for_a_hold_keeps_its_branch(db, f):
    copy_id = f.copy(status="ON_HOLD_SHELF")
    refused(db, COPY_BRANCH_LOCKED, "lib_catalog.update_copy", copy_id, f.branch(), None, None, None)


def test_a_withdrawn_copy_is_no_longer_edited(db, f):
    copy_id = f.copy()
    db.call("lib_catalog.withdraw_copy", copy_id, "worn out")
    refused(db, COPY_WITHDRAWN, "lib_catalog.update_copy", copy_id, f.main_branch(), "X 1", None, None)


def test_update_copy_refuses_bad_data(db, f):
    copy_id = f.copy()
    refused(db, COPY_NOT_FOUND, "lib_catalog.update_copy", -1, f.main_branch(), None, None, None)
    refused(db, BRANCH_NOT_FOUND, "lib_catalog.update_copy", copy_id, -1, None, None, None)
    refused(db, BRANCH_NOT_FOUND, "lib_catalog.update_copy", copy_id, None, None, None, None)
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.update_copy", copy_id, f.main_branch(), None, None, Decimal("-1"))
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.update_copy", copy_id, f.main_branch(), "9" * 61, None, None)


def test_update_copy_needs_catalog_edit(db, f):
    copy_id = f.copy()
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_catalog.update_copy", copy_id, f.main_branch(), "B 1", None, None)


def test_the_pull_list_walks_the_shelves_in_call_number_order(db):
    desk = CirculationDesk(db)
    db.set_actor(None)  # system work: holds placed and call numbers set
    titles = {}
    for call in ("B 10", None, "B 9", "A 100"):
        material_id = desk.f.material(title=unique("Pull"))
        copy_id = desk.copy(material_id)
        if call:
            db.call("lib_catalog.update_copy", copy_id, desk.branch, call, None, None)
        desk.place_hold(desk.patron(), material_id, desk.branch)
        titles[material_id] = call
    rows = [r for r in holds_reads.pull_list(db, desk.branch) if r["material_id"] in titles]
    assert [r["call_number"] for r in rows] == ["A 100", "B 9", "B 10", None]


# ---- hiding and deleting titles ------------------------------------------------------------------

def test_a_title_is_hidden_and_shown_again(db, f):
    material_id = f.material()
    db.call("lib_catalog.set_hidden", material_id, "Y")
    assert db.scalar("SELECT is_hidden FROM materials WHERE material_id = :m", {"m": material_id}) == "Y"
    db.call("lib_catalog.set_hidden", material_id, "N")
    assert db.scalar("SELECT is_hidden FROM materials WHERE material_id = :m", {"m": material_id}) == "N"
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.set_hidden", material_id, "X")
    refused(db, MATERIAL_NOT_FOUND, "lib_catalog.set_hidden", -1, "Y")


def test_a_title_on_loan_or_with_holds_waiting_is_neither_hidden_nor_deleted(db):
    desk = CirculationDesk(db, role="CATALOGER")
    material_id = desk.f.material()
    copy_id = desk.copy(material_id)
    db.set_actor(None)
    loan_id, _ = desk.checkout(desk.patron(), copy_id)
    db.set_actor(desk.user)
    refused(db, MATERIAL_IN_CIRCULATION, "lib_catalog.set_hidden", material_id, "Y")
    refused(db, MATERIAL_IN_CIRCULATION, "lib_catalog.delete_material", material_id)

    waiting = desk.f.material()
    desk.copy(waiting)
    db.set_actor(None)
    desk.place_hold(desk.patron(), waiting, desk.branch)
    db.set_actor(desk.user)
    refused(db, MATERIAL_IN_CIRCULATION, "lib_catalog.set_hidden", waiting, "Y")


def test_a_title_with_history_is_not_deleted_but_may_be_hidden(db):
    desk = CirculationDesk(db, role="CATALOGER")
    material_id = desk.f.material()
    copy_id = desk.copy(material_id)
    db.set_actor(None)
    desk.checkout(desk.patron(), copy_id)
    desk.checkin(copy_id)
    db.set_actor(desk.user)
    refused(db, MATERIAL_HAS_HISTORY, "lib_catalog.delete_material", material_id)
    db.call("lib_catalog.set_hidden", material_id, "Y")


def test_a_title_that_never_circulated_is_deleted_with_its_copies_and_credits(db, f):
    (material_id,) = db.call("lib_catalog.add_material", "Short-lived", None, None, None, None, None, None, None,
                             None, None, "Ann Author", Out(int))
    copy_id = f.copy(material_id)
    db.call("lib_catalog.delete_material", material_id)
    assert db.scalar("SELECT COUNT(*) FROM materials WHERE material_id = :m", {"m": material_id}) == 0
    assert db.scalar("SELECT COUNT(*) FROM copies WHERE copy_id = :c", {"c": copy_id}) == 0
    assert db.scalar("SELECT COUNT(*) FROM material_authors WHERE material_id = :m", {"m": material_id}) == 0
    assert db.scalar("SELECT COUNT(*) FROM search_documents WHERE material_id = :m", {"m": material_id}) == 0
    refused(db, MATERIAL_NOT_FOUND, "lib_catalog.delete_material", material_id)


def test_hiding_and_deleting_need_catalog_edit(db, f):
    material_id = f.material()
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_catalog.set_hidden", material_id, "Y")
    refused(db, PERMISSION_DENIED, "lib_catalog.delete_material", material_id)
    refused(db, PERMISSION_DENIED, "lib_catalog.set_cover", material_id, "1.jpg")


# ---- duplicate ISBNs -----------------------------------------------------------------------------

def test_duplicate_isbn_warn_accepts_and_counts_the_other_titles(db):
    set_duplicate_isbn(db, "WARN")
    first = add_title(db, "978-0-306-40615-7")
    second = add_title(db, "9780306406157")
    (count,) = db.call("lib_catalog.duplicate_isbns", "978-0-306-40615-7", second, Out(int))
    assert count >= 1
    (count,) = db.call("lib_catalog.duplicate_isbns", None, first, Out(int))
    assert count == 0


def test_duplicate_isbn_refuse_refuses_a_new_title_and_a_change_to_a_taken_isbn(db):
    set_duplicate_isbn(db, "WARN")
    first = add_title(db, "0306406152")
    shared = add_title(db, "0306406152")  # shared before the setting changed
    other = add_title(db, "080442957X")
    set_duplicate_isbn(db, "refuse")
    refused(db, DUPLICATE_ISBN, "lib_catalog.add_material", "Dune again", None, "0-306-40615-2", None, None, None,
            None, None, None, None, None, Out(int))
    refused(db, DUPLICATE_ISBN, "lib_catalog.update_material", other, "Other", None, "0306406152", None, None,
            None, None, None, None, None, None)
    # a title keeping the ISBN it already shares stays editable
    db.call("lib_catalog.update_material", shared, "Dune, shared", None, "0306406152", None, None, None, None, None,
            None, None, None)
    assert first != shared


# ---- covers --------------------------------------------------------------------------------------

def test_set_cover_records_and_clears_the_cover(db, f):
    material_id = f.material()
    db.call("lib_catalog.set_cover", material_id, f"{material_id}.jpg")
    assert db.scalar("SELECT cover_image FROM materials WHERE material_id = :m", {"m": material_id}) == \
        f"{material_id}.jpg"
    db.call("lib_catalog.set_cover", material_id, " ")
    assert db.scalar("SELECT cover_image FROM materials WHERE material_id = :m", {"m": material_id}) is None
    refused(db, MATERIAL_NOT_FOUND, "lib_catalog.set_cover", -1, "x.jpg")
