"""lib_catalog.import_batch_begin / import_batch_end: a batch of import_title calls is bulk work, in which
a new title gets its search document, whole, at the batch's end and a change only marks one stale; bulk
work never outlives the transaction's actor. Credits later (import_credits) and reports of a batch in one
call (lib_imports.record_results)."""
from datalayer.session import Out
from tests.db.conftest import import_title, refused
from tests.factories import unique
from tests.marc_records import isbn13

PERMISSION_DENIED = -20411
MATERIAL_NOT_FOUND = -20501
INVALID_MATERIAL_DATA = -20506
INVALID_ARGUMENT = -20903
IMPORT_NOT_FOUND = -20560
INVALID_IMPORT_DATA = -20561


def document(db, material_id):
    return db.one("SELECT title, authors, subjects, authors_stale FROM search_documents WHERE material_id = :m",
                  {"m": material_id})


def test_a_batch_writes_its_documents_at_its_end(db, cataloger):
    word = unique("Batchword")
    db.call("lib_catalog.import_batch_begin", "N")
    assert db.fn("lib_search.bulk_work") == 1
    ids = [import_title(db, f"{word} {i}", authors=f"Author {word} {i}", subjects=f"Subject {word} {i}")[0]
           for i in range(3)]
    # a title the batch creates, then matches again: its document is written once too
    isbn = isbn13()
    created, outcome, _, _ = import_title(db, f"{word} first", f"ISBN:{isbn}", authors=f"Author {word} again")
    matched, _, _, _ = import_title(db, f"{word} isbn", f"ISBN:{isbn}")
    for material_id in ids:
        assert document(db, material_id) is None  # new titles: no document until the batch's end
    (written,) = db.call("lib_catalog.import_batch_end", Out(int))
    assert written >= 4
    assert db.fn("lib_search.bulk_work") == 0
    for i, material_id in enumerate(ids):
        assert document(db, material_id) == {"title": f"{word} {i}", "authors": f"Author {word} {i}",
                                             "subjects": f"Subject {word} {i}", "authors_stale": None}
    assert matched == created and outcome == "CREATED"
    assert document(db, created) == {"title": f"{word} isbn", "authors": f"Author {word} again", "subjects": None,
                                   "authors_stale": None}


def test_a_batch_writes_no_document_of_a_title_it_did_not_create(db, f, cataloger):
    other = f.material(title=unique("Not the batch's "))
    db.execute("DELETE FROM search_documents WHERE material_id = :m", {"m": other})  # as if lost
    db.call("lib_catalog.import_batch_begin", "N")
    db.call("lib_catalog.import_batch_end", Out(int))
    assert document(db, other) is None


def test_outside_a_batch_each_change_is_written_at_once(db, cataloger):
    word = unique("Oneword")
    material_id = import_title(db, word, authors=f"Author {word}", subjects=f"Subject {word}")[0]
    assert document(db, material_id) == {"title": word, "authors": f"Author {word}", "subjects": f"Subject {word}",
                                         "authors_stale": None}


def test_bulk_work_ends_with_the_actor(db, f, cataloger):
    db.call("lib_catalog.import_batch_begin", "N")
    db.clear_actor()
    assert db.fn("lib_search.bulk_work") == 0
    db.set_actor(cataloger)
    db.call("lib_catalog.import_batch_begin", "N")
    db.set_actor(f.user(("CATALOGER",)))  # the next transaction's set_actor on a pooled connection
    assert db.fn("lib_search.bulk_work") == 0


def credits(db, material_id):
    return [r["full_name"] for r in db.rows(
        "SELECT a.full_name FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id "
        "WHERE ma.material_id = :m ORDER BY ma.author_order", {"m": material_id})]


def test_credits_later_leave_the_authors_to_import_credits(db, cataloger):
    word = unique("Laterword")
    db.call("lib_catalog.import_batch_begin", "Y")
    created = import_title(db, f"{word} new", authors=f"Ann {word}|Bo {word}")[0]
    assert credits(db, created) == []
    db.call("lib_catalog.import_credits", f"{created}\x1fY\x1fAnn {word}|Bo {word}")
    assert credits(db, created) == [f"Ann {word}", f"Bo {word}"]
    # a matched title's credits are replaced, as import_title replaces them
    db.call("lib_catalog.import_credits", f"{created}\x1fN\x1fCy {word}|Ann {word}\x1e")
    assert credits(db, created) == [f"Cy {word}", f"Ann {word}"]
    db.call("lib_catalog.import_batch_end", Out(int))
    assert document(db, created)["authors"] == f"Cy {word}; Ann {word}"
    # the batch over, import_title credits again
    again = import_title(db, f"{word} after", authors=f"Di {word}")[0]
    assert credits(db, again) == [f"Di {word}"]


def test_credits_later_still_refuses_a_record_whose_author_cannot_be(db, cataloger):
    db.call("lib_catalog.import_batch_begin", "Y")
    title = unique("Longname ")
    refused(db, INVALID_MATERIAL_DATA, "lib_catalog.import_title", title, None, None, None, None, None, None, None,
            None, None, None, "x" * 201, None, None, Out(int), Out(str), Out(str), Out(int), Out(str))
    assert db.scalar("SELECT COUNT(*) FROM materials WHERE title = :t", {"t": title}) == 0
    # 200 characters, but its sort name ("Last, First") has 201; and a list of more than 4000 characters
    for authors in ("A" * 100 + " " + "B" * 99, "|".join(["Ann Example"] * 400)):
        refused(db, INVALID_MATERIAL_DATA, "lib_catalog.import_title", title, None, None, None, None, None, None,
                None, None, None, None, authors, None, None, Out(int), Out(str), Out(str), Out(int), Out(str))
    refused(db, INVALID_ARGUMENT, "lib_catalog.import_batch_begin", "X")
    refused(db, MATERIAL_NOT_FOUND, "lib_catalog.import_credits", "999999999999\x1fY\x1fAnn Example")
    for bad in ("12\x1fY", "-1\x1fY\x1fAnn Example", "x\x1fN\x1fAnn Example"):
        refused(db, INVALID_ARGUMENT, "lib_catalog.import_credits", bad)


def test_credits_later_last_only_as_long_as_the_bulk_work(db, f, cataloger):
    db.call("lib_catalog.import_batch_begin", "Y")
    db.set_actor(cataloger)  # a new transaction's set_actor ends the bulk work, and so the credits later
    word = unique("Nowword")
    material_id = import_title(db, word, authors=f"Ed {word}")[0]
    assert credits(db, material_id) == [f"Ed {word}"]


def test_a_batch_needs_catalog_import(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_catalog.import_batch_begin", "N")
    refused(db, PERMISSION_DENIED, "lib_catalog.import_batch_end", Out(int))
    refused(db, PERMISSION_DENIED, "lib_catalog.import_credits", "1\x1fY\x1fAnn Example")
    assert db.fn("lib_search.bulk_work") == 0


def test_a_batch_of_reports_is_counted_at_once(db, cataloger):
    (import_id,) = db.call("lib_imports.start_import", "MARC", "batch.mrc", 100, "N", None, Out(int))
    db.call("lib_imports.begin_import", import_id)
    reports = [(1, "CREATED", 2), (2, "MATCHED", 1), (3, "REJECTED", 0), (4, "CREATED", 0)]
    db.call("lib_imports.record_results", import_id, "\x1e".join(
        f"{no}\x1f{outcome}\x1f\x1f\x1frecord {no}\x1f\x1f{'X' if outcome == 'REJECTED' else ''}\x1f\x1f{copies}"
        for no, outcome, copies in reports))
    counts = ("SELECT records_read, created_count, matched_count, rejected_count, copies_added "
              "FROM catalog_imports WHERE import_id = :i")
    assert db.one(counts, {"i": import_id}) == {"records_read": 0, "created_count": 0, "matched_count": 0,
                                                "rejected_count": 0, "copies_added": 0}
    assert db.call("lib_imports.count_reported", import_id, 1, 3, Out(int)) == (3,)
    assert db.call("lib_imports.count_reported", import_id, 4, 4, Out(int)) == (1,)
    assert db.one(counts, {"i": import_id}) == {"records_read": 4, "created_count": 2, "matched_count": 1,
                                                "rejected_count": 1, "copies_added": 3}
    refused(db, IMPORT_NOT_FOUND, "lib_imports.count_reported", import_id + 1000, 1, 4, Out(int))
    refused(db, INVALID_IMPORT_DATA, "lib_imports.record_results", import_id, "5\x1fCREATED\x1f\x1f\x1f\x1f\x1f\x1f\x1f-1")


def test_reports_of_a_batch_in_one_call(db, cataloger, f):
    (import_id,) = db.call("lib_imports.start_import", "MARC", "many.mrc", 100, "N", None, Out(int))
    db.call("lib_imports.begin_import", import_id)
    material = f.material()
    fields = [("1", "CREATED", str(material), "", "Moby Dick", "", "", "2 copies added", "2"),
              ("2", "REJECTED", "", "", "", "", "MARC_UNREADABLE", "leader: bad length", ""),
              ("3", "MATCHED", str(material), "", "Typée", "ISBN 9780141439518", "", "", "0")]
    db.call("lib_imports.record_results", import_id, "\x1e".join("\x1f".join(r) for r in fields))
    rows = db.rows("SELECT record_no, outcome, material_id, label, matched_by, error_name, detail, copies_added "
                   "FROM catalog_import_records WHERE import_id = :i ORDER BY record_no", {"i": import_id})
    assert rows == [
        {"record_no": 1, "outcome": "CREATED", "material_id": material, "label": "Moby Dick", "matched_by": None,
         "error_name": None, "detail": "2 copies added", "copies_added": 2},
        {"record_no": 2, "outcome": "REJECTED", "material_id": None, "label": None, "matched_by": None,
         "error_name": "MARC_UNREADABLE", "detail": "leader: bad length", "copies_added": 0},
        {"record_no": 3, "outcome": "MATCHED", "material_id": material, "label": "Typée",
         "matched_by": "ISBN 9780141439518", "error_name": None, "detail": None, "copies_added": 0}]
    assert db.call("lib_imports.count_reported", import_id, 1, 3, Out(int)) == (3,)
    # a record reported again, a number that is none, an unknown outcome: the whole call is refused
    for bad in ("4\x1fCREATED\x1e3\x1fCREATED", "4\x1fCREATED\x1f12a", "4\x1fDONE"):
        refused(db, INVALID_IMPORT_DATA, "lib_imports.record_results", import_id, bad)
    assert db.scalar("SELECT COUNT(*) FROM catalog_import_records WHERE import_id = :i", {"i": import_id}) == 3
    refused(db, IMPORT_NOT_FOUND, "lib_imports.record_results", import_id + 1000, "1\x1fCREATED")
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_imports.record_results", import_id, "5\x1fCREATED")
