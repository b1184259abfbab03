"""Cataloging over HTTP (issue 14): cover URLs in the catalog, covers served, copies edited, titles hidden
and deleted where the rules allow, duplicate ISBNs warned."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from datalayer.session import Out
from services import covers
from tests.api.conftest import error_code
from tests.factories import unique


def _title(arrange, title, isbn=None):
    (material_id,) = arrange.call("lib_catalog.add_material", title, None, isbn, None, None, None, 2001, None, None,
                                  None, None, Out(int))
    return material_id


def _with_cover(arrange, api_settings, material_id) -> None:
    """A cover as the staff UI leaves it: the files, and the name recorded by lib_catalog.set_cover."""
    full, thumb = covers.paths(api_settings.media_dir, material_id)
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_bytes(b"\xff\xd8\xff full")
    thumb.write_bytes(b"\xff\xd8\xff thumb")
    arrange.call("lib_catalog.set_cover", material_id, covers.file_name(material_id))


def test_search_and_title_give_cover_urls_only_for_titles_with_a_cover(client, arrange, api_settings):
    word = unique("Cv")
    covered = _title(arrange, f"{word} with a cover")
    bare = _title(arrange, f"{word} without")
    _with_cover(arrange, api_settings, covered)
    items = {i["material_id"]: i for i in client.get("/api/catalog/search", params={"q": word}).json()["items"]}
    assert items[covered]["cover_url"] == f"/api/catalog/book/{covered}/cover"
    assert items[covered]["cover_thumb_url"] == f"/api/catalog/book/{covered}/cover?size=thumb"
    assert items[bare]["cover_url"] is None and items[bare]["cover_thumb_url"] is None
    book = client.get(f"/api/catalog/book/{covered}").json()
    assert book["cover_url"] == f"/api/catalog/book/{covered}/cover"

    r = client.get(items[covered]["cover_thumb_url"])
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg" and r.content.endswith(b"thumb")
    assert client.get(items[covered]["cover_url"]).content.endswith(b"full")
    assert client.get(f"/api/catalog/book/{bare}/cover").status_code == 404
    assert client.get(f"/api/catalog/book/{covered}/cover", params={"size": "huge"}).status_code == 422


def test_hidden_titles_are_left_out_of_the_public_catalog(client, arrange, api_settings, staff):
    word = unique("Hd")
    m = _title(arrange, f"{word} soon hidden")
    _with_cover(arrange, api_settings, m)
    h = staff["CATALOGER"].headers
    assert client.put(f"/api/materials/{m}/hidden", json={"hidden": True}, headers=h).status_code == 204
    assert client.get("/api/catalog/search", params={"q": word}).json()["total"] == 0
    assert error_code(client.get(f"/api/catalog/book/{m}")) == "MATERIAL_NOT_FOUND"
    assert client.get(f"/api/catalog/book/{m}/cover").status_code == 404
    assert client.put(f"/api/materials/{m}/hidden", json={"hidden": False}, headers=h).status_code == 204
    assert client.get("/api/catalog/search", params={"q": word}).json()["total"] == 1


def test_a_copy_is_edited_and_its_call_number_shows_on_the_title(client, arrange, staff):
    m = _title(arrange, unique("Copy edit "))
    copy_id = arrange.copy(m)
    other = arrange.branch()
    h = staff["CATALOGER"].headers
    r = client.put(f"/api/materials/copies/{copy_id}", headers=h,
                   json={"branch_id": other, "call_number": "823.7 AUS", "shelf_location": "Fiction", "price": "9.90"})
    assert r.status_code == 204, r.text
    row = arrange.one("SELECT branch_id, call_number, call_number_sort, shelf_location, price FROM copies "
                      "WHERE copy_id = :c", {"c": copy_id})
    assert (row["branch_id"], row["call_number"], row["call_number_sort"], row["shelf_location"], str(row["price"])) \
        == (other, "823.7 AUS", "000000823.7 AUS", "Fiction", "9.90")
    copies = client.get(f"/api/catalog/book/{m}").json()["copies"]
    assert [c["call_number"] for c in copies] == ["823.7 AUS"]


def test_copy_edits_are_refused_by_the_rules(client, arrange, staff):
    m = _title(arrange, unique("Copy rules "))
    lent = arrange.copy(m, status="ON_HOLD_SHELF")
    h = staff["CATALOGER"].headers
    r = client.put(f"/api/materials/copies/{lent}", headers=h, json={"branch_id": arrange.branch()})
    assert r.status_code == 409 and error_code(r) == "COPY_BRANCH_LOCKED"
    gone = arrange.copy(m, status="WITHDRAWN")
    r = client.put(f"/api/materials/copies/{gone}", headers=h, json={"branch_id": arrange.main_branch()})
    assert r.status_code == 409 and error_code(r) == "COPY_WITHDRAWN"
    r = client.put(f"/api/materials/copies/{lent}", headers=staff["LIBRARIAN"].headers,
                   json={"branch_id": arrange.main_branch()})
    assert r.status_code == 403


def test_delete_is_refused_for_a_title_with_history_and_done_for_a_fresh_one(client, arrange, staff):
    h = staff["CATALOGER"].headers
    fresh = _title(arrange, unique("Fresh "))
    arrange.copy(fresh)
    kept = _title(arrange, unique("Kept "))
    copy_id = arrange.copy(kept)
    patron = arrange.patron()
    arrange.call("lib_circulation.checkout", patron, copy_id, None, None, None, None, Out(int), Out(datetime))
    r = client.delete(f"/api/materials/{kept}", headers=h)
    assert r.status_code == 409 and error_code(r) == "MATERIAL_IN_CIRCULATION"
    r = client.put(f"/api/materials/{kept}/hidden", json={"hidden": True}, headers=h)
    assert r.status_code == 409 and error_code(r) == "MATERIAL_IN_CIRCULATION"
    arrange.call("lib_circulation.checkin", copy_id, None, None, None, Out(int), Out(int), Out(Decimal), Out(int))
    r = client.delete(f"/api/materials/{kept}", headers=h)
    assert r.status_code == 409 and error_code(r) == "MATERIAL_HAS_HISTORY"
    assert client.delete(f"/api/materials/{fresh}", headers=h).status_code == 204
    assert error_code(client.get(f"/api/catalog/book/{fresh}")) == "MATERIAL_NOT_FOUND"


def test_a_duplicate_isbn_is_warned_or_refused_by_the_setting(client, arrange, staff):
    h = staff["CATALOGER"].headers
    isbn = "979-10-90636-07-1"
    _title(arrange, unique("First "), isbn=isbn)
    try:
        r = client.post("/api/materials", json={"title": unique("Second "), "isbn": isbn}, headers=h)
        assert r.status_code == 201 and r.json()["duplicate_isbns"] >= 1
        arrange.execute("UPDATE app_settings SET value = 'REFUSE' WHERE name = 'DUPLICATE_ISBN'")
        r = client.post("/api/materials", json={"title": unique("Third "), "isbn": isbn}, headers=h)
        assert r.status_code == 409 and error_code(r) == "DUPLICATE_ISBN"
    finally:
        arrange.execute("UPDATE app_settings SET value = 'WARN' WHERE name = 'DUPLICATE_ISBN'")
