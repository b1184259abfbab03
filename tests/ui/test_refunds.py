"""Refunds at the desk: a branch manager pays back part or all of what was paid on a fine, with a reason and a
method, after a confirmation step, and prints the refund receipt; a librarian gets no refund button."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from datalayer.session import Out
from tests.ui.helpers import add_charge, csrf_token, login, named_patron, user_id


def _paid_charge(s, patron_id: int, amount: float, description: str) -> int:
    fine_id = add_charge(s, patron_id, amount, description)
    s.set_actor(None)
    s.call("lib_fines.pay", fine_id, Decimal(str(amount)), "CASH", None, Out(int), Out(Decimal), Out(Decimal), Out(str))
    s.commit()
    return fine_id


def _refund_form(row):
    row.get_by_test_id("refund").locator("summary").click()   # the confirmation step: the form opens first
    return row.locator("form.refund-form")


def test_branch_manager_refunds_part_then_the_rest_and_prints_the_receipt(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Rhoda", "Vantongeren")
    committed.commit()
    fine_id = _paid_charge(committed, patron_id, 6.00, "Replacement card")

    login(page, "manager")
    page.goto(f"/staff/fines?patron_id={patron_id}&status=PAID")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    expect(row.get_by_role("button", name="Refund to the patron")).to_be_hidden()   # not before the step
    form = _refund_form(row)
    expect(form.get_by_label("Amount to refund")).to_have_value("6.00")
    form.get_by_label("Amount to refund").fill("2.50")
    form.get_by_label("Paid back by").select_option("CARD")
    form.get_by_label("Reason for the refund").fill("Card was charged twice")
    form.get_by_role("button", name="Refund to the patron").click()

    expect(page.get_by_role("status").first).to_contain_text("Refund of $2.50 paid back")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    expect(row.get_by_test_id("refunded")).to_have_text("$2.50 refunded")
    refund = committed.one("SELECT amount, method, refund_method, note, received_by FROM payments "
                           "WHERE fine_id = :f AND method = 'REFUND'", {"f": fine_id})
    assert refund == {"amount": Decimal("2.50"), "method": "REFUND", "refund_method": "CARD",
                      "note": "Card was charged twice", "received_by": user_id(committed, "manager")}

    page.goto(page.get_by_test_id("print-refund-receipt").get_attribute("href"))
    receipt = page.get_by_test_id("refund-receipt")
    expect(receipt).to_contain_text("Refund receipt")
    expect(receipt).to_contain_text("Card was charged twice")
    expect(page.get_by_test_id("receipt-total")).to_have_text("$2.50")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto(f"/staff/fines?patron_id={patron_id}&status=ALL")
    form = _refund_form(page.locator(f"tr[data-fine-id='{fine_id}']"))
    expect(form.get_by_label("Amount to refund")).to_have_value("3.50")
    form.get_by_label("Reason for the refund").fill("Charge cancelled")
    form.get_by_role("button", name="Refund to the patron").click()
    expect(page.get_by_role("status").first).to_contain_text("The fine is refunded")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    expect(row).to_contain_text("Refunded")
    expect(row.get_by_test_id("refund")).to_have_count(0)
    expect(page.get_by_test_id("outstanding")).to_have_text("$0.00")
    assert committed.scalar("SELECT status FROM fines WHERE fine_id = :f", {"f": fine_id}) == "REFUNDED"


def test_a_refund_above_what_was_paid_is_refused_and_changes_nothing(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Silas", "Oyelaran")
    committed.commit()
    fine_id = _paid_charge(committed, patron_id, 3.00, "Damaged case")

    login(page, "manager")
    page.goto(f"/staff/fines?patron_id={patron_id}&status=PAID")
    form = _refund_form(page.locator(f"tr[data-fine-id='{fine_id}']"))
    form.get_by_label("Amount to refund").fill("3.01")
    form.get_by_label("Reason for the refund").fill("Too much")
    form.get_by_role("button", name="Refund to the patron").click()
    expect(page.locator(".notice-error, [role=alert]").first).to_contain_text("REFUND_EXCEEDS_PAID")
    assert committed.scalar("SELECT COUNT(*) FROM payments WHERE fine_id = :f AND method = 'REFUND'",
                            {"f": fine_id}) == 0


def test_librarian_sees_no_refund_button_and_is_refused_when_posting_a_refund(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Tobin", "Achterberg")
    committed.commit()
    fine_id = _paid_charge(committed, patron_id, 2.00, "Lost bookmark")

    login(page, "librarian")
    page.goto(f"/staff/fines?patron_id={patron_id}&status=PAID")
    row = page.locator(f"tr[data-fine-id='{fine_id}']")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("refund")).to_have_count(0)
    response = page.request.post(f"/staff/fines/{fine_id}/refund",
                                 form={"csrf_token": csrf_token(page), "amount": "1.00", "method": "CASH",
                                       "reason": "trying anyway", "patron_id": str(patron_id)})
    assert response.status == 403
    assert committed.scalar("SELECT COUNT(*) FROM payments WHERE fine_id = :f AND method = 'REFUND'",
                            {"f": fine_id}) == 0
