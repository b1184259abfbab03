"""lib_catalog.import_title: the record's identifiers are read in one pass (the title's ISBN, the match),
and a title created by the call skips the lookups and deletes of what it cannot have yet; a matched title
still has its credits and headings replaced and keeps one row per identifier. Every stored row is audited."""
import random


from datalayer.session import Out
from tests.db.conftest import import_title, refused

INVALID_IDENTIFIER = -20563


def isbn_pair() -> tuple[str, str]:
    """A fresh valid ISBN-13 (978) and its ISBN-10 form."""
    core = f"{random.randrange(10**9):09d}"
    t13 = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate("978" + core))
    t10 = (11 - sum((10 - i) * int(d) for i, d in enumerate(core)) % 11) % 11
    return f"978{core}{(10 - t13 % 10) % 10}", core + ("X" if t10 == 10 else str(t10))


def identifiers(db, material_id):
    return db.rows("SELECT id_type, id_value, id_source, qualifier FROM material_identifiers WHERE material_id = :m "
                   "ORDER BY identifier_id", {"m": material_id})


def credits(db, material_id):
    return [r["full_name"] for r in db.rows(
        "SELECT a.full_name FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id "
        "WHERE ma.material_id = :m ORDER BY ma.author_order", {"m": material_id})]


def headings(db, material_id):
    return [(r["heading"], r["thesaurus"]) for r in db.rows(
        "SELECT heading, thesaurus FROM material_subjects WHERE material_id = :m ORDER BY heading_order",
        {"m": material_id})]


def audited(db, table, since):
    return db.scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = :t AND audit_id > :a AND action = 'INSERT'",
                     {"t": table, "a": since})


def test_a_created_title_stores_each_identifier_credit_and_heading_once(db, cataloger):
    isbn13, isbn10 = isbn_pair()
    other13, _ = isbn_pair()
    ctl = f"c{random.randrange(10**9)}"
    since = db.scalar("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log")
    material_id, outcome, matched_by, note = import_title(
        db, "Once each",
        f"ISBN:{isbn13[:3]}-{isbn13[3:]};pbk.|ISBN:{isbn13}|ISBN:97800000000|ISBN:{isbn10}| |"
        f"CONTROL:(OCoLC){ctl}|CONTROL: (OCoLC) {ctl} |CONTROL:{ctl}|ISBN:{other13}",
        "Ann Author|Bob Writer|ann author|Ann Author", "Whales;lcsh|Sea|Whales;lcsh")
    assert outcome == "CREATED" and matched_by is None
    assert note == "invalid ISBN left out: 97800000000"
    assert db.scalar("SELECT isbn FROM materials WHERE material_id = :m", {"m": material_id}) == isbn13
    assert identifiers(db, material_id) == [
        {"id_type": "ISBN", "id_value": isbn13, "id_source": None, "qualifier": "pbk."},
        {"id_type": "ISBN", "id_value": isbn10, "id_source": None, "qualifier": None},
        {"id_type": "CONTROL", "id_value": ctl, "id_source": "OCoLC", "qualifier": None},
        {"id_type": "CONTROL", "id_value": ctl, "id_source": None, "qualifier": None},
        {"id_type": "ISBN", "id_value": other13, "id_source": None, "qualifier": None}]
    assert credits(db, material_id) == ["Ann Author", "Bob Writer"]
    assert headings(db, material_id) == [("Whales", "lcsh"), ("Sea", None), ("Whales", "lcsh")]
    assert audited(db, "material_identifiers", since) == 5
    assert audited(db, "material_authors", since) == 2
    assert audited(db, "material_subjects", since) == 3


def test_a_matched_title_has_its_credits_and_headings_replaced_and_no_identifier_twice(db, cataloger):
    isbn13, isbn10 = isbn_pair()
    ctl = f"c{random.randrange(10**9)}"
    material_id, outcome, _, _ = import_title(db, "First", f"ISBN:{isbn13}|CONTROL:(X){ctl}",
                                              "Ann Author|Bob Writer", "Whales|Sea")
    assert outcome == "CREATED"
    since = db.scalar("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log")
    # the ISBN-10 form matches; the identifiers it has already are not stored again
    again, outcome, matched_by, _ = import_title(db, "Second", f"CONTROL:(X){ctl}|ISBN:{isbn10}|ISBN:{isbn13}",
                                                 "Cid Poet|Ann Author|Cid Poet", "Rivers")
    assert (again, outcome, matched_by) == (material_id, "MATCHED", f"ISBN {isbn10}")
    assert identifiers(db, material_id) == [
        {"id_type": "ISBN", "id_value": isbn13, "id_source": None, "qualifier": None},
        {"id_type": "CONTROL", "id_value": ctl, "id_source": "X", "qualifier": None},
        {"id_type": "ISBN", "id_value": isbn10, "id_source": None, "qualifier": None}]
    assert credits(db, material_id) == ["Cid Poet", "Ann Author"]
    assert headings(db, material_id) == [("Rivers", None)]
    assert audited(db, "material_identifiers", since) == 1
    assert db.scalar("SELECT title FROM materials WHERE material_id = :m", {"m": material_id}) == "Second"


def test_matching_prefers_an_isbn_to_an_earlier_control_number(db, cataloger, f):
    isbn13, isbn10 = isbn_pair()
    ctl = f"c{random.randrange(10**9)}"
    by_control, _, _, _ = import_title(db, "By control", f"CONTROL:(Y){ctl}")
    by_isbn = f.material(title="By ISBN")  # its ISBN only in materials.isbn, no identifier rows
    db.execute("UPDATE materials SET isbn = :i WHERE material_id = :m", {"i": isbn10, "m": by_isbn})
    material_id, outcome, matched_by, _ = import_title(db, "Record", f"CONTROL:(Y){ctl}|ISBN:{isbn13}")
    assert (material_id, outcome, matched_by) == (by_isbn, "MATCHED", f"ISBN {isbn13}")
    # a control number of another organisation does not match; the same one does
    _, outcome, _, _ = import_title(db, "Other org", f"CONTROL:(Z){ctl}")
    assert outcome == "CREATED"
    material_id, outcome, matched_by, _ = import_title(db, "Same org", f"CONTROL:(Y){ctl}")
    assert (material_id, outcome, matched_by) == (by_control, "MATCHED", f"CONTROL (Y){ctl}")


def test_the_first_isbn_held_decides_the_match_whatever_the_ids(db, cataloger):
    """ISBNs are looked up two at a time: the record still matches the title of its first ISBN held by one."""
    a13, a10 = isbn_pair()
    b13, _ = isbn_pair()
    c13, _ = isbn_pair()
    d13, _ = isbn_pair()
    older, _, _, _ = import_title(db, "Holds B", f"ISBN:{b13}")  # the lower id
    newer, _, _, _ = import_title(db, "Holds A", f"ISBN:{a10}")
    material_id, outcome, matched_by, _ = import_title(db, "A then B", f"ISBN:{a13}|ISBN:{b13}")
    assert (material_id, outcome, matched_by) == (newer, "MATCHED", f"ISBN {a13}")
    material_id, _, matched_by, _ = import_title(db, "C then B", f"ISBN:{c13}|ISBN:{b13}")
    assert (material_id, matched_by) == (older, f"ISBN {b13}")
    # (C is now the older title's: a match adds the record's identifiers) a third ISBN, alone in its pair,
    # after an invalid one
    e13, _ = isbn_pair()
    material_id, _, matched_by, _ = import_title(db, "E, D, bad, A", f"ISBN:{e13}|ISBN:{d13}|ISBN:123|ISBN:{a13}")
    assert (material_id, matched_by) == (newer, f"ISBN {a13}")
    assert identifiers(db, older)[-1]["id_value"] == c13
    _, outcome, matched_by, _ = import_title(db, "F alone", f"ISBN:{isbn_pair()[0]}")
    assert (outcome, matched_by) == ("CREATED", None)


def test_a_malformed_identifier_entry_is_refused(db, cataloger):
    isbn13, _ = isbn_pair()
    refused(db, INVALID_IDENTIFIER, "lib_catalog.import_title", "Bad", None, f"ISBN:{isbn13}|no colon here",
            None, None, None, None, None, None, None, None, None, None, None,
            Out(int), Out(str), Out(str), Out(int), Out(str))
    assert db.scalar("SELECT COUNT(*) FROM material_identifiers WHERE id_value = :i", {"i": isbn13}) == 0
