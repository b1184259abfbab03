"""Patrons: the record with its loans, holds, fines and borrowing chart; register, edit, suspend, reinstate."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.ui.helpers import login, named_patron, save_screenshot


def test_patron_page_shows_loans_holds_fines_history_and_borrowing_over_time(page, committed):
    patron_id = committed.scalar("""SELECT l.patron_id FROM loans l JOIN patrons p ON p.patron_id = l.patron_id
                                     WHERE p.status = 'ACTIVE' AND l.checkout_at >= :since
                                       AND EXISTS (SELECT 1 FROM loans a WHERE a.patron_id = l.patron_id AND a.status = 'ACTIVE')
                                     GROUP BY l.patron_id ORDER BY COUNT(*) DESC, l.patron_id FETCH FIRST 1 ROWS ONLY""",
                                  {"since": datetime.utcnow() - timedelta(days=365)})
    name = committed.one("SELECT first_name, last_name FROM patrons WHERE patron_id = :p", {"p": patron_id})
    active = committed.scalar("SELECT COUNT(*) FROM loans WHERE patron_id = :p AND status = 'ACTIVE'", {"p": patron_id})

    login(page, "librarian")
    page.goto("/staff/patrons")
    page.fill("#q", name["last_name"])
    page.press("#q", "Enter")
    page.get_by_role("link", name=f"{name['last_name']}, {name['first_name']}").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name['first_name']} {name['last_name']}")
    loans = page.get_by_role("region", name="Current loans")
    expect(loans.locator("tbody tr")).to_have_count(active)
    expect(page.get_by_role("region", name="Holds")).to_be_visible()
    expect(page.get_by_role("region", name="Fines")).to_be_visible()
    expect(page.get_by_role("region", name="Loan history")).to_be_visible()
    chart = page.get_by_test_id("borrowing-chart").locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("rect.bar")).to_have_count(12)
    expect(page.get_by_role("button", name="Suspend")).to_have_count(0)  # PATRON_SUSPEND is the manager's
    save_screenshot(page, "patron.png")


def test_manager_registers_edits_suspends_and_reinstates_a_patron(page, committed):
    login(page, "manager")
    page.goto("/staff/patrons/new")
    page.fill("#first_name", "Wren")
    page.fill("#last_name", "Achterberg")
    page.fill("#email", "wren.achterberg@example.org")
    page.select_option("#category", "STUDENT")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status").first).to_contain_text("Patron registered")
    patron_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    row = committed.one("SELECT first_name, category, status, card_number FROM patrons WHERE patron_id = :p",
                        {"p": patron_id})
    assert (row["first_name"], row["category"], row["status"]) == ("Wren", "STUDENT", "ACTIVE")
    assert row["card_number"]

    page.get_by_role("link", name="Edit").click()
    page.fill("#phone", "(555) 010-4242")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Patron updated")

    page.get_by_label("Reason for suspending").fill("Repeated damage to items")
    page.get_by_role("button", name="Suspend").click()
    expect(page.get_by_test_id("patron-status")).to_have_text("suspended")
    assert committed.one("SELECT status, status_reason, phone FROM patrons WHERE patron_id = :p", {"p": patron_id}) == \
        {"status": "SUSPENDED", "status_reason": "Repeated damage to items", "phone": "(555) 010-4242"}

    page.get_by_label("Reason for reinstating").fill("Paid for the damage")
    page.get_by_role("button", name="Reinstate").click()
    expect(page.get_by_role("status").first).to_contain_text("Patron reinstated")
    assert committed.scalar("SELECT status FROM patrons WHERE patron_id = :p", {"p": patron_id}) == "ACTIVE"


def test_registration_refused_by_the_database_shows_its_rule(page):
    login(page, "librarian")
    page.goto("/staff/patrons/new")
    page.fill("#first_name", "Nadia")
    page.fill("#last_name", "Rinaldi")
    page.fill("#email", "not-an-address")
    page.locator("#email").evaluate("(el) => el.setAttribute('type', 'text')")  # past the browser's own check
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("INVALID_PATRON_DATA")


def test_librarian_places_a_hold_for_a_patron_by_title_words_and_by_copy_barcode(page, factory, committed):
    word = f"Quillfeather{uuid.uuid4().hex[:6]}"
    patron_id, _ = named_patron(committed, factory.main_branch(), "Tomasz", "Wierzba")
    almanac = factory.material(title=f"The {word} Almanac")
    atlas = factory.material(title=f"A {word} Atlas")
    atlas_copy = factory.copy(material_id=atlas)
    committed.commit()
    barcode = committed.scalar("SELECT barcode FROM copies WHERE copy_id = :c", {"c": atlas_copy})

    login(page, "librarian")
    page.goto(f"/staff/patrons/{patron_id}")
    page.get_by_label("Place a hold").fill(word)                      # two titles match: choose one
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_test_id("hold-candidates").locator("tbody tr")).to_have_count(2)
    page.get_by_role("button", name=f"Place hold on The {word} Almanac").click()
    expect(page.get_by_role("status").first).to_contain_text(f"placed on The {word} Almanac")
    expect(page.get_by_role("region", name="Holds")).to_contain_text(f"The {word} Almanac")

    page.get_by_label("Place a hold").fill(barcode)                   # the copy in hand: straight to its title
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_role("status").first).to_contain_text(f"placed on A {word} Atlas")

    page.get_by_label("Place a hold").fill(barcode)                   # again: the database refuses it
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_role("status").first).to_contain_text("HOLD_ALREADY_EXISTS")
    holds = committed.rows("SELECT material_id, status FROM holds WHERE patron_id = :p ORDER BY hold_id", {"p": patron_id})
    assert holds == [{"material_id": almanac, "status": "PENDING"}, {"material_id": atlas, "status": "PENDING"}]


def test_the_patron_list_pages_through_the_shared_pager_keeping_the_search(page, committed):
    total = committed.scalar("SELECT COUNT(*) FROM patrons")
    pages = (total + 49) // 50
    assert pages >= 2, "the demo data has more than one page of patrons"
    login(page, "librarian")
    page.goto("/staff/patrons")
    pager = page.get_by_role("navigation", name="Pages")
    expect(pager).to_contain_text(f"Page 1 of {pages}")
    first = page.locator("tbody tr").first.inner_text()
    pager.get_by_role("link", name="Next").click()
    expect(pager).to_contain_text(f"Page 2 of {pages}")
    assert page.locator("tbody tr").first.inner_text() != first
    assert "page=2" in page.url
    pager.get_by_role("link", name="Previous").click()
    expect(pager).to_contain_text(f"Page 1 of {pages}")
