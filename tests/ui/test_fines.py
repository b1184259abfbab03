"""Fines at the desk: waiving needs FINE_WAIVE and a reason; payments need FINE_COLLECT."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.helpers import add_charge, csrf_token, login, named_patron, user_id


def test_branch_manager_waives_a_fine_with_a_reason(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Greta", "Holloway")
    committed.commit()
    fine_id = add_charge(committed, patron_id, 4.50, "Damaged dust jacket")

    login(page, "manager")
    page.goto(f"/staff/fines?patron_id={patron_id}")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    row.get_by_label("Reason for waiving").fill("Jacket was already torn at checkout")
    row.get_by_role("button", name="Waive").click()

    expect(page.get_by_role("status").first).to_contain_text("Fine waived")
    fine = committed.one("SELECT status, waive_reason, waived_by FROM fines WHERE fine_id = :f", {"f": fine_id})
    assert fine == {"status": "WAIVED", "waive_reason": "Jacket was already torn at checkout",
                    "waived_by": user_id(committed, "manager")}


def test_librarian_sees_no_waive_button_and_is_refused_when_posting_a_waiver(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Oren", "Castellan")
    committed.commit()
    fine_id = add_charge(committed, patron_id, 3.00, "Lost bookmark")

    login(page, "librarian")
    page.goto(f"/staff/fines?patron_id={patron_id}")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    expect(row.get_by_role("button", name="Take payment")).to_be_visible()
    expect(row.get_by_role("button", name="Waive")).to_have_count(0)

    response = page.request.post(f"/staff/fines/{fine_id}/waive",
                                 form={"csrf_token": csrf_token(page), "reason": "trying anyway"})
    assert response.status == 403
    assert committed.scalar("SELECT status FROM fines WHERE fine_id = :f", {"f": fine_id}) == "OPEN"


def test_librarian_takes_a_partial_payment(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Ines", "Fontaine")
    committed.commit()
    fine_id = add_charge(committed, patron_id, 6.00, "Replacement card")

    login(page, "librarian")
    page.goto(f"/staff/fines?patron_id={patron_id}")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    row.get_by_label("Amount").fill("2.50")
    row.get_by_label("Method").select_option("CARD")
    row.get_by_role("button", name="Take payment").click()

    expect(page.get_by_role("status").first).to_contain_text("Payment of $2.50 taken")
    expect(page.get_by_test_id("outstanding")).to_have_text("$3.50")
    payment = committed.one("SELECT amount, method, received_by FROM payments WHERE fine_id = :f", {"f": fine_id})
    assert (float(payment["amount"]), payment["method"], payment["received_by"]) == (2.5, "CARD",
                                                                                      user_id(committed, "librarian"))
