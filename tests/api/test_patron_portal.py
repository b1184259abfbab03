"""The patron portal: own loans, history, fines, holds, reserve, cancel, renew -- and never another's."""
from __future__ import annotations

from tests.api.conftest import error_code


def _checkout(client, staff, patron_id, copy_id):
    r = client.post("/api/circulation/checkout", json={"patron_id": patron_id, "copy_id": copy_id},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    return r.json()["loan_id"]


def test_patron_sees_own_loans_only(client, people, staff, arrange):
    a, b = people.make("PATRON"), people.make("PATRON")
    copy = arrange.copy()
    loan = _checkout(client, staff, a.patron_id, copy)
    r = client.get("/api/patron/me/loans", headers=a.headers)
    assert r.status_code == 200
    assert [(x["loan_id"], x["copy_id"], x["renewals"]) for x in r.json()] == [(loan, copy, 0)]
    assert r.json()[0]["due_at"].endswith("Z")
    assert client.get("/api/patron/me/loans", headers=b.headers).json() == []


def test_history_lists_returned_loans(client, people, staff, arrange):
    a = people.make("PATRON")
    copy = arrange.copy()
    loan = _checkout(client, staff, a.patron_id, copy)
    assert client.post("/api/circulation/return", json={"loan_id": loan}, headers=staff["LIBRARIAN"].headers).status_code == 200
    r = client.get("/api/patron/me/history", headers=a.headers)
    assert [(x["loan_id"], x["status"]) for x in r.json()] == [(loan, "RETURNED")]
    assert client.get("/api/patron/me/loans", headers=a.headers).json() == []


def test_patron_sees_own_fines_only(client, people, arrange):
    a, b = people.make("PATRON"), people.make("PATRON")
    fine = arrange.charge(a.patron_id, 3.25)
    r = client.get("/api/patron/me/fines", headers=a.headers)
    assert [(x["fine_id"], x["amount"], x["paid"], x["status"]) for x in r.json()] == [(fine, "3.25", "0.00", "OPEN")]
    assert client.get("/api/patron/me/fines", headers=b.headers).json() == []


def test_reserve_list_and_cancel_own_hold(client, people, arrange):
    a = people.make("PATRON")
    material = arrange.material()
    arrange.copy(material, status="ON_LOAN")
    r = client.post(f"/api/patron/me/reserve/{material}", headers=a.headers)
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["status"] == "PENDING" and hold["queue_position"] == 1
    listed = client.get("/api/patron/me/holds", headers=a.headers).json()
    assert [(h["hold_id"], h["queue_position"]) for h in listed] == [(hold["hold_id"], 1)]
    r = client.delete(f"/api/patron/me/holds/{hold['hold_id']}", headers=a.headers)
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    assert arrange.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold["hold_id"]}) == "CANCELLED"


def test_reserve_with_pickup_branch(client, people, arrange):
    a = people.make("PATRON")
    branch = arrange.branch()
    material = arrange.material()
    r = client.post(f"/api/patron/me/reserve/{material}", json={"pickup_branch_id": branch}, headers=a.headers)
    assert r.status_code == 201
    assert arrange.scalar("SELECT pickup_branch_id FROM holds WHERE hold_id = :h", {"h": r.json()["hold_id"]}) == branch


def test_reserve_twice_is_409_and_changes_nothing(client, people, arrange, unchanged):
    a = people.make("PATRON")
    material = arrange.material()
    assert client.post(f"/api/patron/me/reserve/{material}", headers=a.headers).status_code == 201
    with unchanged():
        r = client.post(f"/api/patron/me/reserve/{material}", headers=a.headers)
    assert r.status_code == 409 and error_code(r) == "HOLD_ALREADY_EXISTS" and r.json()["error"]["db_code"] == -20302


def test_reserve_unknown_title_is_404(client, people, unchanged):
    a = people.make("PATRON")
    with unchanged():
        r = client.post("/api/patron/me/reserve/987654321", headers=a.headers)
    assert r.status_code == 404 and error_code(r) == "MATERIAL_NOT_FOUND"


def test_reserve_unknown_pickup_branch_is_422(client, people, arrange, unchanged):
    a = people.make("PATRON")
    material = arrange.material()
    with unchanged():
        r = client.post(f"/api/patron/me/reserve/{material}", json={"pickup_branch_id": 987654321}, headers=a.headers)
    assert r.status_code == 422 and error_code(r) == "PICKUP_BRANCH_INVALID"


def test_suspended_patron_cannot_reserve(client, people, arrange, unchanged):
    a = people.make("PATRON", status="SUSPENDED")
    material = arrange.material()
    with unchanged():
        r = client.post(f"/api/patron/me/reserve/{material}", headers=a.headers)
    assert r.status_code == 409 and error_code(r) == "PATRON_SUSPENDED"


def test_cancel_another_patrons_hold_is_404_and_changes_nothing(client, people, arrange, unchanged):
    a, b = people.make("PATRON"), people.make("PATRON")
    material = arrange.material()
    hold_id = client.post(f"/api/patron/me/reserve/{material}", headers=a.headers).json()["hold_id"]
    with unchanged():
        r = client.delete(f"/api/patron/me/holds/{hold_id}", headers=b.headers)
    assert r.status_code == 404 and error_code(r) == "HOLD_NOT_FOUND"


def test_cancel_closed_hold_is_409(client, people, arrange, unchanged):
    a = people.make("PATRON")
    material = arrange.material()
    hold_id = client.post(f"/api/patron/me/reserve/{material}", headers=a.headers).json()["hold_id"]
    assert client.delete(f"/api/patron/me/holds/{hold_id}", headers=a.headers).status_code == 200
    with unchanged():
        r = client.delete(f"/api/patron/me/holds/{hold_id}", headers=a.headers)
    assert r.status_code == 409 and error_code(r) == "HOLD_NOT_ACTIVE"


def _lent_days_ago(arrange, loan: int, days: int) -> None:
    """Move a loan back in time: a renewal on the day of checkout is RENEWAL_TOO_SOON."""
    arrange.execute("UPDATE loans SET checkout_at = checkout_at - :d, due_at = due_at - :d WHERE loan_id = :l",
                    {"d": days, "l": loan})


def test_renew_own_loan(client, people, staff, arrange):
    a = people.make("PATRON")
    loan = _checkout(client, staff, a.patron_id, arrange.copy())
    _lent_days_ago(arrange, loan, 10)
    r = client.post(f"/api/patron/me/renew/{loan}", headers=a.headers)
    assert r.status_code == 200, r.text
    assert r.json()["loan_id"] == loan and r.json()["renewals"] == 1


def test_renew_another_patrons_loan_is_404_and_changes_nothing(client, people, staff, arrange, unchanged):
    a, b = people.make("PATRON"), people.make("PATRON")
    loan = _checkout(client, staff, a.patron_id, arrange.copy())
    with unchanged():
        r = client.post(f"/api/patron/me/renew/{loan}", headers=b.headers)
    assert r.status_code == 404 and error_code(r) == "LOAN_NOT_FOUND"


def test_renew_beyond_limit_is_409(client, people, staff, arrange, unchanged):
    a = people.make("PATRON")
    loan = _checkout(client, staff, a.patron_id, arrange.copy())
    for _ in range(2):  # default policy: max_renewals 2
        _lent_days_ago(arrange, loan, 10)  # each renewal moves the due date
        assert client.post(f"/api/patron/me/renew/{loan}", headers=a.headers).status_code == 200
    _lent_days_ago(arrange, loan, 10)
    with unchanged():
        r = client.post(f"/api/patron/me/renew/{loan}", headers=a.headers)
    assert r.status_code == 409 and error_code(r) == "RENEWAL_LIMIT_REACHED"


def test_renew_blocked_by_another_patrons_hold(client, people, staff, arrange, unchanged):
    a, b = people.make("PATRON"), people.make("PATRON")
    material = arrange.material()
    loan = _checkout(client, staff, a.patron_id, arrange.copy(material))
    assert client.post(f"/api/patron/me/reserve/{material}", headers=b.headers).status_code == 201
    with unchanged():
        r = client.post(f"/api/patron/me/renew/{loan}", headers=a.headers)
    assert r.status_code == 409 and error_code(r) == "RENEWAL_BLOCKED_BY_HOLD"


def test_staff_without_patron_record_gets_403_on_portal(client, staff):
    r = client.get("/api/patron/me/loans", headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 403 and error_code(r) == "FORBIDDEN"


def test_patron_cannot_use_staff_routes(client, people, arrange, unchanged):
    a, b = people.make("PATRON"), people.make("PATRON")
    fine = arrange.charge(b.patron_id)
    with unchanged():
        assert client.get(f"/api/patrons/{b.patron_id}", headers=a.headers).status_code == 403
        assert client.get("/api/fines", params={"patron_id": b.patron_id}, headers=a.headers).status_code == 403
        assert client.post(f"/api/fines/{fine}/pay", json={"amount": "1.00", "method": "CASH"},
                           headers=a.headers).status_code == 403
        assert client.post("/api/circulation/checkout", json={"patron_id": a.patron_id, "copy_id": 1},
                           headers=a.headers).status_code == 403
