"""lib_catalog: genres and authors change only through the package, with CATALOG_EDIT, validated; rows
titles still refer to are not deleted; every refusal leaves the rows as they were."""
from datetime import datetime
from decimal import Decimal

import pytest

from datalayer.session import Out
from tests.db.conftest import refused_leaving
from tests.factories import unique

PERMISSION_DENIED = -20411
GENRE_NOT_FOUND = -20504
AUTHOR_NOT_FOUND = -20507
GENRE_NAME_TAKEN = -20508
GENRE_IN_USE = -20509
INVALID_GENRE_DATA = -20510
AUTHOR_IN_USE = -20511
INVALID_AUTHOR_DATA = -20512

GENRES = "SELECT * FROM genres ORDER BY genre_id"
AUTHORS = "SELECT * FROM authors ORDER BY author_id"


def add_genre(db, name=None, parent=None):
    (genre_id,) = db.call("lib_catalog.add_genre", name or unique("Genre "), parent, Out(int))
    return genre_id


# ---- genres ----------------------------------------------------------------------------------------

def test_add_genre_under_a_parent(db, cataloger):
    parent = add_genre(db)
    name = unique("Child ")
    child = add_genre(db, f"  {name} ", parent)
    assert db.one("SELECT name, parent_genre_id FROM genres WHERE genre_id = :g", {"g": child}) == \
        {"name": name, "parent_genre_id": parent}


@pytest.mark.parametrize("name", [None, "   ", "g" * 101])
def test_add_genre_refuses_a_missing_or_long_name(db, cataloger, name):
    refused_leaving(db, INVALID_GENRE_DATA, lambda: db.call("lib_catalog.add_genre", name, None, Out(int)), GENRES)


def test_add_genre_refuses_a_taken_name_ignoring_case(db, cataloger):
    name = unique("Taken ")
    add_genre(db, name)
    refused_leaving(db, GENRE_NAME_TAKEN, lambda: db.call("lib_catalog.add_genre", name.lower(), None, Out(int)),
                    GENRES)


def test_add_genre_refuses_an_unknown_parent(db, cataloger):
    refused_leaving(db, GENRE_NOT_FOUND, lambda: db.call("lib_catalog.add_genre", unique("G"), -1, Out(int)), GENRES)


def test_update_genre_renames_and_moves(db, cataloger):
    a, b = add_genre(db), add_genre(db)
    name = unique("Renamed ")
    db.call("lib_catalog.update_genre", b, name, a)
    assert db.one("SELECT name, parent_genre_id FROM genres WHERE genre_id = :g", {"g": b}) == \
        {"name": name, "parent_genre_id": a}
    db.call("lib_catalog.update_genre", b, name, None)  # its own name again, back to the top
    assert db.scalar("SELECT parent_genre_id FROM genres WHERE genre_id = :g", {"g": b}) is None


def test_update_genre_refuses_a_cycle(db, cataloger):
    top = add_genre(db)
    middle = add_genre(db, parent=top)
    leaf = add_genre(db, parent=middle)
    name = db.scalar("SELECT name FROM genres WHERE genre_id = :g", {"g": top})
    refused_leaving(db, INVALID_GENRE_DATA, lambda: db.call("lib_catalog.update_genre", top, name, leaf), GENRES)
    refused_leaving(db, INVALID_GENRE_DATA, lambda: db.call("lib_catalog.update_genre", top, name, top), GENRES)


def test_update_genre_refusals_change_nothing(db, cataloger):
    a, b = add_genre(db), add_genre(db)
    taken = db.scalar("SELECT name FROM genres WHERE genre_id = :g", {"g": a})
    refused_leaving(db, GENRE_NAME_TAKEN, lambda: db.call("lib_catalog.update_genre", b, taken, None), GENRES)
    refused_leaving(db, GENRE_NOT_FOUND, lambda: db.call("lib_catalog.update_genre", -1, unique("G"), None), GENRES)
    refused_leaving(db, GENRE_NOT_FOUND, lambda: db.call("lib_catalog.update_genre", b, unique("G"), -1), GENRES)


def test_delete_genre_refuses_one_in_use(db, f, cataloger):
    parent = add_genre(db)
    add_genre(db, parent=parent)
    used = add_genre(db)
    material = f.material()
    db.execute("UPDATE materials SET genre_id = :g WHERE material_id = :m", {"g": used, "m": material})
    refused_leaving(db, GENRE_IN_USE, lambda: db.call("lib_catalog.delete_genre", parent), GENRES)
    refused_leaving(db, GENRE_IN_USE, lambda: db.call("lib_catalog.delete_genre", used), GENRES)
    refused_leaving(db, GENRE_NOT_FOUND, lambda: db.call("lib_catalog.delete_genre", -1), GENRES)


def test_delete_an_unused_genre(db, cataloger):
    genre_id = add_genre(db)
    db.call("lib_catalog.delete_genre", genre_id)
    assert db.scalar("SELECT COUNT(*) FROM genres WHERE genre_id = :g", {"g": genre_id}) == 0


def test_genres_need_catalog_edit(db, f):
    genre_id = add_genre(db)
    db.set_actor(f.user(("LIBRARIAN",)))
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_catalog.add_genre", unique("G"), None, Out(int)),
                    GENRES)
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_catalog.update_genre", genre_id, unique("G"), None),
                    GENRES)
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_catalog.delete_genre", genre_id), GENRES)


# ---- authors ---------------------------------------------------------------------------------------

def test_add_author_derives_the_sort_name(db, cataloger):
    (author_id,) = db.call("lib_catalog.add_author", " Ursula K. Le Guin ", None, 1929, 2018, Out(int))
    assert db.one("SELECT full_name, sort_name, birth_year, death_year FROM authors WHERE author_id = :a",
                  {"a": author_id}) == {"full_name": "Ursula K. Le Guin", "sort_name": "Guin, Ursula K. Le",
                                        "birth_year": 1929, "death_year": 2018}
    (other,) = db.call("lib_catalog.add_author", "Ursula K. Le Guin", "Le Guin, Ursula K.", None, None, Out(int))
    assert db.scalar("SELECT sort_name FROM authors WHERE author_id = :a", {"a": other}) == "Le Guin, Ursula K."


@pytest.mark.parametrize("full_name, sort_name, born, died", [
    (None, None, None, None), ("  ", None, None, None), ("a" * 201, None, None, None), ("Ok", "s" * 201, None, None),
    ("Ok", None, 1950, 1940), ("Ok", None, 3000, None), ("Ok", None, None, 3000), ("Ok", None, Decimal("1950.5"), None),
])
def test_add_author_refuses_invalid_data(db, cataloger, full_name, sort_name, born, died):
    refused_leaving(db, INVALID_AUTHOR_DATA,
                    lambda: db.call("lib_catalog.add_author", full_name, sort_name, born, died, Out(int)), AUTHORS)


def test_update_author_replaces_the_data(db, cataloger):
    (author_id,) = db.call("lib_catalog.add_author", "Jane Austen", None, None, None, Out(int))
    db.call("lib_catalog.update_author", author_id, "Jane Austen", "Austen, J.", 1775, 1817)
    assert db.one("SELECT sort_name, birth_year, death_year FROM authors WHERE author_id = :a", {"a": author_id}) == \
        {"sort_name": "Austen, J.", "birth_year": 1775, "death_year": 1817}
    refused_leaving(db, AUTHOR_NOT_FOUND, lambda: db.call("lib_catalog.update_author", -1, "X", None, None, None),
                    AUTHORS)
    refused_leaving(db, INVALID_AUTHOR_DATA,
                    lambda: db.call("lib_catalog.update_author", author_id, "Jane Austen", None, 1817, 1775), AUTHORS)


def test_delete_author_refuses_one_a_title_credits(db, cataloger):
    (material_id,) = db.call("lib_catalog.add_material", unique("Title "), None, None, None, None, None, None, None,
                             None, None, "Credited Person", Out(int))
    author_id = db.scalar("SELECT author_id FROM material_authors WHERE material_id = :m", {"m": material_id})
    refused_leaving(db, AUTHOR_IN_USE, lambda: db.call("lib_catalog.delete_author", author_id), AUTHORS)
    refused_leaving(db, AUTHOR_NOT_FOUND, lambda: db.call("lib_catalog.delete_author", -1), AUTHORS)
    (unused,) = db.call("lib_catalog.add_author", "Nobody Credited", None, None, None, Out(int))
    db.call("lib_catalog.delete_author", unused)
    assert db.scalar("SELECT COUNT(*) FROM authors WHERE author_id = :a", {"a": unused}) == 0


def test_authors_need_catalog_edit(db, f):
    (author_id,) = db.call("lib_catalog.add_author", "Some One", None, None, None, Out(int))
    db.set_actor(f.user(("IT_ADMIN",)))
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_catalog.add_author", "X Y", None, None, None, Out(int)),
                    AUTHORS)
    refused_leaving(db, PERMISSION_DENIED,
                    lambda: db.call("lib_catalog.update_author", author_id, "X Y", None, None, None), AUTHORS)
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_catalog.delete_author", author_id), AUTHORS)


def test_a_year_of_the_future_is_refused_by_the_library_clock(db, cataloger):
    this_year = datetime.utcnow().year
    (author_id,) = db.call("lib_catalog.add_author", "Born Now", None, this_year - 1, None, Out(int))
    assert db.scalar("SELECT birth_year FROM authors WHERE author_id = :a", {"a": author_id}) == this_year - 1
