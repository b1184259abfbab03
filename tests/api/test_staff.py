"""Staff routes: patrons, fines, holds, materials and copies, reports."""
from __future__ import annotations

from datetime import datetime

from tests.api.conftest import error_code
from tests.factories import unique

# ---- patrons -----------------------------------------------------------------------------------------

def test_search_and_read_patron(client, staff, people, arrange):
    p = people.make("PATRON")
    last = arrange.scalar("SELECT last_name FROM patrons WHERE patron_id = :p", {"p": p.patron_id})
    card = arrange.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": p.patron_id})
    fine = arrange.charge(p.patron_id, 2)
    r = client.get("/api/patrons", params={"q": last}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and p.patron_id in [x["patron_id"] for x in r.json()["items"]]
    r = client.get("/api/patrons", params={"q": card}, headers=staff["LIBRARIAN"].headers)
    assert [x["patron_id"] for x in r.json()["items"]] == [p.patron_id]
    r = client.get(f"/api/patrons/{p.patron_id}", headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200
    detail = r.json()
    assert detail["balance"] == "2.00" and [f["fine_id"] for f in detail["fines"]] == [fine]
    assert detail["loans"] == [] and detail["holds"] == []


def test_read_unknown_patron_is_404(client, staff):
    r = client.get("/api/patrons/987654321", headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 404 and error_code(r) == "PATRON_NOT_FOUND"   # as the packages name it
    assert r.json()["error"]["db_code"] == -20401


def test_register_patron(client, staff, arrange):
    r = client.post("/api/patrons", json={"first_name": "Grace", "last_name": unique("Hopper"),
                                         "email": "grace@example.org", "category": "SENIOR"},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "ACTIVE" and body["card_number"]
    assert arrange.scalar("SELECT category FROM patrons WHERE patron_id = :p", {"p": body["patron_id"]}) == "SENIOR"


def test_register_patron_refusals_change_nothing(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    card = arrange.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": p.patron_id})
    for body, status, code in [
        ({"first_name": "A", "last_name": "B", "card_number": card}, 409, "CARD_NUMBER_TAKEN"),
        ({"first_name": "A", "last_name": "B", "email": "not-an-address"}, 422, "INVALID_PATRON_DATA"),
        ({"first_name": "A", "last_name": "B", "home_branch_id": 987654321}, 404, "BRANCH_NOT_FOUND"),
        ({"first_name": "A"}, 422, "VALIDATION_ERROR"),
        ({"first_name": "A", "last_name": "B", "category": "ROBOT"}, 422, "VALIDATION_ERROR"),
    ]:
        with unchanged():
            r = client.post("/api/patrons", json=body, headers=staff["LIBRARIAN"].headers)
        assert (r.status_code, error_code(r)) == (status, code), (body, r.text)


def test_suspend_patron(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    with unchanged():  # a librarian lacks PATRON_SUSPEND
        r = client.post(f"/api/patrons/{p.patron_id}/suspend", json={"reason": "x"}, headers=staff["LIBRARIAN"].headers)
        assert r.status_code == 403
        r = client.post(f"/api/patrons/{p.patron_id}/suspend", json={"reason": ""},
                        headers=staff["BRANCH_MANAGER"].headers)
        assert r.status_code == 422
        r = client.post("/api/patrons/987654321/suspend", json={"reason": "gone"}, headers=staff["BRANCH_MANAGER"].headers)
        assert r.status_code == 404 and error_code(r) == "PATRON_NOT_FOUND"
    r = client.post(f"/api/patrons/{p.patron_id}/suspend", json={"reason": "Damaged three books"},
                    headers=staff["BRANCH_MANAGER"].headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"patron_id": p.patron_id, "status": "SUSPENDED", "status_reason": "Damaged three books"}


# ---- fines -----------------------------------------------------------------------------------------

def test_list_pay_and_waive_fines(client, staff, people, arrange):
    p = people.make("PATRON")
    f1, f2 = arrange.charge(p.patron_id, 5), arrange.charge(p.patron_id, 3)
    r = client.get("/api/fines", params={"patron_id": p.patron_id, "status": "OPEN"}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and {x["fine_id"] for x in r.json()["items"]} == {f1, f2}
    r = client.post(f"/api/fines/{f1}/pay", json={"amount": "2.00", "method": "CASH"}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    assert (r.json()["amount_paid"], r.json()["balance"], r.json()["status"]) == ("2.00", "3.00", "OPEN")
    r = client.post(f"/api/fines/{f1}/pay", json={"amount": 3, "method": "CARD"}, headers=staff["LIBRARIAN"].headers)
    assert r.json()["status"] == "PAID"
    assert arrange.scalar("SELECT COUNT(*) FROM payments WHERE fine_id = :f", {"f": f1}) == 2
    r = client.post(f"/api/fines/{f2}/waive", json={"reason": "First offence"}, headers=staff["BRANCH_MANAGER"].headers)
    assert r.status_code == 200 and r.json() == {"fine_id": f2, "status": "WAIVED", "waive_reason": "First offence"}
    # one balance rule: a waived or paid fine owes nothing, in the list as in the patron's total
    r = client.get("/api/fines", params={"patron_id": p.patron_id}, headers=staff["LIBRARIAN"].headers)
    assert {x["fine_id"]: (x["status"], x["balance"]) for x in r.json()["items"]} == {f1: ("PAID", "0.00"),
                                                                                     f2: ("WAIVED", "0.00")}
    r = client.get(f"/api/patrons/{p.patron_id}", headers=staff["LIBRARIAN"].headers)
    assert r.json()["balance"] in ("0.00", 0, "0")


def test_fine_refusals_change_nothing(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    fine = arrange.charge(p.patron_id, 5)
    lib, mgr = staff["LIBRARIAN"].headers, staff["BRANCH_MANAGER"].headers
    cases = [
        (f"/api/fines/{fine}/pay", {"amount": "9.00", "method": "CASH"}, lib, 422, "PAYMENT_EXCEEDS_BALANCE"),
        (f"/api/fines/{fine}/pay", {"amount": "0", "method": "CASH"}, lib, 422, "VALIDATION_ERROR"),
        (f"/api/fines/{fine}/pay", {"amount": "1.005", "method": "CASH"}, lib, 422, "VALIDATION_ERROR"),
        (f"/api/fines/{fine}/pay", {"amount": "1.00", "method": "BITCOIN"}, lib, 422, "VALIDATION_ERROR"),
        ("/api/fines/987654321/pay", {"amount": "1.00", "method": "CASH"}, lib, 404, "FINE_NOT_FOUND"),
        (f"/api/fines/{fine}/waive", {"reason": "x"}, lib, 403, "FORBIDDEN"),
        (f"/api/fines/{fine}/waive", {}, mgr, 422, "VALIDATION_ERROR"),
        (f"/api/fines/{fine}/waive", {"reason": "   "}, mgr, 422, "VALIDATION_ERROR"),
        ("/api/fines/987654321/waive", {"reason": "x"}, mgr, 404, "FINE_NOT_FOUND"),
    ]
    for path, body, headers, status, code in cases:
        with unchanged():
            r = client.post(path, json=body, headers=headers)
        assert (r.status_code, error_code(r)) == (status, code), (path, body, r.text)
    assert client.post(f"/api/fines/{fine}/waive", json={"reason": "ok"}, headers=mgr).status_code == 200
    with unchanged():
        r = client.post(f"/api/fines/{fine}/pay", json={"amount": "1.00", "method": "CASH"}, headers=lib)
    assert r.status_code == 409 and error_code(r) == "FINE_NOT_OPEN"


# ---- holds -----------------------------------------------------------------------------------------

def test_list_holds_by_status_and_branch(client, staff, people, arrange):
    p = people.make("PATRON")
    branch = arrange.branch()
    material = arrange.material()
    hold = client.post(f"/api/patron/me/reserve/{material}", json={"pickup_branch_id": branch}, headers=p.headers).json()
    r = client.get("/api/holds", params={"status": "PENDING", "branch_id": branch}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200
    assert [(h["hold_id"], h["patron_id"], h["queue_position"]) for h in r.json()["items"]] == [(hold["hold_id"], p.patron_id, 1)]
    r = client.get("/api/holds", params={"status": "READY", "branch_id": branch}, headers=staff["LIBRARIAN"].headers)
    assert r.json()["items"] == []
    assert client.get("/api/holds", params={"status": "LOST"}, headers=staff["LIBRARIAN"].headers).status_code == 422


# ---- materials and copies ----------------------------------------------------------------------------

def test_create_update_material_and_add_copy(client, staff, arrange):
    h = staff["CATALOGER"].headers
    r = client.post("/api/materials", json={"title": unique("Cataloged "), "isbn": "0-306-40615-2",
                                           "authors": ["Mary Shelley"], "material_type": "BOOK"}, headers=h)
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["isbn"] == "0306406152" and m["authors"] == ["Mary Shelley"]
    r = client.put(f"/api/materials/{m['material_id']}", json={"title": "Frankenstein", "authors": None}, headers=h)
    assert r.status_code == 200 and r.json()["title"] == "Frankenstein" and r.json()["authors"] == ["Mary Shelley"]
    r = client.post(f"/api/materials/{m['material_id']}/copies", json={"branch_id": arrange.main_branch(),
                                                                      "shelf_location": "FIC SHE"}, headers=h)
    assert r.status_code == 201 and r.json()["status"] == "AVAILABLE" and r.json()["barcode"]


def test_material_refusals_change_nothing(client, staff, arrange, unchanged):
    h = staff["CATALOGER"].headers
    m = arrange.material()
    taken = arrange.barcode(arrange.copy(m))
    cases = [
        ("POST", "/api/materials", {"title": "x", "isbn": "978-0-306-40615-8"}, 422, "INVALID_ISBN"),
        ("POST", "/api/materials", {"title": "x", "genre_id": 987654321}, 422, "GENRE_NOT_FOUND"),
        ("POST", "/api/materials", {"title": ""}, 422, "VALIDATION_ERROR"),
        ("PUT", "/api/materials/987654321", {"title": "x"}, 404, "MATERIAL_NOT_FOUND"),
        ("POST", f"/api/materials/{m}/copies", {"branch_id": arrange.main_branch(), "barcode": taken}, 409, "BARCODE_TAKEN"),
        ("POST", f"/api/materials/{m}/copies", {"branch_id": 987654321}, 404, "BRANCH_NOT_FOUND"),
        ("POST", "/api/materials/987654321/copies", {"branch_id": arrange.main_branch()}, 404, "MATERIAL_NOT_FOUND"),
    ]
    for method, path, body, status, code in cases:
        with unchanged():
            r = client.request(method, path, json=body, headers=h)
        assert (r.status_code, error_code(r)) == (status, code), (path, body, r.text)
    with unchanged():
        r = client.post("/api/materials", json={"title": "x"}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 403


# ---- reports ---------------------------------------------------------------------------------------

def test_circulation_report_counts_the_period(client, staff, people, arrange):
    p = people.make("PATRON")
    copy = arrange.copy()
    client.post("/api/circulation/checkout", json={"patron_id": p.patron_id, "copy_id": copy},
                headers=staff["LIBRARIAN"].headers)
    r = client.get("/api/reports/circulation", headers=staff["LIBRARY_DIRECTOR"].headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["checkouts"] >= 1 and sum(d["checkouts"] for d in report["by_day"]) == report["checkouts"]
    r = client.get("/api/reports/circulation", params={"start_date": "2026-02-01", "end_date": "2026-01-01"},
                   headers=staff["LIBRARY_DIRECTOR"].headers)
    assert r.status_code == 422
    assert client.get("/api/reports/circulation", headers=staff["CATALOGER"].headers).status_code == 403


def test_circulation_report_counts_the_library_days_not_the_utc_days(client, staff, people, arrange):
    """At 11:00 UTC on 10 March it is already 01:00 on 11 March on Kiritimati (UTC+14): a loan made then is
    the library's 11 March, in the day it is counted on and in the period it falls in."""
    p = people.make("PATRON")
    copy = arrange.copy()
    r = client.post("/api/circulation/checkout", json={"patron_id": p.patron_id, "copy_id": copy},
                    headers=staff["LIBRARIAN"].headers)
    loan = r.json()["loan_id"]
    arrange.execute("UPDATE loans SET checkout_at = :t WHERE loan_id = :l", {"t": datetime(2015, 3, 10, 11), "l": loan})
    zone = arrange.scalar("SELECT value FROM app_settings WHERE name = 'LIBRARY_TIME_ZONE'")
    arrange.execute("UPDATE app_settings SET value = 'Pacific/Kiritimati' WHERE name = 'LIBRARY_TIME_ZONE'")
    try:
        def report(day: str) -> dict:
            r = client.get("/api/reports/circulation", params={"start_date": day, "end_date": day},
                           headers=staff["LIBRARY_DIRECTOR"].headers)
            assert r.status_code == 200, r.text
            return r.json()
        assert report("2015-03-10")["checkouts"] == 0
        on_11 = report("2015-03-11")
        assert on_11["checkouts"] == 1 and [d["day"][:10] for d in on_11["by_day"]] == ["2015-03-11"]
    finally:
        arrange.execute("UPDATE app_settings SET value = :v WHERE name = 'LIBRARY_TIME_ZONE'", {"v": zone})
