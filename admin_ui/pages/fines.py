"""Fines: outstanding fines, payments, waivers with a reason, refunds, payment history (/staff/fines...).

Paying is lib_fines.pay (FINE_COLLECT), waiving lib_fines.waive and refunding lib_fines.refund (FINE_WAIVE):
the waive and refund buttons are only drawn for users with FINE_WAIVE, and their addresses answer 403 to
anyone else.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from starlette.responses import Response

from admin_ui import web
from datalayer.packages import lib_fines
from datalayer.reads import desk as dq
from datalayer.reads import fines as q
from datalayer.reads import patrons as pq
from datalayer.reads import vocabulary
from datalayer.session import DbError


def _back(ctx: web.Ctx) -> str:
    patron_id = ctx.int_arg("patron_id")
    return f"/fines?patron_id={patron_id}" if patron_id else "/fines"


def _amount(ctx: web.Ctx) -> Decimal | None:
    """The form's amount as typed ("$2.50", "1,000"), None when it is not a number."""
    try:
        return Decimal(ctx.arg("amount").replace("$", "").replace(",", ""))
    except InvalidOperation:
        return None


@web.page("/fines", "FINE_COLLECT")
def list_fines(ctx: web.Ctx) -> Response:
    """Outstanding fines (all patrons, or one patron's with pay and waive forms)."""
    patron_id = ctx.int_arg("patron_id")
    status = ctx.arg("status", "OPEN").upper()
    paging = ctx.paging()
    with ctx.read() as s:
        # the choices are the vocabulary's rows: fine statuses, and the ways a patron pays (is_tender)
        statuses = [r["code"] for r in vocabulary.choices(s, "fine_statuses")] + ["ALL"]
        methods = [r["code"] for r in vocabulary.choices(s, "payment_methods", "is_tender")]
        status = status if status in statuses else "OPEN"
        patron = dq.patron(s, patron_id) if patron_id else None
        rows, total = q.listing(s, patron_id if patron else None, status, paging.size, paging.offset)
        outstanding = q.outstanding_total(s, patron_id if patron else None)
    return ctx.render("fines/list.html", title="Fines", rows=rows, total=total, status=status, patron=patron,
                      outstanding=outstanding, methods=methods, statuses=statuses, paging=paging,
                      receipt=ctx.int_arg("receipt") if patron else None,
                      refund_receipt=ctx.int_arg("refund") if patron else None,
                      pages=paging.pages(total))


@web.page("/fines/{fine_id:int}/pay", "FINE_COLLECT", methods=["POST"], name="pay_fine")
def pay_fine(ctx: web.Ctx) -> Response:
    """lib_fines.pay: the amount (default: all that is owed) by the chosen method."""
    fine_id = ctx.request.path_params["fine_id"]
    amount = _amount(ctx)
    if amount is None:
        return ctx.redirect(_back(ctx), "Enter the amount paid, e.g. 2.50.", "error")
    method = ctx.arg("method").upper()
    try:
        with ctx.tx() as s:
            balance = lib_fines.pay(s, fine_id, amount, method, ctx.text("note", 400)).balance
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(_back(ctx), f"Payment refused: {r.plain} ({r.code})", "error")
    rest = f" {web.money(balance)} still owed on it." if balance else " The fine is paid."
    return ctx.redirect(_receipt_back(ctx, 1), f"Payment of {web.money(amount)} taken.{rest}")


def _receipt_back(ctx: web.Ctx, payments: int) -> str:
    """The patron's fines with the link to print the receipt of the payments just taken."""
    patron_id = ctx.int_arg("patron_id")
    return f"/fines?patron_id={patron_id}&receipt={payments}" if patron_id else "/fines"


@web.page("/fines/pay-all", "FINE_COLLECT", methods=["POST"], name="pay_all")
def pay_all(ctx: web.Ctx) -> Response:
    """lib_fines.pay_all: one amount towards the patron's whole balance (oldest fines first)."""
    patron_id = ctx.int_arg("patron_id")
    amount = _amount(ctx)
    if amount is None:
        return ctx.redirect(_back(ctx), "Enter the amount paid, e.g. 2.50.", "error")
    try:
        with ctx.tx() as s:
            out = lib_fines.pay_all(s, patron_id, amount, ctx.arg("method").upper(), ctx.text("note", 400))
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(_back(ctx), f"Payment refused: {r.plain} ({r.code})", "error")
    rest = f" {web.money(out.balance)} still owed." if out.balance else " Nothing is owed any more."
    return ctx.redirect(_receipt_back(ctx, out.payments),
                        f"Payment of {web.money(amount)} taken on {out.payments} fine{'s' if out.payments != 1 else ''}.{rest}")


@web.page("/fines/receipt", "FINE_COLLECT")
def payment_receipt(ctx: web.Ctx) -> Response:
    """The receipt of the patron's last `n` payments (those just taken: pay is one, pay all one per fine), or
    with `refund` the receipt of that refund."""
    patron_id = ctx.int_arg("patron_id")
    n = min(max(ctx.int_arg("n") or 1, 1), 100)
    refund_id = ctx.int_arg("refund")
    with ctx.read() as s:
        patron = dq.patron(s, patron_id) if patron_id else None
        refund = q.refund(s, patron_id, refund_id) if patron and refund_id else None
        if patron is None or (refund_id and refund is None):
            return web.error_page(ctx.request, 404, "No such patron", "There is no such patron or refund.", ctx.user)
        if refund:
            outstanding = q.outstanding_total(s, patron_id)
            return ctx.render("fines/receipt.html", title="Refund receipt", patron=patron, refund=refund,
                              rows=[refund], total=refund["amount"], outstanding=outstanding)
        rows, _ = pq.payments(s, patron_id, n, 0)
        outstanding = q.outstanding_total(s, patron_id)
    total = sum((Decimal(str(r["amount"])) for r in rows), Decimal("0"))
    return ctx.render("fines/receipt.html", title="Payment receipt", patron=patron, rows=rows, total=total,
                      outstanding=outstanding)


@web.page("/fines/{fine_id:int}/waive", "FINE_WAIVE", methods=["POST"], name="waive_fine")
def waive_fine(ctx: web.Ctx) -> Response:
    """lib_fines.waive with the reason given (required)."""
    fine_id = ctx.request.path_params["fine_id"]
    try:
        with ctx.tx() as s:
            lib_fines.waive(s, fine_id, ctx.text("reason", 400))
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(_back(ctx), f"Not waived: {r.plain} ({r.code})", "error")
    return ctx.redirect(_back(ctx), "Fine waived.")


@web.page("/fines/{fine_id:int}/refund", "FINE_WAIVE", methods=["POST"], name="refund_fine")
def refund_fine(ctx: web.Ctx) -> Response:
    """lib_fines.refund: pay back the amount (default: all that may be refunded) by the chosen method, with the
    reason given (required)."""
    fine_id = ctx.request.path_params["fine_id"]
    amount = _amount(ctx)
    if amount is None:
        return ctx.redirect(_back(ctx), "Enter the amount to refund, e.g. 2.50.", "error")
    try:
        with ctx.tx() as s:
            out = lib_fines.refund(s, fine_id, amount, ctx.arg("method").upper(), ctx.text("reason", 400))
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(_back(ctx), f"Not refunded: {r.plain} ({r.code})", "error")
    patron_id = ctx.int_arg("patron_id")
    back = f"/fines?patron_id={patron_id}&status=ALL&refund={out.refund_id}" if patron_id else "/fines"
    rest = " The fine is refunded." if out.status == "REFUNDED" else f" {web.money(out.refundable)} may still be refunded."
    return ctx.redirect(back, f"Refund of {web.money(amount)} paid back.{rest}")


@web.page("/fines/payments", "FINE_COLLECT")
def payment_history(ctx: web.Ctx) -> Response:
    """Payments taken, newest first (one patron's with ?patron_id=)."""
    patron_id = ctx.int_arg("patron_id")
    paging = ctx.paging()
    with ctx.read() as s:
        rows, total = pq.payments(s, patron_id, paging.size, paging.offset)
        patron = dq.patron(s, patron_id) if patron_id else None
    return ctx.render("fines/payments.html", title="Payment history", rows=rows, total=total, patron=patron,
                      paging=paging, pages=paging.pages(total))
