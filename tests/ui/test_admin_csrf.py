"""The table screens' CSRF token is bound to the staff session: a cookie and token made in one session are
refused in another (another user's, or the same user's next login), and work in their own."""
from __future__ import annotations

import httpx
import pytest

from services.passwords import hash_password
from tests.factories import Factory, unique
from tests.sessions import rolled_back_session
from tests.ui.staff_http import StaffClient

FORM = "/staff/admin/author/create"
COOKIE = "starlette_admin_csrftoken"


@pytest.fixture(scope="module")
def second_cataloger(ui_database_url) -> str:
    name = unique("cat").lower()
    with rolled_back_session(ui_database_url) as s:
        Factory(s).user(roles=("CATALOGER",), username=name, password_hash=hash_password("second-cat-pass"))
        s.commit()
    return name


def _author(name: str) -> dict:
    return {"full_name": name, "sort_name": name, "birth_year": "", "death_year": ""}


def _post_with(server_url: str, session_of: StaffClient, pair_of: tuple[str, str], data: dict) -> httpx.Response:
    """A POST carrying one session's staff cookie and another's admin CSRF cookie and token."""
    cookie, token = pair_of
    headers = {"Cookie": f"ils_staff={session_of.http.cookies['ils_staff']}; {COOKIE}={cookie}"}
    return httpx.post(server_url + FORM, data={**data, "csrftoken": token}, headers=headers, timeout=30)


def _pair(c: StaffClient) -> tuple[str, str]:
    token = c.admin_token(FORM)
    return c.http.cookies[COOKIE], token


def test_an_admin_csrf_token_works_only_in_its_own_session(server, committed, second_cataloger):
    alice, bob = StaffClient(server.url, "cataloger"), StaffClient(server.url, second_cataloger, "second-cat-pass")
    alice_again = StaffClient(server.url, "cataloger")  # the same user, a later login
    try:
        alices = _pair(alice)
        stolen = [_post_with(server.url, other, alices, _author(unique("Stolen"))) for other in (bob, alice_again)]
        assert [r.status_code for r in stolen] == [403, 403]
        committed.rollback()
        assert committed.scalar("SELECT COUNT(*) FROM authors WHERE full_name LIKE 'Stolen%'") == 0

        own = _post_with(server.url, alice, alices, _author(unique("Own")))
        assert own.status_code == 303
        # the admin's scripts send the cookie's value as X-CSRFToken: bound the same way
        ajax = {"X-CSRFToken": alices[0]}
        assert alice.http.post(FORM, data=_author(unique("Ajax")), headers=ajax).status_code == 303
        stolen_ajax = httpx.post(server.url + FORM, data=_author(unique("Stolen")), timeout=30, headers={
            **ajax, "Cookie": f"ils_staff={bob.http.cookies['ils_staff']}; {COOKIE}={alices[0]}"})
        assert stolen_ajax.status_code == 403
        committed.rollback()
        assert committed.scalar("SELECT COUNT(*) FROM authors WHERE full_name LIKE 'Stolen%'") == 0
        assert bob.admin_post(FORM, _author(unique("Bobs"))).status_code == 303  # a GET there made bob his own
    finally:
        for c in (alice, bob, alice_again):
            c.close()
