"""Reference-table screens (starlette-admin): blank text is absent text, as on Oracle, and a duplicate
scope is a form error, never a 500."""
from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.ui.helpers import login


def _save(page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _set_date(page, selector: str, day: date) -> None:
    """The date input is driven by flatpickr (its own input shows the date in words)."""
    page.locator(selector).evaluate("(el, v) => el._flatpickr ? el._flatpickr.setDate(v, true) : (el.value = v)",
                                    day.isoformat())


def test_blank_branch_fields_are_stored_as_null_and_a_blank_name_is_required(page, committed):
    code = "BL" + uuid.uuid4().hex[:6].upper()
    login(page, "itadmin")
    page.goto("/staff/admin/branch/create")
    page.fill("#code", code)
    page.fill("#name", "   ")
    page.fill("#address", "  ")
    page.fill("#phone", " ")
    _save(page)
    expect(page.locator(".invalid-feedback").first).to_contain_text("required")
    assert committed.scalar("SELECT COUNT(*) FROM branches WHERE code = :c", {"c": code}) == 0

    page.fill("#name", "Blank Fields Branch")
    _save(page)
    expect(page).to_have_url("/staff/admin/branch/list")
    row = committed.one("SELECT name, address, phone, email FROM branches WHERE code = :c", {"c": code})
    assert row == {"name": "Blank Fields Branch", "address": None, "phone": None, "email": None}


def test_a_second_library_wide_closed_day_on_a_date_is_a_form_error(page, committed):
    day = date(2090, 1, 1) + timedelta(days=random.randrange(3000))
    login(page, "itadmin")
    page.goto("/staff/admin/closed-day/create")
    _set_date(page, "#closed_on", day)
    page.fill("#reason", "  ")
    _save(page)
    expect(page).to_have_url("/staff/admin/closed-day/list")

    page.goto("/staff/admin/closed-day/create")
    _set_date(page, "#closed_on", day)
    page.fill("#reason", "Again")
    _save(page)
    expect(page.locator(".invalid-feedback").first).to_contain_text("CLOSED_DAY_EXISTS")
    rows = committed.rows("SELECT reason FROM closed_days WHERE branch_id IS NULL AND closed_on = :d", {"d": day})
    assert rows == [{"reason": None}]
