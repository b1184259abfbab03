"""Patrons: search, the patron record, register, edit, suspend and reinstate (/staff/patrons...).

Registration and edits are lib_patrons.register / update_patron, suspension lib_patrons.suspend /
reinstate with a reason: one package call each, which also checks the permission and the data.
"""
from __future__ import annotations

from typing import Callable

from starlette.responses import Response

from admin_ui import charts, web
from datalayer.clock import library_clock
from datalayer.packages import lib_notices, lib_patrons
from datalayer.reads import desk as dq
from datalayer.reads import patrons as q
from datalayer.reads import vocabulary
from datalayer.session import DbError, Session
from services.notices import preferences as notice_prefs

FIELDS = ("first_name", "last_name", "email", "phone", "address", "category", "home_branch_id", "card_number")


@web.page("/patrons", "PATRON_VIEW")
def search_patrons(ctx: web.Ctx) -> Response:
    """Find patrons by card, e-mail or name."""
    text = ctx.arg("q")
    paging = ctx.paging()
    with ctx.read() as s:
        rows, total = q.search(s, text, None, paging.size, paging.offset)
    if text and total == 1 and rows and rows[0]["card_number"] == text:
        return ctx.redirect(f"/patrons/{rows[0]['patron_id']}")
    return ctx.render("patrons/search.html", title="Patrons", rows=rows, total=total, text=text, paging=paging,
                      pages=paging.pages(total))


@web.page("/patrons/{patron_id:int}", "PATRON_VIEW")
def show_patron(ctx: web.Ctx) -> Response:
    """The patron record: loans, history, holds, fines, borrowing over the last year."""
    patron_id = ctx.request.path_params["patron_id"]
    with ctx.read() as s:
        clock = library_clock(s)
        summary = dq.summary(s, patron_id, clock)
        if summary is None:
            return web.error_page(ctx.request, 404, "No such patron", f"There is no patron {patron_id}.", ctx.user)
        history, history_total = dq.history(s, patron_id=patron_id, limit=20)
        holds = q.holds(s, patron_id)
        fines = q.fines(s, patron_id)
        payments, _ = q.payments(s, patron_id, limit=20)
        months = q.borrowing_by_month(s, patron_id, clock)
        branches = dq.branches(s)
        notices = {"preferences": notice_prefs.of_patron(s, patron_id),
                   "state": notice_prefs.delivery_state(s, patron_id)}
    today = clock.today
    year, month0 = divmod(today.year * 12 + today.month - 1 - (len(months) - 1), 12)
    first = today.replace(year=year, month=month0 + 1, day=1)
    chart = charts.bar_chart([m for m, _ in months], [("Checkouts", [n for _, n in months])],
                             title=f"Checkouts per month, {first:%B %Y} to {today:%B %Y}")
    return ctx.render("patrons/detail.html", title=f"{summary['patron']['first_name']} {summary['patron']['last_name']}",
                      summary=summary, p=summary["patron"], history=history, history_total=history_total, holds=holds,
                      fines=fines, payments=payments, chart=chart, months=months, branches=branches,
                      notices=notices)


def _form_values(ctx: web.Ctx) -> dict:
    values = {f: ctx.arg(f) for f in FIELDS}
    values["home_branch_id"] = ctx.int_arg("home_branch_id")
    values["category"] = values["category"] or "ADULT"  # an unknown one is refused by lib_patrons
    return values


def _args(values: dict) -> dict:
    """The form's values as the package gets them: blank text as NULL."""
    return {f: web.blank_null(v) for f, v in values.items()}


def _form(ctx: web.Ctx, values: dict, *, patron_id: int | None, error: str | None = None, status: int = 200,
          duplicates: list[dict] | None = None) -> Response:
    with ctx.read() as s:
        branches = dq.branches(s)
        categories = vocabulary.choices(s, "patron_categories")
    return ctx.render("patrons/form.html", http_status=status, title="Edit patron" if patron_id else "Register a patron",
                      v=values, patron_id=patron_id, branches=branches, categories=categories, error=error,
                      duplicates=duplicates or [])


@web.page("/patrons/new", "PATRON_MANAGE")
def new_patron_form(ctx: web.Ctx) -> Response:
    """The registration form."""
    return _form(ctx, {f: "" for f in FIELDS} | {"category": "ADULT", "home_branch_id": None}, patron_id=None)


@web.page("/patrons/new", "PATRON_MANAGE", methods=["POST"], name="register_patron")
def register_patron(ctx: web.Ctx) -> Response:
    """lib_patrons.register."""
    v = _form_values(ctx)
    a = _args(v)
    if ctx.arg("register_anyway") != "Y":
        # the same person registered twice? Same name with the same e-mail or phone: warn, let staff decide
        with ctx.read() as s:
            twins = q.possible_duplicates(s, a["first_name"], a["last_name"], a["email"], a["phone"])
        if twins:
            return _form(ctx, v, patron_id=None, duplicates=twins, status=409)
    try:
        with ctx.tx() as s:
            (patron_id,) = lib_patrons.register(s, a["first_name"], a["last_name"], a["email"], a["phone"],
                                                a["address"], a["category"], a["home_branch_id"], a["card_number"])
    except DbError as exc:
        r = ctx.refusal(exc)
        return _form(ctx, v, patron_id=None, error=f"{r.plain} ({r.code})", status=r.status)
    return ctx.redirect(f"/patrons/{patron_id}", "Patron registered.")


@web.page("/patrons/{patron_id:int}/edit", "PATRON_MANAGE")
def edit_patron_form(ctx: web.Ctx) -> Response:
    """The edit form, filled in."""
    patron_id = ctx.request.path_params["patron_id"]
    with ctx.read() as s:
        p = dq.patron(s, patron_id)
    if p is None:
        return web.error_page(ctx.request, 404, "No such patron", f"There is no patron {patron_id}.", ctx.user)
    return _form(ctx, {f: (p.get(f) if p.get(f) is not None else "") for f in FIELDS}, patron_id=patron_id)


@web.page("/patrons/{patron_id:int}/edit", "PATRON_MANAGE", methods=["POST"], name="update_patron")
def update_patron(ctx: web.Ctx) -> Response:
    """lib_patrons.update_patron (the card number is not changed here)."""
    patron_id = ctx.request.path_params["patron_id"]
    v = _form_values(ctx)
    a = _args(v)
    try:
        with ctx.tx() as s:
            lib_patrons.update_patron(s, patron_id, a["first_name"], a["last_name"], a["email"], a["phone"],
                                      a["address"], a["category"], a["home_branch_id"])
    except DbError as exc:
        r = ctx.refusal(exc)
        return _form(ctx, v, patron_id=patron_id, error=f"{r.message} ({r.code})", status=r.status)
    return ctx.redirect(f"/patrons/{patron_id}", "Patron updated.")


def _status_change(ctx: web.Ctx, change: Callable[[Session, int, str | None], None], done: str) -> Response:
    patron_id = ctx.request.path_params["patron_id"]
    reason = ctx.text("reason", 400)
    try:
        with ctx.tx() as s:
            change(s, patron_id, reason)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(f"/patrons/{patron_id}", f"{r.message} ({r.code})", "error")
    return ctx.redirect(f"/patrons/{patron_id}", done)


@web.page("/patrons/{patron_id:int}/suspend", "PATRON_SUSPEND", methods=["POST"], name="suspend_patron")
def suspend_patron(ctx: web.Ctx) -> Response:
    """lib_patrons.suspend with the reason given."""
    return _status_change(ctx, lib_patrons.suspend, "Patron suspended.")


@web.page("/patrons/{patron_id:int}/reinstate", "PATRON_SUSPEND", methods=["POST"], name="reinstate_patron")
def reinstate_patron(ctx: web.Ctx) -> Response:
    """lib_patrons.reinstate with the reason given."""
    return _status_change(ctx, lib_patrons.reinstate, "Patron reinstated.")


@web.page("/patrons/{patron_id:int}/renew-card", "PATRON_MANAGE", methods=["POST"], name="renew_card")
def renew_card(ctx: web.Ctx) -> Response:
    """lib_patrons.renew_card."""
    patron_id = ctx.request.path_params["patron_id"]
    try:
        with ctx.tx() as s:
            expires_on = lib_patrons.renew_card(s, patron_id).expires_on
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(f"/patrons/{patron_id}", f"{r.message} ({r.code})", "error")
    return ctx.redirect(f"/patrons/{patron_id}", f"Card renewed until {expires_on:%Y-%m-%d}.")


@web.page("/patrons/{patron_id:int}/notice-preferences", "PATRON_MANAGE", methods=["POST"],
          name="save_notice_preferences")
def save_notice_preferences(ctx: web.Ctx) -> Response:
    """lib_notices.set_preference for every type: a ticked box is on, the others off."""
    patron_id = ctx.request.path_params["patron_id"]
    choices = {t: ctx.arg("pref_" + t) == "Y" for t in notice_prefs.TYPES}
    try:
        with ctx.tx() as s:
            notice_prefs.save(s, patron_id, choices)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(f"/patrons/{patron_id}", f"{r.message} ({r.code})", "error")
    return ctx.redirect(f"/patrons/{patron_id}", "Notice preferences saved.")


@web.page("/patrons/{patron_id:int}/email-deliverable", "PATRON_MANAGE", methods=["POST"], name="email_deliverable")
def email_deliverable(ctx: web.Ctx) -> Response:
    """lib_notices.clear_undeliverable: the patron confirmed their address works."""
    patron_id = ctx.request.path_params["patron_id"]
    try:
        with ctx.tx() as s:
            lib_notices.clear_undeliverable(s, patron_id)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(f"/patrons/{patron_id}", f"{r.message} ({r.code})", "error")
    return ctx.redirect(f"/patrons/{patron_id}", "The e-mail address is marked deliverable again.")
