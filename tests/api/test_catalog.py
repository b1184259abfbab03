"""Public catalog: search with filters and paging, a title with copies per branch, branches."""
from __future__ import annotations

from datalayer.session import Out
from tests.api.conftest import error_code
from tests.factories import unique


def _title(arrange, title, authors=None, material_type=None, isbn=None, copies=1, status="AVAILABLE"):
    (material_id,) = arrange.call("lib_catalog.add_material", title, None, isbn, material_type, None, None, 2001,
                                  None, None, None, authors, Out(int))
    for _ in range(copies):
        arrange.copy(material_id, status=status)
    return material_id


def test_search_finds_words_in_title_and_author_case_insensitively(client, arrange):
    word = unique("Zq")
    m = _title(arrange, f"The {word} Chronicles", authors="Ursula Testwriter", copies=2)
    r = client.get("/api/catalog/search", params={"q": f"{word.lower()} testwriter"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["material_id"] == m and item["authors"] == ["Ursula Testwriter"]
    assert item["available_copies"] == 2 and item["total_copies"] == 2
    assert item["material_type"] == "BOOK"


def test_search_pages_and_counts(client, arrange):
    word = unique("Pg")
    ids = [_title(arrange, f"{word} volume {i}") for i in range(5)]
    r = client.get("/api/catalog/search", params={"q": word, "page": 2, "page_size": 2})
    body = r.json()
    assert body["total"] == 5 and body["page_size"] == 2
    assert [i["material_id"] for i in body["items"]] == ids[2:4]


def test_search_filters_type_and_availability(client, arrange):
    word = unique("Ft")
    dvd = _title(arrange, f"{word} film", material_type="DVD")
    gone = _title(arrange, f"{word} missing", status="LOST")
    book = _title(arrange, f"{word} book")
    r = client.get("/api/catalog/search", params={"q": word, "type": "DVD"})
    assert [i["material_id"] for i in r.json()["items"]] == [dvd]
    r = client.get("/api/catalog/search", params={"q": word, "available": "true"})
    assert {i["material_id"] for i in r.json()["items"]} == {dvd, book}
    r = client.get("/api/catalog/search", params={"q": word, "available": "false"})
    assert [i["material_id"] for i in r.json()["items"]] == [gone]


def test_search_by_isbn_with_hyphens(client, arrange):
    word = unique("Is")
    m = _title(arrange, f"{word} isbn title", isbn="978-0-306-40615-7")
    r = client.get("/api/catalog/search", params={"q": "978-0-306-40615-7"})
    assert m in [i["material_id"] for i in r.json()["items"]]


def test_search_treats_like_wildcards_literally(client, arrange):
    word = unique("Wc")
    _title(arrange, f"{word} plain")
    # words are matched whole, punctuation around them ignored: % and _ are no wildcards
    assert client.get("/api/catalog/search", params={"q": f"{word}%"}).json()["total"] == 1
    assert client.get("/api/catalog/search", params={"q": f"{word[:-1]}%"}).json()["total"] == 0
    r = client.get("/api/catalog/search", params={"q": "%_%"})
    assert r.status_code == 200 and r.json()["total"] == 0


def test_search_rejects_bad_paging_and_type(client):
    for params in ({"page": 0}, {"page_size": 101}, {"type": "SCROLL"}, {"available": "maybe"}):
        r = client.get("/api/catalog/search", params=params)
        assert r.status_code == 422 and error_code(r) == "VALIDATION_ERROR", params


def test_book_details_with_copies_and_branch_availability(client, arrange):
    m = _title(arrange, unique("Detail "), authors="Ann Author|Bob Author", copies=2)
    other = arrange.branch("Second branch")
    arrange.copy(m, branch_id=other, status="ON_LOAN")
    arrange.copy(m, status="WITHDRAWN")
    r = client.get(f"/api/catalog/book/{m}")
    assert r.status_code == 200
    book = r.json()
    assert book["authors"] == ["Ann Author", "Bob Author"]
    assert len(book["copies"]) == 3  # withdrawn copies are not shown
    by_branch = {a["branch_id"]: a for a in book["availability"]}
    assert by_branch[other]["on_loan_copies"] == 1 and by_branch[other]["available_copies"] == 0
    assert sum(a["available_copies"] for a in book["availability"]) == 2
    assert book["available_copies"] == 2 and book["total_copies"] == 3


def test_book_unknown_is_404(client):
    r = client.get("/api/catalog/book/987654321")
    assert r.status_code == 404 and error_code(r) == "MATERIAL_NOT_FOUND"  # as the packages name it
    assert r.json()["error"]["db_code"] == -20501
    assert client.get("/api/catalog/book/abc").status_code == 422


def test_branches_lists_active_branches(client, arrange):
    b = arrange.branch(unique("Branch "))
    r = client.get("/api/branches")
    assert r.status_code == 200
    assert b in [x["branch_id"] for x in r.json()]
    assert any(x["code"] == "MAIN" for x in r.json())


def test_unknown_path_is_404_in_error_shape(client):
    r = client.get("/api/no-such-thing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    assert r.json()["error"]["db_code"] is None
