"""The circulation desk: check out, return, renew, loan history (/staff/desk...).

Scanner friendly: every scan field has autofocus, Enter submits, and desk.js posts the form with
fetch, shows the result above the previous ones, clears the field and focuses it again. Without
JavaScript the same forms post normally and the page comes back with the result. Each scan is one
package call (lib_circulation.checkout_desk, checkin_desk, renew) in one transaction acting as the signed-in
user, sent in one round trip (Gateway.call); the database decides, the page shows its answer (the OUT
parameters) in plain words with the rule's code, beside the copy as it was read before the scan.
"""
from __future__ import annotations

from datetime import datetime

from starlette.responses import Response

from admin_ui import web
from datalayer.packages import lib_circulation
from datalayer.reads import desk as q
from datalayer.reads import vocabulary
from datalayer.session import DbError


def desk_branch(ctx: web.Ctx, s) -> dict:
    """The branch this desk works for (kept in the session, MAIN by default)."""
    branches = q.branches(s)
    chosen = ctx.request.session.get("branch_id")
    match = next((b for b in branches if b["branch_id"] == chosen), None)
    if match is None:
        default = q.default_branch_id(s)
        match = next((b for b in branches if b["branch_id"] == default), branches[0] if branches else None)
    return {"current": match, "all": branches}


def _result(kind: str, title: str, **details) -> dict:
    return {"kind": kind, "title": title, **details}


def _refused(ctx: web.Ctx, exc: DbError, **details) -> dict:
    r = ctx.refusal(exc)
    return _result("refused", "Refused", message=r.message, code=r.code, status=r.status, **details)


def _answer(ctx: web.Ctx, page_template: str, result: dict, **context) -> Response:
    """The result alone for desk.js (X-Fragment), else the whole page with the result on top."""
    status = result.get("status", 200) if result["kind"] == "refused" else 200
    if ctx.wants_fragment:
        return ctx.render("desk/_answer.html", http_status=status, r=result, **context)
    return ctx.render(page_template, http_status=status, results=[result], **context)


# ---- checkout --------------------------------------------------------------------------------

@web.page("/desk", "CIRC_CHECKOUT")
def checkout_page(ctx: web.Ctx) -> Response:
    """Scan or type a patron card; then the patron's summary and the copy scan field."""
    card = ctx.arg("card")
    patron_id = ctx.int_arg("patron_id")
    summary, not_found = None, None
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        p = q.patron_by_card(s, card) if card else (q.patron(s, patron_id) if patron_id else None)
        if p is not None:
            summary = q.summary(s, p["patron_id"])
        elif card or patron_id:
            not_found = card or str(patron_id)
    return ctx.render("desk/checkout.html", title="Check out", branch=branch, summary=summary, not_found=not_found,
                      card=card, results=[])


@web.page("/desk/checkout", "CIRC_CHECKOUT", methods=["POST"])
def checkout_scan(ctx: web.Ctx) -> Response:
    """One copy scanned for the patron: lib_circulation.checkout_desk, its answer from the OUT parameters."""
    card, barcode = ctx.arg("card"), ctx.arg("barcode")
    override = "Y" if ctx.arg("override") == "Y" else "N"
    due = _parse_day(ctx.arg("due_date"))
    result: dict
    if not barcode:
        result = _result("refused", "Nothing scanned", message="Scan or type a copy barcode.", code="VALIDATION_ERROR",
                         status=422)
    else:
        with ctx.read() as s:
            copy = q.scanned(s, barcode=barcode)
        try:
            loan_id, _, _, due_at, overridden = ctx.run(lib_circulation.checkout_desk, None, card, None, barcode,
                                                        due, override)
            result = _result("ok", "Checked out", loan={"loan_id": loan_id, "title": copy and copy["title"],
                                                         "barcode": barcode, "material_id": copy and copy["material_id"],
                                                         "cover_image": copy and copy["cover_image"]},
                             due_at=due_at, barcode=barcode, overridden=bool(overridden))
        except DbError as exc:
            r = _refused(ctx, exc, barcode=barcode)
            r["copy"] = copy
            with ctx.read() as s:  # the refusals CIRC_OVERRIDE may pass: app_errors.overridable (checked again)
                r["can_override"] = (ctx.user.has("CIRC_OVERRIDE") and override != "Y"
                                     and vocabulary.overridable(s, r["code"]))
            result = r
    # the patron panel beside the answer: the page's view of the patron, read as any page view is
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        p = q.patron_by_card(s, card) if card else None
        summary = q.summary(s, p["patron_id"]) if p else None
    return _answer(ctx, "desk/checkout.html", result, title="Check out", branch=branch, summary=summary, card=card,
                   not_found=None if p else card, action="checkout")


def _parse_day(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d") if text else None
    except ValueError:
        return None


# ---- return ----------------------------------------------------------------------------------

@web.page("/desk/return", "CIRC_RETURN")
def return_page(ctx: web.Ctx) -> Response:
    """The check-in scan field."""
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
    return ctx.render("desk/return.html", title="Return", branch=branch, results=[])


@web.page("/desk/return", "CIRC_RETURN", methods=["POST"], name="return_scan")
def return_scan(ctx: web.Ctx) -> Response:
    """One copy scanned back in: lib_circulation.checkin_desk at the desk's branch."""
    barcode = ctx.arg("barcode")
    condition = ctx.text("condition", 400)
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        copy = q.scanned(s, barcode=barcode) if barcode else None
    branch_id = branch["current"]["branch_id"] if branch["current"] else None
    if not barcode:
        result = _result("refused", "Nothing scanned", message="Scan or type a copy barcode.", code="VALIDATION_ERROR",
                         status=422)
    else:
        try:
            loan_id, _, _, fine_id, amount, hold_id, _, hold_status = ctx.run(
                lib_circulation.checkin_desk, None, None, barcode, branch_id, None, condition)
            slip = None
            if hold_id is not None:
                # the slip names who the copy is for: that patron's card and the pickup branch
                with ctx.read() as s:
                    hold = q.hold_for_slip(s, hold_id)
                slip = {"kind": "shelf" if hold_status == "READY" else "transit", "hold": hold,
                        "to_branch": hold["pickup_branch"]}
            loan = copy if loan_id and copy and copy["loan_id"] == loan_id else None
            result = _result("ok" if loan_id else "info", "Returned" if loan_id else "Received in transit",
                             loan=loan, copy=copy, barcode=barcode,
                             fine={"fine_id": fine_id, "amount": amount} if fine_id and amount else None,
                             slip=slip, away=(copy and copy["branch_id"] != branch_id and slip is None))
        except DbError as exc:
            result = _refused(ctx, exc, barcode=barcode)
    return _answer(ctx, "desk/return.html", result, title="Return", branch=branch, action="return")


# ---- renew -----------------------------------------------------------------------------------

@web.page("/desk/renew", "CIRC_RENEW")
def renew_page(ctx: web.Ctx) -> Response:
    """The renewal scan field."""
    return ctx.render("desk/renew.html", title="Renew", results=[])


@web.page("/desk/renew", "CIRC_RENEW", methods=["POST"], name="renew_scan")
def renew_scan(ctx: web.Ctx) -> Response:
    """Renew by scanned barcode (lib_circulation.renew_by_barcode) or by loan id (lib_circulation.renew)."""
    barcode, loan_id = ctx.arg("barcode"), ctx.int_arg("loan_id")
    card = ctx.arg("card")
    if not barcode and loan_id is None:
        result = _result("refused", "Nothing scanned", message="Scan or type a copy barcode.", code="VALIDATION_ERROR",
                         status=422)
    else:
        with ctx.read() as s:
            loan = q.loan(s, loan_id) if loan_id is not None else q.scanned(s, barcode=barcode)
        try:
            if loan_id is not None:
                due_at, renewals = ctx.run(lib_circulation.renew, loan_id)
            else:
                loan_id, due_at, renewals = ctx.run(lib_circulation.renew_by_barcode, barcode)
            result = _result("ok", "Renewed", loan=loan, due_at=due_at, renewals=renewals, barcode=barcode)
        except DbError as exc:
            result = _refused(ctx, exc, barcode=barcode or f"loan {loan_id}")
    back = ctx.arg("back")
    if back.startswith("/patrons/") or back == "/desk":
        r = result
        flash = (f"Renewed “{r['loan']['title']}”: now due {r['due_at']:%Y-%m-%d}" if r["kind"] == "ok"
                 else f"Not renewed: {r['message']} ({r['code']})")
        return ctx.redirect(back + (f"?card={card}" if back == "/desk" and card else ""), flash,
                            "ok" if r["kind"] == "ok" else "error")
    return _answer(ctx, "desk/renew.html", result, title="Renew", action="renew")


# ---- desk branch and history -----------------------------------------------------------------

@web.page("/desk/branch", "CIRC_CHECKOUT", "CIRC_RETURN", methods=["POST"], name="desk_branch")
def set_desk_branch(ctx: web.Ctx) -> Response:
    """Choose the branch this desk works for (returns are checked in there)."""
    branch_id = ctx.int_arg("branch_id")
    with ctx.read() as s:
        ok = any(b["branch_id"] == branch_id for b in q.branches(s))
    if ok:
        ctx.request.session["branch_id"] = branch_id
    back = ctx.arg("back")
    return ctx.redirect(back if back in ("/desk", "/desk/return", "/holds/pull") else "/desk")


@web.page("/desk/history", "CIRC_CHECKOUT", "CIRC_RETURN", "PATRON_VIEW")
def loan_history(ctx: web.Ctx) -> Response:
    """Loans of a patron (card) or of a copy (barcode), newest first."""
    card, barcode = ctx.arg("card"), ctx.arg("barcode")
    paging = ctx.paging()
    rows, total, subject, not_found = [], 0, None, None
    with ctx.read() as s:
        if card:
            p = q.patron_by_card(s, card)
            if p:
                subject = f"{p['first_name']} {p['last_name']} (card {p['card_number']})"
                rows, total = q.history(s, patron_id=p["patron_id"], limit=paging.size, offset=paging.offset)
            else:
                not_found = card
        elif barcode:
            c = q.copy_by_barcode(s, barcode)
            if c:
                subject = f"“{c['title']}”, copy {c['barcode']}"
                rows, total = q.history(s, copy_id=c["copy_id"], limit=paging.size, offset=paging.offset)
            else:
                not_found = barcode
    return ctx.render("desk/history.html", title="Loan history", rows=rows, total=total, subject=subject,
                      not_found=not_found, card=card, barcode=barcode, paging=paging, pages=paging.pages(total))
