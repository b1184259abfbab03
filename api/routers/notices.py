"""Public, signed entry points of the notices: the one-click unsubscribe link of every e-mail (RFC 8058:
GET shows a confirmation page, POST unsubscribes, as mail clients do with List-Unsubscribe-Post) and the
mail provider's event webhook (SendGrid, ECDSA-signed: bounces, drops and spam reports mark the address
undeliverable). Neither takes a token: the signature is the proof (services/notices/links.py, webhook.py)."""
from __future__ import annotations

import html
import logging
import os

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.deps import Db, public
from api.errors import ApiError, responses
from datalayer.packages import lib_notices
from datalayer.session import Session
from services.notices import links, webhook
from services.notices.preferences import TYPES

log = logging.getLogger("ils.api")
router = APIRouter(tags=["notices"], dependencies=[Depends(public())])

LINK_INVALID = -20480
SIGNATURE_INVALID = -20481
_LABELS = {**TYPES, "LOAN_DIGEST": "Loans due soon and overdue (the daily summary)", "ALL": "All library e-mails"}


def _link(token: str) -> tuple[int, str]:
    try:
        patron_id, notice_type = links.read(token)
    except links.InvalidLink:
        raise ApiError(400, "UNSUBSCRIBE_LINK_INVALID", "The unsubscribe link is not valid.",
                       db_code=LINK_INVALID) from None
    if notice_type not in _LABELS:
        raise ApiError(400, "UNSUBSCRIBE_LINK_INVALID", "The unsubscribe link is not valid.", db_code=LINK_INVALID)
    return patron_id, notice_type


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
                        f"<meta name=viewport content='width=device-width'></head><body><main><h1>"
                        f"{html.escape(title)}</h1>{body}</main></body></html>")


@router.get("/api/notices/unsubscribe/{token}", response_class=HTMLResponse, responses=responses(400))
async def unsubscribe_page(token: str) -> HTMLResponse:
    """The page of the unsubscribe link: says what stops and asks to confirm (a GET never changes anything,
    so a link scanner opening it does not unsubscribe)."""
    _, notice_type = _link(token)
    what = html.escape(_LABELS[notice_type])
    return _page("Unsubscribe", f"<p>Stop e-mails from the library about: <strong>{what}</strong>?</p>"
                                f"<form method=post><button type=submit id=confirm>Unsubscribe</button></form>"
                                f"<p>You can turn them on again in your account's notice preferences.</p>")


@router.post("/api/notices/unsubscribe/{token}", response_class=HTMLResponse, responses=responses(400, 404))
async def unsubscribe(token: str, db: Db) -> HTMLResponse:
    """Unsubscribe (the confirmation form, or a mail client's one-click POST with List-Unsubscribe=One-Click)."""
    patron_id, notice_type = _link(token)
    await db.transact(None, lambda s: lib_notices.unsubscribe(s, patron_id, notice_type))
    return _page("Unsubscribed", f"<p id=done>You will no longer get e-mails about: "
                                 f"<strong>{html.escape(_LABELS[notice_type])}</strong>.</p>")


@router.post("/api/webhooks/sendgrid", status_code=204, responses=responses(403))
async def sendgrid_events(request: Request, db: Db) -> None:
    """SendGrid's event webhook, signed (ECDSA P-256 over timestamp + body, key ILS_SENDGRID_WEBHOOK_KEY).
    Unsigned, wrongly signed or stale (over 5 minutes) requests are 403 WEBHOOK_SIGNATURE_INVALID."""
    body = await request.body()
    try:
        webhook.verify(os.environ.get("ILS_SENDGRID_WEBHOOK_KEY", ""), request.headers.get(webhook.SIGNATURE_HEADER),
                       request.headers.get(webhook.TIMESTAMP_HEADER), body)
        events = webhook.undeliverable(body)
    except webhook.Refused as exc:
        log.warning("sendgrid webhook refused: %s", exc)
        raise ApiError(403, "WEBHOOK_SIGNATURE_INVALID", "The event webhook request is unsigned, wrongly signed "
                       "or too old.", db_code=SIGNATURE_INVALID) from None
    if events:
        def work(s: Session) -> None:
            for e in events:
                lib_notices.mark_undeliverable(s, e.email, e.reason)
        await db.transact(None, work)
