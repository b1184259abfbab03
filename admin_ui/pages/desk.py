"""The circulation desk: check out, return, renew, loan history (/staff/desk...).

Scanner friendly: every scan field has autofocus, Enter submits, and desk.js posts the form with
fetch, shows the result above the previous ones, clears the field and focuses it again. Without
JavaScript the same forms post normally and the page comes back with the result. Each scan is one
package call (lib_circulation.checkout_desk, checkin_desk, renew) in one transaction acting as the signed-in
user, sent in one round trip (Gateway.call); the database decides, the page shows its answer (the OUT
parameters) in plain words with the rule's code, beside the copy as it was read before the scan.
"""
from __future__ import annotations

import re
from datetime import datetime

from starlette.responses import Response

from admin_ui import web
from datalayer.clock import library_clock
from datalayer.errors import reasons_of
from datalayer.packages import lib_circulation
from datalayer.reads import catalog
from datalayer.reads import desk as q
from datalayer.reads import patrons as pq
from datalayer.reads import transits as tq
from datalayer.reads import vocabulary
from datalayer.session import DbError
from services.renewals import renew_all_results


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
    """The refusal in the catalog's words (the package's detail names internal ids: the page names the copy,
    its title and its borrower beside it instead)."""
    r = ctx.refusal(exc)
    return _result("refused", "Refused", message=r.plain, code=r.code, status=r.status,
                   reasons=_in_words(ctx, reasons_of(exc)), **details)


def _in_words(ctx: web.Ctx, reasons: list[dict]) -> list[dict]:
    """Each failing rule ({code, overridable}) in the catalog's words, listed and confirmed one by one at an
    override."""
    if not reasons:
        return reasons
    words = {name: message for name, _, message in ctx.request.app.state.error_catalog.entries.values()}
    return [{**x, "message": words.get(x["code"], x["code"])} for x in reasons]


def _item(row: dict | None) -> dict | None:
    """What a result prints about the copy scanned (title, barcode, status, borrower and due date when on loan),
    from q.scanned or q.loan; kept under `item`, never `copy` (a dict's method of that name)."""
    if row is None:
        return None
    return {"title": row.get("title"), "barcode": row.get("barcode"), "status": row.get("status") or row.get("copy_status"),
            "loan_id": row.get("loan_id"), "patron_id": row.get("patron_id"), "due_at": row.get("due_at"),
            "borrower": " ".join(x for x in (row.get("first_name"), row.get("last_name")) if x) or None,
            "card_number": row.get("card_number"), "branch_name": row.get("branch_name"),
            "shelf_location": row.get("shelf_location"), "branch_id": row.get("branch_id")}


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
    card = ctx.arg("card")[:100]
    patron_id = ctx.int_arg("patron_id")
    summary, not_found, matches, total = None, None, [], 0
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        p = q.patron_by_card(s, card) if card else (q.patron(s, patron_id) if patron_id else None)
        if p is None and card:
            # not a card: a name (or an e-mail), through the one patron search; one match is the patron
            matches, total = pq.search(s, card, limit=MATCHES)
            p = matches[0] if total == 1 else None
        if p is not None:
            summary = q.summary(s, p["patron_id"])
            matches = []
        elif (card or patron_id) and not matches:
            not_found = card or str(patron_id)
    return ctx.render("desk/checkout.html", title="Check out", branch=branch, summary=summary, not_found=not_found,
                      card=summary["patron"]["card_number"] if summary else card, matches=matches,
                      more_matches=total > len(matches), results=[])


MATCHES = 20  # patrons listed for a name typed at checkout


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
                                                        due, override, ctx.arg("override_codes") or None,
                                                        ctx.text("override_note", 400) or None)
            result = _result("ok", "Checked out", loan={"loan_id": loan_id, "title": copy and copy["title"],
                                                         "barcode": barcode, "material_id": copy and copy["material_id"],
                                                         "cover_image": copy and copy["cover_image"]},
                             due_at=due_at, barcode=barcode, overridden=bool(overridden))
        except DbError as exc:
            result = _offer_override(ctx, _refused(ctx, exc, barcode=barcode, item=_item(copy)), override)
    # the patron panel beside the answer: the page's view of the patron, read as any page view is
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        p = q.patron_by_card(s, card) if card else None
        summary = q.summary(s, p["patron_id"]) if p else None
    return _answer(ctx, "desk/checkout.html", result, title="Check out", branch=branch, summary=summary, card=card,
                   not_found=None if p else card, action="checkout")


def _offer_override(ctx: web.Ctx, r: dict, override: str) -> dict:
    """A refused checkout or renewal offers the override form to CIRC_OVERRIDE when every reason may be passed
    (app_errors.overridable, checked again by the package), naming them all."""
    with ctx.read() as s:
        r["can_override"] = (ctx.user.has("CIRC_OVERRIDE") and override != "Y"
                             and vocabulary.overridable(s, r["code"])
                             and all(x["overridable"] for x in r["reasons"] or []))
    r["override_codes"] = ",".join(x["code"] for x in r["reasons"] or [{"code": r["code"]}])
    return r


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
            loan_id, _, _, fine_id, amount, hold_id, _, hold_status, transit_to, _ = ctx.run(
                lib_circulation.checkin_desk, None, None, barcode, branch_id, None, None, condition)  # a note
            slip = None
            if hold_id is not None:
                # the slip names who the copy is for: that patron's card and the pickup branch
                with ctx.read() as s:
                    hold = q.hold_for_slip(s, hold_id)
                slip = {"kind": "shelf" if hold_status == "READY" else "transit", "hold": hold,
                        "to_branch": hold["pickup_branch"]}
            loan = copy if loan_id and copy and copy["loan_id"] == loan_id else None
            result = _result("ok" if loan_id else "info", "Returned" if loan_id else "Received in transit",
                             loan=loan, item=_item(copy), barcode=barcode,
                             fine={"fine_id": fine_id, "amount": amount} if fine_id and amount else None,
                             slip=slip, away=(transit_to is not None and slip is None))
        except DbError as exc:
            result = _refused(ctx, exc, barcode=barcode, item=_item(copy))
    return _answer(ctx, "desk/return.html", result, title="Return", branch=branch, action="return")


# ---- renew -----------------------------------------------------------------------------------

@web.page("/desk/renew", "CIRC_RENEW")
def renew_page(ctx: web.Ctx) -> Response:
    """The renewal scan field."""
    return ctx.render("desk/renew.html", title="Renew", results=[])


@web.page("/desk/renew", "CIRC_RENEW", methods=["POST"], name="renew_scan")
def renew_scan(ctx: web.Ctx) -> Response:
    """Renew by scanned barcode or by loan id (lib_circulation.renew_desk); a refusal offers the override form as
    checkout's does (CIRC_OVERRIDE, every reason named, a note)."""
    barcode, loan_id = ctx.arg("barcode"), ctx.int_arg("loan_id")
    card = ctx.arg("card")
    override = "Y" if ctx.arg("override") == "Y" else "N"
    if not barcode and loan_id is None:
        result = _result("refused", "Nothing scanned", message="Scan or type a copy barcode.", code="VALIDATION_ERROR",
                         status=422)
    else:
        with ctx.read() as s:
            loan = q.loan(s, loan_id) if loan_id is not None else q.scanned(s, barcode=barcode)
        try:
            loan_id, due_at, renewals, overridden = ctx.run(
                lib_circulation.renew_desk, loan_id, None if loan_id is not None else barcode, override,
                ctx.arg("override_codes") or None, ctx.text("override_note", 400) or None)
            result = _result("ok", "Renewed", loan=loan, due_at=due_at, renewals=renewals, barcode=barcode,
                             overridden=bool(overridden))
        except DbError as exc:
            result = _offer_override(ctx, _refused(ctx, exc, barcode=barcode or (loan and loan["barcode"]),
                                                   item=_item(loan)), override)
            result["loan_id"] = loan_id
    back = ctx.arg("back")
    if back.startswith("/patrons/") or back == "/desk":
        r = result
        what = f"“{loan['title']}” ({loan['barcode']})" if loan else ""
        flash = (f"Renewed {what}: now due {r['due_at']:%Y-%m-%d}" if r["kind"] == "ok"
                 else f"Not renewed {what}: {r['message']} ({r['code']})")
        return ctx.redirect(back + (f"?card={card}" if back == "/desk" and card else ""), flash,
                            "ok" if r["kind"] == "ok" else "error")
    return _answer(ctx, "desk/renew.html", result, title="Renew", action="renew")


@web.page("/desk/renew-all", "CIRC_RENEW", methods=["POST"], name="renew_all")
def renew_all(ctx: web.Ctx) -> Response:
    """Renew every current loan of the patron (card): lib_circulation.renew_all, one call answering per loan, one
    refusal not stopping the others. When some loans were refused only for overridable reasons, the page offers the
    override form (as a refused renewal's, CIRC_OVERRIDE): sent, it renews all again with those reasons named."""
    card = ctx.arg("card")
    override = "Y" if ctx.arg("override") == "Y" else "N"
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        p = q.patron_by_card(s, card) if card else None
        loans = {x["loan_id"]: x for x in q.current_loans(s, p["patron_id"], library_clock(s))} if p else {}
    results, answer = [], None
    if p:
        try:
            _, answer = ctx.run(lib_circulation.renew_all, p["patron_id"], None, override,
                                ctx.arg("override_codes") or None, ctx.text("override_note", 400) or None)
        except DbError as exc:  # the override asked without a note or CIRC_OVERRIDE: nothing renewed
            results.append(_refused(ctx, exc, action="renew"))
    for x in renew_all_results(answer):
        loan = loans.get(x["loan_id"]) or {}
        row = {**loan, "first_name": p["first_name"], "last_name": p["last_name"]}
        if x["ok"]:
            results.append(_result("ok", "Renewed", action="renew", loan=row, due_at=x["due_at"],
                                   renewals=x["renewals"], barcode=loan.get("barcode"),
                                   overridden=bool(x["overridden"])))
        else:
            reasons = _in_words(ctx, [{"code": c, "overridable": c in x["overridable"]} for c in x["reasons"]])
            results.append(_result("refused", "Refused", action="renew", code=x["code"], status=409, reasons=reasons,
                                   message=reasons[0]["message"], barcode=loan.get("barcode"), item=_item(row)))
    with ctx.read() as s:
        summary = q.summary(s, p["patron_id"]) if p else None
    renewed = sum(1 for r in results if r["kind"] == "ok")
    return ctx.render("desk/checkout.html", title="Check out", branch=branch, summary=summary, card=card,
                      not_found=None if p else card, matches=[], results=results,
                      renew_all={"renewed": renewed, "refused": len(results) - renewed,
                                 "override": _renew_all_override(ctx, card, renew_all_results(answer), override)})


def _renew_all_override(ctx: web.Ctx, card: str, results: list[dict], override: str) -> dict | None:
    """The override form of Renew all (desk/_override_form.html) for CIRC_OVERRIDE when some loans were refused
    only for reasons an override may pass: every such reason named and confirmed; None when there is none."""
    passable = [x for x in results if not x["ok"] and set(x["reasons"]) <= set(x["overridable"])]
    if not passable or override == "Y" or not ctx.user.has("CIRC_OVERRIDE"):
        return None
    codes = list(dict.fromkeys(c for x in passable for c in x["reasons"]))
    return {"action": "/desk/renew-all", "hidden": {"card": card}, "codes": ",".join(codes), "loans": len(passable),
            "reasons": _in_words(ctx, [{"code": c, "overridable": True} for c in codes]),
            "button": f"Override and renew {len(passable)}"}


# ---- receipts and slips (printed from the browser: print stylesheet, no PDF) ------------------------

@web.page("/desk/receipt", "CIRC_CHECKOUT")
def checkout_receipt(ctx: web.Ctx) -> Response:
    """The patron's checkout receipt: today's checkouts first, then the other current loans, with due dates."""
    card = ctx.arg("card")
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        p = q.patron_by_card(s, card) if card else None
        if p is None:
            return web.error_page(ctx.request, 404, "No such patron", "No patron has this card.", ctx.user)
        clock = library_clock(s)
        summary = q.summary(s, p["patron_id"], clock)
    today = [r for r in summary["loans"] if clock.local_day(r["checkout_at"]) == clock.today]
    others = [r for r in summary["loans"] if clock.local_day(r["checkout_at"]) != clock.today]
    return ctx.render("desk/receipt.html", title="Checkout receipt", summary=summary, today=today, others=others,
                      branch=branch, printed_at=clock.now)


@web.page("/desk/slip", "CIRC_RETURN", "HOLD_MANAGE")
def slip(ctx: web.Ctx) -> Response:
    """A hold slip (?hold_id=: who the copy is for, where to pick it up), or a transit slip (a hold's copy on its
    way to the pickup branch, or ?barcode= for a copy going home to its branch)."""
    hold_id, barcode = ctx.int_arg("hold_id"), ctx.arg("barcode")[:60]
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        hold = q.hold_for_slip(s, hold_id) if hold_id else None
        copy = q.scanned(s, barcode=barcode) if barcode else (
            q.copy_of_hold(s, hold_id) if hold and hold["copy_id"] else None)
        clock = library_clock(s)
    if hold is None and copy is None:
        return web.error_page(ctx.request, 404, "Nothing to print", "No such hold or copy.", ctx.user)
    kind = "hold" if hold and hold["status"] == "READY" else "transit"
    to_branch = hold["pickup_branch"] if hold else copy["branch_name"]
    return ctx.render("desk/slip.html", title="Hold slip" if kind == "hold" else "Transit slip", kind=kind,
                      hold=hold, item=_item(copy), to_branch=to_branch, branch=branch, printed_at=clock.now)


# ---- item search ---------------------------------------------------------------------------------

ITEM_SEARCH = ("CIRC_CHECKOUT", "CIRC_RETURN", "CIRC_RENEW", "HOLD_MANAGE", "CATALOG_EDIT")


@web.page("/desk/items", *ITEM_SEARCH)
def item_search(ctx: web.Ctx) -> Response:
    """Title, author, ISBN or barcode: the titles with each copy, its status, where it is, who has it (to
    staff who see patrons: PATRON_VIEW or the desk's checkout and return, not a cataloger) and when it is due."""
    text = ctx.arg("q")[:200]
    paging = ctx.paging()
    rows, total = [], 0
    with ctx.read() as s:
        if text:
            copy = q.copy_by_barcode(s, text)
            if copy is not None:
                book = catalog.book(s, copy["material_id"])
                rows, total = ([book] if book else []), (1 if book else 0)
            else:
                rows, total = catalog.search(s, text, None, None, None, paging.number, paging.size)
            copies = q.copies_of(s, [r["material_id"] for r in rows])
            for r in rows:
                r["copies"] = copies.get(r["material_id"], [])
    return ctx.render("desk/items.html", title="Find an item", q=text, rows=rows, total=total, paging=paging,
                      pages=paging.pages(total), barcode=text,
                      sees_patrons=ctx.user.has("PATRON_VIEW", "CIRC_CHECKOUT", "CIRC_RETURN"))


# ---- transits and copies declared lost -------------------------------------------------------------

@web.page("/desk/transits", "CIRC_RETURN")
def transits_page(ctx: web.Ctx) -> Response:
    """The copies on their way to or from the desk's branch (open transits, oldest first), each of which may be
    declared lost when it never arrives."""
    direction = ctx.arg("direction", "both")
    direction = direction if direction in tq.DIRECTIONS else "both"
    paging = ctx.paging()
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        here = branch["current"]["branch_id"] if branch["current"] else None
        rows, total = tq.open_transits(s, here, direction, paging.size, paging.offset) if here else ([], 0)
    return ctx.render("desk/transits.html", title="Transits", branch=branch, rows=rows, total=total,
                      direction=direction, paging=paging, pages=paging.pages(total))


LOST_BACK = re.compile(r"^/desk/transits(\?direction=[a-z]+)?$|^/admin/material/detail\?pk=[0-9]+$")


@web.page("/desk/lost", "CIRC_RETURN", methods=["POST"], name="declare_copy_lost")
def declare_copy_lost(ctx: web.Ctx) -> Response:
    """A copy not on loan declared lost with a reason (lib_circulation.mark_copy_lost), from the transits list or
    the title's holdings; back there, where the copy now reads Lost (or has left the transits list)."""
    barcode, reason = ctx.arg("barcode"), ctx.text("reason", 400)
    back = ctx.arg("back")
    back = back if LOST_BACK.match(back) else "/desk/transits"
    with ctx.read() as s:
        copy = q.copy_by_barcode(s, barcode) if barcode else None
    what = f"“{copy['title']}” ({copy['barcode']})" if copy else "The copy"
    if reason is None:  # the form asks for it (confirm with a reason): none, nothing changes
        return _back(ctx, back, f"Say why {what} is declared lost: nothing was changed.", 422)
    try:
        ctx.run(lib_circulation.mark_copy_lost, None, barcode or None, reason)
    except DbError as exc:
        r = ctx.refusal(exc)
        return _back(ctx, back, f"Not declared lost: {what}: {r.plain} ({r.code})", r.status)
    return _back(ctx, back, f"Declared lost: {what} ({reason}).")


def _back(ctx: web.Ctx, back: str, message: str, refused: int | None = None) -> Response:
    """Back to the page the form was on, with the message. The title page (the table screens) shows no staff
    message: it shows the copy Lost, and a refusal is answered on the error page."""
    if not back.startswith("/admin/"):
        return ctx.redirect(back, message, "error" if refused else "ok")
    if refused:
        return web.error_page(ctx.request, refused, "Not declared lost", message, ctx.user)
    return ctx.redirect(back)


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
    return ctx.redirect(back if back in ("/desk", "/desk/return", "/holds/pull", "/desk/transits") else "/desk")


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
