"""The circulation desk over HTTP: checkout, return, renew, each refusal leaving the database unchanged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.api.conftest import error_code

CHECKOUT, RETURN, RENEW = "/api/circulation/checkout", "/api/circulation/return", "/api/circulation/renew"


def test_checkout_by_ids(client, staff, people, arrange):
    p = people.make("PATRON")
    copy = arrange.copy()
    r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["patron_id"] == p.patron_id and body["copy_id"] == copy and body["due_at"].endswith("Z")
    assert arrange.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_LOAN"
    row = arrange.one("SELECT patron_id, status, checkout_by FROM loans WHERE loan_id = :l", {"l": body["loan_id"]})
    assert row == {"patron_id": p.patron_id, "status": "ACTIVE", "checkout_by": staff["LIBRARIAN"].user_id}


def test_checkout_by_barcodes_and_mixed(client, staff, people, arrange):
    p = people.make("PATRON")
    card = arrange.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": p.patron_id})
    c1, c2 = arrange.copy(), arrange.copy()
    r = client.post(CHECKOUT, json={"patron_barcode": card, "copy_barcode": arrange.barcode(c1)},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201 and (r.json()["patron_id"], r.json()["copy_id"]) == (p.patron_id, c1)
    r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_barcode": arrange.barcode(c2)},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201 and r.json()["copy_id"] == c2


def test_checkout_with_due_date(client, staff, people, arrange):
    p = people.make("PATRON")
    due = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)
    r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": arrange.copy(), "due_date": due.isoformat()},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    assert r.json()["due_at"].startswith(due.strftime("%Y-%m-%d"))


def test_checkout_refusals_change_nothing(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    suspended = people.make("PATRON", status="SUSPENDED")
    on_loan = arrange.copy()
    assert client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": on_loan},
                       headers=staff["LIBRARIAN"].headers).status_code == 201
    lost = arrange.copy(status="LOST")
    free = arrange.copy()
    past = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    cases = [
        ({"patron_id": p.patron_id, "copy_id": 987654321}, 404, "COPY_NOT_FOUND"),
        ({"patron_id": 987654321, "copy_id": free}, 404, "PATRON_NOT_FOUND"),
        ({"patron_barcode": "NOSUCHCARD", "copy_id": free}, 404, "PATRON_NOT_FOUND"),
        ({"patron_id": p.patron_id, "copy_barcode": "NOSUCHCOPY"}, 404, "COPY_NOT_FOUND"),
        ({"patron_id": p.patron_id, "copy_id": on_loan}, 409, "COPY_ALREADY_ON_LOAN"),
        ({"patron_id": p.patron_id, "copy_id": lost}, 409, "COPY_LOST_OR_WITHDRAWN"),
        ({"patron_id": suspended.patron_id, "copy_id": free}, 409, "PATRON_SUSPENDED"),
        ({"patron_id": p.patron_id, "copy_id": free, "due_date": past}, 422, "INVALID_DUE_DATE"),
        ({"patron_id": p.patron_id}, 422, "VALIDATION_ERROR"),
        ({"patron_id": p.patron_id, "patron_barcode": "X1", "copy_id": free}, 422, "VALIDATION_ERROR"),
        ({"patron_id": 0, "copy_id": free}, 422, "VALIDATION_ERROR"),
    ]
    for body, status, code in cases:
        with unchanged():
            r = client.post(CHECKOUT, json=body, headers=staff["LIBRARIAN"].headers)
        assert (r.status_code, error_code(r)) == (status, code), (body, r.text)


def test_override_needs_circ_override(client, staff, people, arrange, unchanged):
    expired = people.make("PATRON", expires_on=datetime.utcnow() - timedelta(days=2))
    copy = arrange.copy()
    body = {"patron_id": expired.patron_id, "copy_id": copy}
    with unchanged():
        r = client.post(CHECKOUT, json=body, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 409 and error_code(r) == "PATRON_EXPIRED"
        r = client.post(CHECKOUT, json=body | {"override": True, "override_codes": ["PATRON_EXPIRED"],
                                               "override_note": "asked by the patron"},
                        headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 403 and error_code(r) == "OVERRIDE_NOT_PERMITTED"
    override = {"override": True, "override_codes": ["PATRON_EXPIRED"], "override_note": "renewing her card now"}
    r = client.post(CHECKOUT, json=body | override, headers=staff["BRANCH_MANAGER"].headers)
    assert r.status_code == 201, r.text
    assert arrange.scalar("SELECT overridden FROM loans WHERE loan_id = :l", {"l": r.json()["loan_id"]}) == "Y"
    assert r.json()["overridden"] == ["PATRON_EXPIRED"]


def test_checkout_answers_the_loan_it_wrote_whichever_side_is_a_barcode(client, staff, people, arrange):
    """The package resolves a card or a barcode on either side; the answer is its OUT parameters."""
    for by_card, by_barcode in ((True, False), (False, True), (True, True), (False, False)):
        p = people.make("PATRON")
        copy = arrange.copy()
        card = arrange.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": p.patron_id})
        barcode = arrange.scalar("SELECT barcode FROM copies WHERE copy_id = :c", {"c": copy})
        body = ({"patron_barcode": card} if by_card else {"patron_id": p.patron_id}) | \
            ({"copy_barcode": barcode} if by_barcode else {"copy_id": copy})
        r = client.post(CHECKOUT, json=body, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 201, r.text
        loan = arrange.one("SELECT patron_id, copy_id FROM loans WHERE loan_id = :l", {"l": r.json()["loan_id"]})
        assert (r.json()["patron_id"], r.json()["copy_id"]) == (p.patron_id, copy) == \
            (loan["patron_id"], loan["copy_id"])
        assert r.json()["overridden"] == []
    r = client.post(CHECKOUT, json={"patron_barcode": "NO-SUCH-CARD", "copy_id": arrange.copy()},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 404 and error_code(r) == "PATRON_NOT_FOUND"
    r = client.post(CHECKOUT, json={"patron_id": people.make("PATRON").patron_id, "copy_barcode": "NO-SUCH-COPY"},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 404 and error_code(r) == "COPY_NOT_FOUND"


def test_return_by_loan_and_by_barcode(client, staff, people, arrange):
    p = people.make("PATRON")
    c1, c2 = arrange.copy(), arrange.copy()
    l1 = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": c1}, headers=staff["LIBRARIAN"].headers).json()["loan_id"]
    l2 = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": c2}, headers=staff["LIBRARIAN"].headers).json()["loan_id"]
    r = client.post(RETURN, json={"loan_id": l1, "condition": "fine"}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["loan_id"] == l1 and r.json()["fine"] is None and r.json()["hold"] is None
    assert r.json()["returned_at"].endswith("Z")
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(c2)}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and r.json()["loan_id"] == l2 and r.json()["copy_id"] == c2
    assert arrange.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": c2}) == "AVAILABLE"


def test_return_overdue_charges_a_fine(client, staff, people, arrange):
    p = people.make("PATRON")
    copy = arrange.copy()
    loan = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy},
                       headers=staff["LIBRARIAN"].headers).json()["loan_id"]
    # arrange: the loan went out 20 days ago and was due 6 days ago
    arrange.execute("UPDATE loans SET checkout_at = checkout_at - 20, due_at = checkout_at - 6 WHERE loan_id = :l",
                    {"l": loan})
    r = client.post(RETURN, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    fine = r.json()["fine"]
    assert fine is not None and float(fine["amount"]) > 0
    assert arrange.scalar("SELECT patron_id FROM fines WHERE fine_id = :f", {"f": fine["fine_id"]}) == p.patron_id


def test_return_traps_copy_for_waiting_hold(client, staff, people, arrange):
    a, b = people.make("PATRON"), people.make("PATRON")
    material = arrange.material()
    copy = arrange.copy(material)
    loan = client.post(CHECKOUT, json={"patron_id": a.patron_id, "copy_id": copy},
                       headers=staff["LIBRARIAN"].headers).json()["loan_id"]
    hold_id = client.post(f"/api/patron/me/reserve/{material}", headers=b.headers).json()["hold_id"]
    r = client.post(RETURN, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers)
    assert r.json()["hold"] == {"hold_id": hold_id, "patron_id": b.patron_id, "status": "READY"}
    assert arrange.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_HOLD_SHELF"


def test_return_refusals_change_nothing(client, staff, arrange, unchanged):
    arrange.copy()  # a copy on the shelf exists: check-in of one is not refused (check in anything)
    for body, status, code in [({"loan_id": 987654321}, 404, "LOAN_NOT_FOUND"),
                               ({"copy_barcode": "NOSUCHCOPY"}, 404, "COPY_NOT_FOUND"),
                               ({}, 422, "VALIDATION_ERROR")]:
        with unchanged():
            r = client.post(RETURN, json=body, headers=staff["LIBRARIAN"].headers)
        assert (r.status_code, error_code(r)) == (status, code), (body, r.text)


def test_return_of_returned_loan_is_409(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    loan = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": arrange.copy()},
                       headers=staff["LIBRARIAN"].headers).json()["loan_id"]
    assert client.post(RETURN, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers).status_code == 200
    with unchanged():
        r = client.post(RETURN, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 409 and error_code(r) == "LOAN_NOT_ACTIVE"


def test_desk_renew(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    loan = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": arrange.copy()},
                       headers=staff["LIBRARIAN"].headers).json()["loan_id"]
    arrange.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10 WHERE loan_id = :l",
                    {"l": loan})
    r = client.post(RENEW, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and r.json()["renewals"] == 1
    with unchanged():
        r = client.post(RENEW, json={"loan_id": 987654321}, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 404 and error_code(r) == "LOAN_NOT_FOUND"
        r = client.post(RENEW, json={"loan_id": "x"}, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 422


def test_circulation_needs_permission(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    copy = arrange.copy()
    with unchanged():
        for role in ("CATALOGER", "IT_ADMIN", "LIBRARY_DIRECTOR", "PATRON"):
            r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy}, headers=staff[role].headers)
            assert r.status_code == 403 and error_code(r) == "FORBIDDEN", role
