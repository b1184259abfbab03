"""Condition inspection over HTTP: a graded return, the copy's inspection history."""
from __future__ import annotations

from tests.api.conftest import error_code

CHECKOUT, RETURN = "/api/circulation/checkout", "/api/circulation/return"


def inspections(copy_id: int) -> str:
    return f"/api/copies/{copy_id}/inspections"


def test_a_graded_return_is_in_the_copy_history(client, staff, people, arrange):
    desk = staff["LIBRARIAN"].headers
    p = people.make("PATRON")
    copy = arrange.copy()
    loan = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy}, headers=desk).json()["loan_id"]
    r = client.post(RETURN, json={"loan_id": loan, "condition_grade": "DAMAGED", "condition_note": "spine broken"},
                    headers=desk)
    assert r.status_code == 200, r.text
    assert r.json()["hold"] is None
    assert arrange.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "IN_REPAIR"
    r = client.get(inspections(copy), headers=desk)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert (item["loan_id"], item["grade"], item["grade_label"], item["note"]) == (loan, "DAMAGED", "Damaged",
                                                                                  "spine broken")
    assert item["inspected_by"] == staff["LIBRARIAN"].user_id and item["inspected_at"].endswith("Z")


def test_an_unknown_grade_is_a_validation_error_and_the_old_condition_is_a_note(client, staff, people, arrange):
    desk = staff["LIBRARIAN"].headers
    p = people.make("PATRON")
    copy = arrange.copy()
    loan = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy}, headers=desk).json()["loan_id"]
    r = client.post(RETURN, json={"loan_id": loan, "condition_grade": "SOGGY"}, headers=desk)
    assert r.status_code == 422 and error_code(r) == "VALIDATION_ERROR"
    r = client.post(RETURN, json={"loan_id": loan, "condition": "water damage on cover"}, headers=desk)
    assert r.status_code == 200, r.text
    assert arrange.scalar("SELECT return_condition FROM loans WHERE loan_id = :l", {"l": loan}) == \
        "water damage on cover"
    assert client.get(inspections(copy), headers=desk).json()["total"] == 0


def test_inspections_of_an_unknown_copy_and_who_may_read_them(client, staff):
    r = client.get(inspections(987654321), headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 404 and error_code(r) == "COPY_NOT_FOUND"
    r = client.get(inspections(1), headers=staff["IT_ADMIN"].headers)
    assert r.status_code == 403
