"""Cataloging screens (issue 14) in a browser: the title page shows the cover and the holdings (status, due
date, who has it for staff allowed to see patrons), copies are edited where the rules allow, hiding and
deleting a title are refused while it circulates or has history, covers show in lists and at the desk, and
the table screens wear the desk's frame and error page."""
from __future__ import annotations

import io
import uuid

from PIL import Image
from playwright.sync_api import Page, expect

from datalayer.session import Out
from services.passwords import hash_password
from tests.ui.helpers import checkout, login, named_patron, scan


def _account(s, roles: str) -> str:
    name = "t" + uuid.uuid4().hex[:10]
    s.set_actor(None)
    s.call("lib_auth.create_user", name, hash_password(f"{name}-pass"), f"Test {name}", None, roles, Out(int))
    s.commit()
    return name


def _title(s, title: str, authors: str | None = None) -> int:
    s.set_actor(None)
    (material_id,) = s.call("lib_catalog.add_material", title, None, None, None, None, None, 2001, None, None, None,
                            authors, Out(int))
    s.commit()
    return material_id


def _copy(s, material_id: int, branch_id: int, call_number: str | None = None) -> tuple[int, str]:
    s.set_actor(None)
    (copy_id,) = s.call("lib_catalog.add_copy", material_id, branch_id, None, "Fiction", None, Out(int))
    if call_number:
        s.call("lib_catalog.update_copy", copy_id, branch_id, call_number, "Fiction", None)
    s.commit()
    return copy_id, s.scalar("SELECT barcode FROM copies WHERE copy_id = :c", {"c": copy_id})


def _upload_cover(page: Page, material_id: int, tmp_path) -> None:
    image = tmp_path / "cover.png"
    buf = io.BytesIO()
    Image.new("RGB", (300, 450), (120, 30, 60)).save(buf, "PNG")
    image.write_bytes(buf.getvalue())
    page.goto(f"/staff/covers/{material_id}")
    page.set_input_files("#cover", str(image))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("cover-done")).to_be_visible()


def _loaded(img) -> bool:
    return img.evaluate("el => el.complete && el.naturalWidth > 0")


def _confirm(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _row_action(page: Page, title: str, action: str) -> None:
    """A row action of a title, from the titles list searched for it."""
    page.goto(f"/staff/admin/material/list?q={title.split()[-1]}")
    page.locator("tbody tr", has_text=title).get_by_role("link", name=action).click()


def test_title_page_shows_the_cover_and_the_holdings_with_status_due_date_and_borrower(page, committed, factory,
                                                                                         tmp_path):
    main = factory.main_branch()
    word = uuid.uuid4().hex[:6]
    material_id = _title(committed, f"The Orchard Ledger {word}", authors=f"Maren Quillfeather{word}")
    lent, lent_barcode = _copy(committed, material_id, main, "823.9 QUI")
    _, shelf_barcode = _copy(committed, material_id, main, "823.10 QUI")
    patron_id, card = named_patron(committed, main, "Odile", "Brandt")
    committed.commit()
    checkout(committed, patron_id, lent)
    both = _account(committed, "CATALOGER,LIBRARIAN")

    login(page, both)
    _upload_cover(page, material_id, tmp_path)
    page.goto(f"/staff/admin/material/detail?pk={material_id}")
    cover = page.get_by_test_id("title-cover")
    expect(cover).to_be_visible()
    assert _loaded(cover)
    expect(page.locator("body")).not_to_contain_text("-null-")
    holdings = page.get_by_test_id("holding")
    expect(holdings).to_have_count(2)
    on_loan = holdings.filter(has_text=lent_barcode)
    expect(on_loan.get_by_test_id("holding-status")).to_have_text("On loan")
    expect(on_loan.get_by_test_id("holding-due")).to_have_text(
        str(committed.scalar("SELECT due_at FROM loans WHERE copy_id = :c", {"c": lent}))[:10])
    expect(on_loan.get_by_test_id("holding-who")).to_contain_text(f"Odile Brandt ({card})")
    expect(holdings.filter(has_text=shelf_barcode).get_by_test_id("holding-status")).to_have_text("Available")
    # the shelf's order: 823.9 before 823.10 is a decimal's order, the sort key's
    expect(holdings.first).to_contain_text("823.10 QUI")

    # a cataloger without PATRON_VIEW sees the holdings, not who has them
    page.context.clear_cookies()
    login(page, "cataloger")
    page.goto(f"/staff/admin/material/detail?pk={material_id}")
    expect(page.get_by_test_id("holding")).to_have_count(2)
    expect(page.get_by_test_id("holding-who")).to_have_count(0)
    expect(page.get_by_test_id("holdings")).not_to_contain_text("Brandt")

    # staff search finds the title by its author, the list shows its cover
    page.goto(f"/staff/admin/material/list?q=Quillfeather{word}")
    row = page.locator("tbody tr", has_text=f"The Orchard Ledger {word}")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("list-cover")).to_be_visible()
    assert _loaded(row.get_by_test_id("list-cover"))

    # at the desk, the returned copy shows its cover
    page.context.clear_cookies()
    login(page, "librarian")
    page.goto("/staff/desk/return")
    result = scan(page, lent_barcode)
    expect(result.get_by_test_id("desk-cover")).to_be_visible()
    assert _loaded(result.get_by_test_id("desk-cover"))


def test_cataloger_edits_a_copy_and_a_branch_change_on_loan_is_refused(page, committed, factory):
    main = factory.main_branch()
    other_name = f"Riverside {uuid.uuid4().hex[:6]}"
    factory.branch(other_name)
    material_id = _title(committed, f"The Copper Atlas {uuid.uuid4().hex[:6]}")
    copy_id, _ = _copy(committed, material_id, main)
    lent, _ = _copy(committed, material_id, main)
    patron_id, _ = named_patron(committed, main, "Tomas", "Ekberg")
    committed.commit()
    checkout(committed, patron_id, lent)

    login(page, "cataloger")
    page.goto(f"/staff/admin/copy/edit?pk={copy_id}")
    page.fill("#call_number", "QA76.73 .P98")
    page.fill("#shelf_location", "Computing")
    page.fill("#price", "31.50")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    row = committed.one("SELECT call_number, call_number_sort, shelf_location, price FROM copies WHERE copy_id = :c",
                        {"c": copy_id})
    assert (row["call_number"], row["call_number_sort"], row["shelf_location"], str(row["price"])) == \
        ("QA76.73 .P98", "QA000000076.73 .P98", "Computing", "31.50")

    page.goto(f"/staff/admin/copy/edit?pk={lent}")
    page.locator("#branch + .select2 .select2-selection").click()  # the branch picker (select2)
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(other_name)
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text(other_name)
    search.press("Enter")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("COPY_BRANCH_LOCKED")
    assert committed.scalar("SELECT branch_id FROM copies WHERE copy_id = :c", {"c": lent}) == main


def test_delete_and_hide_are_refused_while_a_title_circulates_or_has_history(page, committed, factory):
    main = factory.main_branch()
    word = uuid.uuid4().hex[:6]
    busy_title, fresh_title = f"The Busy Lighthouse {word}", f"The Unread Meridian {word}"
    busy = _title(committed, busy_title)
    busy_copy, _ = _copy(committed, busy, main)
    patron_id, _ = named_patron(committed, main, "Lena", "Okafor")
    committed.commit()
    checkout(committed, patron_id, busy_copy)
    fresh = _title(committed, fresh_title)

    login(page, "cataloger")
    _row_action(page, busy_title, "Hide from the catalog")
    _confirm(page, "Hide")
    expect(page.locator("body")).to_contain_text("MATERIAL_IN_CIRCULATION")
    assert committed.scalar("SELECT is_hidden FROM materials WHERE material_id = :m", {"m": busy}) == "N"

    _row_action(page, busy_title, "Delete")
    _confirm(page, "Yes, delete")
    expect(page.locator("body")).to_contain_text("MATERIAL_IN_CIRCULATION")
    assert committed.scalar("SELECT COUNT(*) FROM materials WHERE material_id = :m", {"m": busy}) == 1

    # returned: it has history now, so it is hidden, not deleted
    committed.set_actor(None)
    committed.call("lib_circulation.checkin", busy_copy, None, None, None, Out(int), Out(int), Out(float), Out(int))
    committed.commit()
    _row_action(page, busy_title, "Delete")
    _confirm(page, "Yes, delete")
    expect(page.locator("body")).to_contain_text("MATERIAL_HAS_HISTORY")
    _row_action(page, busy_title, "Hide from the catalog")
    _confirm(page, "Hide")
    expect(page.locator("body")).to_contain_text("The title is hidden from the public catalog.")
    page.goto(f"/staff/admin/material/detail?pk={busy}")
    expect(page.get_by_test_id("title-hidden")).to_be_visible()
    assert committed.scalar("SELECT is_hidden FROM materials WHERE material_id = :m", {"m": busy}) == "Y"

    _row_action(page, fresh_title, "Delete")
    _confirm(page, "Yes, delete")
    expect(page.locator("tbody tr", has_text=fresh_title)).to_have_count(0)
    assert committed.scalar("SELECT COUNT(*) FROM materials WHERE material_id = :m", {"m": fresh}) == 0


def test_table_screens_wear_the_desk_frame_and_error_page(page):
    login(page, "cataloger")
    page.goto("/staff/admin/material/list")
    expect(page.locator("header.topbar")).to_contain_text("Library staff")
    nav = page.get_by_test_id("staff-nav")
    expect(nav.get_by_role("link", name="Catalog")).to_be_visible()
    expect(nav.get_by_role("link", name="Copies")).to_be_visible()
    response = page.goto("/staff/admin/user/list")  # USER_ADMIN only
    assert response.status == 403
    expect(page.get_by_test_id("error-message")).to_contain_text("permission")
    expect(page.locator("header.topbar")).to_be_visible()
