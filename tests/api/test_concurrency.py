"""Parallel HTTP checkouts of one copy through the live server and its real pool: exactly one wins."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx

from tests.api.conftest import error_code

CLIENTS = 16


def test_parallel_checkouts_of_one_copy_lend_it_once(live, staff, people, arrange):
    patrons = [people.make("PATRON").patron_id for _ in range(CLIENTS)]
    copy = arrange.copy()
    barrier = Barrier(CLIENTS)
    headers = staff["LIBRARIAN"].headers

    def attempt(patron_id: int) -> httpx.Response:
        with httpx.Client(base_url=live.url, timeout=30) as c:
            c.get("/healthz")  # connection open before the race starts
            barrier.wait()
            return c.post("/api/circulation/checkout", json={"patron_id": patron_id, "copy_id": copy}, headers=headers)

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(attempt, patrons))
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(201) == 1, [(r.status_code, r.text[:100]) for r in results]
    assert statuses.count(409) == CLIENTS - 1
    assert {error_code(r) for r in results if r.status_code == 409} <= {"COPY_ALREADY_ON_LOAN", "COPY_NOT_AVAILABLE"}
    winner = next(r.json() for r in results if r.status_code == 201)
    assert arrange.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c", {"c": copy}) == 1
    assert arrange.scalar("SELECT patron_id FROM loans WHERE copy_id = :c", {"c": copy}) == winner["patron_id"]
