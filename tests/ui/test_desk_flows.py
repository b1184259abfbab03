"""The desk's flows of issue 13 in a browser: refusals that name the copy, queued fast scans, a scan or a
payment kept across an ended session, patrons found by name, "on loan to" with check-in, the next-patron
key, renew all, item search, hold cancel with a reason, pay all, receipts and slips, duplicate patrons."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.ui.helpers import add_charge, checkout, login, named_patron, place_hold, save_screenshot, scan


def _now() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


def _age_loan(s, loan_id: int) -> None:
    """Checked out weeks ago, due tomorrow: a renewal moves its due date (not renewed on the day of checkout)."""
    s.execute("UPDATE loans SET checkout_at = :co, due_at = :due WHERE loan_id = :l",
              {"co": _now() - timedelta(days=20), "due": _now() + timedelta(days=1), "l": loan_id})
    s.commit()


def test_a_refused_renewal_names_the_copy_and_its_status_not_empty_quotes_or_ids(page, factory, committed):
    main = factory.main_branch()
    patron_id, card = named_patron(committed, main, "Ada", "Quennell")
    waiting_id, _ = named_patron(committed, main, "Bo", "Tamsin")
    shelf_title = factory.material(title="Glass Orchard")
    loaned_title = factory.material(title="Wide Meridian")
    shelf_copy, loaned_copy = factory.copy(shelf_title, main), factory.copy(loaned_title, main)
    committed.commit()
    loan_id = checkout(committed, patron_id, loaned_copy)
    place_hold(committed, waiting_id, loaned_title, main)

    login(page, "librarian")
    page.goto("/staff/desk/renew")
    refused = scan(page, factory.barcode(shelf_copy))
    expect(refused).to_have_attribute("data-kind", "refused")
    expect(refused).to_contain_text("“Glass Orchard”")
    expect(refused.get_by_test_id("item-status")).to_have_text("Available")  # the vocabulary's label
    expect(refused).not_to_contain_text("“”")

    # renewing from the patron's panel: the message names the title and barcode, never "loan <id>"
    page.goto(f"/staff/desk?card={card}")
    page.get_by_test_id("patron-summary").get_by_role("button", name="Renew", exact=True).click()
    flash = page.get_by_role("status").first
    expect(flash).to_contain_text("Not renewed “Wide Meridian”")
    expect(flash).to_contain_text("RENEWAL_BLOCKED_BY_HOLD")
    expect(flash).not_to_contain_text(f"loan {loan_id}")


def test_scans_typed_while_the_previous_is_answered_are_queued_not_wiped(page, factory, committed):
    main = factory.main_branch()
    _, card = named_patron(committed, main, "Cyril", "Vantongeren")
    copies = [factory.copy(factory.material(title=f"Quick Scan {i}"), main) for i in range(3)]
    committed.commit()
    barcodes = [factory.barcode(c) for c in copies]

    login(page, "librarian")
    page.goto(f"/staff/desk?card={card}")
    field = page.locator("[data-scan-field]")
    field.press_sequentially("\n".join(barcodes) + "\n")  # a scanner: no pause between codes
    results = page.get_by_test_id("scan-result")
    expect(results).to_have_count(3)
    expect(page.locator("[data-kind=ok]")).to_have_count(3)
    expect(field).to_have_value("")
    assert committed.scalar(f"SELECT COUNT(*) FROM copies WHERE status = 'ON_LOAN' AND copy_id IN ({','.join(map(str, copies))})") == 3


def test_a_scan_made_after_the_session_ended_is_kept_and_sent_after_signing_in_again(page, factory, committed):
    main = factory.main_branch()
    _, card = named_patron(committed, main, "Dora", "Whitlock")
    copy_id = factory.copy(factory.material(title="Night Ferry"), main)
    committed.commit()
    barcode = factory.barcode(copy_id)

    login(page, "librarian")
    page.goto(f"/staff/desk?card={card}")
    page.context.clear_cookies()  # the session is gone (expired, signed out elsewhere)
    lost = scan(page, barcode)
    expect(lost).to_have_attribute("data-code", "SESSION_ENDED")
    expect(lost).not_to_contain_text("security token")
    lost.get_by_test_id("sign-in-again").click()
    page.fill("#username", "librarian")
    page.fill("#password", "librarian-pass")
    page.press("#password", "Enter")
    kept = page.get_by_test_id("kept-scans")
    expect(kept).to_contain_text(barcode)
    kept.get_by_role("button", name="Send it").click()
    done = page.get_by_test_id("scan-result").first
    expect(done).to_have_attribute("data-kind", "ok")
    expect(done).to_contain_text("Checked out: “Night Ferry”")


def test_a_payment_sent_after_the_session_ended_keeps_its_amount_for_a_second_send(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Emil", "Sorensen")
    committed.commit()
    fine_id = add_charge(committed, patron_id, 7.00, "Torn page")

    login(page, "librarian")
    page.goto(f"/staff/fines?patron_id={patron_id}")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    row.get_by_label("Amount").fill("4.25")
    page.context.clear_cookies()
    row.get_by_role("button", name="Take payment").click()
    expect(page.get_by_test_id("kept-fields")).to_contain_text("4.25")
    form = page.get_by_test_id("resume-login")
    form.get_by_label("Username").fill("librarian")
    form.get_by_label("Password").fill("librarian-pass")
    form.get_by_role("button", name="Sign in again").click()
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("status").first).to_contain_text("Payment of $4.25 taken")
    assert float(committed.scalar("SELECT amount_paid FROM fines WHERE fine_id = :f", {"f": fine_id})) == 4.25


def test_checkout_finds_a_patron_by_name_and_f9_starts_the_next_patron(page, factory, committed):
    main = factory.main_branch()
    last = "Zyngerfeld" + str(factory.material())  # a surname no one else has
    named_patron(committed, main, "Hanna", last)
    _, card = named_patron(committed, main, "Ivo", last)
    committed.commit()

    login(page, "librarian")
    page.goto("/staff/desk")
    page.fill("#card", last)
    page.press("#card", "Enter")
    matches = page.get_by_test_id("patron-matches")
    expect(matches.get_by_role("link")).to_have_count(2)
    matches.get_by_role("link", name=f"{last}, Ivo").click()
    expect(page.get_by_test_id("patron-summary")).to_contain_text(f"Ivo {last}")
    page.fill("#card", f"hanna {last}")
    page.press("#card", "Enter")
    expect(page.get_by_test_id("patron-summary")).to_contain_text(f"Hanna {last}")  # one match: straight in

    page.locator("[data-scan-field]").press("F9")
    expect(page.get_by_test_id("patron-summary")).to_have_count(0)
    expect(page.locator("#card")).to_have_value("")
    assert card


def test_a_copy_on_loan_to_someone_else_is_named_and_checked_in_from_the_refusal(page, factory, committed):
    main = factory.main_branch()
    holder_id, _ = named_patron(committed, main, "Jonas", "Ekwueme")
    _, card = named_patron(committed, main, "Kaja", "Lindahl")
    copy_id = factory.copy(factory.material(title="The Borrowed Hour"), main)
    committed.commit()
    checkout(committed, holder_id, copy_id)

    login(page, "librarian")
    page.goto(f"/staff/desk?card={card}")
    refused = scan(page, factory.barcode(copy_id))
    expect(refused.get_by_test_id("on-loan-to")).to_have_text("Jonas Ekwueme")
    expect(refused.get_by_test_id("item-status")).to_contain_text("On loan")
    refused.get_by_role("button", name="Check it in").click()
    returned = page.get_by_test_id("scan-result").first
    expect(returned).to_contain_text("Returned: “The Borrowed Hour”")
    expect(returned).to_contain_text("from Jonas Ekwueme")
    result = scan(page, factory.barcode(copy_id))
    expect(result).to_contain_text("Checked out: “The Borrowed Hour”")


def test_renew_all_reports_each_loan(page, factory, committed):
    main = factory.main_branch()
    patron_id, card = named_patron(committed, main, "Lorna", "Mbeki")
    waiting_id, _ = named_patron(committed, main, "Milo", "Ferrante")
    free_title, wanted_title = factory.material(title="Open Water"), factory.material(title="Held Breath")
    free_copy, wanted_copy = factory.copy(free_title, main), factory.copy(wanted_title, main)
    committed.commit()
    free_loan, wanted_loan = checkout(committed, patron_id, free_copy), checkout(committed, patron_id, wanted_copy)
    _age_loan(committed, free_loan)
    _age_loan(committed, wanted_loan)
    place_hold(committed, waiting_id, wanted_title, main)

    login(page, "librarian")
    page.goto(f"/staff/desk?card={card}")
    page.get_by_test_id("renew-all").click()
    expect(page.get_by_test_id("renew-all-summary")).to_contain_text("1 renewed, 1 not renewed")
    results = page.get_by_test_id("scan-result")
    expect(results.filter(has_text="Renewed: “Open Water”")).to_have_count(1)
    expect(results.filter(has_text="Held Breath")).to_have_attribute("data-code", "RENEWAL_BLOCKED_BY_HOLD")
    assert committed.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": free_loan}) == 1
    assert committed.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": wanted_loan}) == 0


def test_item_search_shows_copies_status_borrower_and_due_date_and_hides_the_borrower_from_catalogers(
        new_page, server, factory, committed):
    main = factory.main_branch()
    patron_id, _ = named_patron(committed, main, "Nadia", "Oyelaran")
    title = "Compass of Tin " + str(factory.material())
    material = factory.material(title=title)
    on_loan, on_shelf = factory.copy(material, main), factory.copy(material, main)
    committed.commit()
    checkout(committed, patron_id, on_loan)

    page = new_page(server.url)
    login(page, "librarian")
    page.goto("/staff/desk/items")
    page.fill("#item-q", title)
    page.press("#item-q", "Enter")
    copies = page.get_by_test_id("item-copies")
    loan_row = copies.locator("tr", has_text=factory.barcode(on_loan))
    expect(loan_row).to_contain_text("On loan")
    expect(loan_row).to_contain_text("Nadia Oyelaran")
    expect(loan_row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    expect(copies.locator("tr", has_text=factory.barcode(on_shelf))).to_contain_text("Available")
    page.fill("#item-q", factory.barcode(on_shelf))  # a barcode finds its title
    page.press("#item-q", "Enter")
    expect(page.get_by_test_id("item-hit")).to_contain_text(title)

    cataloger = new_page(server.url)
    login(cataloger, "cataloger")
    cataloger.goto(f"/staff/desk/items?q={factory.barcode(on_loan)}")
    expect(cataloger.get_by_test_id("item-copies")).to_contain_text("On loan")
    expect(cataloger.get_by_test_id("item-copies")).not_to_contain_text("Oyelaran")


def test_cancelling_a_hold_asks_for_a_reason_and_names_the_title(page, factory, committed):
    main = factory.main_branch()
    patron_id, _ = named_patron(committed, main, "Otto", "Paarsma")
    material = factory.material(title="Slow Rivers")
    factory.copy(material, main)
    committed.commit()
    hold_id = place_hold(committed, patron_id, material, main)

    login(page, "librarian")
    page.goto(f"/staff/patrons/{patron_id}")
    cancel = page.get_by_test_id("cancel-hold")
    cancel.get_by_text("Cancel…").click()
    cancel.get_by_label("Why is the hold cancelled?").fill("Patron asked by phone")
    cancel.get_by_role("button", name="Cancel this hold").click()
    expect(page.get_by_role("status").first).to_contain_text("Hold cancelled: “Slow Rivers” for Otto Paarsma")
    hold = committed.one("SELECT status, close_reason FROM holds WHERE hold_id = :h", {"h": hold_id})
    assert hold["status"] == "CANCELLED" and "Patron asked by phone" in hold["close_reason"]


def test_pay_all_then_the_printed_payment_receipt(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Petra", "Quist")
    committed.commit()
    add_charge(committed, patron_id, 2.00, "Lost card")
    add_charge(committed, patron_id, 3.50, "Damaged case")

    login(page, "librarian")
    page.goto(f"/staff/fines?patron_id={patron_id}")
    form = page.get_by_test_id("pay-all")
    expect(form.get_by_label("Amount (oldest fines first)")).to_have_value("5.50")
    form.get_by_role("button", name="Pay all").click()
    expect(page.get_by_role("status").first).to_contain_text("Payment of $5.50 taken on 2 fines")
    expect(page.get_by_test_id("outstanding")).to_have_text("$0.00")
    page.goto(page.get_by_test_id("print-payment-receipt").get_attribute("href"))
    expect(page.get_by_test_id("receipt-total")).to_have_text("$5.50")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    save_screenshot(page, "receipt-payment.png")


def test_checkout_receipt_hold_slip_and_transit_slip_print(page, factory, committed):
    main = factory.main_branch()
    elsewhere = factory.branch("Riverside branch")
    patron_id, card = named_patron(committed, main, "Quentin", "Rasmussen")
    waiting_id, _ = named_patron(committed, main, "Rhea", "Santos")
    held_title = factory.material(title="Lamps at Dusk")
    held_copy = factory.copy(held_title, main)
    away_copy = factory.copy(factory.material(title="Harbour Lights"), elsewhere)
    out_copy = factory.copy(factory.material(title="A Printed Day"), main)
    committed.commit()
    checkout(committed, patron_id, held_copy)
    checkout(committed, patron_id, away_copy)
    checkout(committed, patron_id, out_copy)
    place_hold(committed, waiting_id, held_title, main)

    login(page, "librarian")
    page.goto(f"/staff/desk/receipt?card={card}")
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_contain_text("Quentin Rasmussen")
    expect(receipt).to_contain_text("A Printed Day")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    save_screenshot(page, "receipt-checkout.png")
    page.emulate_media(media="screen")

    page.goto("/staff/desk/return")
    held = scan(page, factory.barcode(held_copy))
    page.goto(held.get_by_test_id("print-slip").get_attribute("href"))
    expect(page.get_by_test_id("hold-slip-print")).to_contain_text("Santos, Rhea")
    page.goto("/staff/desk/return")
    away = scan(page, factory.barcode(away_copy))
    expect(away.get_by_test_id("transit-slip")).to_contain_text("Riverside branch")
    page.goto(away.get_by_test_id("print-slip").get_attribute("href"))
    expect(page.get_by_test_id("transit-to")).to_have_text("Riverside branch")
    page.emulate_media(media="print")
    save_screenshot(page, "transit-slip.png")


def test_registering_a_patron_twice_warns_and_registers_anyway_on_request(page, factory, committed):
    main = factory.main_branch()
    _, card = named_patron(committed, main, "Sven", "Tallis", phone="+1 (555) 010-2030")
    committed.commit()
    email = committed.scalar("SELECT email FROM patrons WHERE card_number = :c", {"c": card})

    login(page, "librarian")
    page.goto("/staff/patrons/new")
    page.fill("#first_name", "sven")
    page.fill("#last_name", "Tallis ")
    page.fill("#phone", "555 010 2030".replace("555", "1555", 1))
    page.get_by_role("button", name="Register").click()
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_contain_text(card)
    before = committed.scalar("SELECT COUNT(*) FROM patrons WHERE UPPER(last_name) = 'TALLIS'")
    page.get_by_role("button", name="Register anyway").click()
    expect(page.get_by_role("status").first).to_contain_text("Patron registered")
    assert committed.scalar("SELECT COUNT(*) FROM patrons WHERE UPPER(last_name) = 'TALLIS'") == before + 1
    assert email
