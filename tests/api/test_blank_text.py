"""Blank text at the API boundary: optional text that is empty or whitespace only is stored as NULL on both
engines (Oracle stores '' as NULL, PostgreSQL would keep it); required text that is blank is a 422 in the
contract's error shape and changes nothing."""
from __future__ import annotations

import pytest

from tests.factories import unique


def test_blank_contact_data_of_a_new_patron_is_stored_as_null(client, staff, arrange):
    r = client.post("/api/patrons", json={"first_name": "Grace", "last_name": unique("Hopper"), "email": "  ",
                                         "phone": "", "address": " \t ", "card_number": "   "},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["card_number"]  # a blank card number is no card number: one is generated
    row = arrange.one("SELECT email, phone, address, card_number FROM patrons WHERE patron_id = :p",
                      {"p": body["patron_id"]})
    assert row == {"email": None, "phone": None, "address": None, "card_number": body["card_number"]}


def test_blank_return_condition_is_stored_as_null(client, staff, people, arrange):
    p = people.make("PATRON")
    copy = arrange.copy()
    r = client.post("/api/circulation/checkout", json={"patron_id": p.patron_id, "copy_id": copy},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    loan_id = r.json()["loan_id"]
    r = client.post("/api/circulation/return", json={"loan_id": loan_id, "condition": "   "},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert arrange.one("SELECT status, return_condition FROM loans WHERE loan_id = :l", {"l": loan_id}) == \
        {"status": "RETURNED", "return_condition": None}
    assert arrange.scalar("SELECT condition_note FROM copies WHERE copy_id = :c", {"c": copy}) is None


def test_blank_payment_note_is_stored_as_null(client, staff, people, arrange):
    p = people.make("PATRON")
    fine = arrange.charge(p.patron_id, 3)
    r = client.post(f"/api/fines/{fine}/pay", json={"amount": "1.00", "method": "CASH", "note": " "},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert arrange.scalar("SELECT note FROM payments WHERE payment_id = :p", {"p": r.json()["payment_id"]}) is None


def test_blank_optional_text_of_a_title_is_stored_as_null(client, staff, arrange):
    r = client.post("/api/materials", json={"title": unique("Blank fields "), "subtitle": " ", "isbn": "",
                                            "publisher": "  ", "language": " ", "description": "\n"},
                    headers=staff["CATALOGER"].headers)
    assert r.status_code == 201, r.text
    row = arrange.one("SELECT subtitle, isbn, publisher, language_code, description FROM materials "
                      "WHERE material_id = :m", {"m": r.json()["material_id"]})
    assert row == {"subtitle": None, "isbn": None, "publisher": None, "language_code": "eng", "description": None}


@pytest.mark.parametrize("path, role, body", [
    ("/api/patrons", "LIBRARIAN", {"first_name": "   ", "last_name": "Lovelace"}),
    ("/api/patrons", "LIBRARIAN", {"first_name": "Ada", "last_name": ""}),
    ("/api/materials", "CATALOGER", {"title": "  "}),
    ("/api/auth/register", None, {"username": "blankname", "password": "long enough pass", "full_name": " ",
                                  "email": "blank@example.org"}),
], ids=["first_name", "last_name", "title", "full_name"])
def test_blank_required_text_is_a_422_in_the_error_shape(client, staff, unchanged, path, role, body):
    with unchanged():
        r = client.post(path, json=body, headers=staff[role].headers if role else {})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert set(error) >= {"code", "db_code", "message"}
    assert error["code"] == "VALIDATION_ERROR" and error["db_code"] is None and error["message"]
