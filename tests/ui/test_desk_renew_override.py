"""Overriding a refused renewal at the desk, in a browser: the same override form as checkout's, for staff with
CIRC_OVERRIDE only, for one loan and for Renew all (issue 13)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.helpers import checkout, login, named_patron, scan


def test_a_manager_overrides_a_refused_renewal_with_a_note_a_librarian_is_not_offered_it(
        new_page, server, factory, committed):
    # Arrange: a loan lent ten days ago that has spent every renewal its policy allows (and more)
    main = factory.main_branch()
    patron_id, _ = named_patron(committed, main, "Ingrid", "Solberg")
    copy_id = factory.copy(factory.material(title="Winter Orchard"), main)
    committed.commit()
    loan_id = checkout(committed, patron_id, copy_id)
    committed.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10, renewals = 99 "
                      "WHERE loan_id = :l", {"l": loan_id})
    committed.commit()
    barcode = factory.barcode(copy_id)

    librarian = new_page(server.url)
    login(librarian, "librarian")
    librarian.goto("/staff/desk/renew")
    refused = scan(librarian, barcode)
    expect(refused).to_have_attribute("data-code", "RENEWAL_LIMIT_REACHED")
    expect(refused).to_contain_text("Not renewed")
    expect(refused.get_by_role("button", name="Override and renew")).to_have_count(0)

    manager = new_page(server.url)
    login(manager, "manager")
    manager.goto("/staff/desk/renew")
    refused = scan(manager, barcode)
    expect(refused).to_have_attribute("data-code", "RENEWAL_LIMIT_REACHED")
    refused.get_by_test_id("override-note").fill("exam week, one more renewal")
    refused.get_by_role("button", name="Override and renew").click()
    renewed = manager.get_by_test_id("scan-result").first
    expect(renewed).to_have_attribute("data-kind", "ok")
    expect(renewed).to_contain_text("Renewed: “Winter Orchard”")
    expect(renewed).to_contain_text("overridden")
    assert committed.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": loan_id}) == 100
    audit = committed.scalar("SELECT new_values FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                             "AND action = 'OVERRIDE'", {"l": loan_id})
    assert "RENEWAL_LIMIT_REACHED" in audit and "exam week, one more renewal" in audit
    committed.rollback()


def test_renew_all_offers_the_override_form_for_the_loans_refused_for_overridable_reasons(
        new_page, server, factory, committed):
    # Arrange: two loans lent ten days ago, one renewable, one past its renewal limit (overridable)
    main = factory.main_branch()
    patron_id, card = named_patron(committed, main, "Maren", "Holt")
    free_copy = factory.copy(factory.material(title="Salt Meadow"), main)
    spent_copy = factory.copy(factory.material(title="Lantern Year"), main)
    committed.commit()
    free_loan, spent_loan = checkout(committed, patron_id, free_copy), checkout(committed, patron_id, spent_copy)
    committed.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10 WHERE loan_id IN (:a, :b)",
                      {"a": free_loan, "b": spent_loan})
    committed.execute("UPDATE loans SET renewals = 99 WHERE loan_id = :l", {"l": spent_loan})
    committed.commit()

    librarian = new_page(server.url)
    login(librarian, "librarian")
    librarian.goto(f"/staff/desk?card={card}")
    librarian.get_by_test_id("renew-all").click()
    expect(librarian.get_by_test_id("renew-all-summary")).to_contain_text("1 renewed, 1 not renewed")
    expect(librarian.get_by_test_id("renew-all-override")).to_have_count(0)

    manager = new_page(server.url)
    login(manager, "manager")
    manager.goto(f"/staff/desk?card={card}")
    manager.get_by_test_id("renew-all").click()
    expect(manager.get_by_test_id("renew-all-summary")).to_contain_text("0 renewed, 2 not renewed")  # free: too soon
    form = manager.get_by_test_id("renew-all-override")
    expect(form).to_contain_text("1 of the loans")
    form.get_by_test_id("override-note").fill("exam week for both")
    form.get_by_role("button", name="Override and renew 1").click()
    results = manager.get_by_test_id("scan-result")
    renewed = results.filter(has_text="Renewed: “Lantern Year”")
    expect(renewed).to_have_count(1)
    expect(renewed).to_contain_text("overridden")
    expect(manager.get_by_test_id("renew-all-override")).to_have_count(0)
    assert committed.scalar("SELECT renewals FROM loans WHERE loan_id = :l", {"l": spent_loan}) == 100
    audit = committed.scalar("SELECT new_values FROM audit_log WHERE table_name = 'loans' AND row_id = :l "
                             "AND action = 'OVERRIDE'", {"l": spent_loan})
    assert "RENEWAL_LIMIT_REACHED" in audit and "exam week for both" in audit
    committed.rollback()
