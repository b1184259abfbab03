"""Holds at the desk: the pull list of the desk's branch and capturing a pulled copy for the queue."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.ui.helpers import csrf_token, login, named_patron, place_hold


def test_librarian_pulls_a_copy_from_the_pull_list_and_captures_it_for_the_hold(page, factory, committed):
    main = factory.main_branch()
    title = f"The Lantern Almanac {uuid.uuid4().hex[:6]}"
    patron_id, card = named_patron(committed, main, "Ilse", "Varga")
    material = factory.material(title=title)
    copy = factory.copy(material_id=material, branch_id=main)
    idle = factory.copy(material_id=factory.material(title="Nobody Waits For This"), branch_id=main)
    committed.commit()
    hold = place_hold(committed, patron_id, material, main)
    barcode, idle_barcode = (committed.scalar("SELECT barcode FROM copies WHERE copy_id = :c", {"c": c})
                             for c in (copy, idle))

    login(page, "librarian")
    page.goto("/staff/holds")
    page.get_by_role("link", name="Pull list").click()
    row = page.get_by_test_id("pull-table").locator("tr", has_text=title)
    expect(row).to_contain_text(barcode)

    page.get_by_label("Copy barcode").fill(barcode)
    page.get_by_role("button", name="Capture").click()
    expect(page.get_by_test_id("hold-slip")).to_contain_text("Put on the hold shelf for Ilse Varga")
    expect(page.get_by_test_id("pull-table")).not_to_contain_text(title)     # nothing left to pull for it
    assert committed.one("SELECT status, copy_id FROM holds WHERE hold_id = :h", {"h": hold}) == \
        {"status": "READY", "copy_id": copy}
    assert committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "ON_HOLD_SHELF"

    page.get_by_label("Copy barcode").fill(idle_barcode)                    # nobody waits: back to the shelf
    page.get_by_role("button", name="Capture").click()
    expect(page.get_by_test_id("capture-result")).to_have_attribute("data-kind", "info")
    assert committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": idle}) == "AVAILABLE"

    page.get_by_label("Copy barcode").fill("NO-SUCH-BARCODE")
    page.get_by_role("button", name="Capture").click()
    expect(page.get_by_test_id("capture-result")).to_have_attribute("data-code", "COPY_NOT_FOUND")


def test_a_librarian_without_hold_manage_cannot_capture(page, factory, committed):
    copy = factory.copy(branch_id=factory.main_branch())
    committed.commit()
    barcode = committed.scalar("SELECT barcode FROM copies WHERE copy_id = :c", {"c": copy})
    login(page, "cataloger")                                                  # staff, without HOLD_MANAGE
    page.goto("/staff/")
    response = page.request.post("/staff/holds/capture", form={"csrf_token": csrf_token(page), "barcode": barcode})
    assert response.status == 403
    assert committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"
