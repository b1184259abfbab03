"""Steps shared by the UI tests: signing in, scanning at the desk, screenshots, arranging rows."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from datalayer.session import Out, Session

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTIFACTS = ROOT / "tests" / "artifacts"


def login(page: Page, username: str, password: str | None = None) -> None:
    """Sign in through the login form (Enter submits, like at the desk)."""
    page.goto("/staff/login")
    page.fill("#username", username)
    page.fill("#password", password or f"{username}-pass")
    page.press("#password", "Enter")
    page.wait_for_load_state("domcontentloaded")


def scan(page: Page, barcode: str):
    """Type a barcode into the desk's scan field and press Enter; returns the new (topmost) result."""
    results = page.get_by_test_id("scan-result")
    before = results.count()
    field = page.locator("[data-scan-field]")
    field.fill(barcode)
    field.press("Enter")
    expect(results).to_have_count(before + 1)
    return results.first


def save_screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def csrf_token(page: Page) -> str:
    return page.locator("input[name=csrf_token]").first.input_value()


def user_id(s: Session, username: str) -> int:
    return s.scalar("SELECT user_id FROM users WHERE username = :u", {"u": username})


def named_patron(s: Session, branch_id: int, first: str, last: str, **values) -> tuple[int, str]:
    """An ACTIVE adult patron with a real-looking name; returns (patron_id, card_number)."""
    card = "29" + uuid.uuid4().int.__str__()[:12]
    patron_id = s.insert("patrons", {"card_number": card, "first_name": first, "last_name": last,
                                     "email": f"{first}.{last}.{card[-5:]}@example.org".lower(), "category": "ADULT",
                                     "home_branch_id": branch_id, "status": "ACTIVE",
                                     "expires_on": values.pop("expires_on", datetime(2099, 12, 31)), **values},
                         "patron_id")
    return patron_id, card


def checkout(s: Session, patron_id: int, copy_id: int) -> int:
    """A loan made by the package as the system (arrange step), committed."""
    s.set_actor(None)
    loan_id, _ = s.call("lib_circulation.checkout", patron_id, copy_id, None, "N", None, None, Out(int), Out(datetime))
    s.commit()
    return loan_id


def place_hold(s: Session, patron_id: int, material_id: int, branch_id: int) -> int:
    s.set_actor(None)
    hold_id, _ = s.call("lib_holds.place", patron_id, material_id, branch_id, Out(int), Out(int))
    s.commit()
    return hold_id


def add_charge(s: Session, patron_id: int, amount: float, description: str) -> int:
    s.set_actor(None)
    (fine_id,) = s.call("lib_fines.add_charge", patron_id, None, "MANUAL", Decimal(str(amount)), description,
                        Out(int))
    s.commit()
    return fine_id
