"""Holds: the pending queue, the hold shelf (ready for pickup), expired holds (/staff/holds), the pull list
with the capture of pulled copies (lib_holds.trap_copy), and a hold placed at the desk for a patron (from
the patron record)."""
from __future__ import annotations

from starlette.responses import Response

from admin_ui import web
from admin_ui.pages.desk import desk_branch
from datalayer.packages import lib_holds
from datalayer.reads import catalog
from datalayer.reads import desk as dq
from datalayer.reads import holds as q
from datalayer.session import DbError


@web.page("/holds", "HOLD_MANAGE")
def list_holds(ctx: web.Ctx) -> Response:
    """One tab per state: PENDING (queue order per title), READY (oldest expiry first), EXPIRED."""
    status = ctx.arg("status", "READY").upper()
    status = status if status in q.STATUSES else "READY"
    branch_id = ctx.int_arg("branch_id")
    paging = ctx.paging()
    with ctx.read() as s:
        rows, total = q.listing(s, status, branch_id, paging.size, paging.offset)
        counts = q.counts(s)
        branches = dq.branches(s)
    return ctx.render("holds/list.html", title="Holds", rows=rows, total=total, status=status, counts=counts,
                      branches=branches, branch_id=branch_id, paging=paging, pages=paging.pages(total))


@web.page("/holds/pull", "HOLD_MANAGE")
def pull_list(ctx: web.Ctx) -> Response:
    """The pull list of the desk's branch: copies on its shelves that waiting holds could take."""
    return _pull_page(ctx, None)


@web.page("/holds/capture", "HOLD_MANAGE", methods=["POST"], name="capture_copy")
def capture_copy(ctx: web.Ctx) -> Response:
    """A pulled copy scanned: lib_holds.trap_copy at the desk's branch, then the slip to file it by."""
    barcode = ctx.arg("barcode")[:60].replace("\x00", "")
    with ctx.read() as s:
        branch = desk_branch(ctx, s)
        copy = dq.copy_by_barcode(s, barcode) if barcode else None
    if copy is None:
        return _pull_page(ctx, {"kind": "refused", "barcode": barcode, "code": "COPY_NOT_FOUND",
                                "message": "No copy has this barcode." if barcode else "Scan or type a copy barcode."},
                          branch, 404 if barcode else 422)
    try:
        with ctx.tx() as s:
            hold_id = lib_holds.trap_copy(s, copy["copy_id"], branch["current"]["branch_id"]).hold_id
    except DbError as exc:
        r = ctx.refusal(exc)
        return _pull_page(ctx, {"kind": "refused", "barcode": barcode, "copy": copy, "code": r.code,
                                "message": r.plain}, branch, r.status)
    with ctx.read() as s:
        hold = dq.hold_for_slip(s, hold_id) if hold_id else None
    return _pull_page(ctx, {"kind": "ok" if hold else "info", "barcode": barcode, "copy": copy, "hold": hold}, branch)


def _pull_page(ctx: web.Ctx, result: dict | None, branch: dict | None = None, http_status: int = 200) -> Response:
    with ctx.read() as s:
        branch = branch or desk_branch(ctx, s)
        here = branch["current"]["branch_id"] if branch["current"] else None
        rows = q.pull_list(s, here) if here is not None else []
        counts = q.counts(s)
    return ctx.render("holds/pull.html", http_status=http_status, title="Pull list", rows=rows, counts=counts,
                      branch=branch, result=result, back="/holds/pull")


@web.page("/holds/{hold_id:int}/cancel", "HOLD_MANAGE", methods=["POST"], name="cancel_hold")
def cancel_hold(ctx: web.Ctx) -> Response:
    """lib_holds.cancel (a READY hold's copy goes to the next patron in the queue)."""
    hold_id = ctx.request.path_params["hold_id"]
    reason = ctx.text("reason", 400)
    back = ctx.arg("back")
    back = back if back.startswith("/patrons/") or back.startswith("/holds") else "/holds"
    if reason is None:  # the form asks for it (confirm with a reason): none, nothing is cancelled
        return ctx.redirect(back, "Say why the hold is cancelled: the hold is kept.", "error")
    with ctx.read() as s:
        hold = dq.hold_for_slip(s, hold_id)
    what = f"“{hold['title']}” for {hold['first_name']} {hold['last_name']}" if hold else "The hold"
    try:
        with ctx.tx() as s:
            lib_holds.cancel(s, hold_id, reason)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(back, f"Not cancelled: {what}: {r.plain} ({r.code})", "error")
    return ctx.redirect(back, f"Hold cancelled: {what} ({reason}).")


@web.page("/patrons/{patron_id:int}/holds", "HOLD_MANAGE", methods=["POST"], name="place_hold")
def place_hold(ctx: web.Ctx) -> Response:
    """lib_holds.place for the patron. The title is the one chosen from a list (material_id), or found by
    what the patron brings to the desk: a copy's barcode, an ISBN, or words of the title or author; several
    matches give the list to choose from."""
    patron_id = ctx.request.path_params["patron_id"]
    pickup = ctx.int_arg("pickup_branch_id")
    material_id = ctx.int_arg("material_id")
    text = ctx.arg("item").replace("\x00", "")[:200]
    back = f"/patrons/{patron_id}"
    if material_id is None:
        if not text:
            return ctx.redirect(back, "Type a title, an author, an ISBN or a copy barcode to place a hold.", "error")
        with ctx.read() as s:
            copy = dq.copy_by_barcode(s, text)
            if copy is not None:
                material_id = copy["material_id"]
            else:
                rows, total = catalog.search(s, text, None, None, None, 1, 10)
                if total == 1:
                    material_id = rows[0]["material_id"]
                elif total > 1:
                    patron = dq.patron(s, patron_id)
                    if patron is None:
                        return web.error_page(ctx.request, 404, "No such patron", f"There is no patron {patron_id}.",
                                              ctx.user)
                    return ctx.render("holds/choose.html", title="Choose the title", rows=rows, total=total,
                                      text=text, p=patron, pickup=pickup)
        if material_id is None:
            return ctx.redirect(back, f"No title matches \u201c{text}\u201d.", "error")
    try:
        with ctx.tx() as s:
            # the title is the message's, not what place writes: read before the call, in its transaction
            title = s.scalar("SELECT title FROM materials WHERE material_id = :m", {"m": material_id})
            hold_id, position = lib_holds.place(s, patron_id, material_id, pickup)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect(back, f"{r.plain} ({r.code})", "error")
    return ctx.redirect(back, f"Hold placed on {title}: number {position} in the queue.")
