"""My account: a staff member changes their own password; the current one is checked as a login is."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from datalayer.session import Out
from services.passwords import hash_password
from tests.ui.helpers import login


def _staff_member(s, password: str) -> str:
    name = f"desk{uuid.uuid4().hex[:8]}"
    s.set_actor(None)
    s.call("lib_auth.create_user", name, hash_password(password), "Ada Quist", None, "LIBRARIAN", Out(int))
    s.commit()
    return name


def test_staff_member_changes_their_own_password_and_signs_in_with_it(page, committed):
    name = _staff_member(committed, "first-secret-1")
    login(page, name, "first-secret-1")
    page.get_by_role("link", name="Ada Quist").click()
    page.get_by_label("Current password").fill("first-secret-1")
    page.get_by_label("New password", exact=True).fill("second-secret-2")
    page.get_by_label("New password again").fill("second-secret-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").first).to_contain_text("Password changed")

    page.get_by_role("button", name="Sign out").click()
    login(page, name, "second-secret-2")
    expect(page.get_by_role("link", name="Ada Quist")).to_be_visible()


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(page, committed):
    name = _staff_member(committed, "first-secret-1")
    before = committed.scalar("SELECT password_hash FROM users WHERE username = :u", {"u": name})
    login(page, name, "first-secret-1")
    page.goto("/staff/account")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("second-secret-2")
    page.get_by_label("New password again").fill("second-secret-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("form-error")).to_have_attribute("data-code", "INVALID_CREDENTIALS")
    committed.rollback()
    row = committed.one("SELECT password_hash, failed_logins FROM users WHERE username = :u", {"u": name})
    assert row == {"password_hash": before, "failed_logins": 1}


def test_new_passwords_that_differ_are_refused(page, committed):
    name = _staff_member(committed, "first-secret-1")
    login(page, name, "first-secret-1")
    page.goto("/staff/account")
    page.get_by_label("Current password").fill("first-secret-1")
    page.get_by_label("New password", exact=True).fill("second-secret-2")
    page.get_by_label("New password again").fill("second-secret-3")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("form-error")).to_have_attribute("data-code", "VALIDATION_ERROR")
