"""The staff cookie is worth its session: a copy taken before a logout, a password change or a change of
roles is refused at its next page, in a real browser; "End all my sessions" ends the API's tokens too."""
from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import expect

from datalayer.session import Out
from services.passwords import hash_password
from tests.ui.helpers import login

PASSWORD = "first-secret-1"


def _staff_member(s, roles: str = "LIBRARIAN") -> str:
    name = f"desk{uuid.uuid4().hex[:8]}"
    s.set_actor(None)
    s.call("lib_auth.create_user", name, hash_password(PASSWORD), "Ada Quist", None, roles, Out(int))
    s.commit()
    return name


def _copy_of_the_cookie(page, new_page, server):
    """A second browser given the first one's cookies, as someone who copied them would hold them."""
    thief = new_page(server.url)
    thief.context.add_cookies(page.context.cookies())
    thief.goto("/staff/desk")
    expect(thief.get_by_role("heading", name="Check out")).to_be_visible()  # the copy works, for now
    return thief


def _signed_out(page) -> None:
    page.goto("/staff/desk")
    expect(page.get_by_role("heading", name="Sign in to the staff desk")).to_be_visible()


def test_a_cookie_copied_before_logout_is_refused_after_it(page, new_page, server, committed):
    name = _staff_member(committed)
    login(page, name, PASSWORD)
    thief = _copy_of_the_cookie(page, new_page, server)
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in to the staff desk")).to_be_visible()
    _signed_out(thief)


def test_a_password_change_signs_out_every_other_cookie_and_keeps_the_changer_signed_in(page, new_page, server,
                                                                                       committed):
    name = _staff_member(committed)
    login(page, name, PASSWORD)
    thief = _copy_of_the_cookie(page, new_page, server)
    page.goto("/staff/account")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("second-secret-2")
    page.get_by_label("New password again").fill("second-secret-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").first).to_contain_text("Password changed")
    page.goto("/staff/desk")
    expect(page.get_by_role("heading", name="Check out")).to_be_visible()
    _signed_out(thief)


def test_a_change_of_roles_signs_the_user_out(page, committed):
    name = _staff_member(committed)
    login(page, name, PASSWORD)
    expect(page.get_by_role("link", name="Ada Quist")).to_be_visible()
    user_id = committed.scalar("SELECT user_id FROM users WHERE username = :u", {"u": name})
    committed.set_actor(None)
    committed.call("lib_auth.set_roles", user_id, "LIBRARIAN,CATALOGER")
    committed.commit()
    _signed_out(page)
    login(page, name, PASSWORD)
    page.goto("/staff/admin/material/list")  # the new role's screen, from the new session
    expect(page.get_by_role("heading", name="Sign in to the staff desk")).to_have_count(0)


def test_ending_all_my_sessions_ends_the_api_tokens_too(page, server, committed):
    name = _staff_member(committed)
    token = httpx.post(f"{server.url}/api/auth/login", json={"username": name, "password": PASSWORD}).json()["access_token"]
    me = f"{server.url}/api/auth/me"
    assert httpx.get(me, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    login(page, name, PASSWORD)
    page.goto("/staff/account")
    expect(page.get_by_test_id("sessions").locator("tr[data-session-id]")).to_have_count(2)
    page.get_by_role("button", name="End all my sessions").click()
    expect(page.get_by_role("heading", name="Sign in to the staff desk")).to_be_visible()
    assert httpx.get(me, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    _signed_out(page)
