"""Bulk import and export over HTTP (issue 14): MARC21 files pymarc writes here (several ISBNs, MARC-8
diacritics, a record without 245, a truncated file), MARCXML, a CSV with bad rows, patrons; the dry run, the
confirmation, matching on a second import, the report; the export read back by pymarc."""
from __future__ import annotations

import io
import time

import pymarc
from openpyxl import load_workbook

from tests.api.conftest import error_code
from tests.marc_records import isbn13, marc_file, record
from tests.factories import unique


def upload(client, who, data: bytes, name: str, dry_run: bool = True, kind: str | None = None):
    form = {"dry_run": "true" if dry_run else "false", **({"kind": kind} if kind else {})}
    return client.post("/api/catalog/imports", headers=who.headers, files={"file": (name, data)}, data=form)


def finished(client, who, import_id: int, **params) -> dict:
    deadline = time.monotonic() + 60
    while True:
        r = client.get(f"/api/catalog/imports/{import_id}", headers=who.headers, params={"page_size": 200, **params})
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] in ("DONE", "FAILED"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def run(client, who, data: bytes, name: str = "records.mrc", dry_run: bool = False, kind: str | None = None) -> dict:
    r = upload(client, who, data, name, dry_run, kind)
    assert r.status_code == 202, r.text
    return finished(client, who, r.json()["import_id"])


def branch_code(arrange) -> str:
    b = arrange.branch()
    return arrange.one("SELECT code FROM branches WHERE branch_id = :b", {"b": b})["code"]


def test_marc_dry_run_then_confirm_then_match(client, people, arrange):
    cataloger = people.make("CATALOGER")
    code = branch_code(arrange)
    word = unique("Whalez")
    i1, i2 = isbn13(), isbn13()
    bc = unique("BC")
    data = marc_file(
        record(f"{word} Dick", isbns=[i1, f"{i2} (pbk.)", "9780000000001"], control=unique("c"),
               subjects=[f"{word} hunting"], holdings=[(bc, code, "12.50")]),
        record(None, isbns=[isbn13()]),                      # no 245: rejected
        record(f"{word} Elsewhere", holdings=[(unique("BC"), "NO-SUCH-BRANCH", "1")]))
    dry = run(client, cataloger, data, dry_run=True)
    assert dry["status"] == "DONE" and dry["dry_run"] == "Y"
    assert (dry["records_read"], dry["created_count"], dry["matched_count"], dry["rejected_count"]) == (3, 1, 0, 2)
    recs = {r["record_no"]: r for r in dry["records"]}
    assert recs[1]["outcome"] == "CREATED" and "9780000000001" in recs[1]["detail"]  # bad check digit: left out
    assert recs[2]["error_name"] == "INVALID_MATERIAL_DATA"
    assert recs[3]["error_name"] == "BRANCH_NOT_FOUND"
    assert arrange.one("SELECT COUNT(*) AS n FROM copies WHERE barcode = :b", {"b": bc.upper()})["n"] == 0  # nothing kept

    r = client.post("/api/catalog/imports", headers=cataloger.headers, data={"confirms": str(dry["import_id"])})
    assert r.status_code == 202, r.text
    real = finished(client, cataloger, r.json()["import_id"])
    assert (real["created_count"], real["rejected_count"], real["copies_added"]) == (1, 2, 1)
    copy = arrange.one("SELECT call_number, call_number_sort FROM copies WHERE barcode = :b", {"b": bc.upper()})
    assert copy["call_number"] == "813.3 MEL" and copy["call_number_sort"]  # 952 $o, with its sort key
    assert real["confirms_import_id"] == dry["import_id"]
    m = real["records"][0]["material_id"]
    ids = arrange.one("SELECT COUNT(*) AS n FROM material_identifiers WHERE material_id = :m AND id_type = 'ISBN'", {"m": m})
    assert ids["n"] == 2
    row = arrange.one("SELECT title, subtitle, isbn, edition, extent, publisher, publication_year FROM materials WHERE material_id = :m", {"m": m})
    assert row == {"title": f"{word} Dick", "subtitle": "a subtitle", "isbn": i1, "edition": "2nd ed",
                   "extent": "320 p. ; 24 cm", "publisher": "Test Press", "publication_year": 2001}
    assert arrange.one("SELECT full_name FROM authors a JOIN material_authors ma ON ma.author_id = a.author_id "
                       "WHERE ma.material_id = :m", {"m": m})["full_name"] == "Herman Melville"
    # the subject heading is searchable
    found = client.get("/api/catalog/search", params={"q": f"{word} hunting"}).json()
    assert [i["material_id"] for i in found["items"]] == [m]
    # a confirmed dry run is not confirmed twice
    again = client.post("/api/catalog/imports", headers=cataloger.headers, data={"confirms": str(dry["import_id"])})
    assert again.status_code == 409 and error_code(again) == "IMPORT_NOT_CONFIRMABLE"

    # the same file again: matched (by ISBN), no duplicate title or copy
    second = run(client, cataloger, data)
    assert (second["created_count"], second["matched_count"], second["copies_added"]) == (0, 1, 0)
    assert second["records"][0]["material_id"] == m and second["records"][0]["matched_by"].startswith("ISBN ")
    assert arrange.one("SELECT COUNT(*) AS n FROM materials WHERE title = :t", {"t": f"{word} Dick"})["n"] == 1


def test_marc8_diacritics_control_number_match_and_truncated_file(client, people, arrange):
    cataloger = people.make("CATALOGER")
    word = unique("Bronte")
    control = unique("ctl")
    # MARC-8 (leader/09 blank): the acute accent is the byte 0xE2 before the letter it sits on. The UTF-8
    # record made MARC-8 in place: "é" is two bytes in both, so the directory's lengths hold
    raw = record(f"{word} Caf\u00e9", control=control).as_marc()
    marc8 = raw[:9] + b" " + raw[10:].replace("Caf\u00e9".encode(), b"Caf\xe2e")
    assert len(marc8) == len(raw) and b"Caf\xe2e" in marc8
    first = run(client, cataloger, marc8)
    assert first["created_count"] == 1, first
    m = first["records"][0]["material_id"]
    title = arrange.one("SELECT title FROM materials WHERE material_id = :m", {"m": m})["title"]
    import unicodedata
    assert unicodedata.normalize("NFC", title) == f"{word} Caf\u00e9"
    # the same control number, no ISBN: matched by it
    second = run(client, cataloger, record(f"{word} Caf\u00e9 revised", control=control).as_marc())
    assert second["matched_count"] == 1 and second["records"][0]["matched_by"] == f"CONTROL (TESTLIB){control}"
    # a truncated file: the whole records are imported, the cut one is reported
    good = record(f"{word} Whole", isbns=[isbn13()]).as_marc()
    cut = record(f"{word} Cut", isbns=[isbn13()]).as_marc()[:40]
    third = run(client, cataloger, good + cut)
    assert third["status"] == "DONE" and third["created_count"] == 1 and third["rejected_count"] == 1
    assert third["records"][1]["error_name"] == "MARC_UNREADABLE"


def test_marcxml_import_and_export_round_trip(client, people, arrange):
    cataloger = people.make("CATALOGER")
    code = branch_code(arrange)
    word = unique("Xmlz")
    isbns = [isbn13(), isbn13()]
    rec = record(f"{word} Tale", isbns=isbns, subjects=[f"{word} heading"], holdings=[(unique("BC"), code, "3.00")])
    xml = b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">' + \
        pymarc.record_to_xml(rec, namespace=False) + b"</collection>"
    body = run(client, cataloger, xml, name="records.xml")
    assert body["import_kind"] == "MARCXML" and body["created_count"] == 1, body
    m = body["records"][0]["material_id"]

    r = client.get("/api/catalog/export", headers=cataloger.headers, params={"format": "marc", "q": f"{word} tale"})
    assert r.status_code == 200
    read = [x for x in pymarc.MARCReader(io.BytesIO(r.content), to_unicode=True, force_utf8=True)]
    assert len(read) == 1
    back = read[0]
    assert back["245"]["a"] == f"{word} Tale" and back["001"].data == str(m)
    assert sorted(f["a"] for f in back.get_fields("020")) == sorted(isbns)
    assert back["650"]["a"] == f"{word} heading" and back["952"]["a"] == code
    # the export imports again as the same title (matched by ISBN)
    again = run(client, cataloger, r.content)
    assert again["matched_count"] == 1 and again["records"][0]["material_id"] == m

    x = client.get("/api/catalog/export", headers=cataloger.headers, params={"format": "marcxml", "q": f"{word} tale"})
    assert x.status_code == 200 and pymarc.parse_xml_to_array(io.BytesIO(x.content))[0]["245"]["a"] == f"{word} Tale"
    x = client.get("/api/catalog/export", headers=cataloger.headers, params={"format": "xlsx", "q": f"{word} tale"})
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "title" and rows[1][0] == f"{word} Tale"


def test_csv_titles_with_bad_rows(client, people, arrange):
    cataloger = people.make("CATALOGER")
    code = branch_code(arrange)
    word = unique("Csvz")
    isbn = isbn13()
    b1, b2 = unique("BC"), unique("BC")
    text = ("title,isbn,authors,year,barcode,branch,price,subjects\n"
            f"{word} One,{isbn},Jane Austen; John Smith,1999,{b1},{code},9.99,{word} topic\n"
            f"{word} One,{isbn},,,{b2},{code},,\n"                  # same ISBN: matched, a second copy
            f"{word} Two,,,not-a-year,,,,\n"                        # bad year
            f"{word} Three,12345,,,,,,\n"                           # bad ISBN only: created without it
            f",{isbn13()},,,,,,\n"                                   # no title
            f"{word} Four,,,,{b1},{code},,\n"                       # barcode of another title
            f"{word} Five,,,,,,,,extra\n")                          # too many fields
    body = run(client, cataloger, text.encode(), name="titles.csv")
    out = {r["record_no"]: r for r in body["records"]}
    assert [out[i]["outcome"] for i in range(1, 8)] == ["CREATED", "MATCHED", "REJECTED", "CREATED", "REJECTED",
                                                          "REJECTED", "REJECTED"]
    assert out[3]["error_name"] == "CSV_ROW_INVALID" and out[5]["error_name"] == "INVALID_MATERIAL_DATA"
    assert out[6]["error_name"] == "BARCODE_TAKEN" and out[7]["error_name"] == "CSV_ROW_INVALID"
    assert body["copies_added"] == 2
    m = out[1]["material_id"]
    assert out[2]["material_id"] == m
    assert arrange.one("SELECT COUNT(*) AS n FROM copies WHERE material_id = :m", {"m": m})["n"] == 2
    # paged report, rejected only
    r = client.get(f"/api/catalog/imports/{body['import_id']}", headers=cataloger.headers,
                   params={"outcome": "REJECTED", "page_size": 2, "page": 2})
    assert r.json()["records_total"] == 4 and [x["record_no"] for x in r.json()["records"]] == [6, 7]
    csv_out = client.get("/api/catalog/export", headers=cataloger.headers, params={"format": "csv", "q": f"{word} one"})
    lines = csv_out.text.splitlines()
    assert csv_out.status_code == 200 and len([x for x in lines if x.startswith(f"{word} One,")]) == 2  # a row per copy
    assert any(",9.99," in x for x in lines)


def test_csv_patrons_need_patron_rights_and_match_by_card(client, people, arrange):
    cataloger = people.make("CATALOGER")
    manager = people.make("CATALOGER", "LIBRARIAN")
    card = unique("2")[:14]
    text = f"card_number,first_name,last_name,email,home_branch\n{card},Ada,Lovelace,ada@example.org,MAIN\n"
    refused = run(client, cataloger, text.encode(), name="patrons.csv", kind="CSV_PATRONS")
    assert refused["rejected_count"] == 1 and refused["records"][0]["error_name"] == "PERMISSION_DENIED"
    ok = run(client, manager, text.encode(), name="patrons.csv", kind="CSV_PATRONS")
    assert ok["created_count"] == 1
    again = run(client, manager, text.replace("Lovelace", "King").encode(), name="patrons.csv", kind="CSV_PATRONS")
    assert again["matched_count"] == 1
    assert arrange.one("SELECT last_name FROM patrons WHERE card_number = :c", {"c": card})["last_name"] == "King"


def test_imports_need_catalog_import(client, staff):
    r = upload(client, staff["LIBRARIAN"], b"x", "a.mrc")
    assert r.status_code == 403
    assert client.get("/api/catalog/imports/1", headers=staff["PATRON"].headers).status_code == 403
    r = client.get("/api/catalog/imports/999999999", headers=staff["IT_ADMIN"].headers)
    assert r.status_code == 404 and error_code(r) == "IMPORT_NOT_FOUND"
