"""Issue 13's desk contract over HTTP: every refusal reason, overrides that name what they pass and say why,
transits, check in anything, renew all, a waived fine's balance."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import Out

from tests.api.conftest import error_code

CHECKOUT, RETURN, RENEW = "/api/circulation/checkout", "/api/circulation/return", "/api/circulation/renew"
RENEW_ALL, TRANSITS = "/api/circulation/renew-all", "/api/circulation/transits"


def _lend(client, staff, patron_id, copy):
    r = client.post(CHECKOUT, json={"patron_id": patron_id, "copy_id": copy}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    return r.json()["loan_id"]


def _held_copy(client, staff, people, arrange):
    """A copy waiting on the hold shelf for another patron."""
    material = arrange.material()
    copy = arrange.copy(material)
    loan = _lend(client, staff, people.make("PATRON").patron_id, copy)
    holder = people.make("PATRON")
    assert client.post(f"/api/patron/me/reserve/{material}", headers=holder.headers).status_code == 201
    assert client.post(RETURN, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers).json()["hold"]
    return copy


def test_a_refusal_lists_every_reason_first_one_is_the_code(client, staff, people, arrange, unchanged):
    expired = people.make("PATRON", expires_on=datetime.utcnow() - timedelta(days=2))
    copy = _held_copy(client, staff, people, arrange)
    with unchanged():
        r = client.post(CHECKOUT, json={"patron_id": expired.patron_id, "copy_id": copy},
                        headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 409 and error_code(r) == "PATRON_EXPIRED"
    assert r.json()["error"]["reasons"] == [{"code": "PATRON_EXPIRED", "overridable": True},
                                            {"code": "COPY_ON_HOLD_FOR_OTHER", "overridable": True}]
    assert "[reasons=" not in r.json()["error"]["message"]


def test_an_override_passes_only_the_reasons_it_names(client, staff, people, arrange, unchanged):
    """The defect: overriding an expired card also gave away a copy held for another patron."""
    expired = people.make("PATRON", expires_on=datetime.utcnow() - timedelta(days=2))
    copy = _held_copy(client, staff, people, arrange)
    body = {"patron_id": expired.patron_id, "copy_id": copy, "override": True}
    manager = staff["BRANCH_MANAGER"].headers
    with unchanged():
        r = client.post(CHECKOUT, json=body | {"override_codes": ["PATRON_EXPIRED"], "override_note": "card renewed"},
                        headers=manager)
        assert r.status_code == 409 and error_code(r) == "PATRON_EXPIRED"
        assert [x["code"] for x in r.json()["error"]["reasons"]] == ["PATRON_EXPIRED", "COPY_ON_HOLD_FOR_OTHER"]
        for note in ({}, {"override_note": "  "}):
            r = client.post(CHECKOUT, json=body | {"override_codes": ["PATRON_EXPIRED"]} | note, headers=manager)
            assert r.status_code == 422 and error_code(r) == "OVERRIDE_NOTE_REQUIRED"
    note = "the holder called: she gave it up"
    r = client.post(CHECKOUT, json=body | {"override_codes": ["PATRON_EXPIRED", "COPY_ON_HOLD_FOR_OTHER"],
                                           "override_note": note}, headers=manager)
    assert r.status_code == 201, r.text
    assert r.json()["overridden"] == ["PATRON_EXPIRED", "COPY_ON_HOLD_FOR_OTHER"]
    audit = arrange.one("SELECT new_values FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                        "AND action = 'OVERRIDE'", {"l": r.json()["loan_id"]})
    assert "PATRON_EXPIRED,COPY_ON_HOLD_FOR_OTHER" in audit["new_values"] and note in audit["new_values"]


def test_a_copy_returned_at_another_branch_goes_in_transit_and_is_listed(client, staff, people, arrange):
    away = arrange.branch()
    copy = arrange.copy()
    home = arrange.scalar("SELECT branch_id FROM copies WHERE copy_id = :c", {"c": copy})
    loan = _lend(client, staff, people.make("PATRON").patron_id, copy)
    r = client.post(RETURN, json={"loan_id": loan, "branch_id": away}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["transit"] == {"to_branch_id": home} and r.json()["copy_status"] == "IN_TRANSIT"
    r = client.get(TRANSITS, params={"branch_id": away, "direction": "outgoing"}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert [(t["copy_id"], t["to_branch_id"], t["reason"]) for t in r.json()["items"]] == [(copy, home, "HOME")]
    incoming = client.get(TRANSITS, params={"branch_id": home, "direction": "incoming", "page_size": 200},
                          headers=staff["LIBRARIAN"].headers).json()["items"]
    assert copy in [t["copy_id"] for t in incoming]
    # checked in at home: the transit ends, the copy is on the shelf, no loan closed
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": home},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and r.json()["loan_id"] is None and r.json()["transit"] is None
    assert r.json()["copy_status"] == "AVAILABLE"
    assert client.get(TRANSITS, params={"branch_id": away}, headers=staff["LIBRARIAN"].headers).json()["items"] == []


def test_a_copy_not_on_loan_checks_in(client, staff, arrange):
    copy = arrange.copy()
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy)}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["loan_id"] is None and r.json()["copy_id"] == copy and r.json()["copy_status"] == "AVAILABLE"


def test_transits_need_circ_return(client, staff, arrange):
    r = client.get(TRANSITS, params={"branch_id": arrange.branch()}, headers=staff["CATALOGER"].headers)
    assert r.status_code == 403


def test_renewing_on_the_day_of_checkout_is_too_soon(client, staff, people, arrange, unchanged):
    loan = _lend(client, staff, people.make("PATRON").patron_id, arrange.copy())
    with unchanged():
        r = client.post(RENEW, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 409 and error_code(r) == "RENEWAL_TOO_SOON"
    assert r.json()["error"]["reasons"] == [{"code": "RENEWAL_TOO_SOON", "overridable": False}]


def test_renew_all_answers_per_loan(client, staff, people, arrange):
    p = people.make("PATRON")
    due_soon = _lend(client, staff, p.patron_id, arrange.copy())
    arrange.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10 WHERE loan_id = :l",
                    {"l": due_soon})
    fresh = _lend(client, staff, p.patron_id, arrange.copy())
    card = arrange.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": p.patron_id})
    r = client.post(RENEW_ALL, json={"patron_barcode": card}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    results = {x["loan_id"]: x for x in r.json()["results"]}
    assert r.json()["patron_id"] == p.patron_id
    assert results[due_soon]["ok"] and results[due_soon]["renewals"] == 1 and results[due_soon]["due_at"].endswith("Z")
    assert results[due_soon]["overridden"] == []
    assert results[fresh] == {"loan_id": fresh, "ok": False, "due_at": None, "renewals": None,
                                   "code": "RENEWAL_TOO_SOON", "reasons": ["RENEWAL_TOO_SOON"], "overridable": [],
                                   "overridden": []}
    r = client.post(RENEW_ALL, json={"patron_id": p.patron_id}, headers=staff["CATALOGER"].headers)
    assert r.status_code == 403


def test_a_waived_fine_reads_balance_zero_everywhere(client, staff, people, arrange):
    p = people.make("PATRON")
    fine_id = arrange.call("lib_fines.add_charge", p.patron_id, None, "MANUAL", Decimal(99), "damaged cover",
                           Out(int))[0]
    r = client.post(f"/api/fines/{fine_id}/waive", json={"reason": "goodwill"}, headers=staff["BRANCH_MANAGER"].headers)
    assert r.status_code == 200, r.text
    staff_view = client.get("/api/fines", params={"patron_id": p.patron_id, "status": "WAIVED"},
                            headers=staff["LIBRARIAN"].headers).json()["items"]
    assert [(f["status"], float(f["balance"])) for f in staff_view] == [("WAIVED", 0.0)]
    own = client.get("/api/patron/me/fines", headers=p.headers).json()
    assert [(f["status"], float(f["balance"])) for f in own] == [("WAIVED", 0.0)]
