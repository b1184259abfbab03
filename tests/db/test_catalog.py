"""lib_catalog: titles with authors, ISBN-10/13 validation, copies and barcodes, withdrawal."""
from datetime import timedelta
from decimal import Decimal

import pytest

from datalayer.session import Out
from tests.db.conftest import refused
from tests.factories import today, unique

COPY_NOT_FOUND = -20102
COPY_ALREADY_ON_LOAN = -20103
PERMISSION_DENIED = -20411
MATERIAL_NOT_FOUND = -20501
INVALID_ISBN = -20502
BARCODE_TAKEN = -20503
GENRE_NOT_FOUND = -20504
BRANCH_NOT_FOUND = -20505
INVALID_MATERIAL_DATA = -20506


def add_material(db, title="Dune", isbn=None, material_type=None, genre_id=None, year=None, cost=None,
                 authors=None, language=None):
    (material_id,) = db.call("lib_catalog.add_material", title, None, isbn, material_type, genre_id, "Chilton",
                             year, language, None, cost, authors, Out(int))
    return material_id


def material(db, material_id):
    return db.one("SELECT * FROM materials WHERE material_id = :m", {"m": material_id})


def authors_of(db, material_id):
    return [r["full_name"] for r in db.rows(
        "SELECT a.full_name FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id "
        "WHERE ma.material_id = :m ORDER BY ma.author_order", {"m": material_id})]


def count_materials(db):
    return db.scalar("SELECT COUNT(*) FROM materials")


# ---- ISBN ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("isbn", ["0306406152", "0-306-40615-2", "080442957X", "080442957x", "0 8044 2957 X",
                                  "9780306406157", "978-0-306-40615-7", "979-10-90636-07-1"])
def test_isbn_valid_accepts_valid_isbn10_and_isbn13(db, isbn):
    assert db.fn("lib_catalog.isbn_valid", isbn) == 1


@pytest.mark.parametrize("isbn", ["0306406153", "9780306406158", "0804429570", "X306406152", "030640615X0",
                                  "1234567890123", "97803064061", "978030640615A", "", None, "abcdefghij"])
def test_isbn_valid_rejects_wrong_check_digits_and_malformed_isbns(db, isbn):
    assert db.fn("lib_catalog.isbn_valid", isbn) == 0


def test_normalize_isbn_strips_hyphens_and_spaces(db):
    assert db.fn("lib_catalog.normalize_isbn", " 0-8044-2957-x ", returns=str) == "080442957X"


# ---- titles --------------------------------------------------------------------------------------

def test_add_material_stores_the_normalised_isbn_and_defaults(db):
    m = material(db, add_material(db, isbn="978-0-306-40615-7"))
    assert (m["title"], m["isbn"], m["material_type"], m["language_code"]) == ("Dune", "9780306406157", "BOOK", "eng")
    assert m["replacement_cost"] == 25


def test_add_material_refuses_an_invalid_isbn_and_adds_nothing(db):
    before = count_materials(db)
    refused(db, INVALID_ISBN, "lib_catalog.add_material", "Dune", None, "978-0-306-40615-8", None, None, None,
            None, None, None, None, None, Out(int))
    assert count_materials(db) == before


def test_add_material_creates_missing_authors_in_credit_order(db):
    first, second = unique("Ann "), unique("Bob ")
    material_id = add_material(db, authors=f"{first} | {second}")
    assert authors_of(db, material_id) == [first, second]
    assert db.scalar("SELECT sort_name FROM authors WHERE full_name = :n", {"n": first}).startswith(first.split()[1])


def test_add_material_reuses_an_existing_author(db):
    name = unique("Ursula Le")
    one = add_material(db, authors=name)
    two = add_material(db, title="Another", authors=name.upper())
    assert db.scalar("SELECT COUNT(*) FROM authors WHERE UPPER(full_name) = UPPER(:n)", {"n": name}) == 1
    assert authors_of(db, one) == authors_of(db, two) == [name]


def test_add_material_ignores_blank_and_repeated_author_names(db):
    name = unique("Same Name")
    assert authors_of(db, add_material(db, authors=f"{name}||{name}| ")) == [name]


def test_add_material_with_genre_type_and_year(db):
    genre_id = db.insert("genres", {"name": unique("Genre")}, "genre_id")
    m = material(db, add_material(db, material_type="dvd", genre_id=genre_id, year=1965, language="FRE", cost=Decimal("12.50")))
    assert (m["material_type"], m["genre_id"], m["publication_year"], m["language_code"]) == ("DVD", genre_id, 1965,
                                                                                               "fre")


def test_add_material_refuses_an_unknown_genre(db):
    refused(db, GENRE_NOT_FOUND, "lib_catalog.add_material", "Dune", None, None, None, -1, None, None, None, None,
            None, None, Out(int))


@pytest.mark.parametrize("title,material_type,year,cost", [
    ("", None, None, None), (None, None, None, None), ("   ", None, None, None),
    ("Dune", "VINYL", None, None), ("Dune", "V" * 30, None, None), ("Dune", None, 3000, None),
    ("Dune", None, None, -1),
])
def test_add_material_refuses_invalid_material_data(db, title, material_type, year, cost):
    before = count_materials(db)
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.add_material", title, None, None, material_type, None, None,
            year, None, None, cost, None, Out(int))
    assert count_materials(db) == before


def test_add_material_refuses_a_language_code_longer_than_three_letters(db):
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.add_material", "Dune", None, None, None, None, None, None,
            "english", None, None, None, Out(int))


def test_add_material_requires_catalog_edit(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_catalog.add_material", "Dune", None, None, None, None, None, None, None,
            None, None, None, Out(int))


def test_add_material_allowed_for_a_cataloger(db, f):
    db.set_actor(f.user(("CATALOGER",)))
    assert material(db, add_material(db))["title"] == "Dune"


def test_update_material_replaces_the_data_and_the_authors(db):
    material_id = add_material(db, authors=unique("Old Author"))
    new_author = unique("New Author")
    db.call("lib_catalog.update_material", material_id, "Dune Messiah", "Sub", "0306406152", "AUDIOBOOK", None,
            "Putnam", 1969, "eng", "Desc", 30, new_author)
    m = material(db, material_id)
    assert (m["title"], m["subtitle"], m["isbn"], m["material_type"], m["publication_year"]) == (
        "Dune Messiah", "Sub", "0306406152", "AUDIOBOOK", 1969)
    assert authors_of(db, material_id) == [new_author]


def test_update_material_without_authors_keeps_them(db):
    name = unique("Kept Author")
    material_id = add_material(db, authors=name)
    db.call("lib_catalog.update_material", material_id, "Renamed", None, None, None, None, None, None, None, None,
            None, None)
    assert authors_of(db, material_id) == [name]


def test_update_material_refuses_an_unknown_title(db):
    refused(db, MATERIAL_NOT_FOUND, "lib_catalog.update_material", -1, "X", None, None, None, None, None, None, None,
            None, None, None)


def test_update_material_refuses_an_invalid_isbn_and_changes_nothing(db):
    material_id = add_material(db, isbn="0306406152")
    refused(db, INVALID_ISBN, "lib_catalog.update_material", material_id, "Dune", None, "0306406153", None, None,
            None, None, None, None, None, None)
    assert material(db, material_id)["isbn"] == "0306406152"


# ---- copies --------------------------------------------------------------------------------------

def add_copy(db, material_id, branch_id, barcode=None, price=None):
    (copy_id,) = db.call("lib_catalog.add_copy", material_id, branch_id, barcode, "FIC HER", price, Out(int))
    return copy_id


def copy(db, copy_id):
    return db.one("SELECT * FROM copies WHERE copy_id = :c", {"c": copy_id})


def test_add_copy_generates_a_barcode_and_is_available(db, f):
    c = copy(db, add_copy(db, f.material(), f.main_branch()))
    assert c["status"] == "AVAILABLE" and c["shelf_location"] == "FIC HER"
    assert len(c["barcode"]) == 14 and c["barcode"].isdigit() and c["barcode"].startswith("3")


def test_add_copy_keeps_a_given_barcode(db, f):
    barcode = unique("BC")
    assert copy(db, add_copy(db, f.material(), f.main_branch(), barcode=barcode, price=Decimal("19.99")))["barcode"] == barcode


def test_add_copy_refuses_a_taken_barcode(db, f):
    barcode = f.barcode(f.copy())
    refused(db, BARCODE_TAKEN, "lib_catalog.add_copy", f.material(), f.main_branch(), barcode, None, None, Out(int))
    assert db.scalar("SELECT COUNT(*) FROM copies WHERE barcode = :b", {"b": barcode}) == 1


def test_add_copy_refuses_an_unknown_title(db, f):
    refused(db, MATERIAL_NOT_FOUND, "lib_catalog.add_copy", -1, f.main_branch(), None, None, None, Out(int))


def test_add_copy_refuses_an_unknown_or_inactive_branch(db, f):
    material_id = f.material()
    refused(db, BRANCH_NOT_FOUND, "lib_catalog.add_copy", material_id, -1, None, None, None, Out(int))
    branch_id = f.branch()
    db.execute("UPDATE branches SET is_active = 'N' WHERE branch_id = :b", {"b": branch_id})
    refused(db, BRANCH_NOT_FOUND, "lib_catalog.add_copy", material_id, branch_id, None, None, None, Out(int))


def test_add_copy_refuses_a_negative_price(db, f):
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.add_copy", f.material(), f.main_branch(), None, None, -5, Out(int))


def test_add_copy_requires_catalog_edit(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_catalog.add_copy", f.material(), f.main_branch(), None, None, None, Out(int))


def test_withdraw_copy_takes_it_out_of_circulation(db, f):
    copy_id = f.copy()
    db.call("lib_catalog.withdraw_copy", copy_id, "Water damage")
    c = copy(db, copy_id)
    assert (c["status"], c["condition_note"]) == ("WITHDRAWN", "Water damage")


def test_withdraw_copy_refuses_a_copy_on_loan(db, f):
    copy_id = f.copy(status="ON_LOAN")
    refused(db, COPY_ALREADY_ON_LOAN, "lib_catalog.withdraw_copy", copy_id, None)
    assert copy(db, copy_id)["status"] == "ON_LOAN"


def test_withdraw_copy_refuses_an_unknown_copy(db):
    refused(db, COPY_NOT_FOUND, "lib_catalog.withdraw_copy", -1, None)


def test_withdraw_copy_on_the_hold_shelf_puts_the_hold_back_in_the_queue(db, f):
    material_id = f.material()
    copy_id = f.copy(material_id=material_id, status="ON_HOLD_SHELF")
    hold_id = db.insert("holds", {"patron_id": f.patron(), "material_id": material_id,
                                  "pickup_branch_id": f.main_branch(), "status": "READY", "copy_id": copy_id,
                                  "ready_at": today(), "expires_at": today() + timedelta(days=7)}, "hold_id")
    db.call("lib_catalog.withdraw_copy", copy_id, None)
    h = db.one("SELECT status, copy_id, expires_at FROM holds WHERE hold_id = :h", {"h": hold_id})
    assert (h["status"], h["copy_id"], h["expires_at"]) == ("PENDING", None, None)
    assert copy(db, copy_id)["status"] == "WITHDRAWN"


def test_withdraw_copy_requires_catalog_edit(db, f):
    copy_id = f.copy()
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_catalog.withdraw_copy", copy_id, None)
    assert copy(db, copy_id)["status"] == "AVAILABLE"
