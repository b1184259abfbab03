"""Holds: the pending queue, the hold shelf (ready for pickup), expired holds (/staff/holds)."""
from __future__ import annotations

from starlette.responses import Response

from admin_ui import web
from admin_ui.reads import desk as dq
from admin_ui.reads import holds as q
from api.db.session import DbError


@web.page("/holds", "HOLD_MANAGE")
def list_holds(ctx: web.Ctx) -> Response:
    """One tab per state: PENDING (queue order per title), READY (oldest expiry first), EXPIRED."""
    status = ctx.arg("status", "READY").upper()
    status = status if status in q.STATUSES else "READY"
    branch_id = ctx.int_arg("branch_id")
    page_no = max(ctx.int_arg("page") or 1, 1)
    with ctx.read() as s:
        rows, total = q.listing(s, status, branch_id, 50, (page_no - 1) * 50)
        counts = q.counts(s)
        branches = dq.branches(s)
    return ctx.render("holds/list.html", title="Holds", rows=rows, total=total, status=status, counts=counts,
                      branches=branches, branch_id=branch_id, page=page_no, pages=max((total + 49) // 50, 1))


@web.page("/holds/{hold_id:int}/cancel", "HOLD_MANAGE", methods=["POST"], name="cancel_hold")
def cancel_hold(ctx: web.Ctx) -> Response:
    """lib_holds.cancel (a READY hold's copy goes to the next patron in the queue)."""
    hold_id = ctx.request.path_params["hold_id"]
    reason = ctx.arg("reason")[:400] or "Cancelled at the desk"
    back = ctx.arg("back")
    back = back if back.startswith("/patrons/") or back.startswith("/holds") else "/holds"
    try:
        with ctx.tx() as s:
            s.call("lib_holds.cancel", hold_id, reason)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(back, f"{r.message} ({r.code})", "error")
    return ctx.redirect(back, f"Hold {hold_id} cancelled.")
