"""Declaring lost a copy that is not on loan, in a browser (issue 13): from the transits list (a copy that never
arrived) and from the title's holdings, confirmed with a reason, for staff holding CIRC_RETURN only."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from playwright.sync_api import expect

from datalayer.session import Out
from services.passwords import hash_password
from tests.ui.helpers import checkout, login, named_patron

CHECKIN_OUT = (Out(int), Out(int), Out(datetime), Out(int), Out(Decimal), Out(int), Out(int), Out(str), Out(int),
               Out(str))


def _in_transit_home(committed, factory, title: str) -> tuple[int, str]:
    """A copy of MAIN returned at another branch: IN_TRANSIT home, listed on MAIN's transits."""
    main = factory.main_branch()
    copy = factory.copy(factory.material(title=title), main)
    patron_id, _ = named_patron(committed, main, "Ruth", "Okafor")
    committed.commit()
    loan_id = checkout(committed, patron_id, copy)
    committed.set_actor(None)
    committed.call("lib_circulation.checkin_desk", loan_id, None, None, factory.branch("East"), None, None,
                   *CHECKIN_OUT)
    committed.commit()
    return copy, factory.barcode(copy)


def _status(committed, copy: int) -> str:
    status = committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy})
    committed.rollback()
    return status


def test_a_copy_that_never_arrived_is_declared_lost_from_the_transits_list(page, factory, committed):
    copy, barcode = _in_transit_home(committed, factory, "Harbour Lights")
    login(page, "librarian")
    page.goto("/staff/desk/transits")
    row = page.get_by_test_id("transit").filter(has_text=barcode)
    expect(row).to_contain_text("Harbour Lights")
    row.get_by_text("Declare lost…").click()
    row.get_by_test_id("lost-reason").fill("never arrived from East")
    row.get_by_role("button", name="Declare this copy lost").click()
    expect(page.locator("body")).to_contain_text(f"Declared lost: “Harbour Lights” ({barcode})")
    expect(page.get_by_test_id("transit").filter(has_text=barcode)).to_have_count(0)
    assert _status(committed, copy) == "LOST"


def test_a_missing_copy_is_declared_lost_from_the_titles_holdings_by_staff_with_circ_return(new_page, server,
                                                                                               factory, committed):
    main = factory.main_branch()
    material = factory.material(title="Quiet Shelf")
    copy = factory.copy(material, main)
    committed.commit()
    barcode = factory.barcode(copy)

    name = "t" + uuid.uuid4().hex[:10]  # a cataloger who also works the desk
    committed.set_actor(None)
    committed.call("lib_auth.create_user", name, hash_password(f"{name}-pass"), f"Test {name}", None,
                   "CATALOGER,LIBRARIAN", Out(int))
    committed.commit()

    cataloger = new_page(server.url)
    login(cataloger, "cataloger")  # CATALOG_EDIT without CIRC_RETURN: no such button
    cataloger.goto(f"/staff/admin/material/detail?pk={material}")
    expect(cataloger.get_by_test_id("holding")).to_have_count(1)
    expect(cataloger.get_by_test_id("declare-lost")).to_have_count(0)

    page = new_page(server.url)
    login(page, name)
    page.goto(f"/staff/admin/material/detail?pk={material}")
    holding = page.get_by_test_id("holding").filter(has_text=barcode)
    holding.get_by_text("Declare lost…").click()
    holding.get_by_test_id("lost-reason").fill("not found at inventory")
    holding.get_by_role("button", name="Declare this copy lost").click()
    holding = page.get_by_test_id("holding").filter(has_text=barcode)
    expect(holding.get_by_test_id("holding-status")).to_have_text("Lost")
    expect(holding.get_by_test_id("declare-lost")).to_have_count(0)
    assert _status(committed, copy) == "LOST"
