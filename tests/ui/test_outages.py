"""The staff UI when the database connection dies under a page: a 503 with Retry-After, never a 500, and the
next page works (the pool replaced the connection)."""
from __future__ import annotations

import threading

import httpx
import pytest

from tests.sessions import rolled_back_session, terminate_when_waiting
from tests.ui.staff_http import StaffClient


@pytest.mark.postgres_only
def test_a_connection_terminated_under_a_desk_scan_is_a_503_with_retry_after(server, factory, committed,
                                                                             ui_database_url):
    main = factory.main_branch()
    copy_id = factory.copy(factory.material(title="Outage Test"), main)
    patron_id = factory.patron(main)
    committed.commit()
    card = committed.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron_id})
    scan = {"card": card, "barcode": factory.barcode(copy_id)}
    desk = StaffClient(server.url, "librarian")
    answer: list[httpx.Response] = []
    try:
        with rolled_back_session(ui_database_url) as holder:  # holds the copy: the scan waits inside the package
            holder.scalar("SELECT copy_id FROM copies WHERE copy_id = :c FOR UPDATE", {"c": copy_id})
            request = threading.Thread(target=lambda: answer.append(desk.post("/staff/desk/checkout", scan)))
            request.start()
            terminate_when_waiting(ui_database_url, "lib_circulation.checkout")
            request.join(timeout=30)
        r = answer[0]
        assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
        assert "DB_UNAVAILABLE" in r.text
        committed.rollback()
        assert committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy_id}) == "AVAILABLE"
        assert desk.post("/staff/desk/checkout", scan).status_code == 200
    finally:
        desk.close()
