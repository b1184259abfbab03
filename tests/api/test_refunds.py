"""POST /api/fines/{fine_id}/refund over HTTP: the 201 answer, the balance every read gives a refunded fine,
and refusals that change nothing."""
from __future__ import annotations

from decimal import Decimal

from tests.api.conftest import error_code


def _paid_fine(client, staff, arrange, patron_id, amount=5, paid="5.00") -> int:
    fine = arrange.charge(patron_id, amount)
    r = client.post(f"/api/fines/{fine}/pay", json={"amount": paid, "method": "CASH"},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    return fine


def test_refund_part_then_the_rest_of_a_paid_fine(client, staff, people, arrange):
    p = people.make("PATRON")
    fine = _paid_fine(client, staff, arrange, p.patron_id)
    mgr = staff["BRANCH_MANAGER"].headers
    r = client.post(f"/api/fines/{fine}/refund", json={"amount": "2.00", "reason": " Charged twice ", "method": "CARD"},
                    headers=mgr)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body == {"refund_id": body["refund_id"], "fine_id": fine, "amount": "2.00", "method": "CARD",
                    "reason": "Charged twice", "refunded": "2.00", "refundable": "3.00", "balance": "0.00",
                    "status": "PAID"}
    row = arrange.one("SELECT fine_id, amount, method, refund_method, note, received_by FROM payments "
                      "WHERE payment_id = :p", {"p": body["refund_id"]})
    assert row == {"fine_id": fine, "amount": Decimal("2.00"), "method": "REFUND", "refund_method": "CARD",
                   "note": "Charged twice", "received_by": staff["BRANCH_MANAGER"].user_id}

    r = client.post(f"/api/fines/{fine}/refund", json={"amount": 3, "reason": "The rest", "method": "CASH"}, headers=mgr)
    assert r.status_code == 201, r.text
    assert (r.json()["refunded"], r.json()["refundable"], r.json()["status"]) == ("5.00", "0.00", "REFUNDED")
    # one balance rule: a refunded fine owes nothing, in the lists as in the patron's total
    r = client.get("/api/fines", params={"patron_id": p.patron_id}, headers=staff["LIBRARIAN"].headers)
    assert [(x["fine_id"], x["status"], x["balance"]) for x in r.json()["items"]] == [(fine, "REFUNDED", "0.00")]
    r = client.get("/api/fines", params={"patron_id": p.patron_id, "status": "REFUNDED"},
                   headers=staff["LIBRARIAN"].headers)
    assert [x["fine_id"] for x in r.json()["items"]] == [fine]
    r = client.get(f"/api/patrons/{p.patron_id}", headers=staff["LIBRARIAN"].headers)
    assert r.json()["balance"] == "0.00"
    assert [(x["fine_id"], x["balance"]) for x in r.json()["fines"]] == [(fine, "0.00")]
    r = client.get("/api/patron/me/fines", headers=p.headers)
    assert r.status_code == 200 and [(x["status"], x["balance"]) for x in r.json()] == [("REFUNDED", "0.00")]


def test_refund_on_an_open_fine_leaves_what_is_owed(client, staff, people, arrange):
    p = people.make("PATRON")
    fine = _paid_fine(client, staff, arrange, p.patron_id, amount=10, paid="4.00")
    r = client.post(f"/api/fines/{fine}/refund", json={"amount": "4.00", "reason": "Wrong fine", "method": "CASH"},
                    headers=staff["BRANCH_MANAGER"].headers)
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["balance"], r.json()["refundable"]) == ("OPEN", "6.00", "0.00")
    r = client.get(f"/api/patrons/{p.patron_id}", headers=staff["LIBRARIAN"].headers)
    assert r.json()["balance"] == "6.00"


def test_refund_refusals_change_nothing(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    fine = _paid_fine(client, staff, arrange, p.patron_id, amount=5, paid="5.00")
    unpaid = arrange.charge(p.patron_id, 3)
    elsewhere = _paid_fine(client, staff, arrange, arrange.patron(branch_id=arrange.branch()))
    lib, mgr = staff["LIBRARIAN"].headers, staff["BRANCH_MANAGER"].headers
    ok = {"amount": "1.00", "reason": "Charged twice", "method": "CASH"}
    cases = [
        (fine, ok, lib, 403, "FORBIDDEN"),
        (fine, {**ok, "amount": "0"}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {**ok, "amount": "-1.00"}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {**ok, "amount": "1.005"}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {**ok, "method": "REFUND"}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {**ok, "method": "BITCOIN"}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {**ok, "reason": "   "}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {"amount": "1.00", "method": "CASH"}, mgr, 422, "VALIDATION_ERROR"),
        (fine, {**ok, "amount": "5.01"}, mgr, 422, "REFUND_EXCEEDS_PAID"),
        (unpaid, ok, mgr, 409, "FINE_NOT_PAID"),
        (987654321, ok, mgr, 404, "FINE_NOT_FOUND"),
        (elsewhere, ok, mgr, 403, "OUTSIDE_HOME_BRANCH"),
    ]
    for fine_id, body, headers, status, code in cases:
        with unchanged():
            r = client.post(f"/api/fines/{fine_id}/refund", json=body, headers=headers)
        assert (r.status_code, error_code(r)) == (status, code), (fine_id, body, r.text)
        assert set(r.json()) == {"error"}
    assert client.post(f"/api/fines/{fine}/refund", json={**ok, "amount": "5.00"}, headers=mgr).status_code == 201
    with unchanged():
        r = client.post(f"/api/fines/{fine}/refund", json=ok, headers=mgr)
    assert (r.status_code, error_code(r), r.json()["error"]["db_code"]) == (409, "FINE_ALREADY_REFUNDED", -20603)


def test_refund_is_documented_in_openapi(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/fines/{fine_id}/refund"]["post"]
    assert op["summary"] and "REFUND_EXCEEDS_PAID" in op["description"]
    assert {"201", "403", "404", "409", "422"} <= set(op["responses"])
