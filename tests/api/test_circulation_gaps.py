"""Issue 13's last desk gaps over HTTP: a hold-shelf copy checked in at another branch, transits of a copy
declared lost, and overriding a refused renewal."""
from __future__ import annotations

from tests.api.conftest import error_code

CHECKOUT, RETURN, RENEW = "/api/circulation/checkout", "/api/circulation/return", "/api/circulation/renew"
RENEW_ALL = "/api/circulation/renew-all"
LOST, TRANSITS = "/api/circulation/lost", "/api/circulation/transits"


def _lend(client, staff, patron_id, copy):
    r = client.post(CHECKOUT, json={"patron_id": patron_id, "copy_id": copy}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    return r.json()["loan_id"]


def _lent_days_ago(client, staff, people, arrange, renewals=0):
    """A loan lent ten days ago (a renewal moves its due date) with `renewals` renewals spent."""
    loan = _lend(client, staff, people.make("PATRON").patron_id, arrange.copy())
    arrange.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10, renewals = :n "
                    "WHERE loan_id = :l", {"n": renewals, "l": loan})
    return loan


def _listed(client, staff, branch_id, copy) -> bool:
    r = client.get(TRANSITS, params={"branch_id": branch_id, "page_size": 200}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    return copy in [t["copy_id"] for t in r.json()["items"]]


# ---- a copy on a hold shelf checked in at another branch --------------------------------------------------

def test_a_hold_shelf_copy_checked_in_elsewhere_goes_back_in_transit_for_its_hold(client, staff, people, arrange):
    desk = staff["LIBRARIAN"].headers
    pickup, elsewhere = arrange.branch(), arrange.branch()
    material = arrange.material()
    copy = arrange.copy(material)
    loan = _lend(client, staff, people.make("PATRON").patron_id, copy)
    holder = people.make("PATRON")
    r = client.post(f"/api/patron/me/reserve/{material}", json={"pickup_branch_id": pickup}, headers=holder.headers)
    assert r.status_code == 201, r.text
    hold_id = r.json()["hold_id"]
    client.post(RETURN, json={"loan_id": loan}, headers=desk)  # trapped, in transit to the pickup branch
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": pickup}, headers=desk)
    assert r.json()["hold"]["status"] == "READY" and r.json()["copy_status"] == "ON_HOLD_SHELF"
    deadline = arrange.scalar("SELECT expires_at FROM holds WHERE hold_id = :h", {"h": hold_id})

    # scanned at another branch: still this hold's copy, sent back to the pickup branch
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": elsewhere}, headers=desk)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["loan_id"], body["transit"], body["copy_status"]) == (None, {"to_branch_id": pickup}, "IN_TRANSIT")
    assert body["hold"] == {"hold_id": hold_id, "patron_id": holder.patron_id, "status": "PENDING"}
    assert _listed(client, staff, pickup, copy)
    own = {h["hold_id"]: h for h in client.get("/api/patron/me/holds", headers=holder.headers).json()}
    assert own[hold_id]["status"] == "PENDING"

    # arrived: on the hold shelf again, the shelf time from now (today: the same deadline)
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": pickup}, headers=desk)
    assert (r.json()["hold"]["status"], r.json()["transit"], r.json()["copy_status"]) == \
        ("READY", None, "ON_HOLD_SHELF")
    assert arrange.scalar("SELECT expires_at FROM holds WHERE hold_id = :h", {"h": hold_id}) == deadline
    assert not _listed(client, staff, pickup, copy)

    # scanned at the pickup branch again: confirmed, nothing changes
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": pickup}, headers=desk)
    assert (r.json()["hold"]["status"], r.json()["transit"], r.json()["copy_status"]) == \
        ("READY", None, "ON_HOLD_SHELF")


def test_a_hold_shelf_copy_checked_in_elsewhere_after_its_pickup_deadline_expires_the_hold(client, staff, people,
                                                                                            arrange):
    """The expiry job has not run yet: the hold expires at the scan and the copy goes where any copy would."""
    desk = staff["LIBRARIAN"].headers
    pickup, elsewhere = arrange.branch(), arrange.branch()
    material = arrange.material()
    copy = arrange.copy(material)
    home = arrange.scalar("SELECT branch_id FROM copies WHERE copy_id = :c", {"c": copy})
    loan = _lend(client, staff, people.make("PATRON").patron_id, copy)
    holder = people.make("PATRON")
    r = client.post(f"/api/patron/me/reserve/{material}", json={"pickup_branch_id": pickup}, headers=holder.headers)
    hold_id = r.json()["hold_id"]
    client.post(RETURN, json={"loan_id": loan}, headers=desk)
    client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": pickup}, headers=desk)
    arrange.execute("UPDATE holds SET expires_at = expires_at - 30 WHERE hold_id = :h", {"h": hold_id})

    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": elsewhere}, headers=desk)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["loan_id"], body["hold"], body["transit"], body["copy_status"]) == \
        (None, None, {"to_branch_id": home}, "IN_TRANSIT")
    assert arrange.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold_id}) == "EXPIRED"
    assert not _listed(client, staff, pickup, copy) and _listed(client, staff, home, copy)


# ---- transits of a copy declared lost ------------------------------------------------------------------

def test_a_copy_lost_in_transit_leaves_the_transits_list_and_is_found_when_checked_in(client, staff, people, arrange):
    desk = staff["LIBRARIAN"].headers
    away = arrange.branch()
    copy = arrange.copy()
    home = arrange.scalar("SELECT branch_id FROM copies WHERE copy_id = :c", {"c": copy})
    loan = _lend(client, staff, people.make("PATRON").patron_id, copy)
    assert client.post(RETURN, json={"loan_id": loan, "branch_id": away}, headers=desk).json()["transit"]
    assert _listed(client, staff, away, copy) and _listed(client, staff, home, copy)

    r = client.post(LOST, json={"copy_barcode": arrange.barcode(copy)}, headers=desk)
    assert r.status_code == 200, r.text
    assert r.json() == {"copy_id": copy, "copy_status": "LOST"}
    assert not _listed(client, staff, away, copy) and not _listed(client, staff, home, copy)
    assert arrange.scalar("SELECT cancel_reason FROM transits WHERE copy_id = :c", {"c": copy}) == "LOST"

    # it turns up at home: found, on the shelf
    r = client.post(RETURN, json={"copy_barcode": arrange.barcode(copy), "branch_id": home}, headers=desk)
    assert r.status_code == 200, r.text
    assert (r.json()["loan_id"], r.json()["transit"], r.json()["copy_status"]) == (None, None, "AVAILABLE")


def test_declaring_lost_a_copy_on_loan_or_already_lost_is_refused(client, staff, people, arrange, unchanged):
    desk = staff["LIBRARIAN"].headers
    on_loan = arrange.copy()
    _lend(client, staff, people.make("PATRON").patron_id, on_loan)
    lost = arrange.copy()
    r = client.post(LOST, json={"copy_id": lost, "reason": "not found at inventory"}, headers=desk)
    assert r.status_code == 200, r.text
    assert arrange.scalar("SELECT condition_note FROM copies WHERE copy_id = :c", {"c": lost}) == \
        "not found at inventory"
    with unchanged():
        r = client.post(LOST, json={"copy_id": on_loan}, headers=desk)
        assert r.status_code == 409 and error_code(r) == "COPY_ALREADY_ON_LOAN"
        r = client.post(LOST, json={"copy_id": lost}, headers=desk)
        assert r.status_code == 409 and error_code(r) == "COPY_LOST_OR_WITHDRAWN"
        r = client.post(LOST, json={"copy_barcode": "NO-SUCH-COPY"}, headers=desk)
        assert r.status_code == 404 and error_code(r) == "COPY_NOT_FOUND"
        assert client.post(LOST, json={}, headers=desk).status_code == 422
        assert client.post(LOST, json={"copy_id": on_loan}, headers=staff["CATALOGER"].headers).status_code == 403


# ---- overriding a refused renewal --------------------------------------------------------------------------

def test_a_refused_renewal_is_overridden_as_a_checkout_is(client, staff, people, arrange, unchanged):
    loan = _lent_days_ago(client, staff, people, arrange, renewals=99)
    manager = staff["BRANCH_MANAGER"].headers
    with unchanged():
        r = client.post(RENEW, json={"loan_id": loan}, headers=manager)
        assert r.status_code == 409 and error_code(r) == "RENEWAL_LIMIT_REACHED"
        assert r.json()["error"]["reasons"] == [{"code": "RENEWAL_LIMIT_REACHED", "overridable": True}]
        override = {"loan_id": loan, "override": True, "override_codes": ["RENEWAL_LIMIT_REACHED"]}
        for note in ({}, {"override_note": " "}):
            r = client.post(RENEW, json=override | note, headers=manager)
            assert r.status_code == 422 and error_code(r) == "OVERRIDE_NOTE_REQUIRED"
        r = client.post(RENEW, json=override | {"override_note": "exam week"}, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 403 and error_code(r) == "OVERRIDE_NOT_PERMITTED"
        r = client.post(RENEW, json=override | {"override_codes": [], "override_note": "exam week"}, headers=manager)
        assert r.status_code == 409 and error_code(r) == "RENEWAL_LIMIT_REACHED"
    r = client.post(RENEW, json=override | {"override_note": "exam week"}, headers=manager)
    assert r.status_code == 200, r.text
    assert r.json()["loan_id"] == loan and r.json()["renewals"] == 100
    assert r.json()["overridden"] == ["RENEWAL_LIMIT_REACHED"]
    audit = arrange.one("SELECT new_values FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                        "AND action = 'OVERRIDE'", {"l": loan})
    assert "RENEWAL_LIMIT_REACHED" in audit["new_values"] and "exam week" in audit["new_values"]


def test_a_plain_renewal_answers_overridden_empty(client, staff, people, arrange):
    loan = _lent_days_ago(client, staff, people, arrange)
    r = client.post(RENEW, json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["renewals"] == 1 and r.json()["overridden"] == []


def test_a_renewal_that_would_not_move_the_due_date_is_not_overridden(client, staff, people, arrange, unchanged):
    loan = _lend(client, staff, people.make("PATRON").patron_id, arrange.copy())
    with unchanged():
        r = client.post(RENEW, json={"loan_id": loan, "override": True, "override_codes": ["RENEWAL_TOO_SOON"],
                                     "override_note": "please"}, headers=staff["BRANCH_MANAGER"].headers)
    assert r.status_code == 409 and error_code(r) == "RENEWAL_TOO_SOON"
    assert r.json()["error"]["reasons"] == [{"code": "RENEWAL_TOO_SOON", "overridable": False}]


# ---- renew all with an override ------------------------------------------------------------------------------

def test_renew_all_overrides_the_loans_refused_for_the_reasons_it_names(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    limit = _lend(client, staff, p.patron_id, arrange.copy())
    arrange.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10, renewals = 99 "
                    "WHERE loan_id = :l", {"l": limit})
    fresh = _lend(client, staff, p.patron_id, arrange.copy())  # RENEWAL_TOO_SOON: never overridden
    manager = staff["BRANCH_MANAGER"].headers
    with unchanged():
        r = client.post(RENEW_ALL, json={"patron_id": p.patron_id}, headers=manager)
        assert r.status_code == 200, r.text
        results = {x["loan_id"]: x for x in r.json()["results"]}
        assert (results[limit]["code"], results[limit]["overridable"]) == ("RENEWAL_LIMIT_REACHED",
                                                                           ["RENEWAL_LIMIT_REACHED"])
        assert results[fresh]["overridable"] == []
        override = {"patron_id": p.patron_id, "override": True,
                    "override_codes": ["RENEWAL_LIMIT_REACHED", "RENEWAL_TOO_SOON"]}
        for note in ({}, {"override_note": " "}):
            r = client.post(RENEW_ALL, json=override | note, headers=manager)
            assert r.status_code == 422 and error_code(r) == "OVERRIDE_NOTE_REQUIRED"
        r = client.post(RENEW_ALL, json=override | {"override_note": "exam week"}, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 403 and error_code(r) == "OVERRIDE_NOT_PERMITTED"
    r = client.post(RENEW_ALL, json=override | {"override_note": "exam week"}, headers=manager)
    assert r.status_code == 200, r.text
    results = {x["loan_id"]: x for x in r.json()["results"]}
    assert results[limit]["ok"] and results[limit]["renewals"] == 100
    assert results[limit]["overridden"] == ["RENEWAL_LIMIT_REACHED"]
    assert not results[fresh]["ok"] and results[fresh]["code"] == "RENEWAL_TOO_SOON"
    audit = arrange.one("SELECT new_values FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                        "AND action = 'OVERRIDE'", {"l": limit})
    assert "RENEWAL_LIMIT_REACHED" in audit["new_values"] and "exam week" in audit["new_values"]
