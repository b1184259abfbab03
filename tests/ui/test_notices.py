"""Notices in the browser: the patron record's notice preferences and undeliverable mark, the one-click
unsubscribe link of an e-mail, and the notice template editor's preview."""
from __future__ import annotations

from playwright.sync_api import expect

from datalayer.session import Out
from services.notices import links
from tests.ui.helpers import login


def _wants(committed, patron_id: int, kind: str) -> int:
    committed.rollback()
    value = committed.fn("lib_notices.wants", patron_id, kind)
    committed.rollback()
    return value


def test_staff_set_a_patrons_notice_preferences_and_see_a_bounced_address(page, committed, factory):
    patron = factory.patron()
    email = committed.scalar("SELECT email FROM patrons WHERE patron_id = :p", {"p": patron})
    committed.call("lib_notices.mark_undeliverable", email, "bounce: 550 mailbox unavailable", Out(int))
    committed.commit()

    login(page, "librarian")
    page.goto(f"/staff/patrons/{patron}")
    expect(page.get_by_test_id("email-undeliverable")).to_be_visible()
    expect(page.get_by_text("bounce: 550 mailbox unavailable")).to_be_visible()
    prefs = page.get_by_test_id("notice-preferences")
    expect(prefs.locator("input[data-type=HOLD_READY]")).to_be_checked()
    expect(prefs.locator("input[data-type=CHECKOUT_RECEIPT]")).not_to_be_checked()
    prefs.locator("input[data-type=HOLD_READY]").uncheck()
    prefs.locator("input[data-type=CHECKOUT_RECEIPT]").check()
    prefs.get_by_role("button", name="Save notice preferences").click()
    expect(page.get_by_text("Notice preferences saved.")).to_be_visible()
    expect(page.get_by_test_id("notice-preferences").locator("input[data-type=HOLD_READY]")).not_to_be_checked()
    assert _wants(committed, patron, "HOLD_READY") == 0 and _wants(committed, patron, "CHECKOUT_RECEIPT") == 1

    page.get_by_role("button", name="Mark deliverable").click()
    expect(page.get_by_test_id("email-undeliverable")).to_have_count(0)


def test_the_unsubscribe_link_of_an_email_works_without_a_login(page, server, committed, factory):
    patron = factory.patron()
    committed.commit()
    key = server.env.get("ILS_NOTICE_SECRET") or server.env["ILS_JWT_SECRET"]
    page.goto(links.PATH + links.sign(patron, "HOLD_READY", key))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(page.get_by_text("A hold is ready for pickup")).to_be_visible()
    assert _wants(committed, patron, "HOLD_READY") == 1, "opening the link changes nothing"
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("#done")).to_contain_text("You will no longer get e-mails")
    assert _wants(committed, patron, "HOLD_READY") == 0
    assert _wants(committed, patron, "OVERDUE") == 1

    page.goto(links.PATH + links.sign(patron, "HOLD_READY", "not-the-server-secret-123"))
    expect(page.locator("body")).to_contain_text("UNSUBSCRIBE_LINK_INVALID")


def test_it_admin_previews_a_template_and_a_broken_one_is_not_saved(page):
    login(page, "itadmin")
    page.goto("/staff/notices/templates")
    page.get_by_role("link", name="HOLD_READY").click()
    expect(page.get_by_test_id("preview-subject")).to_have_text("Your hold is ready: Ficciones")
    expect(page.get_by_test_id("preview-text")).to_contain_text("Main Library")
    page.fill("#subject", "Collect {{ hold.title }} by {{ hold.last_pickup_day }}")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview-subject")).to_contain_text("Collect Ficciones by ")
    page.fill("#body_text", "Dear {{ patron.first_name }}\n{{ patron.nosuchfield }}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("INVALID_NOTICE_TEMPLATE")
    page.goto("/staff/notices/templates/HOLD_READY/en")
    expect(page.get_by_test_id("preview-subject")).to_have_text("Your hold is ready: Ficciones")
