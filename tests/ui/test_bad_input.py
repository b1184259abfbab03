"""Control characters in the staff UI: refused with 422 in every form and query string (desk pages and table
screens) as the API refuses them, before the database sees them; multi-line fields keep tab and new line."""
from __future__ import annotations

import httpx
import pytest

from tests.factories import unique
from tests.ui.helpers import add_charge, place_hold
from tests.ui.staff_http import CSRF_FIELD, StaffClient

NUL, BELL, TAB = "\x00", "\x07", "\t"


@pytest.fixture
def manager(server):
    c = StaffClient(server.url, "manager")
    yield c
    c.close()


@pytest.fixture
def cataloger(server):
    c = StaffClient(server.url, "cataloger")
    yield c
    c.close()


@pytest.fixture
def rows(factory, committed):
    """A patron with an open fine and a pending hold, and a copy on loan to nobody."""
    main = factory.main_branch()
    material = factory.material(title="Control Test")
    copy_id = factory.copy(material, main)
    patron_id = factory.patron(main)
    committed.commit()
    fine_id = add_charge(committed, patron_id, 2.5, "test charge")
    hold_id = place_hold(committed, patron_id, factory.material(title="Held Title"), main)
    card = committed.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron_id})
    return {"patron": patron_id, "card": card, "barcode": factory.barcode(copy_id), "fine": fine_id, "hold": hold_id,
            "copy": copy_id}


def _state(s, r: dict) -> tuple:
    s.rollback()
    return (s.one("SELECT first_name, address, status FROM patrons WHERE patron_id = :p", {"p": r["patron"]}),
            s.one("SELECT status, amount_paid FROM fines WHERE fine_id = :f", {"f": r["fine"]}),
            s.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": r["hold"]}),
            s.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": r["copy"]}),
            s.scalar("SELECT COUNT(*) FROM patrons"))


def _desk_forms(r: dict) -> list[tuple[str, dict]]:
    patron = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "phone": "555-0100",
              "address": "1 Main St", "category": "ADULT", "home_branch_id": "", "card_number": ""}
    return [
        ("/staff/desk/checkout", {"card": r["card"] + NUL, "barcode": r["barcode"]}),
        ("/staff/desk/checkout", {"card": r["card"], "barcode": r["barcode"] + TAB}),
        ("/staff/desk/return", {"barcode": r["barcode"], "condition": "torn" + NUL}),
        ("/staff/desk/renew", {"barcode": r["barcode"] + NUL}),
        ("/staff/patrons/new", {**patron, "first_name": "Ada" + NUL}),
        ("/staff/patrons/new", {**patron, "card_number": "29" + BELL}),
        (f"/staff/patrons/{r['patron']}/edit", {**patron, "address": "1 Main St" + NUL}),
        (f"/staff/patrons/{r['patron']}/edit", {**patron, "address": "1 Main St\nFlat 2"}),  # single-line field
        (f"/staff/patrons/{r['patron']}/suspend", {"reason": "lost card" + NUL}),
        (f"/staff/fines/{r['fine']}/pay", {"amount": "1.00", "method": "CASH", "note": "n" + NUL}),
        (f"/staff/fines/{r['fine']}/waive", {"reason": "goodwill" + NUL}),
        (f"/staff/holds/{r['hold']}/cancel", {"reason": "asked" + NUL}),
        (f"/staff/patrons/{r['patron']}/holds", {"item": "Held" + NUL}),
        ("/staff/holds/capture", {"barcode": r["barcode"] + NUL}),
        ("/staff/account/password", {"current": "manager-pass", "new": "new-pass" + NUL, "repeat": "new-pass" + NUL}),
    ]


def test_control_characters_in_desk_forms_are_refused_with_422_and_change_nothing(manager, committed, rows):
    before = _state(committed, rows)
    for path, data in _desk_forms(rows):
        r = manager.post(path, data)
        assert r.status_code == 422, (path, data, r.status_code)
    assert _state(committed, rows) == before
    assert manager.post("/staff/desk/checkout", {"card": rows["card"], "barcode": rows["barcode"]}).status_code == 200


def test_control_characters_in_the_login_form_are_refused_with_422(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        token = CSRF_FIELD.search(c.get("/staff/login").text).group(1)
        r = c.post("/staff/login", data={"username": "librarian" + NUL, "password": "librarian-pass",
                                         "next": "/staff/", "csrf_token": token})
    assert r.status_code == 422


@pytest.mark.parametrize("query", ["/staff/patrons?q=ada%00", "/staff/holds?status=READY%07",
                                   "/staff/desk?card=12%0A34", "/staff/admin/author/list?q=a%00",
                                   "/staff/admin/author/detail?pk=1%00", "/staff/admin/material/list?q=%07",
                                   "/staff/admin/_api/material/relation-lookup?field=genre&q=a%00"])
def test_control_characters_in_a_query_string_are_refused_with_422(request, query):
    client = request.getfixturevalue("cataloger" if "/admin/" in query else "manager")
    assert client.http.get(query).status_code == 422


def test_control_characters_in_table_screens_are_refused_with_422(cataloger, committed):
    name = unique("Author")
    for value in (name + NUL, name + TAB, "Ada\nLovelace"):
        r = cataloger.admin_post("/staff/admin/author/create", {"full_name": value, "sort_name": "Lovelace, Ada",
                                                                "birth_year": "", "death_year": ""})
        assert r.status_code == 422, repr(value)
    title = unique("Control")
    r = cataloger.admin_post("/staff/admin/material/create", {"title": title, "material_type": "BOOK",
                                                              "description": "first" + NUL})
    assert r.status_code == 422
    committed.rollback()
    assert committed.scalar("SELECT COUNT(*) FROM authors WHERE full_name LIKE :n OR full_name = :multi",
                            {"n": name + "%", "multi": "Ada\nLovelace"}) == 0
    assert committed.scalar("SELECT COUNT(*) FROM materials WHERE title = :t", {"t": title}) == 0
    clean = cataloger.admin_post("/staff/admin/author/create", {"full_name": name, "sort_name": "Lovelace, Ada",
                                                                "birth_year": "", "death_year": ""})
    assert clean.status_code == 303


def test_a_multi_line_field_keeps_its_tabs_and_new_lines(cataloger, committed):
    title = unique("Multiline")
    r = cataloger.admin_post("/staff/admin/material/create", {"title": title, "material_type": "BOOK",
                                                              "description": "first line\r\n\tsecond line"})
    assert r.status_code == 303, r.text[:2000]
    committed.rollback()
    assert committed.scalar("SELECT description FROM materials WHERE title = :t", {"t": title}) \
        == "first line\r\n\tsecond line"
