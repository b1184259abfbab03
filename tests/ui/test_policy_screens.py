"""The staff screens of the peers' circulation rules (issue 13): a circulation policy's peer columns and the weekly
closures are shown and edited on the table screens, written by lib_admin as the signed-in user, refused on the
form under the rule the package names; what was set is what the rules use. The selects speak the desk's words."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

from tests.ui.helpers import checkout, login, named_patron, scan

RENEWAL_RULES = ("cap_fine_to_price", "suspension_days_per_day", "max_suspension_days", "no_renewal_before_days",
                 "max_overdue_loans", "damage_fee", "damage_fee_share")


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _pick(page: Page, select_id: str, typed: str) -> None:
    """Type into a select2 picker and press Enter."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(typed)
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text(typed)
    search.press("Enter")


def test_the_policy_edit_form_sets_the_peer_rules_and_the_renewal_window_is_used_at_the_desk(
        page, new_page, server, factory, committed):
    # Arrange: a branch with a policy of its own (no peer rules), a loan of one of its copies due in four days
    branch = factory.branch("Harbour branch")
    policy_id = factory.policy(branch_id=branch, loan_days=14)
    patron_id, _ = named_patron(committed, branch, "Ines", "Halvorsen")
    copy_id = factory.copy(factory.material(title="Tides of the Long Pier"), branch)
    committed.commit()
    loan_id = checkout(committed, patron_id, copy_id)
    committed.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10 WHERE loan_id = :l",
                      {"l": loan_id})
    committed.commit()

    # Act: the IT administrator opens the policy; every peer rule is on the form with its help
    login(page, "itadmin")
    page.goto(f"/staff/admin/policy/edit?pk={policy_id}")
    window = page.get_by_label("Renewal opens (days before due)")
    expect(window).to_have_value("")
    expect(page.locator("#no_renewal_before_days-help")).to_contain_text("empty = any time")
    expect(page.get_by_label("Cap the fine at the replacement cost")).to_have_value("N")
    expect(page.locator("#damage_fee_share-help")).to_contain_text("0.25 = a quarter")

    # a share over 1 is refused by lib_admin, shown under that rule, nothing written
    window.fill("3")
    page.get_by_label("Damage fee as a share of the price").fill("1.5")
    _save(page)
    expect(page.locator("#damage_fee_share-error")).to_contain_text("INVALID_POLICY")
    assert committed.scalar("SELECT no_renewal_before_days FROM circ_policies WHERE policy_id = :p",
                            {"p": policy_id}) is None

    page.get_by_label("Damage fee as a share of the price").fill("0.25")
    page.get_by_label("Cap the fine at the replacement cost").select_option("Y")
    page.get_by_label("Suspension days per day late").fill("2")
    page.get_by_label("Longest suspension (days)").fill("30")
    page.get_by_label("Overdue loans that stop checkout").fill("4")
    _save(page)
    expect(page).to_have_url("/staff/admin/policy/list")

    # Assert: the row holds what the form said, written as the IT administrator
    row = committed.one("SELECT " + ", ".join(RENEWAL_RULES) + " FROM circ_policies WHERE policy_id = :p",
                        {"p": policy_id})
    assert row == {"cap_fine_to_price": "Y", "suspension_days_per_day": 2, "max_suspension_days": 30,
                   "no_renewal_before_days": 3, "max_overdue_loans": 4, "damage_fee": None,
                   "damage_fee_share": Decimal("0.25")}
    assert committed.scalar("SELECT COUNT(*) FROM audit_log a JOIN users u ON u.user_id = a.actor_user_id "
                            "WHERE a.table_name = 'circ_policies' AND a.row_id = :p AND a.action = 'UPDATE' "
                            "AND u.username = 'itadmin'", {"p": policy_id}) == 1
    page.goto(f"/staff/admin/policy/detail?pk={policy_id}")
    expect(page.locator("body")).to_contain_text("Renewal opens (days before due)")

    # and the desk meets the rule: a loan due in four days cannot be renewed three days before
    desk = new_page(server.url)
    login(desk, "librarian")
    desk.goto("/staff/desk/renew")
    refused = scan(desk, factory.barcode(copy_id))
    expect(refused).to_have_attribute("data-code", "RENEWAL_TOO_EARLY")
    assert committed.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": loan_id}) == 0


def test_a_weekly_closure_is_added_on_its_screen_and_the_calendar_skips_that_weekday(page, factory, committed):
    branch = factory.branch("Quay Street branch")
    committed.commit()
    sunday = datetime(2096, 6, 3)  # an ISO weekday 7
    assert committed.scalar("SELECT lib_calendar.is_closed(:b, :d) FROM dual", {"b": branch, "d": sunday}) == 0

    login(page, "itadmin")
    page.goto("/staff/admin/closed-weekday/create")
    expect(page.locator("#iso_weekday-help")).to_contain_text("closed on this day every week")
    page.get_by_label("Closed every").select_option(label="Sunday")
    _pick(page, "branch", "Quay Street")
    page.get_by_label("Reason").fill("Closed on Sundays")
    _save(page)
    expect(page).to_have_url("/staff/admin/closed-weekday/list")
    row = page.locator("tbody tr", has_text="Closed on Sundays")
    expect(row.locator("td[data-column=iso_weekday]")).to_have_text("Sunday")
    expect(row.locator("td[data-column=branch]")).to_have_text("Quay Street branch")
    assert committed.one("SELECT iso_weekday, reason FROM closed_weekdays WHERE branch_id = :b", {"b": branch}) == \
        {"iso_weekday": 7, "reason": "Closed on Sundays"}
    assert committed.scalar("SELECT lib_calendar.is_closed(:b, :d) FROM dual", {"b": branch, "d": sunday}) == 1
    assert committed.scalar("SELECT lib_calendar.is_closed(:b, :d) FROM dual",
                            {"b": branch, "d": sunday + timedelta(days=1)}) == 0

    page.goto("/staff/admin/closed-weekday/create")  # the same weekday again: the closed days' refusal
    page.get_by_label("Closed every").select_option(label="Sunday")
    _pick(page, "branch", "Quay Street")
    _save(page)
    expect(page.locator(".invalid-feedback").first).to_contain_text("CLOSED_DAY_EXISTS")


def test_the_selects_say_what_empty_means_instead_of_select(page, new_page, server):
    login(page, "itadmin")
    page.goto("/staff/admin/policy/create")
    expect(page.locator("#patron_category option[value='']")).to_have_text("Any category")
    expect(page.locator("#material_type option[value='']")).to_have_text("Any type")
    expect(page.locator("#branch + .select2 .select2-selection__placeholder")).to_have_text("Any branch")
    page.goto("/staff/admin/closed-day/create")
    expect(page.locator("#branch + .select2 .select2-selection__placeholder")).to_have_text("Every branch")
    for user, path in (("itadmin", "/staff/admin/policy/create"), ("itadmin", "/staff/admin/closed-day/create"),
                       ("itadmin", "/staff/admin/closed-weekday/create"), ("itadmin", "/staff/admin/user/create"),
                       ("cataloger", "/staff/admin/copy/create"), ("cataloger", "/staff/admin/material/create"),
                       ("cataloger", "/staff/admin/genre/create")):
        if user == "cataloger" and "copy/" in path:
            page = new_page(server.url)
            login(page, "cataloger")
        page.goto(path)
        expect(page.locator("form select").first).to_be_attached()
        placeholders = page.locator("[data-placeholder], .select2-selection__placeholder, select option").evaluate_all(
            "els => els.map(e => e.getAttribute('data-placeholder') || e.textContent.trim())")
        assert not [p for p in placeholders if p.startswith("Select")], (path, placeholders)
