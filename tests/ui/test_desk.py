"""The circulation desk in a browser: scanning at checkout and return, fines, hold-shelf slips, overrides."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.ui.helpers import add_charge, checkout, login, named_patron, place_hold, save_screenshot, scan


def _now() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


def test_librarian_checks_out_two_copies_then_returns_an_overdue_one_with_its_fine_and_a_held_one_with_a_slip(
        page, factory, committed):
    # Arrange: a patron, two titles with one copy each at the main library, someone to wait for one of them
    main = factory.main_branch()
    patron_id, card = named_patron(committed, main, "Maya", "Lindqvist")
    waiting_id, _ = named_patron(committed, main, "Tobias", "Okafor")
    first_title = factory.material(title="The Cartographer's Daughter")
    second_title = factory.material(title="Salt and Silence")
    first_copy, second_copy = factory.copy(first_title, main), factory.copy(second_title, main)
    committed.commit()
    first_barcode, second_barcode = factory.barcode(first_copy), factory.barcode(second_copy)

    # Act: scan the card, then both copies, as a barcode scanner would (type, Enter)
    login(page, "librarian")
    page.goto("/staff/desk")
    page.fill("#card", card)
    page.press("#card", "Enter")
    summary = page.get_by_test_id("patron-summary")
    expect(summary).to_contain_text("Maya Lindqvist")
    for barcode, title in ((first_barcode, "The Cartographer's Daughter"), (second_barcode, "Salt and Silence")):
        result = scan(page, barcode)
        expect(result).to_have_attribute("data-kind", "ok")
        expect(result).to_contain_text(f"Checked out: “{title}”")
        expect(page.locator("[data-scan-field]")).to_be_focused()
        expect(page.locator("[data-scan-field]")).to_have_value("")
    expect(page.get_by_test_id("loan-count")).to_have_text("2")
    refused = scan(page, "NO-SUCH-BARCODE")
    expect(refused).to_have_attribute("data-code", "COPY_NOT_FOUND")
    expect(refused).to_contain_text("No copy with this id or barcode")
    save_screenshot(page, "desk.png")

    # Arrange: the first loan is ten days overdue (time travel on its dates), the second title is wanted
    loan_id = committed.scalar("SELECT loan_id FROM loans WHERE copy_id = :c AND status = 'ACTIVE'", {"c": first_copy})
    assert committed.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan_id}) == patron_id
    committed.execute("UPDATE loans SET checkout_at = :co, due_at = :due WHERE loan_id = :l",
                      {"co": _now() - timedelta(days=30), "due": _now() - timedelta(days=10), "l": loan_id})
    committed.commit()
    expected_fine = Decimal(str(committed.fn("lib_fines.overdue_charge", loan_id, _now(), returns=Decimal)))
    committed.rollback()
    assert expected_fine > 0
    place_hold(committed, waiting_id, second_title, main)

    # Act + assert: return the overdue copy, then the copy the hold wants
    page.get_by_role("link", name="Return", exact=True).click()
    returned = scan(page, first_barcode)
    expect(returned).to_contain_text("Returned: “The Cartographer's Daughter”")
    expect(returned.get_by_test_id("return-fine")).to_contain_text(f"Overdue fine: ${expected_fine:,.2f}")
    held = scan(page, second_barcode)
    expect(held.get_by_test_id("hold-slip")).to_contain_text("Put on the hold shelf for Tobias Okafor")
    assert committed.scalar("SELECT status FROM holds WHERE patron_id = :p", {"p": waiting_id}) == "READY"
    assert committed.scalar("SELECT status FROM fines WHERE loan_id = :l", {"l": loan_id}) == "OPEN"


def test_override_button_is_offered_only_to_staff_with_circ_override(new_page, server, factory, committed):
    # Arrange: a patron whose card has expired (an overridable refusal) and two available copies
    main = factory.main_branch()
    _, card = named_patron(committed, main, "Edith", "Marlowe", expires_on=datetime.utcnow() - timedelta(days=3))
    copies = [factory.copy(factory.material(title="Lantern Street"), main) for _ in range(2)]
    committed.commit()
    barcodes = [factory.barcode(c) for c in copies]

    librarian = new_page(server.url)
    login(librarian, "librarian")
    librarian.goto(f"/staff/desk?card={card}")
    refused = scan(librarian, barcodes[0])
    expect(refused).to_have_attribute("data-code", "PATRON_EXPIRED")
    expect(refused.get_by_role("button", name="Override and check out")).to_have_count(0)

    manager = new_page(server.url)
    login(manager, "manager")
    manager.goto(f"/staff/desk?card={card}")
    refused = scan(manager, barcodes[1])
    expect(refused).to_have_attribute("data-code", "PATRON_EXPIRED")
    refused.get_by_test_id("override-note").fill("card renewed at the desk")
    refused.get_by_role("button", name="Override and check out").click()
    overridden = manager.get_by_test_id("scan-result").first
    expect(overridden).to_have_attribute("data-kind", "ok")
    expect(overridden).to_contain_text("overridden")
    assert committed.scalar("SELECT overridden FROM loans WHERE copy_id = :c AND status = 'ACTIVE'",
                            {"c": copies[1]}) == "Y"


def test_a_refusal_lists_both_overridable_reasons_and_the_manager_confirms_each(page, factory, committed):
    # Arrange: an expired card and fines over the limit, two overridable reasons at once
    main = factory.main_branch()
    patron_id, card = named_patron(committed, main, "Greta", "Nyberg", expires_on=datetime.utcnow() - timedelta(days=3))
    copy_id = factory.copy(factory.material(title="The Ferryman's Almanac"), main)
    committed.commit()
    add_charge(committed, patron_id, 25.00, "Lost copy of another title")

    login(page, "manager")
    page.goto(f"/staff/desk?card={card}")
    refused = scan(page, factory.barcode(copy_id))
    reasons = refused.get_by_test_id("refusal-reasons").locator("li")
    expect(reasons).to_have_count(2)
    expect(reasons.nth(0)).to_have_attribute("data-code", "PATRON_EXPIRED")
    expect(reasons.nth(1)).to_have_attribute("data-code", "PATRON_FINES_OVER_LIMIT")
    confirms = refused.get_by_test_id("override-confirm")
    expect(confirms).to_have_count(2)
    refused.get_by_test_id("override-note").fill("card renewed, fines to be paid on Friday")
    confirms.nth(0).check()
    save_screenshot(page, "override-two-reasons.png")
    refused.get_by_role("button", name="Override and check out").click()  # one reason not confirmed: not sent
    expect(confirms.nth(1)).to_have_js_property("validity.valid", False)
    assert committed.scalar("SELECT COUNT(*) FROM loans WHERE copy_id = :c", {"c": copy_id}) == 0
    confirms.nth(1).check()
    refused.get_by_role("button", name="Override and check out").click()
    overridden = page.get_by_test_id("scan-result").first
    expect(overridden).to_have_attribute("data-kind", "ok")
    expect(overridden).to_contain_text("overridden")
    assert committed.scalar("SELECT overridden FROM loans WHERE copy_id = :c AND status = 'ACTIVE'",
                            {"c": copy_id}) == "Y"


def test_librarian_renews_a_loan_by_scanning_its_copy(page, factory, committed):
    main = factory.main_branch()
    patron_id, _ = named_patron(committed, main, "Linus", "Harcourt")
    copy_id = factory.copy(factory.material(title="The Patient Harbor"), main)
    committed.commit()
    loan_id = checkout(committed, patron_id, copy_id)
    # lent ten days ago: a renewal moves the due date (on the day of checkout it is RENEWAL_TOO_SOON)
    committed.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10 WHERE loan_id = :l",
                      {"l": loan_id})
    committed.commit()

    login(page, "librarian")
    page.goto("/staff/desk/renew")
    renewed = scan(page, factory.barcode(copy_id))
    expect(renewed).to_contain_text("Renewed: “The Patient Harbor”")
    expect(renewed).to_contain_text("renewal 1")
    assert committed.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": loan_id}) == 1
