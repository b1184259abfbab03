"""Every write names its actor: each API route and each staff-UI form that writes, exercised once through
HTTP with valid input, leaves at least one new audit_log row whose actor is the signed-in user.

The writes are read from the app itself: the API's route table (POST, PUT, PATCH, DELETE), the staff
UI's form routes (POST) and its table screens (create, edit, delete and row actions of each view). A new
route, form or table action fails test_every_*_has_a_case until it gets a case below (or, for a form that
changes no database row, an entry in NO_DATABASE_WRITE with the reason).

Each case signs in a fresh account of the role it needs, arranges its rows (committed, as the system),
and returns the one request under test; the audit rows of that account after the request are the proof.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import httpx
import pytest

from api.deps import api_routes
from datalayer.session import Out, connect
from tests.api.conftest import PASSWORD, Account
from tests.factories import unique

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Case:
    actor: int | None              # the signed-in user the audit rows must name (None: nobody is signed in)
    request: Callable[[], httpx.Response]
    match: Callable[[dict], bool] | None = None  # which rows count when actor is None


class Env:
    """What a case needs: the HTTP client, accounts, committed arrange steps."""

    def __init__(self, client, people, arrange, url, monkeypatch=None):
        self.client, self.people, self.arrange, self.url = client, people, arrange, url
        self.monkeypatch = monkeypatch
        self.browsers: list[StaffBrowser] = []

    def browser(self) -> "StaffBrowser":
        b = StaffBrowser(self.client)
        self.browsers.append(b)
        return b

    def checkout(self, patron_id: int, copy_id: int) -> int:
        loan_id, _ = self.arrange.call("lib_circulation.checkout", patron_id, copy_id, None, "N", None, None, Out(int),
                                       Out(datetime))
        return loan_id

    def hold(self, patron_id: int, material_id: int, branch_id: int | None = None) -> int:
        hold_id, _ = self.arrange.call("lib_holds.place", patron_id, material_id, branch_id, Out(int), Out(int))
        return hold_id

    def staff(self, *roles: str) -> tuple[Account, "StaffBrowser"]:
        acct = self.people.make(*roles)
        return acct, self.browser().login(acct.username)


class StaffBrowser:
    """The staff UI as a browser without JavaScript sees it: the session cookie and the forms' CSRF tokens."""

    def __init__(self, client: httpx.Client):
        self.c = httpx.Client(base_url=str(client.base_url), timeout=30)

    def token(self, path: str = "/staff/account") -> str:
        html = self.c.get(path).text
        m = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, username: str, password: str = PASSWORD) -> "StaffBrowser":
        r = self.c.post("/staff/login", data={"username": username, "password": password, "next": "/staff/",
                                              "csrf_token": self.token("/staff/login")})
        assert r.status_code == 303, r.text[:300]
        return self

    def post(self, path: str, data: dict | None = None, files: dict | None = None) -> httpx.Response:
        return self.c.post("/staff" + path, data={**(data or {}), "csrf_token": self.token()}, files=files)

    # starlette-admin's table screens: its own signed double-submit token (cookie + form field)
    def admin_token(self, key: str) -> str:
        self.c.get(f"/staff/admin/{key}/list")
        return self.c.cookies.get("starlette_admin_csrftoken")

    def admin_post(self, key: str, path: str, data: dict) -> httpx.Response:
        return self.c.post(f"/staff/admin/{path}", data={**data, "csrftoken": self.admin_token(key)})


# ---- the API routes ---------------------------------------------------------------------------------

API: dict[str, Callable[[Env], Case]] = {}


def api(route: str):
    def register(fn):
        API[route] = fn
        return fn
    return register


@api("POST /api/auth/login")
def _login(e: Env) -> Case:
    a = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: e.client.post("/api/auth/login", json={"username": a.username, "password": PASSWORD}))


@api("POST /api/auth/register")
def _register(e: Env) -> Case:
    # nobody is signed in: the rows are the new account's own, written with no actor
    name = unique("reg").lower()
    return Case(None, lambda: e.client.post("/api/auth/register", json={
        "username": name, "password": PASSWORD, "full_name": "Self Registered", "email": f"{name}@example.org"}),
        match=lambda r: r["table_name"] == "users" and f"username={name}" in (r["new_values"] or ""))


@api("POST /api/patron/me/reserve/{material_id}")
def _reserve(e: Env) -> Case:
    a, material = e.people.make("PATRON"), e.arrange.material()
    return Case(a.user_id, lambda: e.client.post(f"/api/patron/me/reserve/{material}", headers=a.headers))


@api("DELETE /api/patron/me/holds/{hold_id}")
def _cancel_own_hold(e: Env) -> Case:
    a = e.people.make("PATRON")
    hold = e.hold(a.patron_id, e.arrange.material())
    return Case(a.user_id, lambda: e.client.delete(f"/api/patron/me/holds/{hold}", headers=a.headers))


@api("POST /api/patron/me/renew/{loan_id}")
def _renew_own(e: Env) -> Case:
    a = e.people.make("PATRON")
    loan = _lent_days_ago(e, a.patron_id)
    return Case(a.user_id, lambda: e.client.post(f"/api/patron/me/renew/{loan}", headers=a.headers))


@api("POST /api/circulation/checkout")
def _checkout(e: Env) -> Case:
    a, patron, copy = e.people.make("LIBRARIAN"), e.arrange.patron(), e.arrange.copy()
    return Case(a.user_id, lambda: e.client.post("/api/circulation/checkout", json={"patron_id": patron, "copy_id": copy},
                                                 headers=a.headers))


@api("POST /api/circulation/return")
def _return(e: Env) -> Case:
    a = e.people.make("LIBRARIAN")
    loan = e.checkout(e.arrange.patron(), e.arrange.copy())
    return Case(a.user_id, lambda: e.client.post("/api/circulation/return", json={"loan_id": loan}, headers=a.headers))


def _lent_days_ago(e: Env, patron: int, days: int = 10) -> int:
    """A loan lent `days` ago: a renewal moves its due date (on the day of checkout it is RENEWAL_TOO_SOON)."""
    loan = e.checkout(patron, e.arrange.copy())
    e.arrange.execute("UPDATE loans SET checkout_at = checkout_at - :d, due_at = due_at - :d WHERE loan_id = :l",
                      {"d": days, "l": loan})
    return loan


@api("POST /api/circulation/renew")
def _renew(e: Env) -> Case:
    a = e.people.make("LIBRARIAN")
    loan = _lent_days_ago(e, e.arrange.patron())
    return Case(a.user_id, lambda: e.client.post("/api/circulation/renew", json={"loan_id": loan}, headers=a.headers))


@api("POST /api/circulation/lost")
def _declare_lost(e: Env) -> Case:
    a, copy = e.people.make("LIBRARIAN"), e.arrange.copy()
    return Case(a.user_id, lambda: e.client.post("/api/circulation/lost", json={"copy_id": copy}, headers=a.headers))


@api("POST /api/circulation/renew-all")
def _renew_all(e: Env) -> Case:
    a, patron = e.people.make("LIBRARIAN"), e.arrange.patron()
    _lent_days_ago(e, patron)
    return Case(a.user_id, lambda: e.client.post("/api/circulation/renew-all", json={"patron_id": patron},
                                                 headers=a.headers))


@api("POST /api/patrons")
def _register_patron(e: Env) -> Case:
    a = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: e.client.post("/api/patrons", json={"first_name": "Ada", "last_name": unique("L")},
                                                 headers=a.headers))


@api("POST /api/patrons/{patron_id}/suspend")
def _suspend(e: Env) -> Case:
    a, patron = e.people.make("BRANCH_MANAGER"), e.arrange.patron()
    return Case(a.user_id, lambda: e.client.post(f"/api/patrons/{patron}/suspend", json={"reason": "Damaged books"},
                                                 headers=a.headers))


@api("POST /api/fines/{fine_id}/pay")
def _pay(e: Env) -> Case:
    a, fine = e.people.make("LIBRARIAN"), e.arrange.charge(e.arrange.patron(), 4)
    return Case(a.user_id, lambda: e.client.post(f"/api/fines/{fine}/pay", json={"amount": "1.50", "method": "CASH"},
                                                 headers=a.headers))


@api("POST /api/fines/{fine_id}/waive")
def _waive(e: Env) -> Case:
    a, fine = e.people.make("BRANCH_MANAGER"), e.arrange.charge(e.arrange.patron(), 4)
    return Case(a.user_id, lambda: e.client.post(f"/api/fines/{fine}/waive", json={"reason": "First offence"},
                                                 headers=a.headers))


@api("POST /api/fines/{fine_id}/refund")
def _refund(e: Env) -> Case:
    a, fine = e.people.make("BRANCH_MANAGER"), e.arrange.charge(e.arrange.patron(), 4)
    e.arrange.execute("UPDATE fines SET amount_paid = amount, status = 'PAID' WHERE fine_id = :f", {"f": fine})
    return Case(a.user_id, lambda: e.client.post(f"/api/fines/{fine}/refund",
                                                 json={"amount": "1.50", "reason": "Charged twice", "method": "CASH"},
                                                 headers=a.headers))


@api("POST /api/materials")
def _add_material(e: Env) -> Case:
    a = e.people.make("CATALOGER")
    return Case(a.user_id, lambda: e.client.post("/api/materials", json={"title": "Audited", "authors": ["Ann Author"],
                                                                         "replacement_cost": "19.99"}, headers=a.headers))


@api("PUT /api/materials/{material_id}")
def _update_material(e: Env) -> Case:
    a, material = e.people.make("CATALOGER"), e.arrange.material()
    return Case(a.user_id, lambda: e.client.put(f"/api/materials/{material}", json={
        "title": "Audited again", "replacement_cost": "31.50"}, headers=a.headers))


@api("POST /api/materials/{material_id}/copies")
def _add_copy(e: Env) -> Case:
    a, material, branch = e.people.make("CATALOGER"), e.arrange.material(), e.arrange.main_branch()
    return Case(a.user_id, lambda: e.client.post(f"/api/materials/{material}/copies",
                                                 json={"branch_id": branch, "price": "12.50"}, headers=a.headers))


@api("PUT /api/materials/copies/{copy_id}")
def _update_copy(e: Env) -> Case:
    a, copy_id, branch = e.people.make("CATALOGER"), e.arrange.copy(), e.arrange.main_branch()
    return Case(a.user_id, lambda: e.client.put(f"/api/materials/copies/{copy_id}", headers=a.headers,
                                                json={"branch_id": branch, "call_number": "823 AUD", "price": "7.50"}))


@api("PUT /api/materials/{material_id}/hidden")
def _hide_material(e: Env) -> Case:
    a, material = e.people.make("CATALOGER"), e.arrange.material()
    return Case(a.user_id, lambda: e.client.put(f"/api/materials/{material}/hidden", json={"hidden": True},
                                                headers=a.headers))


@api("DELETE /api/materials/{material_id}")
def _delete_material(e: Env) -> Case:
    a, material = e.people.make("CATALOGER"), e.arrange.material()
    return Case(a.user_id, lambda: e.client.delete(f"/api/materials/{material}", headers=a.headers))


@api("POST /api/admin/users/{user_id}/roles")
def _set_roles(e: Env) -> Case:
    a, target = e.people.make("IT_ADMIN"), e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: e.client.post(f"/api/admin/users/{target.user_id}/roles",
                                                 json={"roles": ["CATALOGER"]}, headers=a.headers))


@api("DELETE /api/admin/users/{user_id}")
def _deactivate(e: Env) -> Case:
    a, target = e.people.make("IT_ADMIN"), e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: e.client.delete(f"/api/admin/users/{target.user_id}", headers=a.headers))


def _pending_request(e: Env, role: str = "BRANCH_MANAGER") -> tuple[int, int]:
    """A role request waiting for a second administrator: one USER_ADMIN holder asks (through the API) for a
    role that needs approval. Returns (request_id, the user who is to receive the role)."""
    requester, target = e.people.make("IT_ADMIN"), e.people.make("LIBRARIAN")
    r = e.client.post(f"/api/admin/users/{target.user_id}/roles", json={"roles": ["LIBRARIAN", role]},
                      headers=requester.headers)
    assert r.status_code == 200, r.text
    request_id = e.arrange.scalar("SELECT request_id FROM role_requests WHERE user_id = :u AND status = 'PENDING'",
                                  {"u": target.user_id})
    assert request_id is not None
    return request_id, target.user_id


@api("POST /api/admin/role-requests/{request_id}/approve")
def _approve_role_request(e: Env) -> Case:
    request_id, _ = _pending_request(e)
    a = e.people.make("IT_ADMIN")  # the second administrator
    return Case(a.user_id, lambda: e.client.post(f"/api/admin/role-requests/{request_id}/approve", headers=a.headers))


@api("POST /api/admin/role-requests/{request_id}/reject")
def _reject_role_request(e: Env) -> Case:
    request_id, _ = _pending_request(e)
    a = e.people.make("IT_ADMIN")
    return Case(a.user_id, lambda: e.client.post(f"/api/admin/role-requests/{request_id}/reject", headers=a.headers))


# ---- the staff UI's forms ---------------------------------------------------------------------------

STAFF: dict[str, Callable[[Env], Case]] = {}

# POST forms that change no database row, with the reason
NO_DATABASE_WRITE = {
    "/logout": "ends the cookie session only",
    "/desk/branch": "keeps the desk's branch in the cookie session",
}


def staff(form: str):
    def register(fn):
        STAFF[form] = fn
        return fn
    return register


def _card(e: Env, patron_id: int) -> str:
    return e.arrange.scalar("SELECT card_number FROM patrons WHERE patron_id = :p", {"p": patron_id})


@staff("/login")
def _staff_login(e: Env) -> Case:
    a = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: e.browser().login(a.username).c.get("/staff/"))


@staff("/desk/checkout")
def _desk_checkout(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron, copy = e.arrange.patron(), e.arrange.copy()
    return Case(a.user_id, lambda: ui.post("/desk/checkout", {"card": _card(e, patron), "barcode": e.arrange.barcode(copy)}))


@staff("/desk/return")
def _desk_return(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    copy = e.arrange.copy()
    e.checkout(e.arrange.patron(), copy)
    return Case(a.user_id, lambda: ui.post("/desk/return", {"barcode": e.arrange.barcode(copy)}))


@staff("/desk/renew")
def _desk_renew(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    loan = _lent_days_ago(e, e.arrange.patron())
    copy = e.arrange.scalar("SELECT copy_id FROM loans WHERE loan_id = :l", {"l": loan})
    return Case(a.user_id, lambda: ui.post("/desk/renew", {"barcode": e.arrange.barcode(copy)}))


@staff("/holds/capture")
def _capture(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    material = e.arrange.material()
    e.hold(e.arrange.patron(), material, e.arrange.main_branch())
    copy = e.arrange.copy(material_id=material, branch_id=e.arrange.main_branch())
    return Case(a.user_id, lambda: ui.post("/holds/capture", {"barcode": e.arrange.barcode(copy)}))


@staff("/holds/{hold_id:int}/cancel")
def _cancel_hold(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    hold = e.hold(e.arrange.patron(), e.arrange.material())
    return Case(a.user_id, lambda: ui.post(f"/holds/{hold}/cancel", {"reason": "Patron asked"}))


@staff("/patrons/{patron_id:int}/holds")
def _place_hold(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron, material = e.arrange.patron(), e.arrange.material()
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/holds", {"material_id": str(material)}))


@staff("/patrons/new")
def _desk_register(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    return Case(a.user_id, lambda: ui.post("/patrons/new", {"first_name": "Grace", "last_name": unique("Hopper"),
                                                            "category": "ADULT"}))


@staff("/patrons/{patron_id:int}/edit")
def _desk_edit_patron(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron = e.arrange.patron()
    row = e.arrange.one("SELECT first_name, last_name, home_branch_id, card_number FROM patrons WHERE patron_id = :p",
                        {"p": patron})
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/edit", {
        "first_name": row["first_name"], "last_name": row["last_name"], "phone": "555-0199", "category": "SENIOR",
        "home_branch_id": str(row["home_branch_id"]), "card_number": row["card_number"]}))


@staff("/patrons/{patron_id:int}/suspend")
def _desk_suspend(e: Env) -> Case:
    a, ui = e.staff("BRANCH_MANAGER")
    patron = e.arrange.patron()
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/suspend", {"reason": "Damaged books"}))


@staff("/patrons/{patron_id:int}/reinstate")
def _desk_reinstate(e: Env) -> Case:
    a, ui = e.staff("BRANCH_MANAGER")
    patron = e.arrange.patron(status="SUSPENDED")
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/reinstate", {"reason": "Settled"}))


@staff("/patrons/{patron_id:int}/renew-card")
def _desk_renew_card(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron = e.arrange.patron()
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/renew-card"))


@staff("/fines/{fine_id:int}/pay")
def _desk_pay(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    fine = e.arrange.charge(e.arrange.patron(), 4)
    return Case(a.user_id, lambda: ui.post(f"/fines/{fine}/pay", {"amount": "2.00", "method": "CASH"}))


@staff("/fines/{fine_id:int}/waive")
def _desk_waive(e: Env) -> Case:
    a, ui = e.staff("BRANCH_MANAGER")
    fine = e.arrange.charge(e.arrange.patron(), 4)
    return Case(a.user_id, lambda: ui.post(f"/fines/{fine}/waive", {"reason": "First offence"}))


@staff("/fines/{fine_id:int}/refund")
def _desk_refund(e: Env) -> Case:
    a, ui = e.staff("BRANCH_MANAGER")
    fine = e.arrange.charge(e.arrange.patron(), 4)
    e.arrange.execute("UPDATE fines SET amount_paid = amount, status = 'PAID' WHERE fine_id = :f", {"f": fine})
    return Case(a.user_id, lambda: ui.post(f"/fines/{fine}/refund", {"amount": "2.00", "method": "CASH",
                                                                      "reason": "Charged twice"}))


@staff("/account/password")
def _change_password(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    new = "another-horse-43"
    return Case(a.user_id, lambda: ui.post("/account/password", {"current": PASSWORD, "new": new, "repeat": new}))


# ---- the staff UI's table screens (starlette-admin) -------------------------------------------------------

def _material_form(title: str, cost: str) -> dict:
    return {"title": title, "subtitle": "", "author_names": "Ann Author", "isbn": "", "material_type": "BOOK",
            "genre": "", "publisher": "", "publication_year": "", "language_code": "eng", "description": "",
            "replacement_cost": cost}


def _policy_form(branch: int, loan_days: int) -> dict:
    return {"branch": str(branch), "patron_category": "", "material_type": "", "loan_days": str(loan_days),
            "max_renewals": "2", "renew_from_due": "N", "loan_limit": "10", "hold_limit": "5", "daily_fine": "0.25",
            "grace_days": "0", "max_fine": "10", "fine_block_threshold": "10", "hold_pickup_days": "7",
            "holdable": "Y", "lost_after_days": "30", "lost_refund": "Y", "cap_fine_to_price": "N",
            "suspension_days_per_day": "0", "max_suspension_days": "", "no_renewal_before_days": "",
            "max_overdue_loans": "", "damage_fee": "", "damage_fee_share": ""}


@staff("admin material create")
def _admin_material_create(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    return Case(a.user_id, lambda: ui.admin_post("material", "material/create", _material_form("Audited title", "20")))


@staff("admin material edit")
def _admin_material_edit(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    m = e.arrange.material()
    return Case(a.user_id, lambda: ui.admin_post("material", f"material/edit?pk={m}", _material_form("Renamed", "22.50")))


@staff("admin copy create")
def _admin_copy_create(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    m, b = e.arrange.material(), e.arrange.main_branch()
    return Case(a.user_id, lambda: ui.admin_post("copy", "copy/create", {"barcode": "", "material": str(m),
                                                                         "branch": str(b), "shelf_location": "FIC",
                                                                         "price": "9.99"}))


@staff("admin copy row-action withdraw")
def _admin_copy_withdraw(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    c = e.arrange.copy()
    return Case(a.user_id, lambda: ui.admin_post("copy", f"_api/copy/row-action?name=withdraw&pk={c}",
                                                 {"reason": "Worn out"}))


@staff("admin copy edit")
def _admin_copy_edit(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    c, b = e.arrange.copy(), e.arrange.main_branch()
    return Case(a.user_id, lambda: ui.admin_post("copy", f"copy/edit?pk={c}", {
        "branch": str(b), "call_number": "823.7 AUD", "shelf_location": "FIC", "price": "9.99"}))


@staff("admin material delete")
def _admin_material_delete(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    m = e.arrange.material()
    return Case(a.user_id, lambda: ui.admin_post("material", f"_api/material/action?name=delete&pks={m}", {}))


@staff("admin material row-action hide")
def _admin_material_hide(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    m = e.arrange.material()
    return Case(a.user_id, lambda: ui.admin_post("material", f"_api/material/row-action?name=hide&pk={m}", {}))


@staff("admin material row-action show")
def _admin_material_show(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    m = e.arrange.material()
    e.arrange.call("lib_catalog.set_hidden", m, "Y")
    return Case(a.user_id, lambda: ui.admin_post("material", f"_api/material/row-action?name=show&pk={m}", {}))


@staff("/covers/{material_id:int}")
def _upload_cover(e: Env) -> Case:
    import io

    from PIL import Image
    a, ui = e.staff("CATALOGER")
    m = e.arrange.material()
    image = io.BytesIO()
    Image.new("RGB", (120, 180), (10, 80, 40)).save(image, "PNG")
    return Case(a.user_id, lambda: ui.post(f"/covers/{m}", files={"cover": ("c.png", image.getvalue(), "image/png")}))


@staff("admin author create")
def _admin_author_create(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    return Case(a.user_id, lambda: ui.admin_post("author", "author/create", {
        "full_name": "Ann Author", "sort_name": "Author, Ann", "birth_year": "1901", "death_year": ""}))


@staff("admin author edit")
def _admin_author_edit(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    author = e.arrange.s.insert("authors", {"full_name": "Bo Writer", "sort_name": "Writer, Bo"}, "author_id")
    e.arrange.s.commit()
    return Case(a.user_id, lambda: ui.admin_post("author", f"author/edit?pk={author}", {
        "full_name": "Bo Writer", "sort_name": "Writer, Bo", "birth_year": "1950", "death_year": ""}))


@staff("admin author delete")
def _admin_author_delete(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    author = e.arrange.s.insert("authors", {"full_name": "Cy Uncredited", "sort_name": "Uncredited, Cy"}, "author_id")
    e.arrange.s.commit()
    return Case(a.user_id, lambda: ui.admin_post("author", f"_api/author/action?name=delete&pks={author}", {}))


@staff("admin genre create")
def _admin_genre_create(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    return Case(a.user_id, lambda: ui.admin_post("genre", "genre/create", {"name": unique("Genre")}))


@staff("admin genre edit")
def _admin_genre_edit(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    genre = e.arrange.s.insert("genres", {"name": unique("Genre")}, "genre_id")
    e.arrange.s.commit()
    return Case(a.user_id, lambda: ui.admin_post("genre", f"genre/edit?pk={genre}", {"name": unique("Renamed")}))


@staff("admin genre delete")
def _admin_genre_delete(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    genre = e.arrange.s.insert("genres", {"name": unique("Genre")}, "genre_id")
    e.arrange.s.commit()
    return Case(a.user_id, lambda: ui.admin_post("genre", f"_api/genre/action?name=delete&pks={genre}", {}))


@staff("admin branch create")
def _admin_branch_create(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    return Case(a.user_id, lambda: ui.admin_post("branch", "branch/create", {
        "code": unique("B")[:20], "name": "Audited branch", "address": "", "phone": "", "email": "", "is_active": "Y"}))


@staff("admin branch edit")
def _admin_branch_edit(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    code = e.arrange.scalar("SELECT code FROM branches WHERE branch_id = :b", {"b": b})
    return Case(a.user_id, lambda: ui.admin_post("branch", f"branch/edit?pk={b}", {
        "code": code, "name": "Renamed branch", "address": "", "phone": "555-0100", "email": "", "is_active": "Y"}))


def _far_day() -> str:
    n = uuid.uuid4().int
    return f"{2100 + n % 800:04d}-{1 + n % 12:02d}-{1 + n % 28:02d}"


@staff("admin closed-day create")
def _admin_closed_day_create(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    return Case(a.user_id, lambda: ui.admin_post("closed-day", "closed-day/create", {
        "closed_on": _far_day(), "branch": str(b), "reason": "Inventory"}))


@staff("admin closed-day edit")
def _admin_closed_day_edit(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    day = _far_day()
    c = e.arrange.closed_day(datetime.fromisoformat(day), b)
    return Case(a.user_id, lambda: ui.admin_post("closed-day", f"closed-day/edit?pk={c}", {
        "closed_on": day, "branch": str(b), "reason": "Flood"}))


@staff("admin closed-day delete")
def _admin_closed_day_delete(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    c = e.arrange.closed_day(datetime.fromisoformat(_far_day()), e.arrange.branch())
    return Case(a.user_id, lambda: ui.admin_post("closed-day", f"_api/closed-day/action?name=delete&pks={c}", {}))


@staff("admin closed-weekday create")
def _admin_closed_weekday_create(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    return Case(a.user_id, lambda: ui.admin_post("closed-weekday", "closed-weekday/create", {
        "iso_weekday": "7", "branch": str(b), "reason": "Closed on Sundays"}))


@staff("admin closed-weekday edit")
def _admin_closed_weekday_edit(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    (cw,) = e.arrange.call("lib_admin.add_closed_weekday", b, 1, "test", Out(int))
    return Case(a.user_id, lambda: ui.admin_post("closed-weekday", f"closed-weekday/edit?pk={cw}", {
        "iso_weekday": "2", "branch": str(b), "reason": "Closed on Tuesdays"}))


@staff("admin closed-weekday delete")
def _admin_closed_weekday_delete(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    (cw,) = e.arrange.call("lib_admin.add_closed_weekday", e.arrange.branch(), 3, "test", Out(int))
    return Case(a.user_id, lambda: ui.admin_post("closed-weekday", f"_api/closed-weekday/action?name=delete&pks={cw}",
                                                 {}))


@staff("admin policy create")
def _admin_policy_create(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    return Case(a.user_id, lambda: ui.admin_post("policy", "policy/create", _policy_form(b, 21)))


@staff("admin policy edit")
def _admin_policy_edit(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    b = e.arrange.branch()
    p = e.arrange.policy(branch_id=b)
    return Case(a.user_id, lambda: ui.admin_post("policy", f"policy/edit?pk={p}", _policy_form(b, 28)))


@staff("admin policy delete")
def _admin_policy_delete(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    p = e.arrange.policy(branch_id=e.arrange.branch())
    return Case(a.user_id, lambda: ui.admin_post("policy", f"_api/policy/action?name=delete&pks={p}", {}))


@staff("admin setting edit")
def _admin_setting_edit(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    name = unique("TEST_SETTING").upper()
    e.arrange.execute("INSERT INTO app_settings (name, value, description) VALUES (:n, '5', 'a test setting')",
                      {"n": name})
    return Case(a.user_id, lambda: ui.admin_post("setting", f"setting/edit?pk={name}", {"value": "6"}))


@staff("admin user create")
def _admin_user_create(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    return Case(a.user_id, lambda: ui.admin_post("user", "user/create", {
        "username": unique("staff").lower(), "full_name": "New Staff", "email": "",
        "password": "long-enough-password", "roles": ["LIBRARIAN"]}))


@staff("admin user edit")
def _admin_user_edit(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    target = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: ui.admin_post("user", f"user/edit?pk={target.user_id}", {
        "full_name": "Renamed Staff", "email": "", "roles": ["CATALOGER"], "active": "on"}))


@staff("admin user row-action deactivate")
def _admin_user_deactivate(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    target = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: ui.admin_post("user", f"_api/user/row-action?name=deactivate&pk={target.user_id}",
                                                 {}))


@staff("admin user row-action approve")
def _admin_user_approve(e: Env) -> Case:
    request_id, target = _pending_request(e)
    a, ui = e.staff("IT_ADMIN")  # the second administrator
    return Case(a.user_id, lambda: ui.admin_post("user", f"_api/user/row-action?name=approve&pk={target}",
                                                 {"request_id": str(request_id)}))


@staff("admin user row-action reject")
def _admin_user_reject(e: Env) -> Case:
    request_id, target = _pending_request(e)
    a, ui = e.staff("IT_ADMIN")
    return Case(a.user_id, lambda: ui.admin_post("user", f"_api/user/row-action?name=reject&pk={target}",
                                                 {"request_id": str(request_id)}))


@staff("admin user row-action unlock")
def _admin_user_unlock(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    target = e.people.make("LIBRARIAN")
    e.arrange.execute("UPDATE users SET account_locked = 'Y', failed_logins = 5 WHERE user_id = :u", {"u": target.user_id})
    return Case(a.user_id, lambda: ui.admin_post("user", f"_api/user/row-action?name=unlock&pk={target.user_id}", {}))


@staff("admin user row-action password")
def _admin_user_password(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    target = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: ui.admin_post("user", f"_api/user/row-action?name=password&pk={target.user_id}",
                                                 {"password": "a-new-long-password"}))


# ---- sign-in sessions: logout, password change, sessions ended, home branch ---------------------------------
# (user_sessions is audited: ending a session is an UPDATE naming the user; last_seen_at alone is not audited)

@api("POST /api/auth/logout")
def _logout(e: Env) -> Case:
    a = e.people.make("LIBRARIAN")
    return Case(a.user_id, lambda: e.client.post("/api/auth/logout", json={"everywhere": True}, headers=a.headers))


@api("POST /api/auth/password")
def _api_change_password(e: Env) -> Case:
    a = e.people.make("PATRON", patron=True)
    return Case(a.user_id, lambda: e.client.post("/api/auth/password", json={
        "current_password": PASSWORD, "new_password": "another-horse-43"}, headers=a.headers))


@api("POST /api/admin/users/{user_id}/home-branch")
def _set_home_branch(e: Env) -> Case:
    a = e.people.make("IT_ADMIN")
    target = e.people.make("BRANCH_MANAGER")
    branch = e.arrange.branch()
    return Case(a.user_id, lambda: e.client.post(f"/api/admin/users/{target.user_id}/home-branch",
                                                 json={"branch_id": branch}, headers=a.headers))


@staff("/logout")
def _staff_logout(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    return Case(a.user_id, lambda: ui.post("/logout"))


@staff("/account/sessions/end")
def _staff_end_sessions(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    return Case(a.user_id, lambda: ui.post("/account/sessions/end"))


del NO_DATABASE_WRITE["/logout"]  # signing out ends the session's row of user_sessions now


# ---- what the app has ---------------------------------------------------------------------------------

@api("PUT /api/patron/me/notice-preferences")
def _my_notice_preferences(e: Env) -> Case:
    a = e.people.make("PATRON")
    return Case(a.user_id, lambda: e.client.put("/api/patron/me/notice-preferences", headers=a.headers,
                                                json={"preferences": {"CHECKOUT_RECEIPT": True}}))


@api("POST /api/notices/unsubscribe/{token}")
def _unsubscribe(e: Env) -> Case:
    # a signed link, nobody signed in: the preference row is written with no actor
    from services.notices import links
    patron = e.arrange.patron()
    return Case(None, lambda: e.client.post(links.PATH + links.sign(patron, "HOLD_READY")),
                match=lambda r: r["table_name"] == "notice_preferences" and f"{patron}" in (r["new_values"] or ""))


@api("POST /api/webhooks/sendgrid")
def _sendgrid_event(e: Env) -> Case:
    # SendGrid's signed event, nobody signed in: the patron's address is marked undeliverable with no actor
    import base64
    import json
    import time

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from services.notices import webhook
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    e.monkeypatch.setenv("ILS_SENDGRID_WEBHOOK_KEY", base64.b64encode(der).decode())
    patron = e.arrange.patron()
    email = e.arrange.scalar("SELECT email FROM patrons WHERE patron_id = :p", {"p": patron})
    if not email:
        email = f"{unique('bounce').lower()}@example.org"
        e.arrange.execute("UPDATE patrons SET email = :e WHERE patron_id = :p", {"e": email, "p": patron})
    body = json.dumps([{"email": email, "event": "bounce", "reason": "550 no such user", "timestamp": 1}]).encode()
    ts = str(int(time.time()))
    signature = base64.b64encode(key.sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
    return Case(None, lambda: e.client.post("/api/webhooks/sendgrid", content=body, headers={
        webhook.SIGNATURE_HEADER: signature, webhook.TIMESTAMP_HEADER: ts, "content-type": "application/json"}),
        match=lambda r: r["table_name"] == "patrons" and r["row_id"] == patron)


@staff("/notices/templates/{notice_type}/{language}")
def _save_notice_template(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    return Case(a.user_id, lambda: ui.post("/notices/templates/CARD_EXPIRING/en", {
        "action": "save", "subject": "Your card expires soon",
        "body_text": "Dear {{ patron.first_name }}, your card expires on {{ card.expires_on }}.",
        "body_html": "<p>Dear {{ patron.first_name }}, your card expires on {{ card.expires_on }}.</p>"}))


@staff("/patrons/{patron_id:int}/email-deliverable")
def _email_deliverable(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron = e.arrange.patron()
    e.arrange.execute("UPDATE patrons SET email = COALESCE(email, 'x' || patron_id || '@example.org'), "
                      "email_undeliverable_at = :t, email_undeliverable_reason = 'bounce' "
                      "WHERE patron_id = :p", {"p": patron, "t": datetime(2026, 1, 1)})
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/email-deliverable"))


@staff("/patrons/{patron_id:int}/notice-preferences")
def _patron_notice_preferences(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron = e.arrange.patron()
    return Case(a.user_id, lambda: ui.post(f"/patrons/{patron}/notice-preferences", {"pref_CHECKOUT_RECEIPT": "Y"}))


@staff("/health/notices/{notice_id:int}/{action:str}")
def _retry_dead_letter(e: Env) -> Case:
    a, ui = e.staff("IT_ADMIN")
    patron = e.arrange.patron()
    notice = e.arrange.s.insert("notices", {"notice_type": "CARD_EXPIRING", "patron_id": patron, "subject_id": patron,
                                            "notice_day": datetime(2020, 1, 1), "status": "DEAD"}, "notice_id")
    e.arrange.s.commit()
    return Case(a.user_id, lambda: ui.post(f"/health/notices/{notice}/retry"))


@staff("/desk/renew-all")
def _desk_renew_all(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron, copy = e.arrange.patron(), e.arrange.copy()
    loan = e.checkout(patron, copy)
    # made ten days ago, so that a renewal moves the due date
    e.arrange.execute("UPDATE loans SET checkout_at = checkout_at - 10, due_at = due_at - 10 WHERE loan_id = :l",
                      {"l": loan})
    return Case(a.user_id, lambda: ui.post("/desk/renew-all", {"card": _card(e, patron)}))


@staff("/desk/lost")
def _desk_declare_lost(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    barcode = e.arrange.barcode(e.arrange.copy())
    return Case(a.user_id, lambda: ui.post("/desk/lost", {"barcode": barcode, "reason": "not found at inventory",
                                                          "back": "/desk/transits"}))


@staff("/fines/pay-all")
def _pay_all(e: Env) -> Case:
    a, ui = e.staff("LIBRARIAN")
    patron = e.arrange.patron()
    e.arrange.charge(patron, 3.5)
    return Case(a.user_id, lambda: ui.post("/fines/pay-all", {"patron_id": str(patron), "amount": "3.50",
                                                              "method": "CASH"}))


def _marc_file() -> bytes:
    from pymarc import Field, Indicators, Record, Subfield
    r = Record(force_utf8=True)
    r.add_field(Field(tag="001", data=uuid.uuid4().hex[:12]), Field(tag="003", data="AUDIT"),
                Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", unique("Audited import"))]))
    return r.as_marc()


def _dry_run(e: Env, who: Account) -> int:
    """A finished dry run of a one-record MARC file, uploaded over the API by `who`."""
    import time
    r = e.client.post("/api/catalog/imports", headers=who.headers, files={"file": ("one.mrc", _marc_file())},
                      data={"dry_run": "true"})
    assert r.status_code == 202, r.text
    import_id = r.json()["import_id"]
    deadline = time.monotonic() + 30
    while e.client.get(f"/api/catalog/imports/{import_id}", headers=who.headers).json()["status"] != "DONE":
        assert time.monotonic() < deadline, "the dry run did not finish"
        time.sleep(0.2)
    return import_id


@api("POST /api/catalog/imports")
def _import_upload(e: Env) -> Case:
    a = e.people.make("CATALOGER")
    return Case(a.user_id, lambda: e.client.post("/api/catalog/imports", headers=a.headers,
                                                 files={"file": ("one.mrc", _marc_file())}, data={"dry_run": "true"}))


@staff("/imports/upload")
def _staff_import_upload(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    return Case(a.user_id, lambda: ui.c.post("/staff/imports/upload", params={"csrf_token": ui.token("/staff/imports")},
                                             files={"file": ("one.mrc", _marc_file())}, data={"dry_run": "Y"}))


@staff("/imports/{import_id:int}/confirm")
def _staff_import_confirm(e: Env) -> Case:
    a, ui = e.staff("CATALOGER")
    dry = _dry_run(e, a)
    return Case(a.user_id, lambda: ui.post(f"/imports/{dry}/confirm"))


def api_writes(app) -> set[str]:
    return {f"{m} {p}" for m, p, _ in api_routes(app) if m in WRITE_METHODS}


def staff_forms() -> set[str]:
    """The staff UI's POST routes (the desk, patrons, fines, holds, account and covers pages, login, logout)
    and the write actions of its table screens."""
    from admin_ui import pages, tables, web  # noqa: F401  (importing pages registers the routes)
    forms = {r.path for r in web.ROUTES if "POST" in (r.methods or ())}
    for view, _ in tables.VIEWS:
        key = view.identity
        for action, allowed in (("create", view.allow_create), ("edit", view.allow_edit), ("delete", view.allow_delete)):
            if allowed:
                forms.add(f"admin {key} {action}")
        for klass in view.__mro__:
            if klass.__module__ != tables.__name__:
                continue
            for fn in vars(klass).values():
                info = getattr(fn, "_row_action", None)
                if info and not info.get("is_link"):
                    forms.add(f"admin {key} row-action {info['name']}")
    return forms


def test_every_writing_api_route_has_a_case(app):
    assert api_writes(app) == set(API)


def test_every_staff_form_that_writes_has_a_case(app):
    assert staff_forms() == set(STAFF) | set(NO_DATABASE_WRITE)
    assert all(len(reason) > 10 for reason in NO_DATABASE_WRITE.values())


# ---- running a case --------------------------------------------------------------------------------

@pytest.fixture
def env(client, people, arrange, installed_db, monkeypatch):
    e = Env(client, people, arrange, installed_db, monkeypatch)
    yield e
    for b in e.browsers:
        b.c.close()


def _audited(url: str, since: int, case: Case) -> list[dict]:
    s = connect(url)
    try:
        if case.actor is None:
            rows = s.rows("SELECT * FROM audit_log WHERE audit_id > :a AND actor_user_id IS NULL ORDER BY audit_id",
                          {"a": since})
            return [r for r in rows if case.match(r)]
        return s.rows("SELECT * FROM audit_log WHERE audit_id > :a AND actor_user_id = :u ORDER BY audit_id",
                      {"a": since, "u": case.actor})
    finally:
        s.rollback()
        s.close()


def _run(env: Env, make: Callable[[Env], Case]) -> list[dict]:
    case = make(env)
    since = env.arrange.scalar("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log")
    r = case.request()
    assert r.status_code < 400, f"{r.status_code}: {r.text[:400]}"
    if r.content and r.headers.get("content-type", "").startswith("application/json") and isinstance(r.json(), dict):
        assert "msg" not in r.json(), r.json()  # a refused table-screen action answers 400 with msg
    assert 'class="invalid-feedback' not in r.text, r.text[:2000]  # a table-screen form error
    rows = _audited(env.url, since, case)
    assert rows, "no audit row names the signed-in user"
    return rows


@pytest.mark.parametrize("route", sorted(API))
def test_api_write_is_audited_as_the_signed_in_user(env, route):
    _run(env, API[route])


@pytest.mark.parametrize("form", sorted(STAFF))
def test_staff_form_write_is_audited_as_the_signed_in_user(env, form):
    _run(env, STAFF[form])
