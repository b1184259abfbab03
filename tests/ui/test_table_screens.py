"""Table screens write through the packages: create, edit, delete or deactivate as an IT admin or a
cataloger would, the refusals shown with the rule's code; row actions visible, the role picker picks
what was typed, no "-null-", and role grants that need a second administrator approved on the users screen."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from playwright.sync_api import Page, expect

from datalayer.session import Out
from services.passwords import hash_password
from tests.ui.helpers import login, user_id


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _error(page: Page):
    return page.locator(".invalid-feedback").first


def _row(page: Page, text: str):
    return page.locator("tbody tr", has_text=text)


def _confirm(page: Page, button: str) -> None:
    """Confirm a row action in its dialog; on success the list reloads with the flashed message."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _pick(page: Page, select_id: str, typed: str) -> None:
    """Type into a select2 picker and press Enter, as a person at the keyboard does."""
    search = page.locator(f"#{select_id} + .select2 .select2-search__field")
    search.click()
    search.press_sequentially(typed)
    expect(page.locator(".select2-results__option--highlighted")).to_be_visible()
    search.press("Enter")


def _selected(page: Page, select_id: str) -> list[str]:
    return page.locator(f"#{select_id}").evaluate("el => Array.from(el.selectedOptions).map(o => o.value)")


def _staff_account(s, roles: str, actor: int | None = None) -> tuple[int, str]:
    """An account made by lib_auth (no actor: every role granted at once), committed."""
    name = "t" + uuid.uuid4().hex[:10]
    s.set_actor(actor)
    (uid,) = s.call("lib_auth.create_user", name, hash_password(f"{name}-pass"), f"Test {name}", None, roles,
                    Out(int))
    s.commit()
    return uid, name


def _roles(s, uid: int) -> set[str]:
    return {r["code"] for r in s.rows("SELECT r.code FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id "
                                      "WHERE ur.user_id = :u", {"u": uid})}


# ---- the admin-screen defects ----------------------------------------------------------------------

def test_row_actions_show_their_icons(page, new_page, server, committed):
    uid, name = _staff_account(committed, "LIBRARIAN")
    committed.execute("UPDATE users SET account_locked = 'Y' WHERE user_id = :u", {"u": uid})
    committed.commit()

    login(page, "cataloger")
    page.goto("/staff/admin/material/list")
    cover = page.get_by_role("link", name="Upload cover").first
    expect(cover).to_be_visible()
    expect(cover.locator("i")).to_have_class("fa-solid fa-image")
    page.goto("/staff/admin/copy/list")
    expect(page.get_by_role("link", name="Withdraw").first).to_be_visible()

    page = new_page(server.url)
    login(page, "itadmin")
    page.goto(f"/staff/admin/user/list?q={name}")
    row = _row(page, name)
    for action in ("Unlock", "Set password", "Deactivate"):
        expect(row.get_by_role("link", name=action)).to_be_visible()
    expect(row.get_by_role("link", name="Delete")).to_have_count(0)
    assert "None" not in (row.locator("a i").evaluate_all("els => els.map(e => e.className)"))


def test_the_role_picker_assigns_the_role_that_was_typed(page, committed):
    name = "pick" + uuid.uuid4().hex[:8]
    login(page, "itadmin")
    page.goto("/staff/admin/user/create")
    page.fill("#username", name)
    page.fill("#full_name", "Ada Picker")
    page.fill("#password", "picker-pass-123")
    _pick(page, "roles", "Lib")  # "Lib" once picked Patron, whose description says "Library member"
    assert _selected(page, "roles") == ["LIBRARIAN"]
    _save(page)
    expect(page).to_have_url("/staff/admin/user/list")
    assert _roles(committed, user_id(committed, name)) == {"LIBRARIAN"}


def test_deactivate_is_named_so_and_keeps_the_account(page, committed):
    uid, name = _staff_account(committed, "LIBRARIAN")
    login(page, "itadmin")
    page.goto(f"/staff/admin/user/list?q={name}")
    _row(page, name).get_by_role("link", name="Deactivate").click()
    _confirm(page, "Deactivate")
    expect(page.locator("body")).to_contain_text("The account was deactivated.")
    assert committed.one("SELECT is_active FROM users WHERE user_id = :u", {"u": uid}) == {"is_active": "N"}


def test_empty_values_show_any_or_nothing_never_null(page):
    login(page, "itadmin")
    page.goto("/staff/admin/policy/list")
    default = page.locator("tbody tr").filter(has=page.locator("td[data-column=branch]", has_text="Any"))
    expect(default.locator("td[data-column=patron_category]").first).to_have_text("Any")
    for path in ("/staff/admin/policy/list", "/staff/admin/user/list", "/staff/admin/closed-day/list",
                 "/staff/admin/branch/list", "/staff/admin/setting/list"):
        page.goto(path)
        expect(page.locator("main, body").first).not_to_contain_text("-null-")
        expect(page.locator("main, body").first).not_to_contain_text("-empty-")


# ---- writes through the packages -------------------------------------------------------------------

def test_branch_code_taken_is_refused_and_a_branch_is_closed_by_editing_it(page, committed):
    login(page, "itadmin")
    page.goto("/staff/admin/branch/create")
    page.fill("#code", "main")
    page.fill("#name", "Second main")
    _save(page)
    expect(_error(page)).to_contain_text("BRANCH_CODE_TAKEN")

    code = "E" + uuid.uuid4().hex[:6].upper()
    page.fill("#code", code)
    page.fill("#name", "East Reading Room")
    _save(page)
    expect(page).to_have_url("/staff/admin/branch/list")
    branch_id = committed.scalar("SELECT branch_id FROM branches WHERE code = :c", {"c": code})
    page.goto(f"/staff/admin/branch/edit?pk={branch_id}")
    page.select_option("#is_active", "N")
    page.fill("#phone", "555-0101")
    _save(page)
    expect(page).to_have_url("/staff/admin/branch/list")
    assert committed.one("SELECT is_active, phone FROM branches WHERE branch_id = :b", {"b": branch_id}) == \
        {"is_active": "N", "phone": "555-0101"}


def test_a_policy_is_validated_created_and_deleted(page, committed):
    login(page, "itadmin")
    page.goto("/staff/admin/policy/create")
    page.select_option("#patron_category", "STAFF")
    page.select_option("#material_type", "MAP")
    page.fill("#daily_fine", "-0.50")
    _save(page)
    expect(_error(page)).to_contain_text("INVALID_POLICY")

    page.fill("#daily_fine", "0.10")
    page.select_option("#patron_category", "")
    page.select_option("#material_type", "")
    _save(page)  # any branch, any category, any type: the default policy's scope
    expect(_error(page)).to_contain_text("POLICY_SCOPE_TAKEN")

    page.select_option("#patron_category", "STAFF")
    page.select_option("#material_type", "MAP")
    _save(page)
    expect(page).to_have_url("/staff/admin/policy/list")
    policy_id = committed.scalar("SELECT policy_id FROM circ_policies WHERE branch_id IS NULL "
                                 "AND patron_category = 'STAFF' AND material_type = 'MAP'")
    assert committed.scalar("SELECT daily_fine FROM circ_policies WHERE policy_id = :p", {"p": policy_id}) == \
        Decimal("0.10")

    row = page.locator("tbody tr").filter(has=page.locator("td[data-column=policy_id]", has_text=str(policy_id)))
    row.get_by_role("link", name="Delete").click()
    _confirm(page, "Yes, delete")
    expect(page.locator("body")).to_contain_text("successfully deleted")
    assert committed.scalar("SELECT COUNT(*) FROM circ_policies WHERE policy_id = :p", {"p": policy_id}) == 0


def test_a_setting_is_checked_by_its_type_and_range(page, committed):
    login(page, "itadmin")
    try:
        page.goto("/staff/admin/setting/edit?pk=MAX_FAILED_LOGINS")
        page.fill("#value", "50")
        _save(page)
        expect(_error(page)).to_contain_text("INVALID_SETTING_VALUE")
        assert committed.scalar("SELECT value FROM app_settings WHERE name = 'MAX_FAILED_LOGINS'") == "5"
        page.fill("#value", " 7 ")
        _save(page)
        expect(page).to_have_url("/staff/admin/setting/list")
        assert committed.scalar("SELECT value FROM app_settings WHERE name = 'MAX_FAILED_LOGINS'") == "7"
    finally:
        committed.execute("UPDATE app_settings SET value = '5' WHERE name = 'MAX_FAILED_LOGINS'")
        committed.commit()


def test_a_closed_day_is_deleted_through_the_package(page, committed):
    committed.set_actor(None)
    (cd,) = committed.call("lib_admin.add_closed_day", None, datetime(2097, 7, 7), "Gone soon",
                           Out(int))
    committed.commit()
    login(page, "itadmin")
    page.goto("/staff/admin/closed-day/list")
    row = page.locator("tbody tr", has_text="Gone soon")
    expect(row.locator("td[data-column=branch]")).to_have_text("Every branch")
    row.get_by_role("link", name="Delete").click()
    _confirm(page, "Yes, delete")
    expect(page.locator("tbody tr", has_text="Gone soon")).to_have_count(0)
    assert committed.scalar("SELECT COUNT(*) FROM closed_days WHERE closed_day_id = :c", {"c": cd}) == 0


def test_genres_and_authors_through_lib_catalog(page, committed):
    genre = "Genre " + uuid.uuid4().hex[:6]
    author = "Imre " + uuid.uuid4().hex[:6].capitalize()
    login(page, "cataloger")
    page.goto("/staff/admin/genre/create")
    page.fill("#name", genre)
    _save(page)
    expect(page).to_have_url("/staff/admin/genre/list")
    page.goto("/staff/admin/genre/create")
    page.fill("#name", genre.upper())
    _save(page)
    expect(_error(page)).to_contain_text("GENRE_NAME_TAKEN")

    page.goto("/staff/admin/author/create")
    page.fill("#full_name", author)
    page.fill("#birth_year", "1990")
    page.fill("#death_year", "1980")
    _save(page)
    expect(_error(page)).to_contain_text("INVALID_AUTHOR_DATA")
    page.fill("#death_year", "")
    _save(page)
    expect(page).to_have_url("/staff/admin/author/list")
    row = committed.one("SELECT author_id, sort_name, birth_year FROM authors WHERE full_name = :n", {"n": author})
    assert row["sort_name"] == author.split()[1] + ", Imre" and row["birth_year"] == 1990

    page.goto(f"/staff/admin/author/list?q={author.split()[1]}")
    _row(page, author).get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(_row(page, author)).to_have_count(0)
    assert committed.scalar("SELECT COUNT(*) FROM authors WHERE author_id = :a", {"a": row["author_id"]}) == 0


# ---- separation of duties --------------------------------------------------------------------------

def test_an_it_admin_cannot_give_themself_branch_manager(page, committed):
    itadmin = user_id(committed, "itadmin")
    login(page, "itadmin")
    page.goto(f"/staff/admin/user/edit?pk={itadmin}")
    _pick(page, "roles", "Branch")
    _save(page)
    expect(_error(page)).to_contain_text("OWN_ROLES_CHANGE")
    assert _roles(committed, itadmin) == {"IT_ADMIN"}


def test_a_sensitive_role_waits_for_a_second_administrator_who_approves_it_on_the_users_screen(
        page, new_page, server, committed):
    requester, requester_name = _staff_account(committed, "IT_ADMIN")
    uid, name = _staff_account(committed, "LIBRARIAN")

    login(page, requester_name, f"{requester_name}-pass")
    page.goto(f"/staff/admin/user/edit?pk={uid}")
    _pick(page, "roles", "Branch")
    _save(page)
    expect(page).to_have_url("/staff/admin/user/list")
    expect(page.locator("body")).to_contain_text("Awaiting approval by a second user administrator: Branch manager")
    assert _roles(committed, uid) == {"LIBRARIAN"}
    page.goto(f"/staff/admin/user/list?q={name}")
    expect(_row(page, name).locator("td[data-column=pending_roles]")).to_have_text(
        f"Branch manager (asked by {requester_name})")
    _row(page, name).get_by_role("link", name="Approve roles").click()
    page.get_by_role("button", name="Approve", exact=True).click()  # refused: no reload
    expect(page.locator("#alertContainer")).to_contain_text("SECOND_APPROVER_REQUIRED")
    assert _roles(committed, uid) == {"LIBRARIAN"}

    page = new_page(server.url)
    login(page, "itadmin")
    page.goto(f"/staff/admin/user/list?q={name}")
    _row(page, name).get_by_role("link", name="Approve roles").click()
    expect(page.get_by_label("Branch manager")).to_be_checked()
    _confirm(page, "Approve")
    expect(page.locator("body")).to_contain_text("1 role(s) granted")
    assert _roles(committed, uid) == {"LIBRARIAN", "BRANCH_MANAGER"}
    itadmin = user_id(committed, "itadmin")
    trail = committed.rows("SELECT table_name, action, actor_user_id FROM audit_log WHERE "
                           "(table_name = 'role_requests' AND row_id IN (SELECT request_id FROM role_requests "
                           "WHERE user_id = :u)) OR (table_name = 'user_roles' AND row_id = :u AND action = 'INSERT' "
                           "AND actor_user_id = :a) ORDER BY audit_id", {"u": uid, "a": itadmin})
    assert [(t["table_name"], t["action"], t["actor_user_id"]) for t in trail] == [
        ("role_requests", "INSERT", requester), ("role_requests", "UPDATE", itadmin), ("user_roles", "INSERT", itadmin)]
