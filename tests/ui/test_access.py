"""Who may open what: patrons see no staff page, forms need their CSRF token, navigation follows permissions."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.ui.helpers import csrf_token, login, scan

STAFF_PAGES = ("/staff/", "/staff/desk", "/staff/desk/return", "/staff/desk/renew", "/staff/desk/history",
               "/staff/patrons", "/staff/patrons/1", "/staff/holds", "/staff/fines", "/staff/fines/payments",
               "/staff/health", "/staff/admin/", "/staff/admin/material/list", "/staff/admin/user/list")


def test_patron_account_cannot_open_any_staff_page(page):
    login(page, "patron1")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("navigation", name="Staff sections")).to_have_count(0)
    for path in STAFF_PAGES:
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_test_id("error-message")).to_contain_text("no staff permissions")


def test_signed_out_visitor_is_sent_to_the_login_page(page):
    page.goto("/staff/fines")
    expect(page).to_have_url("/staff/login?next=%2Fstaff%2Ffines")
    page.goto("/staff/admin/branch/list")
    expect(page.get_by_role("heading", name="Sign in to the staff desk")).to_be_visible()


def test_wrong_password_is_refused_with_the_account_rule(page):
    login(page, "librarian", "not-the-password")
    expect(page.locator("[data-code=INVALID_CREDENTIALS]")).to_contain_text("Wrong username or password")


def test_form_posted_without_its_csrf_token_is_refused(page, factory, committed):
    main = factory.main_branch()
    copy_id = factory.copy(factory.material(title="Token Test"), main)
    patron_id = factory.patron(main)
    committed.commit()
    card = committed.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron_id})
    barcode = factory.barcode(copy_id)
    login(page, "librarian")
    page.goto(f"/staff/desk?card={card}")
    token = csrf_token(page)

    missing = page.request.post("/staff/desk/checkout", form={"card": card, "barcode": barcode})
    wrong = page.request.post("/staff/desk/checkout", form={"card": card, "barcode": barcode, "csrf_token": token[::-1]})
    admin = page.request.post("/staff/admin/branch/create", form={"code": "XTOKEN", "name": "No token"})
    assert (missing.status, wrong.status, admin.status) == (403, 403, 403)

    page.locator("#checkout-form input[name=csrf_token]").evaluate("(el) => el.remove()")
    refused = scan(page, barcode)
    expect(refused).to_contain_text("security token is missing")
    assert committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy_id}) == "AVAILABLE"
    assert committed.scalar("SELECT COUNT(*) FROM branches WHERE code = 'XTOKEN'") == 0

    accepted = page.request.post("/staff/desk/checkout", form={"card": card, "barcode": barcode, "csrf_token": token})
    assert accepted.status == 200
    assert committed.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy_id}) == "ON_LOAN"


def test_navigation_is_built_from_the_users_permissions(new_page, server):
    expected = {"librarian": ({"checkout", "return", "patrons", "holds", "fines"}, {"catalog", "health", "users", "audit"}),
                "cataloger": ({"catalog"}, {"checkout", "patrons", "health", "users"}),
                "itadmin": ({"health", "users", "audit", "settings"}, {"checkout", "patrons", "fines", "catalog"})}
    for username, (shown, hidden) in expected.items():
        page = new_page(server.url)
        login(page, username)
        nav = page.get_by_role("navigation", name="Staff sections")
        keys = set(nav.locator("[data-nav]").evaluate_all("(els) => els.map((e) => e.dataset.nav)"))
        assert shown <= keys, (username, keys)
        assert not (hidden & keys), (username, keys)


def test_cataloger_cannot_open_the_desk_and_librarian_cannot_open_the_catalog_tables(new_page, server):
    cataloger = new_page(server.url)
    login(cataloger, "cataloger")
    assert cataloger.goto("/staff/desk").status == 403
    assert cataloger.goto("/staff/admin/material/list").status == 200
    librarian = new_page(server.url)
    login(librarian, "librarian")
    assert librarian.goto("/staff/admin/material/list").status == 403
    assert librarian.goto("/staff/health").status == 403


def test_session_cookie_is_httponly_and_samesite_strict(page, server):
    login(page, "librarian")
    cookie = next(c for c in page.context.cookies() if c["name"] == "ils_staff")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/staff"


def test_deactivated_account_is_signed_out_at_its_next_page(page, factory, committed):
    from services.passwords import hash_password
    user = factory.user(roles=("LIBRARIAN",), username=f"temp{uuid.uuid4().hex[:8]}",
                        password_hash=hash_password("temporary-pass"))
    committed.commit()
    username = committed.scalar("SELECT username FROM users WHERE user_id = :u", {"u": user})
    login(page, username, "temporary-pass")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    committed.set_actor(None)
    committed.call("lib_auth.deactivate_user", user)
    committed.commit()
    page.goto("/staff/desk")
    expect(page.get_by_role("heading", name="Sign in to the staff desk")).to_be_visible()
