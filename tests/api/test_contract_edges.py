"""What clients nobody on the team wrote send: the contract's edges over real HTTP.

Every bad input gets a 4xx in the error shape {"error": {"code", "db_code", "message"}} (never a 500, never
FastAPI's {"detail": ...}) and changes nothing in the database. Assertions are on codes, never on messages.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

CHECKOUT, RETURN, RENEW = "/api/circulation/checkout", "/api/circulation/return", "/api/circulation/renew"
JSON = {"content-type": "application/json"}


def assert_error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "db_code", "message"}, body
    assert body["error"]["code"] == code, body


# --- ids in JSON bodies are JSON integers: lax parsing turned true into 1, "7" and 7.0 into 7 -------------

@pytest.mark.parametrize("bad", [True, False, "1", 1.0, "1e0", None])
def test_checkout_ids_must_be_json_integers(client, staff, people, arrange, unchanged, bad):
    p = people.make("PATRON")
    copy = arrange.copy()
    with unchanged():
        r = client.post(CHECKOUT, json={"patron_id": bad, "copy_id": copy}, headers=staff["LIBRARIAN"].headers)
        assert_error(r, 422, "VALIDATION_ERROR")
        r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": bad}, headers=staff["LIBRARIAN"].headers)
        assert_error(r, 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("path,body", [
    (RENEW, {"loan_id": "5"}), (RENEW, {"loan_id": True}), (RETURN, {"loan_id": 5.0}),
    (RETURN, {"loan_id": 5, "branch_id": "1"}),
])
def test_other_body_ids_must_be_json_integers(client, staff, unchanged, path, body):
    with unchanged():
        assert_error(client.post(path, json=body, headers=staff["LIBRARIAN"].headers), 422, "VALIDATION_ERROR")


def test_reserve_pickup_branch_must_be_an_integer(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    material = arrange.material()
    with unchanged():
        r = client.post(f"/api/patron/me/reserve/{material}", json={"pickup_branch_id": True}, headers=p.headers)
        assert_error(r, 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("bad", ["yes", "Y", 1, "true"])
def test_checkout_override_must_be_a_json_boolean(client, staff, people, arrange, unchanged, bad):
    p = people.make("PATRON")
    copy = arrange.copy()
    with unchanged():
        r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy, "override": bad},
                        headers=staff["BRANCH_MANAGER"].headers)
        assert_error(r, 422, "VALIDATION_ERROR")


def test_material_year_must_be_a_json_integer(client, staff, unchanged):
    with unchanged():
        r = client.post("/api/materials", json={"title": "Year as text", "publication_year": "1999"},
                        headers=staff["CATALOGER"].headers)
        assert_error(r, 422, "VALIDATION_ERROR")


def test_money_may_still_be_a_decimal_string(client, staff, people, arrange):
    """The contract: money is a decimal string or a number."""
    p = people.make("PATRON")
    fine = arrange.charge(p.patron_id, 4.5)
    r = client.post(f"/api/fines/{fine}/pay", json={"amount": "1.50", "method": "CASH"},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200, r.text
    r = client.post(f"/api/fines/{fine}/pay", json={"amount": 1, "method": "CASH"}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and r.json()["balance"] == "2.00", r.text


# --- ids in paths and query strings: ASCII digits only ----------------------------------------------------

@pytest.mark.parametrize("bad", ["1_0", "+1", "1.0", "%201", "0x1", "%D9%A1", "1e2", "0", "-1",
                                 str(2 ** 63), str(2 ** 64 + 1), "9" * 40])
def test_path_ids_are_plain_positive_numbers(client, staff, bad):
    r = client.get(f"/api/patrons/{bad}", headers=staff["LIBRARIAN"].headers)
    assert_error(r, 422, "VALIDATION_ERROR")
    assert_error(client.get(f"/api/catalog/book/{bad}"), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("bad", ["1_0", "+1", "", "x", str(2 ** 64)])
def test_query_ids_are_plain_positive_numbers(client, staff, bad):
    r = client.get("/api/holds", params={"branch_id": bad}, headers=staff["LIBRARIAN"].headers)
    assert_error(r, 422, "VALIDATION_ERROR")
    r = client.get("/api/fines", params={"patron_id": bad}, headers=staff["LIBRARIAN"].headers)
    assert_error(r, 422, "VALIDATION_ERROR")


# --- times sent in are ISO 8601 text, and never a 500 -----------------------------------------------------

@pytest.mark.parametrize("bad", [1800000000, 1.8e9, True, "31/12/2030", "2030-13-01",
                                 "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_checkout_due_date_must_be_iso_8601_in_range(client, staff, people, arrange, unchanged, bad):
    p = people.make("PATRON")
    copy = arrange.copy()
    with unchanged():
        r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy, "due_date": bad},
                        headers=staff["LIBRARIAN"].headers)
        assert_error(r, 422, "VALIDATION_ERROR")


def test_checkout_due_date_as_a_plain_date(client, staff, people, arrange):
    p = people.make("PATRON")
    due = (datetime.utcnow() + timedelta(days=30)).date().isoformat()
    r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": arrange.copy(), "due_date": due},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201, r.text
    assert r.json()["due_at"].startswith(due)


def test_checkout_due_date_more_than_a_year_ahead_is_refused_by_the_database(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    copy = arrange.copy()
    with unchanged():
        r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": copy, "due_date": "9999-12-31"},
                        headers=staff["LIBRARIAN"].headers)
        assert_error(r, 422, "INVALID_DUE_DATE")


@pytest.mark.parametrize("bad", [1700000000, "0001-01-01T00:00:00+01:00"])
def test_return_time_must_be_iso_8601_in_range(client, staff, people, arrange, unchanged, bad):
    p = people.make("PATRON")
    r = client.post(CHECKOUT, json={"patron_id": p.patron_id, "copy_id": arrange.copy()},
                    headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 201
    with unchanged():
        r2 = client.post(RETURN, json={"loan_id": r.json()["loan_id"], "returned_at": bad},
                         headers=staff["LIBRARIAN"].headers)
        assert_error(r2, 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("query", ["end_date=0001-01-05", "start_date=0001-01-01",
                                   "start_date=0001-01-01&end_date=0001-01-02", "end_date=9999-12-31", "start_date=2026-02-01&end_date=2026-01-01",
                                   "start_date=01/02/2026", "start_date="])
def test_report_dates_out_of_range_are_422(client, staff, query):
    r = client.get(f"/api/reports/circulation?{query}", headers=staff["LIBRARY_DIRECTOR"].headers)
    assert_error(r, 422, "VALIDATION_ERROR")


def test_report_in_range_still_answers(client, staff):
    r = client.get("/api/reports/circulation?start_date=2026-01-01&end_date=2026-01-31",
                   headers=staff["LIBRARY_DIRECTOR"].headers)
    assert r.status_code == 200 and r.json()["start_date"] == "2026-01-01"


# --- bodies: not JSON, not an object, too deep, too big -----------------------------------------------------

@pytest.mark.parametrize("content,headers", [
    ("loan_id=5", {"content-type": "application/x-www-form-urlencoded"}),
    ('{"loan_id": 5}', {"content-type": "text/plain"}),
    ("{not json", JSON), ("", JSON), ("[]", JSON), ("null", JSON), ('"x"', JSON),
    ("[" * 100_000, JSON),                              # nesting the JSON parser gives up on (was a 400)
    ('{"loan_id": 1' + "0" * 5000 + "}", JSON),         # an integer Python refuses to parse (was a 400)
])
def test_bodies_that_are_not_a_json_object_are_422(client, staff, unchanged, content, headers):
    with unchanged():
        r = client.post(RENEW, content=content, headers={**staff["LIBRARIAN"].headers, **headers})
        assert_error(r, 422, "VALIDATION_ERROR")


def test_huge_body_is_413_before_it_is_read(client, staff, unchanged):
    with unchanged():
        r = client.post(RENEW, content=b"x" * (2 * 1024 * 1024), headers={**staff["LIBRARIAN"].headers, **JSON})
        assert_error(r, 413, "PAYLOAD_TOO_LARGE")


def test_huge_chunked_body_is_413(live, staff, unchanged):
    import httpx

    def chunks():
        for _ in range(40):
            yield b"x" * 65536
    with unchanged(), httpx.Client(base_url=live.url, timeout=30) as c:
        r = c.post(RENEW, content=chunks(), headers={**staff["LIBRARIAN"].headers, **JSON})
        assert_error(r, 413, "PAYLOAD_TOO_LARGE")


def test_small_chunked_body_is_read(client, staff):
    def chunks():
        yield b'{"loan_id"'
        yield b": 987654321}"
    r = client.post(RENEW, content=chunks(), headers={**staff["LIBRARIAN"].headers, **JSON})
    assert_error(r, 404, "LOAN_NOT_FOUND")


# --- paths and methods: trailing slashes, HEAD ------------------------------------------------------------

def test_trailing_slash_is_the_same_resource(client, staff):
    """Was a bodiless 307 redirect; now answered directly (POST included)."""
    r = client.get("/api/branches/")
    assert r.status_code == 200 and isinstance(r.json(), list)
    r = client.get("/api/holds/?status=READY", headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 200 and "items" in r.json()
    r = client.post(f"{RENEW}/", json={"loan_id": 987654321}, headers=staff["LIBRARIAN"].headers)
    assert_error(r, 404, "LOAN_NOT_FOUND")
    assert client.get("/healthz/").status_code == 200
    assert_error(client.get("/api/auth/me/"), 401, "NOT_AUTHENTICATED")


def test_head_is_get_without_a_body(client, staff):
    r = client.head("/api/branches")
    assert r.status_code == 200 and r.content == b"" and r.headers["content-type"].startswith("application/json")
    assert client.head("/api/auth/me").status_code == 401
    assert client.head("/api/auth/me", headers=staff["LIBRARIAN"].headers).status_code == 200
    r = client.head(CHECKOUT)
    assert r.status_code == 405 and "POST" in r.headers["allow"]


def test_unknown_method_is_405_in_error_shape(client, staff):
    r = client.request("PATCH", "/api/materials/1", json={"title": "x"}, headers=staff["CATALOGER"].headers)
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    assert "PUT" in r.headers["allow"]


# --- text: lengths and what no column can hold ------------------------------------------------------------

@pytest.mark.parametrize("params", [{"q": "a" * 201}, {"genre": "g" * 101}, {"q": "a\x00b"}])
def test_search_text_limits(client, params):
    assert_error(client.get("/api/catalog/search", params=params), 422, "VALIDATION_ERROR")


def test_patron_search_text_limit(client, staff):
    r = client.get("/api/patrons", params={"q": "a" * 101}, headers=staff["LIBRARIAN"].headers)
    assert_error(r, 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("roles", [["LIBRARIAN", "X" * 5000], ["LIBRARIAN,CATALOGER"], ["LIBRARIAN; DROP"], [7]])
def test_role_codes_are_checked_before_the_database(client, staff, people, unchanged, roles):
    """A 5000-character role code used to reach the database (422 INVALID_ARGUMENT from SQLSTATE 22001)."""
    victim = people.make("LIBRARIAN", patron=False)
    with unchanged():
        r = client.post(f"/api/admin/users/{victim.user_id}/roles", json={"roles": roles},
                        headers=staff["IT_ADMIN"].headers)
        assert_error(r, 422, "VALIDATION_ERROR")


def test_lone_surrogate_and_nul_in_a_body_are_422(client, staff, people, arrange, unchanged):
    p = people.make("PATRON")
    fine = arrange.charge(p.patron_id, 2)
    with unchanged():
        for raw in ('{"reason": "\\ud800"}', '{"reason": "a\\u0000b"}'):
            r = client.post(f"/api/fines/{fine}/waive", content=raw,
                            headers={**staff["BRANCH_MANAGER"].headers, **JSON})
            assert_error(r, 422, "VALIDATION_ERROR")


def test_unicode_text_round_trips(client, staff):
    title = "Zoë & 𝔘nicode ☃ " + "é" * 100
    r = client.post("/api/materials", json={"title": title, "authors": ["Åsa Ñúñez"]}, headers=staff["CATALOGER"].headers)
    assert r.status_code == 201, r.text
    assert r.json()["title"] == title and r.json()["authors"] == ["Åsa Ñúñez"]
